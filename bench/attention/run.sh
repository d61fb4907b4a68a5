#!/usr/bin/env bash
# Benchmark: Get-JomaAttention (all maps, and -ReduceOnly) against a plain eager GPT-NeoX in PyTorch
# (bench/attention/gpt_neox_eager.py, all attention maps returned as output_attentions=True does), on a random
# Pythia-70m-shaped checkpoint written by the project's SafetensorsWriter. Tokens/second and peak resident memory
# (VmHWM of a fresh process per case), 2 threads each, PyTorch on OpenBLAS. Not a test: it prints figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
missing=()
dpkg -s python3-torch >/dev/null 2>&1 || missing+=(python3-torch)
dpkg -s libopenblas0-openmp >/dev/null 2>&1 || missing+=(libopenblas0-openmp)
if [ ${#missing[@]} -gt 0 ]; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
dotnet tool restore >/dev/null
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -File ./bench/attention/run.ps1 "$@"
