#!/usr/bin/env bash
# Benchmark: the engine's Dormand–Prince against scipy.integrate.solve_ivp(RK45) on the same problems,
# in the same run. Installs Debian's python3-scipy if missing. Not a test: it prints figures and ratios.
set -euo pipefail
cd "$(dirname "$0")/../.."
if ! /usr/bin/python3 -c 'import scipy' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-scipy >/dev/null
fi
dotnet tool restore >/dev/null
NO_COLOR=1 dotnet pwsh -NoProfile -NonInteractive -File ./bench/dynamics/run.ps1 "$@"
