#!/usr/bin/python3
"""Runs Corgi.Benchmarks and the PyTorch peer on the same workloads, side by side, and prints the ratios.

    /usr/bin/python3 Corgi.Benchmarks/peers/compare.py [--threads 1,2] [--reps 5] [--quick] [--managed] [--out FILE]

For each thread count: one Corgi process (W1 W1-dense W2 W3 W3L W4 W5 --profile, float64 and float32 rows), with --managed a second one
(W1 W3 under CORGI_BLAS=managed, shown as corgi-managed), and one PyTorch process (W1 W2 W3 W3L W4 W5, both dtypes), each with OPENBLAS_NUM_THREADS=t and OMP_NUM_THREADS=t in its environment
(and OMP_WAIT_POLICY=PASSIVE when t > 1). Every JSON line is echoed as it arrives (and written to
--out, default Corgi.Benchmarks/bin/compare-results.jsonl); then a table of the figures and the
ratio corgi/pytorch (of times: below 1 means Corgi is faster).

OPENBLAS_CORETYPE, when set in the environment, is passed on to both (OpenBLAS 0.3.21 falls back to its
slow Prescott kernel on CPUs it does not know; see docs/performance.md).
Without python3-torch the PyTorch rows say "torch is not installed" and the table shows n/a.
"""

import argparse
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
CORGI_WORKLOADS = ["W1", "W1-dense", "W2", "W3", "W3L", "W4", "W5", "W6", "W7", "W8"]
TORCH_WORKLOADS = ["W1", "W2", "W3", "W3L", "W4", "W5", "W6", "W7", "W8"]
# the rows of the table, in order
ROWS = [(w, d) for d in ("float64", "float32")
        for w in ("W1", "W1-dense", "W2", "W3", "W3-scoped", "W3-provider", "W3L", "W3L-scoped", "W3L-provider", "W4", "W5", "W6", "W7", "W8")
        if not (w == "W2" and d == "float32")]


def run(cmd, env, sink, records, relabel=None):
    """Runs one harness, echoing and collecting its JSON lines; a failing harness is reported, not fatal.
    relabel renames the "system" of the collected records (the echoed lines stay as printed)."""
    print("# " + " ".join(cmd), flush=True)
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=subprocess.PIPE, text=True)
    for raw in proc.stdout:
        raw = raw.strip()
        if not raw.startswith("{"):
            continue
        print(raw, flush=True)
        sink.write(raw + "\n")
        sink.flush()
        record = json.loads(raw)
        if relabel:
            record["system"] = relabel
        records.append(record)
    if proc.wait() != 0:
        print(f"# exit code {proc.returncode}: {' '.join(cmd)}", flush=True)


def environment(threads):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(threads)
    env["OMP_NUM_THREADS"] = str(threads)
    if threads > 1:
        env["OMP_WAIT_POLICY"] = "PASSIVE"
    else:
        env.pop("OMP_WAIT_POLICY", None)
    env.setdefault("DOTNET_CLI_TELEMETRY_OPTOUT", "1")
    env.setdefault("DOTNET_NOLOGO", "1")
    return env


def metric(record):
    """(value, unit) compared for a record: us/op for W2, ms/step otherwise."""
    if record is None:
        return None, ""
    if record["workload"] == "W2":
        return record.get("us_per_op"), "us/op"
    return record.get("ms_per_step"), "ms/step"


def fmt(x, digits=3):
    return "n/a" if x is None else f"{x:.{digits}g}" if abs(x) < 1000 else f"{x:.0f}"


def table(records, threads):
    by_key = {(r["system"], r["workload"], r["dtype"], r["threads"]): r for r in records}
    managed = any(r["system"] == "corgi-managed" for r in records)
    header = ["workload", "dtype", "thr", "unit", "corgi", "pytorch", "corgi/pytorch", "corgi GF/s", "pytorch GF/s"]
    if managed:
        header += ["corgi-managed", "managed GF/s"]
    rows = []
    for t in threads:
        for workload, dtype in ROWS:
            c = by_key.get(("corgi", workload, dtype, t))
            # W1-dense (Corgi's Dense layers) is the same work as W1: compare it with PyTorch's W1
            p = by_key.get(("pytorch", "W1" if workload == "W1-dense" else workload, dtype, t))
            m = by_key.get(("corgi-managed", workload, dtype, t))
            if c is None and p is None and m is None:
                continue
            (cv, unit), (pv, unit2), (mv, unit3) = metric(c), metric(p), metric(m)
            ratio = cv / pv if cv and pv else None
            row = [workload, dtype, str(t), unit or unit2 or unit3, fmt(cv), fmt(pv), fmt(ratio),
                   fmt(c.get("gflops")) if c and "gflops" in c else "",
                   fmt(p.get("gflops")) if p and "gflops" in p else ""]
            if managed:
                row += [fmt(mv) if m else "", fmt(m.get("gflops")) if m and "gflops" in m else ""]
            rows.append(row)
    widths = [max(len(h), *(len(r[i]) for r in rows)) if rows else len(h) for i, h in enumerate(header)]
    out = ["| " + " | ".join(h.ljust(w) for h, w in zip(header, widths)) + " |",
           "|" + "|".join("-" * (w + 2) for w in widths) + "|"]
    out += ["| " + " | ".join(v.ljust(w) for v, w in zip(r, widths)) + " |" for r in rows]

    # efficiencies: the product inside the graph vs the bare product, and vs raw OpenBLAS
    notes = []
    for t in threads:
        for system in ("corgi", "corgi-managed", "pytorch"):
            for d in ("float64", "float32"):
                for w, ref in (("W3", "W3-provider"), ("W3L", "W3L-provider"), ("W3L", "W5")):
                    a, b = by_key.get((system, w, d, t)), by_key.get((system if ref != "W5" else "corgi", ref, d, t))
                    if a and b and a.get("gflops") and b.get("gflops"):
                        of = "raw OpenBLAS (corgi's W5)" if ref == "W5" else f"{system}'s {ref}"
                        notes.append(f"{system} threads={t}: {w} {d} reaches {100 * a['gflops'] / b['gflops']:.0f}% of the GFLOP/s of {of}")
        for w, d in (("W3", "float64"), ("W3L", "float64"), ("W3", "float32"), ("W3L", "float32")):
            vs = by_key.get(("corgi", w + "-vs-raw", d, t))
            if vs and vs.get("share_of_raw"):
                notes.append(f"corgi threads={t}: {w} {d} reaches {100 * vs['share_of_raw']:.0f}% of raw {'cblas_sgemm' if d == 'float32' else 'cblas_dgemm'} of the same size, "
                             f"measured alternately ({fmt(vs['ms_per_step'])} ms per step, {fmt(vs['raw_gemm_ms'])} ms per raw GEMM)"
                             + (f"; in a dispose scope {100 * vs['scoped_share_of_raw']:.0f}%; the floor (the three products raw "
                                f"plus the step's sum and fill) {100 * vs['floor_share_of_raw']:.0f}%" if "floor_share_of_raw" in vs else ""))
        prof = by_key.get(("corgi", "W2-profile", "float64", t))
        if prof:
            notes.append(f"corgi threads={t}: W2 forward {fmt(prof['forward_us_per_op'])} us/op "
                         f"({fmt(prof['forward_bytes_per_op'])} B/op), backward {fmt(prof['backward_us_per_op'])} us/op "
                         f"({fmt(prof['backward_bytes_per_op'])} B/op), untracked forward {fmt(prof['untracked_forward_us_per_op'])} us/op")
    # the goals of issue 4: Dense layers within 5% of raw-op W1; W4 <= 0.8x PyTorch in the same run
    for t in threads:
        raw, dense = by_key.get(("corgi", "W1", "float64", t)), by_key.get(("corgi", "W1-dense", "float64", t))
        if raw and dense and raw.get("ms_per_step") and dense.get("ms_per_step"):
            notes.append(f"corgi threads={t}: W1-dense takes {dense['ms_per_step'] / raw['ms_per_step']:.3f}x the time of raw-op W1 (goal <= 1.05)")
        c4, p4 = by_key.get(("corgi", "W4", "float64", t)), by_key.get(("pytorch", "W4", "float64", t))
        if c4 and p4 and c4.get("ms_per_step") and p4.get("ms_per_step"):
            notes.append(f"threads={t}: W4 corgi/pytorch = {c4['ms_per_step'] / p4['ms_per_step']:.3f} (goal <= 0.8)")
        prof = by_key.get(("corgi", "W4-profile", "float64", t))
        if prof:
            # older runs timed conv and relu apart; current ones time the fused conv2d_relu
            phases = [k for k in ["conv_fwd", "relu_fwd", "conv_relu_fwd", "dense_fwd", "loss_fwd", "backward", "update"]
                      if k + "_ms" in prof]
            notes.append(f"corgi threads={t}: W4 step op by op (medians, ms): "
                         + ", ".join(f"{k} {fmt(prof.get(k + '_ms'))}" for k in phases)
                         + f"; conv forward+backward alone {fmt(prof.get('conv_fwd_bwd_alone_ms'))}"
                         + (f", conv_relu forward+backward alone {fmt(prof['conv_relu_fwd_bwd_alone_ms'])}"
                            if "conv_relu_fwd_bwd_alone_ms" in prof else ""))
    # the float32 goals of issue 17
    for t in threads:
        for w, goal in (("W1", 0.8), ("W4", 0.6)):
            c, p = by_key.get(("corgi", w, "float32", t)), by_key.get(("pytorch", w, "float32", t))
            if c and p and c.get("ms_per_step") and p.get("ms_per_step"):
                notes.append(f"threads={t}: {w} float32 corgi/pytorch = {c['ms_per_step'] / p['ms_per_step']:.3f} (goal <= {goal})")
        for d in ("float64", "float32"):
            c = by_key.get(("corgi", "W1", d, t))
            if c and c.get("bytes_per_step") is not None:
                notes.append(f"corgi threads={t}: W1 {d} allocates {c['bytes_per_step'] / 1e6:.2f} MB per step")
    if any("Prescott" in (r.get("note") or "") for r in records):
        notes.append("WARNING: OpenBLAS ran its generic Prescott kernel; export OPENBLAS_CORETYPE=SkylakeX "
                     "(AVX-512) or Haswell (AVX2) for its real speed")
    return "\n".join(out + [""] + ["- " + n for n in notes])


def main(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", default="1,2", help="comma-separated thread counts (default 1,2)")
    p.add_argument("--reps", type=int, default=5)
    p.add_argument("--quick", action="store_true", help="smoke test: tiny step counts, figures not meaningful")
    p.add_argument("--no-build", action="store_true", help="skip dotnet build -c Release")
    p.add_argument("--out", default=os.path.join(ROOT, "Corgi.Benchmarks", "bin", "compare-results.jsonl"),
                   help="where to write the JSON lines (default Corgi.Benchmarks/bin/compare-results.jsonl)")
    p.add_argument("--managed", action="store_true",
                   help="also run Corgi's W1 W3 with CORGI_BLAS=managed (MathNet's managed provider), shown as corgi-managed")
    args = p.parse_args(argv)
    threads = [int(t) for t in args.threads.split(",")]

    print(f"# machine: {os.cpu_count()} CPUs, {cpu_model()}; OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}",
          flush=True)
    if not args.no_build:
        build = subprocess.run(["dotnet", "build", "-c", "Release", "Corgi.Benchmarks", "-v", "q", "-nologo"],
                               cwd=ROOT, env=environment(1), stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if build.returncode != 0:
            print(build.stdout)
            print("# dotnet build failed", flush=True)
            return 1
    extra = ["--reps", str(args.reps)] + (["--quick"] if args.quick else [])
    records = []
    os.makedirs(os.path.dirname(os.path.abspath(args.out)), exist_ok=True)
    with open(args.out, "w", encoding="utf-8") as sink:
        for t in threads:
            env = environment(t)
            run(["dotnet", "run", "-c", "Release", "--no-build", "--project", "Corgi.Benchmarks", "--",
                 *CORGI_WORKLOADS, "--threads", str(t), "--profile", *extra], env, sink, records)
            if args.managed:
                run(["dotnet", "run", "-c", "Release", "--no-build", "--project", "Corgi.Benchmarks", "--",
                     "W1", "W3", "--threads", str(t), *extra], dict(env, CORGI_BLAS="managed"), sink, records,
                    relabel="corgi-managed")
            run(["/usr/bin/python3", os.path.join(HERE, "pytorch_workloads.py"),
                 *TORCH_WORKLOADS, "--threads", str(t), *extra], env, sink, records)
    print()
    print(table(records, threads))
    return 0


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as f:
            for raw in f:
                if raw.startswith("model name"):
                    return raw.split(":", 1)[1].strip()
    except OSError:
        pass
    return "unknown CPU"


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
