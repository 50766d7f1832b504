using System;
using System.Diagnostics;
using System.Globalization;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W2: per-op overhead of the dynamic graph on 1-element tensors. One step = 1000 iterations of
/// c = c + a*b; if c[0] &gt; 50: c = c*a, then c.Backward(). N = 20.
/// </summary>
internal static class Dynamic
{
    private const int Iterations = 1000, N = 20;

    /// <summary>Runs the loop once; returns (c, forward ops executed). c starts tracked unless profiling without a graph.</summary>
    private static (Tensor C, int Ops) Forward(Tensor a, Tensor b, bool trackC = true)
    {
        var c = trackC ? Tensor.Of(0.0).Tracked() : Tensor.Of(0.0);
        int ops = 0;
        for (int i = 0; i < Iterations; i++)
        {
            c = c + a * b;
            ops += 2;
            if (c[0] > 50)
            {
                c = c * a;
                ops += 1;
            }
        }
        return (c, ops);
    }

    /// <summary>The W2 line, and with --profile a W2-profile line (see <see cref="Profile"/>).</summary>
    public static void Run(RunContext ctx)
    {
        var a = Tensor.Of(0.5).Tracked();
        var b = Tensor.Of(2.0).Tracked();
        int ops = 0;
        double c = 0;
        void Step()
        {
            a.ClearGradient();
            b.ClearGradient();
            var (result, n) = Forward(a, b);
            result.Backward();
            ops = n;
            c = result[0];
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W2", "float64", ctx.Threads, ms,
            $"{ops} forward ops per step; c = {c.ToString("R", CultureInfo.InvariantCulture)}, grad a = {a.Gradient![0].ToString("R", CultureInfo.InvariantCulture)}; {ctx.AllocationNote()}",
            ("us_per_op", ms * 1000.0 / ops));
        if (ctx.Profile) Profile(ctx, a, b, ops);
    }

    /// <summary>
    /// Where the time of W2 goes: forward vs backward time, bytes allocated per forward op and per op
    /// of the backward pass (GC.GetAllocatedBytesForCurrentThread), collections, and the same forward
    /// loop on untracked tensors (the cost of the op without any graph).
    /// </summary>
    private static void Profile(RunContext ctx, Tensor a, Tensor b, int ops)
    {
        int reps = ctx.Quick ? 2 : 200;
        var fwd = new double[reps];
        var bwd = new double[reps];
        long fwdBytes = 0, bwdBytes = 0;
        int gen0 = GC.CollectionCount(0);
        for (int r = 0; r < reps; r++)
        {
            a.ClearGradient();
            b.ClearGradient();
            long m0 = GC.GetAllocatedBytesForCurrentThread();
            long t0 = Stopwatch.GetTimestamp();
            var (c, _) = Forward(a, b);
            long t1 = Stopwatch.GetTimestamp();
            long m1 = GC.GetAllocatedBytesForCurrentThread();
            c.Backward();
            long t2 = Stopwatch.GetTimestamp();
            long m2 = GC.GetAllocatedBytesForCurrentThread();
            fwd[r] = Stopwatch.GetElapsedTime(t0, t1).TotalMicroseconds / ops;
            bwd[r] = Stopwatch.GetElapsedTime(t1, t2).TotalMicroseconds / ops;
            fwdBytes += m1 - m0;
            bwdBytes += m2 - m1;
        }
        int collections = GC.CollectionCount(0) - gen0;

        // The same loop with nothing tracked: kernel + allocation + broadcast checks, no graph.
        var ua = a.Untracked();
        var ub = b.Untracked();
        var untracked = new double[reps];
        long u0 = GC.GetAllocatedBytesForCurrentThread();
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            Forward(ua, ub, trackC: false);
            untracked[r] = Stopwatch.GetElapsedTime(t0).TotalMicroseconds / ops;
        }
        long untrackedBytes = GC.GetAllocatedBytesForCurrentThread() - u0;

        // Forward() also allocates the leaf c and reads c[0] (a params int[] per read); those belong to the workload.
        Console.Out.WriteLine(Report.Format(new (string, object?)[]
        {
            ("system", "corgi"), ("workload", "W2-profile"), ("dtype", "float64"), ("threads", ctx.Threads),
            ("forward_us_per_op", RunContext.Median(fwd)),
            ("backward_us_per_op", RunContext.Median(bwd)),
            ("untracked_forward_us_per_op", RunContext.Median(untracked)),
            ("forward_bytes_per_op", (double)fwdBytes / reps / ops),
            ("backward_bytes_per_op", (double)bwdBytes / reps / ops),
            ("untracked_bytes_per_op", (double)untrackedBytes / reps / ops),
            ("gen0_collections_per_step", (double)collections / reps),
            ("note", $"medians over {reps} steps of {ops} ops; backward time and bytes divided by the forward op count"),
        }));
    }
}
