#!/usr/bin/env bash
# The device bundle's CPU path on this machine, end to end, so the GPU call is never its first run:
#   1. tools/device/pack.sh (or, with SKIP_PUBLISH=1, the bundle already in out/device/bundle),
#   2. unpacks out/device/joma-device-bundle.tar.gz into a temporary folder and runs it from there alone: PATH without
#      dotnet, no DOTNET_ROOT, JOMA_LIBTORCH_DIR = the NuGet CPU libtorch (what the module build bundles),
#   3. checks the JSON of info, a few training steps, a tiny extraction (maps and -ReduceOnly, equal entropies), that
#      --device cuda without a GPU fails with exit 2 and error CudaUnavailable naming what to do, and that a bad
#      command line exits 64,
#   4. feeds those CPU results to tools/device/summarize.py under the names check.sh gives its CUDA results, so the
#      summary step is exercised too (its "cuda" rows then compare the CPU with itself).
# Ends with "N passed, N failed". About 1-3 minutes after the publish (about 2 minutes on 2 busy cores).
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
if [ "${SKIP_PUBLISH:-0}" = 1 ] && [ -f out/device/joma-device-bundle.tar.gz ]; then
    echo "reusing out/device/joma-device-bundle.tar.gz"
else
    tools/device/pack.sh || exit 1
fi
libtorch=${JOMA_LIBTORCH_DIR:-}
if [ -z "$libtorch" ]; then
    packages=$(dotnet nuget locals global-packages --list 2>/dev/null | sed 's/^global-packages: *//')
    libtorch=${packages:-$HOME/.nuget/packages/}libtorch-cpu-linux-x64/2.10.0/runtimes/linux-x64/native
fi
[ -f "$libtorch/libtorch.so" ] || { echo "no CPU libtorch at $libtorch (restore the module once: ./build.ps1), or set JOMA_LIBTORCH_DIR"; exit 1; }

work=$(mktemp -d /tmp/joma-device-local.XXXXXX)
trap 'rm -rf "$work"' EXIT
tar -xzf out/device/joma-device-bundle.tar.gz -C "$work"
raw=$work/raw; mkdir -p "$raw" "$work/emptybin"
bin=$work/bin/joma-device-check
# The bundle alone: a PATH with no dotnet on it, no SDK variables, a current folder outside the repository.
alone() { (cd "$work" && env -i HOME="$HOME" PATH="$work/emptybin" JOMA_LIBTORCH_DIR="$libtorch" "$@"); }
passed=0; failed=0
check() {  # $1 description, $2 python expression over r (the JSON) that must be true, $3 JSON file
    if python3 - "$3" "$2" <<'PYEOF'
import json, sys
r = json.load(open(sys.argv[1]))
sys.exit(0 if eval(sys.argv[2]) else 1)
PYEOF
    then passed=$((passed + 1)); echo "  [+] $1"
    else failed=$((failed + 1)); echo "  [-] $1"; cat "$3" 2>/dev/null | head -c 2000; echo; fi
}
expect_rc() {  # $1 description, $2 expected exit code, $3 actual
    if [ "$2" = "$3" ]; then passed=$((passed + 1)); echo "  [+] $1"; else failed=$((failed + 1)); echo "  [-] $1 (exit $3, expected $2)"; fi
}
say() { echo "== $*"; }

say "info (from the bundle alone; JOMA_LIBTORCH_DIR=$libtorch)"
alone "$bin" info --out "$raw/info.json"; expect_rc "info exits 0" 0 $?
check "info: libtorch 2.10 from JOMA_LIBTORCH_DIR, LibTorchSharp from the bundle, no CUDA" \
    "r['ok'] and r['torch_version'].startswith('2.10') and r['cuda_available'] is False and r['libtorch_directory'] == '$libtorch' and any(p.startswith('$work/bin/') and p.endswith('libLibTorchSharp.so') for p in r['loaded_libraries'])" "$raw/info.json"
alone /bin/bash -c 'command -v dotnet' >/dev/null 2>&1; expect_rc "no dotnet on the bundle's PATH" 1 $?

say "train: 8 steps, 1 layer, reference shapes, CPU"
alone "$bin" train --device cpu --layers 1 --steps 8 --warmup 2 --dropout 0 --validation-lines 40 --ids-out "$work/ids.json" --out "$raw/compare-cpu-L1.json" 2> "$raw/train.stderr"
expect_rc "train exits 0" 0 $?
check "train: 8 finite losses, falling validation loss, tokens/s, vocabulary size" \
    "r['ok'] and r['steps'] == 8 and len(r['train_losses']) == 8 and all(x == x and 0 < x < 20 for x in r['train_losses']) and r['final_validation_loss'] < r['initial_validation_loss'] and r['tokens_per_second'] > 0 and r['vocabulary_size'] > 1000 and len(r['final_layer_entropy']) == 1 and r['batch'] == 20 and r['bptt'] == 35 and r['model_dimension'] == 200" "$raw/compare-cpu-L1.json"
check "train: --ids-out wrote the token ids for the PyTorch peer" "isinstance(r, list) and len(r) > 100000" "$work/ids.json"
alone "$bin" train --device cpu --layers 1 --steps 8 --warmup 2 --dropout 0 --validation-lines 40 --out "$raw/compare-cuda-L1.json" 2>/dev/null
check "train: the same seed repeats the losses exactly on the CPU" \
    "r['train_losses'] == json.load(open('$raw/compare-cpu-L1.json'))['train_losses']" "$raw/compare-cuda-L1.json"

say "extract: tiny random GPT-NeoX, maps and -ReduceOnly"
alone "$bin" extract --device cpu --shape tiny --checkpoint "$work/ckpt-tiny" --window 64 --windows 2 --maps-out "$work/maps" --out "$raw/extract-cpu-maps-tiny.json"
expect_rc "extract (maps) exits 0" 0 $?
alone "$bin" extract --device cpu --shape tiny --checkpoint "$work/ckpt-tiny" --window 64 --windows 2 --reduce-only --out "$raw/extract-cuda-reduce-tiny.json"
expect_rc "extract (-ReduceOnly) exits 0" 0 $?
check "extract: 2 windows x 2 layers x 4 heads of entropies, tokens/s" \
    "r['ok'] and r['windows'] == 2 and len(r['samples']) == 2 and all(len(s['layer_entropy']) == 2 and all(len(h) == 4 for h in s['head_entropy']) for s in r['samples']) and r['tokens_per_second'] > 0" "$raw/extract-cpu-maps-tiny.json"
check "extract: -ReduceOnly statistics equal the maps' statistics" \
    "r['samples'] == json.load(open('$raw/extract-cpu-maps-tiny.json'))['samples']" "$raw/extract-cuda-reduce-tiny.json"
[ -f "$work/maps/layer0.f32" ] && [ "$(stat -c %s "$work/maps/layer0.f32")" = $((4 * 64 * 64 * 4)) ]; expect_rc "extract: --maps-out wrote layer0.f32 [4, 64, 64]" 0 $?

say "--device cuda without a GPU"
alone "$bin" extract --device cuda --shape tiny --checkpoint "$work/ckpt-tiny" --out "$raw/cuda-hidden.json" 2> "$raw/cuda.stderr"
expect_rc "--device cuda exits 2" 2 $?
cat "$raw/cuda.stderr"
check "--device cuda: error CudaUnavailable, naming CUDA, the CPU-only libtorch and JOMA_LIBTORCH_DIR" \
    "not r['ok'] and r['error_id'] == 'CudaUnavailable' and 'CUDA was requested' in r['message'] and 'CPU-only' in r['message'] and 'JOMA_LIBTORCH_DIR' in r['message']" "$raw/cuda-hidden.json"
grep -q "error CudaUnavailable: CUDA was requested" "$raw/cuda.stderr"; expect_rc "--device cuda: the message is on stderr" 0 $?
alone "$bin" train --device gpu > /dev/null 2>&1; expect_rc "a bad --device value exits 64" 64 $?
alone "$bin" frobnicate > /dev/null 2>&1; expect_rc "an unknown command exits 64" 64 $?

say "summarize.py over these CPU results (under check.sh's names)"
echo '{"used": "nuget", "nuget_load_ok": true, "build": "skipped", "built_load_ok": false}' > "$raw/libtorchsharp.json"
echo '{"shape": "tiny"}' > "$raw/write-tiny.json"; echo 2 > "$raw/cuda-hidden.rc"
cp "$raw/extract-cpu-maps-tiny.json" "$raw/extract-cuda-maps-tiny.json"
python3 tools/device/summarize.py "$raw" "$work/summary" > "$work/summary.txt"; cat "$work/summary.txt"
check "summarize.py: results.json with training and extraction sections" \
    "r['summary']['libtorchsharp']['used'] == 'nuget' and r['summary']['training']['layers_1']['loss_max_abs_diff_first_steps'] == 0 and r['summary']['extraction']['tiny']['entropy_max_abs_diff_reduce_only_cuda_vs_cpu'] == 0 and r['summary']['selection']['cuda_hidden']['exit_code'] == 2" "$work/summary/results.json"
[ -s "$work/summary/summary.csv" ]; expect_rc "summarize.py: summary.csv written" 0 $?

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
