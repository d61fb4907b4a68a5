"""A straightforward eager GPT-NeoX forward in PyTorch (the Hugging Face eager layout: fused per-head QKV,
rotate-half rotary on the first rotary_pct of each head, scores scaled by 1/sqrt(head_dim), causal softmax,
parallel residual, exact GELU, logits), returning every layer's attention probabilities [1, heads, T, T]
as output_attentions=True does. Times windows of random ids and prints JSON: tokens/s, peak RSS, BLAS.

usage: gpt_neox_eager.py <checkpoint folder> <window length> <windows> <threads> [--device cpu|cuda]
--device cuda (tools/device/check.sh) runs on the GPU and also prints the peak GPU memory (max_memory_allocated);
the default is the CPU, exactly as before.
"""
import json, math, struct, sys, time
import torch


def read_safetensors(path):
    with open(path, "rb") as f:
        data = f.read()
    n = struct.unpack("<Q", data[:8])[0]
    header = json.loads(data[8:8 + n])
    base = 8 + n
    tensors = {}
    for name, entry in header.items():
        if name == "__metadata__":
            continue
        assert entry["dtype"] == "F32", name
        start, end = entry["data_offsets"]
        tensors[name] = torch.frombuffer(bytearray(data[base + start:base + end]), dtype=torch.float32).reshape(entry["shape"])
    return tensors


class GptNeoX:
    def __init__(self, folder, device="cpu"):
        self.device = torch.device(device)
        with open(folder + "/config.json") as f:
            self.config = json.load(f)
        self.w = {k.removeprefix("gpt_neox."): v.to(self.device) for k, v in read_safetensors(folder + "/model.safetensors").items()}
        c = self.config
        self.heads = c["num_attention_heads"]
        self.head_dim = c["hidden_size"] // self.heads
        self.rotary = int(self.head_dim * c["rotary_pct"])
        self.eps = c["layer_norm_eps"]

    def layer_norm(self, x, name):
        return torch.nn.functional.layer_norm(x, x.shape[-1:], self.w[name + ".weight"], self.w[name + ".bias"], self.eps)

    def linear(self, x, name):
        return torch.nn.functional.linear(x, self.w[name + ".weight"], self.w.get(name + ".bias"))

    def rotate(self, x, cos, sin):
        r = self.rotary
        rot, rest = x[..., :r], x[..., r:]
        half = torch.cat((-rot[..., r // 2:], rot[..., :r // 2]), dim=-1)
        return torch.cat((rot * cos + half * sin, rest), dim=-1)

    @torch.inference_mode()
    def forward(self, ids):
        t = ids.shape[1]
        h = self.w["embed_in.weight"][ids]                                   # [1, T, hidden]
        d = self.device
        inv_freq = 1.0 / (self.config["rotary_emb_base"] ** (torch.arange(0, self.rotary, 2, device=d).float() / self.rotary))
        freqs = torch.outer(torch.arange(t, device=d).float(), inv_freq)
        angles = torch.cat((freqs, freqs), dim=-1)
        cos, sin = angles.cos(), angles.sin()
        mask = torch.ones(t, t, dtype=torch.bool, device=d).triu(1)
        attentions = []
        for l in range(self.config["num_hidden_layers"]):
            p = f"layers.{l}."
            x = self.layer_norm(h, p + "input_layernorm")
            qkv = self.linear(x, p + "attention.query_key_value").view(1, t, self.heads, 3 * self.head_dim).permute(0, 2, 1, 3)
            q, k, v = qkv.split(self.head_dim, dim=-1)                      # [1, heads, T, head_dim]
            q, k = self.rotate(q, cos, sin), self.rotate(k, cos, sin)
            scores = torch.matmul(q, k.transpose(-1, -2)) / math.sqrt(self.head_dim)
            probs = scores.masked_fill(mask, float("-inf")).softmax(-1)     # [1, heads, T, T]
            attentions.append(probs)
            attn = self.linear(torch.matmul(probs, v).permute(0, 2, 1, 3).reshape(1, t, -1), p + "attention.dense")
            mlp = self.linear(torch.nn.functional.gelu(self.linear(self.layer_norm(h, p + "post_attention_layernorm"), p + "mlp.dense_h_to_4h")), p + "mlp.dense_4h_to_h")
            h = h + attn + mlp
        logits = self.linear(self.layer_norm(h, "final_layer_norm"), "embed_out")
        return logits, attentions


def blas_libraries():
    with open("/proc/self/maps") as f:
        names = {line.split()[-1] for line in f if len(line.split()) >= 6}
    return sorted(n for n in names if "blas" in n.lower() or "mkl" in n.lower() or "lapack" in n.lower())


def peak_rss_mib():
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024


def main():
    argv = sys.argv[1:]
    device = "cpu"
    if "--device" in argv:
        i = argv.index("--device")
        device = argv[i + 1]
        del argv[i:i + 2]
    folder, window, windows, threads = argv[0], int(argv[1]), int(argv[2]), int(argv[3])
    torch.set_num_threads(threads)
    cuda = device.startswith("cuda")
    model = GptNeoX(folder, device)
    vocab = model.config["vocab_size"]
    ids = (torch.arange(window * windows) * 7919 % vocab).view(windows, window).to(device)
    model.forward(ids[0:1])                                                 # warm-up: one window of the measured length
    if cuda:
        torch.cuda.synchronize()
        torch.cuda.reset_peak_memory_stats()
    start = time.perf_counter()
    for i in range(windows):
        logits, attentions = model.forward(ids[i:i + 1])
        assert len(attentions) == model.config["num_hidden_layers"]
        del logits, attentions
    if cuda:
        torch.cuda.synchronize()
    seconds = time.perf_counter() - start
    result = {"tokens_per_second": window * windows / seconds, "peak_mib": peak_rss_mib(),
              "torch": torch.__version__, "threads": torch.get_num_threads(), "blas": blas_libraries()}
    if cuda:
        result["device"] = device
        result["peak_gpu_mib"] = torch.cuda.max_memory_allocated() / 2**20   # weights included; measured windows only
        result["gpu"] = torch.cuda.get_device_name()
    print(json.dumps(result))


if __name__ == "__main__":
    main()
