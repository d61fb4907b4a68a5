#!/usr/bin/env bash
# Peer cross-check (issue: reference-size reproductions): the authors' model in PyTorch on the vendored austen-kjv
# corpus with the reference settings, STEPS steps per seed, evaluated every 250 steps like Start-JomaTraining;
# writes docs/results/peer/peer-seed<S>.jsonl. Installs Debian's python3-torch and OpenBLAS if missing.
# usage: bench/peer/run.sh [STEPS=3000] [SEEDS="1 2"]
set -euo pipefail
cd "$(dirname "$0")/../.."
steps=${1:-3000}; seeds=${2:-"1 2"}
if ! /usr/bin/python3 -c 'import torch' 2>/dev/null; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq python3-torch libopenblas0-openmp >/dev/null
fi
mkdir -p docs/results/peer
for s in $seeds; do
    /usr/bin/python3 bench/peer/train_reference.py data/austen-kjv 1 "$steps" 250 "$s" "$(nproc)" "docs/results/peer/peer-seed$s.jsonl"
done
