#!/usr/bin/python3
"""Times numpy (OpenBLAS) float32 matmul on the shapes the Myelin side-by-side runner passes.

Usage: numerics_gemm.py [--info] [--min-seconds S] MxKxN [MxKxN ...]
Prints one JSON object per line: {"shape": "MxKxN", "seconds": median seconds per call}.
With --info, first prints a JSON line describing the BLAS (threadpoolctl) numpy runs on.
Thread count comes from OPENBLAS_NUM_THREADS, set by the caller to match Myelin's.
"""
import json
import sys
import time

import numpy as np


def time_shape(m, k, n, min_seconds):
    rng = np.random.default_rng(1234)
    a = rng.standard_normal((m, k), dtype=np.float32)
    b = rng.standard_normal((k, n), dtype=np.float32)
    c = np.empty((m, n), dtype=np.float32)
    np.matmul(a, b, out=c)  # warm-up: page in, let OpenBLAS spin up its threads
    samples = []
    start = time.perf_counter()
    while len(samples) < 3 or time.perf_counter() - start < min_seconds:
        t0 = time.perf_counter()
        np.matmul(a, b, out=c)
        samples.append(time.perf_counter() - t0)
    samples.sort()
    return samples[len(samples) // 2]


def main(argv):
    min_seconds = 0.3
    shapes = []
    info = False
    i = 0
    while i < len(argv):
        if argv[i] == "--info":
            info = True
        elif argv[i] == "--min-seconds":
            i += 1
            min_seconds = float(argv[i])
        else:
            shapes.append(argv[i])
        i += 1
    if info:
        try:
            from threadpoolctl import threadpool_info
            print(json.dumps({"info": threadpool_info(), "numpy": np.__version__}), flush=True)
        except ImportError:
            print(json.dumps({"info": "threadpoolctl not installed", "numpy": np.__version__}), flush=True)
    for shape in shapes:
        m, k, n = (int(v) for v in shape.split("x"))
        print(json.dumps({"shape": shape, "seconds": time_shape(m, k, n, min_seconds)}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
