#!/usr/bin/python3
"""The workloads of WORKLOADS.md in PyTorch, printing the same JSON lines as Corgi.Benchmarks.

    /usr/bin/python3 Corgi.Benchmarks/peers/pytorch_workloads.py W1 W2 W3 W3L W4 [W5] [W6] [W7] [W8] [--threads 1|2|1,2] [--dtype float64,float32]
        [--reps 5] [--warmup 20] [--warmup-seconds 2] [--quick]

Needs Debian's python3-torch (apt-get install python3-torch). Rules as in WORKLOADS.md: synthetic data
from a fixed seed (not timed), 20 warm-up steps (lasting at least 2 s, as in Corgi's harness), then 5 repetitions of N steps, the median per-step time.
W1, W3, W3L, W4, W6, W7 and W8 print float64 and float32 rows (--dtype picks them); W2 is float64; W5 is raw torch.mm 1024 in
both dtypes (the peer's own view of the BLAS peak).

Threads: torch.set_num_threads (OpenMP) and openblas_set_num_threads (Debian's torch does its GEMMs
through libblas.so.3 = OpenBLAS, whose thread pool torch does not size). OMP_WAIT_POLICY=PASSIVE is set
before torch is imported when more than one thread is measured (spinning OpenMP workers would otherwise
steal the second core from the main thread between parallel regions); OPENBLAS_NUM_THREADS is set when
a single thread count is measured.
"""

import argparse
import ctypes
import gc
import json
import os
import statistics
import sys
import time


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("workloads", nargs="+", help="W1 W2 W3 W3L W4 W5 W6 W7 W8")
    p.add_argument("--threads", default="1", help="comma-separated thread counts (default 1)")
    p.add_argument("--dtype", default="float64,float32", help="comma-separated dtypes (default float64,float32; W2 is float64 only)")
    p.add_argument("--reps", type=int, default=5, help="repetitions of N steps (default 5)")
    p.add_argument("--warmup", type=int, default=20, help="untimed warm-up steps (default 20)")
    p.add_argument("--warmup-seconds", type=float, default=2.0,
                   help="the warm-up also lasts at least this long (default 2; the same rule as Corgi's harness)")
    p.add_argument("--quick", action="store_true", help="smoke test: 2 warm-up steps, 2 repetitions of <= 2 steps")
    args = p.parse_args(argv)
    args.threads = [int(t) for t in args.threads.split(",")]
    args.dtype = [d.strip() for d in args.dtype.split(",")]
    if any(d not in ("float64", "float32") for d in args.dtype):
        p.error("--dtype takes float64 and/or float32")
    if any(t < 1 for t in args.threads) or args.reps < 1 or args.warmup < 0:
        p.error("--threads and --reps must be >= 1, --warmup >= 0")
    if args.quick:
        args.reps, args.warmup, args.warmup_seconds = min(args.reps, 2), min(args.warmup, 2), 0.0
    return args


ARGS = parse_args(sys.argv[1:])
# Both must be in the environment before torch (libgomp, OpenBLAS) is loaded.
if max(ARGS.threads) > 1:
    os.environ.setdefault("OMP_WAIT_POLICY", "PASSIVE")
if len(ARGS.threads) == 1:
    os.environ["OPENBLAS_NUM_THREADS"] = str(ARGS.threads[0])

try:
    import torch
    import torch.nn.functional as F
except ImportError as e:  # keep the harness runnable: say what is missing, as a JSON line and on stderr
    print(f"pytorch_workloads.py: torch is not installed ({e}); apt-get install python3-torch", file=sys.stderr)
    for w in ARGS.workloads:
        for t in ARGS.threads:
            print(json.dumps({"system": "pytorch", "workload": w, "dtype": "float64", "threads": t,
                              "ms_per_step": None, "note": "torch is not installed"}))
    sys.exit(0)


def openblas():
    for name in ("libopenblas.so.0", "libopenblas.so"):
        try:
            lib = ctypes.CDLL(name)
            lib.openblas_get_config.restype = ctypes.c_char_p
            return lib
        except OSError:
            pass
    return None


OPENBLAS = openblas()


def set_threads(t):
    torch.set_num_threads(t)
    if OPENBLAS is not None:
        OPENBLAS.openblas_set_num_threads(t)


def backend_note():
    blas = OPENBLAS.openblas_get_config().decode().strip() if OPENBLAS is not None else "no openblas"
    return (f"torch {torch.__version__}, {torch.get_num_threads()} threads; "
            f"blas {blas}, {OPENBLAS.openblas_get_num_threads() if OPENBLAS else 0} threads")


def steps(n):
    return min(n, 2) if ARGS.quick else n


def median_ms_per_step(n, step):
    n = steps(n)
    start, i = time.perf_counter(), 0
    while i < ARGS.warmup or time.perf_counter() - start < ARGS.warmup_seconds:
        step()
        i += 1
    per_step = []
    for _ in range(ARGS.reps):
        gc.collect()
        t0 = time.perf_counter()
        for _ in range(n):
            step()
        per_step.append((time.perf_counter() - t0) * 1000.0 / n)
    return statistics.median(per_step)


def sig6(x):
    return None if x is None else float(f"{x:.6g}")


def line(workload, dtype, threads, ms, note, **extra):
    record = {"system": "pytorch", "workload": workload, "dtype": dtype, "threads": threads, "ms_per_step": sig6(ms)}
    record.update({k: sig6(v) for k, v in extra.items()})
    record["note"] = note
    print(json.dumps(record), flush=True)


def he_uniform(shape, fan_in, gen, dtype):
    limit = (2.0 / fan_in) ** 0.5
    return (torch.rand(shape, generator=gen, dtype=dtype) * 2 - 1) * limit


# ---------------------------------------------------------------- W1: MLP 784-256-10, batch 128, SGD 0.01

def dtypes():
    """(torch dtype, name) for each --dtype asked for."""
    return [(getattr(torch, name), name) for name in ARGS.dtype]


def w1(threads):
    for dtype, name in dtypes():
        gen = torch.Generator().manual_seed(1)
        x = torch.randn(128, 784, generator=gen, dtype=dtype)
        y = torch.randint(0, 10, (128,), generator=gen)
        p = {
            "w1": he_uniform((256, 784), 784, gen, dtype).requires_grad_(),
            "b1": torch.zeros(256, dtype=dtype).requires_grad_(),
            "w2": he_uniform((10, 256), 256, gen, dtype).requires_grad_(),
            "b2": torch.zeros(10, dtype=dtype).requires_grad_(),
        }
        losses = []

        def step():
            h = F.linear(x, p["w1"], p["b1"]).relu()
            logits = F.linear(h, p["w2"], p["b2"])
            loss = F.cross_entropy(logits, y)  # log-softmax + NLL, averaged over the batch
            loss.backward()
            losses.append(loss.item())
            with torch.no_grad():
                for k in p:
                    # a new parameter tensor, as Corgi's persistent update does
                    p[k] = (p[k] - 0.01 * p[k].grad).requires_grad_()

        ms = median_ms_per_step(50, step)
        line("W1", name, threads, ms,
             f"F.linear/relu/cross_entropy, new parameter tensors per update; {backend_note()}; "
             f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")


# ---------------------------------------------------------------- W2: dynamic graph on scalars

def w2(threads):
    a = torch.tensor([0.5], dtype=torch.float64, requires_grad=True)
    b = torch.tensor([2.0], dtype=torch.float64, requires_grad=True)
    state = {}

    def step():
        a.grad = None
        b.grad = None
        c = torch.tensor([0.0], dtype=torch.float64, requires_grad=True)
        ops = 0
        for _ in range(1000):
            c = c + a * b
            ops += 2
            # .item() reads the value without recording an op (c[0] would add an indexing op per iteration)
            if c.item() > 50:
                c = c * a
                ops += 1
        c.backward()
        state["ops"], state["c"] = ops, c.item()

    ms = median_ms_per_step(20, step)
    ops = state["ops"]
    line("W2", "float64", threads, ms,
         f"{ops} forward ops per step; c = {state['c']!r}, grad a = {a.grad.item()!r}; value read with .item()",
         us_per_op=ms * 1000.0 / ops)


# ---------------------------------------------------------------- W3 / W3L: sum(A @ B), backward

def w3_size(threads, name, n):
    for dtype, dname in dtypes():
        w3_size_dtype(threads, name, n, dtype, dname)


def w3_size_dtype(threads, name, n, dtype, dname):
    gen = torch.Generator().manual_seed(3)
    a = torch.randn(n, n, generator=gen, dtype=dtype, requires_grad=True)
    b = torch.randn(n, n, generator=gen, dtype=dtype, requires_grad=True)
    flops = 2.0 * n ** 3

    def step():
        (a @ b).sum().backward()
        a.grad = None
        b.grad = None

    ms = median_ms_per_step(10, step)
    line(name, dname, threads, ms, f"{n}x{n}, forward + backward = 3 GEMMs; {backend_note()}",
         gflops=3 * flops / (ms * 1e6))

    ad, bd = a.detach(), b.detach()
    out = torch.empty(n, n, dtype=dtype)
    ms = median_ms_per_step(10, lambda: torch.mm(ad, bd, out=out))
    line(name + "-provider", dname, threads, ms, f"bare {n}x{n} torch.mm (1 GEMM per step); {backend_note()}",
         gflops=flops / (ms * 1e6))


def w3(threads):
    w3_size(threads, "W3", 512)


def w3l(threads):
    w3_size(threads, "W3L", 1024)


# ---------------------------------------------------------------- W4: CNN, batch 32

def w4(threads):
    for dtype, name in dtypes():
        w4_dtype(threads, dtype, name)


def w4_dtype(threads, dtype, name):
    gen = torch.Generator().manual_seed(4)
    x = torch.randn(32, 1, 28, 28, generator=gen, dtype=dtype)
    y = torch.randint(0, 10, (32,), generator=gen)
    p = {
        "wc": he_uniform((8, 1, 3, 3), 9, gen, dtype).requires_grad_(),
        "bc": torch.zeros(8, dtype=dtype).requires_grad_(),
        "w": he_uniform((10, 5408), 5408, gen, dtype).requires_grad_(),
        "b": torch.zeros(10, dtype=dtype).requires_grad_(),
    }
    losses = []

    def step():
        h = F.conv2d(x, p["wc"], p["bc"]).relu().flatten(1)  # [32, 8*26*26 = 5408]
        loss = F.cross_entropy(F.linear(h, p["w"], p["b"]), y)
        loss.backward()
        losses.append(loss.item())
        with torch.no_grad():
            for k in p:
                p[k] = (p[k] - 0.01 * p[k].grad).requires_grad_()

    ms = median_ms_per_step(20, step)
    line("W4", name, threads, ms,
         f"conv2d 8x3x3+bias, relu, flatten, linear 5408->10, cross_entropy; {backend_note()}; "
         f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")


# ---------------------------------------------------------------- W5: raw 1024 GEMM through torch.mm

def w5(threads):
    n = 1024
    for dtype, name in dtypes():
        gen = torch.Generator().manual_seed(5)
        a = torch.rand(n, n, generator=gen, dtype=dtype) - 0.5
        b = torch.rand(n, n, generator=gen, dtype=dtype) - 0.5
        out = torch.empty(n, n, dtype=dtype)
        ms = median_ms_per_step(10, lambda: torch.mm(a, b, out=out))
        line("W5", name, threads, ms, f"torch.mm {n}x{n} into a preallocated result; {backend_note()}",
             gflops=2.0 * n ** 3 / (ms * 1e6))


# ---------------------------------------------------------------- W6: pre-norm transformer encoder layer (float32)

def w6(threads):
    for dtype, name in dtypes():
        torch.manual_seed(6)
        gen = torch.Generator().manual_seed(6)
        x = torch.randn(32, 64, 128, generator=gen, dtype=dtype)
        layer = torch.nn.TransformerEncoderLayer(128, 4, 512, dropout=0.0, activation="gelu", batch_first=True,
                                                 norm_first=True).to(dtype)
        layer.train()
        opt = torch.optim.Adam(layer.parameters(), lr=1e-3)
        losses = []

        def step():
            opt.zero_grad(set_to_none=True)
            loss = layer(x).mean()
            loss.backward()
            losses.append(loss.item())
            opt.step()

        ms = median_ms_per_step(20, step)
        line("W6", name, threads, ms,
             f"nn.TransformerEncoderLayer(128, 4, 512, gelu, norm_first, batch_first) 32x64, mean loss, Adam 1e-3; {backend_note()}; "
             f"loss {losses[0]:.5f} -> {losses[-1]:.5f}")


# ---------------------------------------------------------------- W7: one-layer LSTM + dense on h_L (float32)

def w7(threads):
    for dtype, name in dtypes():
        torch.manual_seed(7)
        gen = torch.Generator().manual_seed(7)
        x = torch.randn(50, 32, 32, generator=gen, dtype=dtype)
        y = torch.randint(0, 10, (32,), generator=gen)
        lstm = torch.nn.LSTM(32, 128).to(dtype)
        dense = torch.nn.Linear(128, 10).to(dtype)
        opt = torch.optim.Adam(list(lstm.parameters()) + list(dense.parameters()), lr=1e-3)
        losses = []

        def step():
            opt.zero_grad(set_to_none=True)
            _, (h, _) = lstm(x)
            loss = F.cross_entropy(dense(h[-1]), y)
            loss.backward()
            losses.append(loss.item())
            opt.step()

        ms = median_ms_per_step(20, step)
        line("W7", name, threads, ms,
             f"nn.LSTM(32, 128) over 50 steps x 32, Linear 128->10 on h_L, cross_entropy, Adam 1e-3; {backend_note()}; "
             f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")


# ---------------------------------------------------------------- W8: small-batch MLP 64-64-10, batch 32, Adam 5e-3

def w8(threads):
    for dtype, name in dtypes():
        torch.manual_seed(8)
        gen = torch.Generator().manual_seed(8)
        x = torch.randn(32, 64, generator=gen, dtype=dtype)
        y = torch.randint(0, 10, (32,), generator=gen)
        model = torch.nn.Sequential(torch.nn.Linear(64, 64), torch.nn.ReLU(), torch.nn.Linear(64, 10)).to(dtype)
        opt = torch.optim.Adam(model.parameters(), lr=5e-3)
        losses = []

        def step():
            opt.zero_grad(set_to_none=True)
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            losses.append(loss.item())
            opt.step()

        ms = median_ms_per_step(200, step)
        line("W8", name, threads, ms,
             f"nn.Sequential(Linear 64->64, ReLU, Linear 64->10) batch 32, cross_entropy, Adam 5e-3; {backend_note()}; "
             f"loss {losses[0]:.4f} -> {losses[-1]:.4f}")


WORKLOADS = {"W1": w1, "W2": w2, "W3": w3, "W3L": w3l, "W4": w4, "W5": w5, "W6": w6, "W7": w7, "W8": w8}


def main():
    names = []
    for w in ARGS.workloads:
        key = w.upper()
        if key not in WORKLOADS:
            print(f"unknown workload {w} (known: {', '.join(WORKLOADS)})", file=sys.stderr)
            return 2
        names.append(key)
    torch.manual_seed(0)
    for t in ARGS.threads:
        set_threads(t)
        for name in names:
            WORKLOADS[name](t)
    return 0


if __name__ == "__main__":
    sys.exit(main())
