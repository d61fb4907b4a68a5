"""Peer cross-check for the reference-size reproductions: the authors' decoder_wiki.py model (PyTorch's
nn.Transformer tutorial model, post-LN, d 200, FFN 200, 1 head, dropout 0.2) trained on a Wikitext-layout corpus
exactly as the reference preset (batch 20 x bptt 35, Adam lr 1e-4 rebuilt every epoch, clip 0.5), evaluated every
N steps the way Start-JomaTraining evaluates (full validation split, eval batch 10, dropout off): validation loss and
the paper's layer-0 attention entropy (head-averaged rows, H = -sum p ln(p + 1e-8), mean over batch and positions).
Writes one JSON line per evaluation.

usage: train_reference.py CORPUS_FOLDER LAYERS STEPS EVALUATE_EVERY SEED THREADS OUT.jsonl
"""
import gzip, json, math, os, re, sys, time
import torch
from torch import nn
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), '../training'))
from reference_model import TransformerModel

folder, layers, steps, every, seed, threads, out = sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]), int(sys.argv[6]), sys.argv[7]
torch.set_num_threads(threads)
torch.manual_seed(seed)

RULES = [(re.compile(p), r) for p, r in [(r"'", " '  "), (r'"', ""), (r"\.", " . "), (r"<br />", " "), (r",", " , "), (r"\(", " ( "),
                                         (r"\)", " ) "), (r"!", " ! "), (r"\?", " ? "), (r";", " "), (r":", " ")]]
def tokenize(line):
    line = line.lower()
    for pattern, replacement in RULES: line = pattern.sub(replacement, line)
    return line.split()
def lines(split):
    for name in (f"wiki.{split}.tokens", f"wiki.{split}.tokens.gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            with (gzip.open if path.endswith(".gz") else open)(path, "rt", encoding="utf-8") as f: return f.read().splitlines()
    raise SystemExit(f"no {split} split in {folder}")
train_words = [t for l in lines("train") for t in tokenize(l)]
counts = {}
for w in train_words: counts[w] = counts.get(w, 0) + 1
counts.pop("<unk>", None)
vocab = ["<unk>"] + sorted(counts, key=lambda w: (-counts[w], w))   # torchtext's build_vocab_from_iterator order
ids = {w: i for i, w in enumerate(vocab)}
def encode(words): return torch.tensor([ids.get(w, 0) for w in words], dtype=torch.long)
def batchify(t, bsz):
    n = t.size(0) // bsz
    return t[: n * bsz].view(bsz, n).t().contiguous()
train = batchify(encode(train_words), 20)
valid = batchify(encode([t for l in lines("valid") for t in tokenize(l)]), 10)
V, bptt = len(vocab), 35

def causal(n): return torch.triu(torch.full((n, n), float("-inf")), diagonal=1)

model = TransformerModel(V, nlayers=layers)
crit = nn.CrossEntropyLoss()

def evaluate():
    """Full validation split, dropout off: token-mean loss and the layer-0 entropy of head-averaged causal rows."""
    model.eval()
    loss_sum, tokens, h_sum, rows = 0.0, 0, 0.0, 0
    with torch.no_grad():
        for i in range(0, valid.size(0) - 1, bptt):
            n = min(bptt, valid.size(0) - 1 - i)
            x, y = valid[i : i + n], valid[i + 1 : i + 1 + n].reshape(-1)
            mask = causal(n)
            h = model.embed(x)
            first = model.transformer_encoder.layers[0]
            _, p = first.self_attn(h, h, h, attn_mask=mask, need_weights=True, average_attn_weights=True)   # [B, T, T]
            h_sum += float(-(p * torch.log(p + 1e-8)).sum(-1).sum())
            rows += p.shape[0] * p.shape[1]
            loss_sum += float(crit(model.decoder(model.transformer_encoder(h, mask)).view(-1, V), y)) * y.numel()
            tokens += y.numel()
    model.train()
    return loss_sum / tokens, h_sum / rows

windows = list(range(0, train.size(0) - 1, bptt))
mask = causal(bptt)
opt = torch.optim.Adam(model.parameters(), lr=1e-4)
start = time.perf_counter()
with open(out, "w") as f:
    def report(step):
        loss, entropy = evaluate()
        f.write(json.dumps({"Step": step, "ValidationLoss": loss, "LayerEntropy0": entropy, "Seed": seed, "Layers": layers,
                            "ElapsedSeconds": time.perf_counter() - start}) + "\n"); f.flush()
    report(0)
    model.train()
    for step in range(1, steps + 1):
        k = (step - 1) % len(windows)
        if k == 0 and step > 1: opt = torch.optim.Adam(model.parameters(), lr=1e-4)   # the authors rebuild Adam each epoch
        i = windows[k]
        n = min(bptt, train.size(0) - 1 - i)
        x, y = train[i : i + n], train[i + 1 : i + 1 + n].reshape(-1)
        opt.zero_grad()
        loss = crit(model(x, mask[:n, :n]).view(-1, V), y)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 0.5)
        opt.step()
        if step % every == 0: report(step)
