"""A synthetic Wikitext-2-sized corpus for benchmarks: Zipf-distributed words over a 28,782-word vocabulary
(Wikitext-2's size with <unk>), ~2M training tokens, fixed seed. Throughput depends on shapes, not on words."""
import os, random, sys
out = sys.argv[1]
os.makedirs(out, exist_ok=True)
rng = random.Random(0)
vocab = [f"w{i}" for i in range(28781)]
weights = [1.0 / (i + 1) for i in range(len(vocab))]
def write(name, tokens):
    with open(os.path.join(out, name), "w") as f:
        words = vocab[:]  # every word appears at least once in train, so the vocabulary is exact
        body = rng.choices(vocab, weights, k=tokens)
        if name == "wiki.train.tokens":
            body = words + body
        for i in range(0, len(body), 100):
            f.write(" " + " ".join(body[i:i + 100]) + " \n")
write("wiki.train.tokens", 2_000_000)
write("wiki.valid.tokens", 30_000)
