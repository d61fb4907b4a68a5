"""Summarises tools/device/check.sh's raw results into <out>/results.json (summary + every raw result) and
<out>/summary.csv (check, metric, value, pass). Standard library only.

usage: summarize.py <raw folder> <out folder>"""
import csv, glob, json, os, sys

raw, out = sys.argv[1], sys.argv[2]
ENTROPY_TOLERANCE = 1e-4      # CUDA vs CPU, per layer and head entropy (nats)
LOSS_TOLERANCE = 1e-3         # CUDA vs CPU per-step training loss, first steps (float32, different reduction orders)
FIRST_STEPS = 5


def load(name):
    """A result by name: <name>.json (written by joma-device-check) or the JSON line a Python peer printed."""
    for path in (os.path.join(raw, name + ".json"), os.path.join(raw, name + ".stdout")):
        try:
            with open(path) as f:
                text = f.read().strip()
            if text:
                return json.loads(text.splitlines()[-1] if path.endswith(".stdout") else text)
        except (OSError, ValueError):
            pass
    return None


def rc(name):
    try:
        with open(os.path.join(raw, name + ".rc")) as f:
            return int(f.read().strip())
    except (OSError, ValueError):
        return None


def gpu_peak(name):
    """Peak minus first sample of nvidia-smi's used memory (MiB) while the command ran; None without samples."""
    try:
        with open(os.path.join(raw, name + ".gpu")) as f:
            values = [float(v) for v in f.read().split() if v.replace(".", "", 1).isdigit()]
    except OSError:
        return None
    return max(values) - values[0] if values else None


def ratio(a, b):
    return a / b if a and b else None


rows = []


def row(check, metric, value, passed=None):
    rows.append({"check": check, "metric": metric, "value": value, "pass": passed})


summary = {"environment": load("environment"), "libtorchsharp": load("libtorchsharp")}
info = load("info")
summary["info"] = info
row("native", "libtorchsharp_used", (summary["libtorchsharp"] or {}).get("used"), (summary["libtorchsharp"] or {}).get("used") in ("built", "nuget"))
if info:
    row("native", "torch_version", info.get("torch_version"))
    row("native", "cuda_available", info.get("cuda_available"), info.get("cuda_available") is True)
    row("native", "cuda_matmul_sum", info.get("cuda_matmul_sum"), info.get("cuda_matmul_sum") == 256.0 ** 3)

# (c) selection and the clear error
selection = {}
for name in ("select-cuda", "select-auto"):
    r = load(name)
    selection[name] = r and r.get("device")
    row("selection", name, selection[name], selection[name] == "cuda")
hidden = load("cuda-hidden")
hidden_ok = rc("cuda-hidden") == 2 and bool(hidden) and hidden.get("error_id") == "CudaUnavailable"
selection["cuda_hidden"] = {"exit_code": rc("cuda-hidden"), "error": hidden}
row("selection", "cuda_hidden_error", (hidden or {}).get("message"), hidden_ok)
summary["selection"] = selection

# (a) training
training = {}
for layers in (1, 2):
    joma, peer = load(f"train-cuda-L{layers}"), load(f"torch-train-cuda-L{layers}")
    cuda, cpu = load(f"compare-cuda-L{layers}"), load(f"compare-cpu-L{layers}")
    t = {}
    if joma:
        t["joma_tokens_per_second"] = joma.get("tokens_per_second")
        t["joma_final_validation_loss"] = joma.get("final_validation_loss")
        t["joma_final_layer_entropy"] = joma.get("final_layer_entropy")
    if peer:
        t["pytorch_tokens_per_second"] = peer.get("tokens_per_second")
        t["pytorch_peak_gpu_mib"] = peer.get("peak_gpu_mib")
    t["joma_vs_pytorch"] = ratio(t.get("joma_tokens_per_second"), t.get("pytorch_tokens_per_second"))
    if cuda and cpu and cuda.get("ok") and cpu.get("ok") and cuda.get("train_losses") and cpu.get("train_losses"):
        diffs = [abs(a - b) for a, b in zip(cuda["train_losses"], cpu["train_losses"])]
        t["compare_steps"] = len(diffs)
        t["loss_max_abs_diff_first_steps"] = max(diffs[:FIRST_STEPS])
        t["loss_max_abs_diff_all_steps"] = max(diffs)
        t["validation_loss_abs_diff"] = abs(cuda["final_validation_loss"] - cpu["final_validation_loss"])
        t["layer_entropy_max_abs_diff"] = max((abs(a - b) for a, b in zip(cuda["final_layer_entropy"], cpu["final_layer_entropy"])), default=None)
        t["cuda_tokens_per_second_no_dropout"] = cuda.get("tokens_per_second")
        t["cpu_tokens_per_second_no_dropout"] = cpu.get("tokens_per_second")
    training[f"layers_{layers}"] = t
    row(f"train L{layers}", "joma_tokens_per_second", t.get("joma_tokens_per_second"), t.get("joma_tokens_per_second") is not None)
    row(f"train L{layers}", "pytorch_tokens_per_second", t.get("pytorch_tokens_per_second"))
    row(f"train L{layers}", "joma_vs_pytorch", t.get("joma_vs_pytorch"))
    d = t.get("loss_max_abs_diff_first_steps")
    row(f"train L{layers}", f"loss_max_abs_diff_first_{FIRST_STEPS}_steps_cuda_vs_cpu", d, d is not None and d <= LOSS_TOLERANCE)
    row(f"train L{layers}", "loss_max_abs_diff_all_steps_cuda_vs_cpu", t.get("loss_max_abs_diff_all_steps"))
    row(f"train L{layers}", "validation_loss_abs_diff_cuda_vs_cpu", t.get("validation_loss_abs_diff"))
    row(f"train L{layers}", "layer_entropy_max_abs_diff_cuda_vs_cpu", t.get("layer_entropy_max_abs_diff"))
summary["training"] = training


# (b) extraction
def entropies(result):
    """Every (window, layer) head-averaged entropy and (window, layer, head) entropy, flattened in order."""
    values = []
    for s in result.get("samples", []):
        values += s["layer_entropy"]
        for heads in s["head_entropy"]:
            values += heads
    return values


def max_diff(a, b):
    if not a or not b or not a.get("ok") or not b.get("ok"):
        return None
    x, y = entropies(a), entropies(b)
    return max((abs(p - q) for p, q in zip(x, y)), default=None) if len(x) == len(y) else float("inf")


extraction = {}
shapes = sorted({os.path.basename(p)[len("write-"):-len(".json")] for p in glob.glob(os.path.join(raw, "write-*.json"))})
for shape in shapes:
    cpu, cuda_maps, cuda_reduce = load(f"extract-cpu-maps-{shape}"), load(f"extract-cuda-maps-{shape}"), load(f"extract-cuda-reduce-{shape}")
    reduce_run, maps_run, eager = load(f"throughput-reduce-{shape}"), load(f"throughput-maps-{shape}"), load(f"eager-{shape}")
    maps_diff = load(f"maps-diff-{shape}") or {}
    e = {
        "parameters": (cpu or cuda_maps or {}).get("parameters"),
        "entropy_max_abs_diff_maps_cuda_vs_cpu": max_diff(cuda_maps, cpu),
        "entropy_max_abs_diff_reduce_only_cuda_vs_cpu": max_diff(cuda_reduce, cpu),
        "map_max_abs_diff_cuda_vs_cpu": max((v["max_abs_diff"] for v in maps_diff.values() if isinstance(v, dict) and "max_abs_diff" in v), default=None),
        "joma_reduce_only_tokens_per_second": (reduce_run or {}).get("tokens_per_second"),
        "joma_maps_tokens_per_second": (maps_run or {}).get("tokens_per_second"),
        "eager_pytorch_tokens_per_second": (eager or {}).get("tokens_per_second"),
        "joma_reduce_only_peak_gpu_mib_nvidia_smi": gpu_peak(f"throughput-reduce-{shape}"),
        "joma_maps_peak_gpu_mib_nvidia_smi": gpu_peak(f"throughput-maps-{shape}"),
        "eager_pytorch_peak_gpu_mib_nvidia_smi": gpu_peak(f"eager-{shape}"),
        "eager_pytorch_peak_gpu_mib_allocated": (eager or {}).get("peak_gpu_mib"),
        "window": (reduce_run or {}).get("window"), "windows": (reduce_run or {}).get("windows"),
    }
    e["speedup_maps_vs_eager"] = ratio(e["joma_maps_tokens_per_second"], e["eager_pytorch_tokens_per_second"])
    e["speedup_reduce_only_vs_eager"] = ratio(e["joma_reduce_only_tokens_per_second"], e["eager_pytorch_tokens_per_second"])
    extraction[shape] = e
    for key in ("entropy_max_abs_diff_maps_cuda_vs_cpu", "entropy_max_abs_diff_reduce_only_cuda_vs_cpu"):
        row(f"extract {shape}", key, e[key], e[key] is not None and e[key] <= ENTROPY_TOLERANCE)
    for key in ("map_max_abs_diff_cuda_vs_cpu", "joma_reduce_only_tokens_per_second", "joma_maps_tokens_per_second", "eager_pytorch_tokens_per_second",
                "speedup_maps_vs_eager", "speedup_reduce_only_vs_eager", "joma_reduce_only_peak_gpu_mib_nvidia_smi", "joma_maps_peak_gpu_mib_nvidia_smi",
                "eager_pytorch_peak_gpu_mib_nvidia_smi", "eager_pytorch_peak_gpu_mib_allocated"):
        row(f"extract {shape}", key, e[key])
summary["extraction"] = extraction

checked = [r for r in rows if r["pass"] is not None]
summary["passed"] = sum(1 for r in checked if r["pass"])
summary["failed"] = [f'{r["check"]}: {r["metric"]}' for r in checked if not r["pass"]]
everything = {}
for path in sorted(glob.glob(os.path.join(raw, "*.json"))):
    name = os.path.basename(path)[:-5]
    if not name.startswith("maps-diff"):
        everything[name] = load(name)
for path in sorted(glob.glob(os.path.join(raw, "*.stdout"))):
    name = os.path.basename(path)[:-7]
    if name not in everything and (name.startswith("torch-") or name.startswith("eager-")):
        everything[name] = load(name)
os.makedirs(out, exist_ok=True)
with open(os.path.join(out, "results.json"), "w") as f:
    json.dump({"summary": summary, "raw": everything}, f, indent=1)
with open(os.path.join(out, "summary.csv"), "w", newline="") as f:
    w = csv.DictWriter(f, fieldnames=["check", "metric", "value", "pass"])
    w.writeheader()
    w.writerows({**r, "value": json.dumps(r["value"]) if isinstance(r["value"], (list, dict)) else r["value"]} for r in rows)
for r in rows:
    mark = "" if r["pass"] is None else ("  ok" if r["pass"] else "  FAIL")
    print(f'{r["check"]:<22} {r["metric"]:<52} {r["value"]}{mark}')
print(f'{summary["passed"]} passed, {len(summary["failed"])} failed')
sys.exit(1 if summary["failed"] else 0)
