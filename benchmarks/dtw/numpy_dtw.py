#!/usr/bin/env python3
"""The original Python SOPilot DTW method, re-implemented as a yardstick for the benchmark:
cost = 1 - A @ B.T (NumPy / the machine's BLAS), then the DP along anti-diagonals with NumPy
vector ops, a uint8 trace matrix, and a Python backtrack. Also times the bare BLAS GEMM.

Usage: numpy_dtw.py N M DIM RUNS  -> prints one JSON line {"method_ms": [...], "gemm_ms": [...]}
"""
import json
import sys
import time

import numpy as np


def dtw_numpy(a, b):
    n, m = a.shape[0], b.shape[0]
    cost = 1.0 - a @ b.T
    D = np.full((n + 1, m + 1), np.inf, dtype=np.float32)
    D[0, 0] = 0.0
    trace = np.zeros((n, m), dtype=np.uint8)
    for k in range(2, n + m + 1):  # k = i + j in the padded matrix
        i = np.arange(max(1, k - m), min(n, k - 1) + 1)
        j = k - i
        cand = np.stack([D[i - 1, j - 1], D[i - 1, j], D[i, j - 1]])
        t = np.argmin(cand, axis=0)
        D[i, j] = cost[i - 1, j - 1] + cand[t, np.arange(len(i))]
        trace[i - 1, j - 1] = t
    path = []
    i, j = n - 1, m - 1
    while True:
        path.append((i, j))
        if i == 0 and j == 0:
            break
        t = trace[i, j]
        if i == 0:
            j -= 1
        elif j == 0:
            i -= 1
        elif t == 0:
            i, j = i - 1, j - 1
        elif t == 1:
            i -= 1
        else:
            j -= 1
    path.reverse()
    return float(D[n, m]), path


def main():
    n, m, dim, runs = (int(x) for x in sys.argv[1:5])
    rng = np.random.default_rng(1)
    a = rng.standard_normal((n, dim), dtype=np.float32)
    b = rng.standard_normal((m, dim), dtype=np.float32)
    a /= np.linalg.norm(a, axis=1, keepdims=True)
    b /= np.linalg.norm(b, axis=1, keepdims=True)
    method, gemm = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        dtw_numpy(a, b)
        method.append((time.perf_counter() - t0) * 1e3)
    np.dot(a, b.T)  # warm-up
    for _ in range(max(runs, 5)):
        t0 = time.perf_counter()
        np.dot(a, b.T)
        gemm.append((time.perf_counter() - t0) * 1e3)
    print(json.dumps({"method_ms": method, "gemm_ms": gemm}))


if __name__ == "__main__":
    main()
