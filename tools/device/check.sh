#!/usr/bin/env bash
# The GPU device check, one call on the borrowed machine (CUDA 13, nvcc, CMake, ninja, PyTorch 2.11+cu130; no .NET, no
# network). Run from the repository root with the bundle made by tools/device/pack.sh carried along:
#
#   tools/device/check.sh                  # results in $OUT (the device call's folder), else out/device/results
#
# 1. LibTorchSharp for the device's libtorch: a load test (LD_BIND_NOW=1: every symbol bound at load, so an ABI
#    mismatch fails here and not in the middle of a run) of TorchSharp 0.107's NuGet build (made for libtorch 2.10)
#    against PyTorch's libtorch, and a build of LibTorchSharp from TorchSharp's own src/Native (in the bundle) with
#    CMake + ninja against torch.utils.cmake_prefix_path. The built one is used when it builds and loads, else the
#    NuGet one when it loads; which one is recorded.
# 2. (a) the reference Wikitext model (1 and 2 layers, batch 20 x 35, d 200) for $STEPS steps on CUDA: tokens/s beside
#    the authors' PyTorch model on the same GPU; then $COMPARE_STEPS steps without dropout on CUDA and on this machine's
#    CPU (same seed): per-step losses, and validation loss and layer entropy after them.
#    (b) attention of random Pythia-410m- and 1.4B-shaped checkpoints: maps and -ReduceOnly statistics on CUDA against
#    the CPU (entropies within 1e-4, maps), and tokens/s and peak GPU memory against eager PyTorch on the GPU.
#    (c) --device cuda / auto selection, and the CudaUnavailable error with CUDA hidden (CUDA_VISIBLE_DEVICES="").
# 3. tools/device/summarize.py writes results.json and summary.csv (and check.log is this script's output) to $OUT.
#
# Every phase is skipped once $DEADLINE seconds have passed, so the results written so far always come back.
# Knobs (environment): STEPS (300), COMPARE_STEPS (20), COMPARE_VALIDATION_LINES (400: the CPU/CUDA comparison evaluates
# on the validation split's first lines, so the CPU side stays quick), SHAPES ("pythia-410m pythia-1.4b"),
# EXTRACT_WINDOW (2048), EXTRACT_WINDOWS (4), DEADLINE (400), BUILD_TIMEOUT (200), BUILD_LIBTORCHSHARP (1: 0 skips the
# build and uses the NuGet LibTorchSharp when it loads), PYTHON (python3), BUNDLE (out/device/joma-device-bundle.tar.gz).
# Timing (estimated, not yet measured): about 1 min to unpack and load-test, 2-3 min to build LibTorchSharp, 2 min of
# training, 3-4 min of extraction; give the device call timeout_s=540 and the phases past DEADLINE are skipped.
set -uo pipefail
cd "$(dirname "$0")/../.."
repo=$PWD
OUT=${OUT:-$repo/out/device/results}
mkdir -p "$OUT"
exec > >(tee "$OUT/check.log") 2>&1
start=$(date +%s)
STEPS=${STEPS:-300}; COMPARE_STEPS=${COMPARE_STEPS:-20}; DEADLINE=${DEADLINE:-400}; BUILD_TIMEOUT=${BUILD_TIMEOUT:-200}
COMPARE_VALIDATION_LINES=${COMPARE_VALIDATION_LINES:-400}
SHAPES=${SHAPES:-pythia-410m pythia-1.4b}; EXTRACT_WINDOW=${EXTRACT_WINDOW:-2048}; EXTRACT_WINDOWS=${EXTRACT_WINDOWS:-4}
PY=${PYTHON:-python3}
BUNDLE=${BUNDLE:-$repo/out/device/joma-device-bundle.tar.gz}
threads=$(nproc)
elapsed() { echo $(( $(date +%s) - start )); }
in_time() { if [ "$(elapsed)" -lt "$DEADLINE" ]; then return 0; fi; echo "!! deadline ${DEADLINE}s reached: skipping $1"; return 1; }
say() { echo "== [$(elapsed)s] $*"; }

work=$(mktemp -d /tmp/joma-device.XXXXXX)
[ "${KEEP_WORK:-0}" = 1 ] || trap 'rm -rf "$work"' EXIT   # KEEP_WORK=1 keeps the unpacked bundle, raw results and build
raw=$work/raw; mkdir -p "$raw"
say "bundle $BUNDLE -> $work"
[ -f "$BUNDLE" ] || { echo "no bundle at $BUNDLE: run tools/device/pack.sh here and carry out/device/joma-device-bundle.tar.gz"; exit 1; }
tar -xzf "$BUNDLE" -C "$work"
bin=$work/bin/joma-device-check
scripts=$work/scripts

"$PY" - > "$raw/environment.json" <<'PYEOF'
import json, os, subprocess, torch
gpu = subprocess.run(["nvidia-smi", "--query-gpu=name,driver_version,memory.total", "--format=csv,noheader"], capture_output=True, text=True).stdout.strip()
print(json.dumps({"torch": torch.__version__, "torch_cuda": torch.version.cuda, "cuda_available": torch.cuda.is_available(),
                  "gpu": gpu, "torch_lib": os.path.dirname(torch.__file__) + "/lib", "cmake_prefix_path": torch.utils.cmake_prefix_path,
                  "cxx11_abi": torch.compiled_with_cxx11_abi(), "cpus": os.cpu_count()}))
PYEOF
cat "$raw/environment.json"
export JOMA_LIBTORCH_DIR=$("$PY" -c 'import torch,os;print(os.path.dirname(torch.__file__)+"/lib")')
prefix=$("$PY" -c 'import torch;print(torch.utils.cmake_prefix_path)')
say "JOMA_LIBTORCH_DIR=$JOMA_LIBTORCH_DIR"

# ---- 1. LibTorchSharp -------------------------------------------------------------------------------------------
load_test() {  # $1 label: runs `info` with every symbol bound at load; writes $raw/load-$1.json
    LD_BIND_NOW=1 timeout 120 "$bin" info --out "$raw/load-$1.json" > "$raw/load-$1.log" 2>&1
    local rc=$?
    echo "load test ($1): exit $rc"; tail -n 5 "$raw/load-$1.log"
    return $rc
}
cp "$work/bin/libLibTorchSharp.so" "$work/libLibTorchSharp.nuget.so"
nuget_ok=0; built_ok=0; build_status=skipped
say "load test: TorchSharp 0.107 NuGet LibTorchSharp (built for libtorch 2.10) against PyTorch's libtorch"
load_test nuget && nuget_ok=1
if [ "${BUILD_LIBTORCHSHARP:-1}" = 1 ] && [ -d "$work/torchsharp-native" ] && in_time "LibTorchSharp build"; then
    say "building LibTorchSharp from TorchSharp's src/Native against $prefix (timeout ${BUILD_TIMEOUT}s)"
    build=$work/lts-build
    export TORCH_CUDA_ARCH_LIST=${TORCH_CUDA_ARCH_LIST:-9.0}
    if timeout "$BUILD_TIMEOUT" bash -c "cmake -S '$work/torchsharp-native' -B '$build' -G Ninja -DCMAKE_BUILD_TYPE=Release \
            -DCMAKE_PREFIX_PATH='$prefix' -DLIBTORCH_PATH='$prefix/Torch' -DTorch_DIR='$prefix/Torch' -DCMAKE_POLICY_VERSION_MINIMUM=3.5 \
            -DCMAKE_CUDA_ARCHITECTURES=90 > '$raw/cmake-configure.log' 2>&1 \
         && cmake --build '$build' -j $threads > '$raw/cmake-build.log' 2>&1"; then
        built=$(find "$build" -name libLibTorchSharp.so | head -n 1)
        if [ -n "$built" ]; then
            build_status=built
            cp "$built" "$work/bin/libLibTorchSharp.so"
            load_test built && built_ok=1
        else build_status=no-output; fi
    else
        build_status=failed
        tail -n 30 "$raw/cmake-configure.log" "$raw/cmake-build.log" 2>/dev/null
    fi
else
    [ -d "$work/torchsharp-native" ] || echo "the bundle holds no torchsharp-native (tools/device/fetch-torchsharp-native.sh was not run before pack.sh)"
fi
if [ $built_ok = 1 ]; then libtorchsharp=built
elif [ $nuget_ok = 1 ]; then libtorchsharp=nuget; cp "$work/libLibTorchSharp.nuget.so" "$work/bin/libLibTorchSharp.so"
else libtorchsharp=none; fi
printf '{"used": "%s", "nuget_load_ok": %s, "build": "%s", "built_load_ok": %s}\n' "$libtorchsharp" \
    "$([ $nuget_ok = 1 ] && echo true || echo false)" "$build_status" "$([ $built_ok = 1 ] && echo true || echo false)" > "$raw/libtorchsharp.json"
say "LibTorchSharp: $(cat "$raw/libtorchsharp.json")"

run() {  # $1 result name, then the command; stderr kept beside it
    local name=$1; shift
    echo "-- $name: $*"
    "$@" > "$raw/$name.stdout" 2> "$raw/$name.stderr"
    local rc=$?
    echo "   exit $rc ($(elapsed)s)"; [ $rc = 0 ] || tail -n 8 "$raw/$name.stderr"
    echo "$rc" > "$raw/$name.rc"
    return $rc
}
partial_summary() {  # results.json as far as the run got, in case the device call is cut off before the end
    "$PY" "$scripts/summarize.py" "$raw" "$OUT" > /dev/null 2>&1 || true
}
gpu_peak() {  # $1 file: polls nvidia-smi's used memory every 100 ms until killed
    nvidia-smi --query-gpu=memory.used --format=csv,noheader,nounits -lms 100 > "$1" 2>/dev/null
}
with_gpu_peak() {  # $1 result name, then the command: also records the GPU's peak used memory (nvidia-smi, MiB)
    local name=$1; shift
    gpu_peak "$raw/$name.gpu" & local poll=$!
    run "$name" "$@"; local rc=$?
    kill "$poll" 2>/dev/null; wait "$poll" 2>/dev/null
    return $rc
}

if [ "$libtorchsharp" = none ]; then
    echo "!! no LibTorchSharp loads against this libtorch: the checks below cannot run"
else
    # ---- 2c first (cheap): device selection and the clear error -----------------------------------------------
    say "(c) device selection"
    run info "$bin" info --out "$raw/info.json"
    run select-cuda "$bin" extract --device cuda --shape tiny --out "$raw/select-cuda.json"
    run select-auto "$bin" extract --device auto --shape tiny --out "$raw/select-auto.json"
    run cuda-hidden env CUDA_VISIBLE_DEVICES= "$bin" extract --device cuda --shape tiny --out "$raw/cuda-hidden.json"

    partial_summary

    # ---- 2a training --------------------------------------------------------------------------------------------
    for layers in 1 2; do
        in_time "training, $layers layer(s)" || break
        say "(a) training, $layers layer(s): $STEPS steps on CUDA, and PyTorch"
        ids_option=(); [ -f "$work/ids.json" ] || ids_option=(--ids-out "$work/ids.json")
        run train-cuda-L$layers "$bin" train --device cuda --layers $layers --steps "$STEPS" "${ids_option[@]}" --out "$raw/train-cuda-L$layers.json"
        vocab=$("$PY" -c "import json;print(json.load(open('$raw/train-cuda-L1.json'))['vocabulary_size'])" 2>/dev/null)
        if [ -n "$vocab" ] && [ -f "$work/ids.json" ]; then
            with_gpu_peak torch-train-cuda-L$layers "$PY" "$scripts/pytorch_reference.py" $layers "$STEPS" $threads "$work/ids.json" "$vocab" --device cuda
        fi
        in_time "CPU/CUDA comparison, $layers layer(s)" || break
        say "(a) $COMPARE_STEPS steps without dropout on CUDA and on the CPU ($threads threads)"
        run compare-cuda-L$layers "$bin" train --device cuda --layers $layers --steps "$COMPARE_STEPS" --dropout 0 \
            --validation-lines "$COMPARE_VALIDATION_LINES" --out "$raw/compare-cuda-L$layers.json"
        run compare-cpu-L$layers "$bin" train --device cpu --threads $threads --layers $layers --steps "$COMPARE_STEPS" --dropout 0 \
            --validation-lines "$COMPARE_VALIDATION_LINES" --out "$raw/compare-cpu-L$layers.json"
        partial_summary
    done

    # ---- 2b extraction ------------------------------------------------------------------------------------------
    for shape in $SHAPES; do
        in_time "extraction, $shape" || break
        ckpt=$work/ckpt-$shape
        say "(b) extraction, $shape: checkpoint"
        run write-$shape "$bin" write-checkpoint --shape $shape --checkpoint "$ckpt" --out "$raw/write-$shape.json" || continue
        say "(b) $shape: CPU vs CUDA at 512 x 2 (maps and -ReduceOnly)"
        run extract-cpu-maps-$shape "$bin" extract --device cpu --threads $threads --shape $shape --checkpoint "$ckpt" --window 512 --windows 2 \
            --maps-out "$work/maps-cpu-$shape" --out "$raw/extract-cpu-maps-$shape.json"
        run extract-cuda-maps-$shape "$bin" extract --device cuda --shape $shape --checkpoint "$ckpt" --window 512 --windows 2 \
            --maps-out "$work/maps-cuda-$shape" --out "$raw/extract-cuda-maps-$shape.json"
        run extract-cuda-reduce-$shape "$bin" extract --device cuda --shape $shape --checkpoint "$ckpt" --window 512 --windows 2 --reduce-only \
            --out "$raw/extract-cuda-reduce-$shape.json"
        "$PY" - "$work/maps-cpu-$shape" "$work/maps-cuda-$shape" > "$raw/maps-diff-$shape.json" <<'PYEOF'
import json, os, sys
import torch
a, b = sys.argv[1], sys.argv[2]
out = {}
read = lambda path: torch.frombuffer(bytearray(open(path, "rb").read()), dtype=torch.float32)
for name in sorted(os.listdir(a)) if os.path.isdir(a) else []:
    if os.path.exists(os.path.join(b, name)):
        x, y = read(os.path.join(a, name)), read(os.path.join(b, name))
        out[name] = {"max_abs_diff": float((x - y).abs().max()), "elements": int(x.numel())}
print(json.dumps(out))
PYEOF
        in_time "throughput, $shape" || break
        say "(b) $shape: throughput at $EXTRACT_WINDOW x $EXTRACT_WINDOWS on CUDA, JoMA (-ReduceOnly, maps) and eager PyTorch"
        with_gpu_peak throughput-reduce-$shape "$bin" extract --device cuda --shape $shape --checkpoint "$ckpt" --window "$EXTRACT_WINDOW" \
            --windows "$EXTRACT_WINDOWS" --reduce-only --out "$raw/throughput-reduce-$shape.json"
        with_gpu_peak throughput-maps-$shape "$bin" extract --device cuda --shape $shape --checkpoint "$ckpt" --window "$EXTRACT_WINDOW" \
            --windows "$EXTRACT_WINDOWS" --out "$raw/throughput-maps-$shape.json"
        with_gpu_peak eager-$shape "$PY" "$scripts/gpt_neox_eager.py" "$ckpt" "$EXTRACT_WINDOW" "$EXTRACT_WINDOWS" $threads --device cuda
        rm -rf "$ckpt"
        partial_summary
    done
fi

say "summary"
"$PY" "$scripts/summarize.py" "$raw" "$OUT"
rc=$?
say "done: $OUT ($(ls "$OUT" | tr '\n' ' '))"
sleep 1   # let tee finish check.log
exit $rc
