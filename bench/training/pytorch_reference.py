"""The peer: the authors' decoder_wiki.py model (PyTorch's nn.Transformer tutorial) trained exactly as the
reference (batch 20, bptt 35, Adam, clip 0.5, dropout 0.2, d 200, FFN 200, 1 head), on the same token ids.
Prints tokens/second over N steps after a warm-up, and which BLAS library the process loaded.

usage: pytorch_reference.py <layers> <steps> <threads> <ids.json> <vocab size> [--device cpu|cuda]
--device cuda (tools/device/check.sh) puts model and data on the GPU and also prints the peak GPU memory; the default
is the CPU, exactly as before."""
import json, math, os, sys, time
import torch
from torch import nn
sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from reference_model import TransformerModel

argv = sys.argv[1:]
device = "cpu"
if "--device" in argv:
    i = argv.index("--device")
    device = argv[i + 1]
    del argv[i:i + 2]
layers, steps, threads, ids_path, vocab_size = int(argv[0]), int(argv[1]), int(argv[2]), argv[3], int(argv[4])
torch.set_num_threads(threads)
torch.manual_seed(1)

ids = torch.tensor(json.load(open(ids_path)), dtype=torch.long)
bsz, bptt = 20, 35
n = ids.size(0) // bsz
data = ids[: n * bsz].view(bsz, n).t().contiguous().to(device)
model = TransformerModel(vocab_size, nlayers=layers).to(device)
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
crit = nn.CrossEntropyLoss()
mask = torch.triu(torch.full((bptt, bptt), float("-inf")), diagonal=1).to(device)
model.train()
def step(i):
    x, y = data[i : i + bptt], data[i + 1 : i + 1 + bptt].reshape(-1)
    opt.zero_grad()
    loss = crit(model(x, mask).view(-1, vocab_size), y)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
    opt.step()
    return loss.item()
def sync():
    if device.startswith("cuda"):
        torch.cuda.synchronize()
warm = 5
for k in range(warm): step(k * bptt)
sync()
t0 = time.perf_counter()
for k in range(warm, warm + steps): step(k * bptt)
sync()
elapsed = time.perf_counter() - t0
blas = sorted({line.split()[-1] for line in open("/proc/self/maps") if "blas" in line.lower() and "/" in line})
result = {"tokens_per_second": steps * bsz * bptt / elapsed, "threads": torch.get_num_threads(), "torch": torch.__version__, "blas": blas, "device": device}
if device.startswith("cuda"):
    result["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20
    result["gpu"] = torch.cuda.get_device_name()
print(json.dumps(result))
