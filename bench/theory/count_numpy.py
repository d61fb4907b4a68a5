"""Independent numpy count of the theory-meets-practice statistics (SCIENCE.md §7), for bench/theory.

Reads a Wikitext folder (.tokens or .tokens.gz), tokenises with torchtext's basic_english rules, builds the
vocabulary as torchtext does (frequency descending, ties in code-point order, <unk> first), batchifies as the
trainer does, and counts for the given queries: N_m, N_lm, summed context counts and the plain and
bias-corrected L2 drives of every context token. Prints one JSON object: timing and the listed rows' values.
"""
import gzip, json, os, re, sys, time
import numpy as np

RULES = [(r"'", " '  "), (r'"', ""), (r"\.", " . "), (r"<br />", " "), (r",", " , "), (r"\(", " ( "),
         (r"\)", " ) "), (r"!", " ! "), (r"\?", " ? "), (r";", " "), (r":", " ")]
RULES = [(re.compile(p), r) for p, r in RULES]

def tokenize(line):
    line = line.lower()
    for pattern, replacement in RULES:
        line = pattern.sub(replacement, line)
    return line.split()

def read_lines(folder, split):
    for name in (f"wiki.{split}.tokens", f"wiki.{split}.tokens.gz"):
        path = os.path.join(folder, name)
        if os.path.exists(path):
            opener = gzip.open if path.endswith(".gz") else open
            with opener(path, "rt", encoding="utf-8") as f:
                return f.read().splitlines()
    raise SystemExit(f"no train split in {folder}")

def main(folder, queries_file, bptt, batch, next_tokens):
    words = [t for line in read_lines(folder, "train") for t in tokenize(line)]
    counts = {}
    for w in words:
        counts[w] = counts.get(w, 0) + 1
    counts.pop("<unk>", None)
    vocab = ["<unk>"] + sorted(counts, key=lambda w: (-counts[w], w))
    ids = {w: i for i, w in enumerate(vocab)}
    tokens = np.array([ids[w] for w in words], dtype=np.int64)
    V = len(vocab)
    with open(queries_file, encoding="utf-8") as f:
        wanted = json.load(f)  # {query: [listed tokens]}
    query_ids = np.array([ids[q] for q in wanted], dtype=np.int64)

    start = time.perf_counter()
    rows = len(tokens) // batch
    grid = tokens[: rows * batch].reshape(batch, rows)            # column c = tokens[c*rows:(c+1)*rows]
    qindex = np.full(V, -1, dtype=np.int64)
    qindex[query_ids] = np.arange(len(query_ids))
    # every position with a next token: (column, row); its window starts at row - row % bptt
    col, row = np.meshgrid(np.arange(batch), np.arange(rows - 1), indexing="ij")
    col, row = col.ravel(), row.ravel()
    q = qindex[grid[col, row]]
    keep = q >= 0
    col, row, q = col[keep], row[keep], q[keep]
    nxt = grid[col, row + 1]
    offset = row % bptt
    occ = np.arange(len(q))
    # (occurrence, context token) pairs: offsets 0 .. offset-1 of the window
    reps = offset
    pair_occ = np.repeat(occ, reps)
    pair_pos = np.repeat(row - offset, reps) + (np.arange(reps.sum()) - np.repeat(np.cumsum(reps) - reps, reps))
    pair_tok = grid[np.repeat(col, reps), pair_pos]
    context_sum = np.bincount(q[pair_occ] * V + pair_tok, minlength=len(query_ids) * V)       # Σ counts of l in contexts
    key = np.unique(pair_occ * V + pair_tok)                                                   # presence: distinct per occurrence
    p_occ, p_tok = key // V, key % V
    n_m = np.bincount(q, minlength=len(query_ids))
    n_lm = np.bincount(q[p_occ] * V + p_tok, minlength=len(query_ids) * V)
    # outcomes: the query's next_tokens most frequent next tokens (ties by id), the rest pooled
    outcome = np.empty(len(q), dtype=np.int64)
    k_used = np.zeros(len(query_ids), dtype=np.int64)
    for i in range(len(query_ids)):
        sel = np.nonzero(q == i)[0]
        vals, cnt = np.unique(nxt[sel], return_counts=True)
        order = np.lexsort((vals, -cnt))[:next_tokens]
        lookup = dict(zip(vals[order].tolist(), range(len(order))))
        k_used[i] = len(order)
        outcome[sel] = [lookup.get(v, len(order)) for v in nxt[sel].tolist()]
    K1 = next_tokens + 1
    c_mn = np.bincount(q * K1 + outcome, minlength=len(query_ids) * K1).reshape(len(query_ids), K1)
    joint_key, c_lmn = np.unique((q[p_occ] * V + p_tok) * K1 + outcome[p_occ], return_counts=True)
    ql, n = joint_key // K1, joint_key % K1
    p_n = c_mn / n_m[:, None]
    nl = n_lm[ql]
    a = c_lmn / nl
    qq = ql // V
    # Σ_n (a−p)² = Σ_{n: a>0} (a² − 2ap) + Σ_n p²
    part = np.bincount(ql, weights=a * a - 2 * a * p_n[qq, n], minlength=len(query_ids) * V)
    squares = np.bincount(ql, weights=a * a, minlength=len(query_ids) * V)
    base = (p_n ** 2).sum(axis=1)
    elapsed = time.perf_counter() - start

    out = {"seconds": elapsed, "tokens": int(len(tokens)), "vocabulary": V, "rows": []}
    for i, (query, listed) in enumerate(wanted.items()):
        for token in listed:
            l = ids[token]
            idx = i * V + l
            co = n_lm[idx] / n_m[i]
            dist = max(0.0, part[idx] + base[i])
            corrected = max(0.0, dist - (1 - squares[idx]) / n_lm[idx]) if n_lm[idx] > 0 else 0.0
            out["rows"].append({"query": query, "token": token, "query_count": int(n_m[i]), "count": int(n_lm[idx]),
                                "mean_count": context_sum[idx] / n_m[i], "drive": co * dist ** 0.5,
                                "drive_corrected": co * corrected ** 0.5})
    print(json.dumps(out))

if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), int(sys.argv[5]))
