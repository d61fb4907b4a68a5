"""The peer: scipy's RK45 on dv/dt = (mu - v) * softmax(v^2/T), timed like the engine."""
import json, sys, time
import numpy as np
from scipy.integrate import solve_ivp

def rhs(mu, T):
    def f(t, v):
        s = v * v / T
        p = np.exp(s - s.max()); p /= p.sum()
        return (mu - v) * p
    return f

def entropy(v, T):
    s = v * v / T
    p = np.exp(s - s.max()); p /= p.sum()
    return float(-(p * np.log(p + 1e-8)).sum())

def solve(mu, T, until, rtol, atol):
    mu = np.asarray(mu, dtype=float)
    r = solve_ivp(rhs(mu, T), (0.0, until), np.full(mu.shape, 0.05), method="RK45", rtol=rtol, atol=atol)
    return r, entropy(r.y[:, -1], T)

cfg = json.load(open(sys.argv[1]))
T, until, rtol, atol = cfg["temperature"], cfg["until"], cfg["rtol"], cfg["atol"]
single = cfg["single"]
times = []
for _ in range(cfg["repeats"]):
    t0 = time.perf_counter(); r, h = solve(single, T, until, rtol, atol); times.append(time.perf_counter() - t0)
batch_start = time.perf_counter()
batch = [solve(mu, T, until, rtol, atol)[1] for mu in cfg["batch"]]
batch_seconds = time.perf_counter() - batch_start
json.dump({"single_seconds": sorted(times)[len(times) // 2], "single_nfev": int(r.nfev), "single_entropy": h,
           "batch_seconds": batch_seconds, "batch_entropy": batch}, sys.stdout)
