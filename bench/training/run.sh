#!/usr/bin/env bash
# Benchmark: Start-JomaTraining against the authors' model in PyTorch (Debian's python3-torch run on OpenBLAS),
# same shapes, same thread count, in one run; plus the sgemm ceiling and the cost of attention statistics in
# evaluation. Installs what it needs. Not a test: it prints figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
need=()
/usr/bin/python3 -c 'import torch' 2>/dev/null || need+=(python3-torch)
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || need+=(libopenblas0-openmp)
if [ ${#need[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
fi
dotnet tool restore >/dev/null
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -File ./bench/training/run.ps1 "$@"
