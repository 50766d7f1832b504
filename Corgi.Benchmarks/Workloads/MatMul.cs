using System;
using System.Globalization;
using Corgi.LinearAlgebra;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W3 / W3L: A, B n x n tracked; loss = sum(A·B); backward. One step = 3 GEMMs; gflops = 3·2n³ / step.
/// N = 10. In the same run, the bare product of the same size through the active provider
/// (Gemm.RowMajor) is measured as "W3-provider" / "W3L-provider" (gflops = 2n³ / product), so the
/// overhead of the graph around the GEMMs reads as the ratio of the two gflops.
/// </summary>
internal static class MatMul
{
    private const int N = 10;

    /// <summary>The lines for one size, in ctx's dtype.</summary>
    public static void Run(RunContext ctx, string name, int n)
    {
        if (ctx.DType == DType.Float32) Run<float>(ctx, name, n, "cblas_sgemm");
        else Run<double>(ctx, name, n, "cblas_dgemm");
    }

    private static void Run<T>(RunContext ctx, string name, int n, string routine) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(3);
        var a = Tensor.RandomNormal(new[] { n, n }, random, dtype: ctx.DType).Tracked();
        var b = Tensor.RandomNormal(new[] { n, n }, random, dtype: ctx.DType).Tracked();
        double flops = 2.0 * n * n * (double)n;

        void Step()
        {
            var loss = a.MatMul(b).Sum();
            loss.Backward();
            a.ClearGradient();
            b.ClearGradient();
        }
        double ms = ctx.MedianMsPerStep(N, Step);
        string size = n.ToString(CultureInfo.InvariantCulture);
        Report.Line(name, ctx.DTypeName, ctx.Threads, ms,
            $"{size}x{size}, forward + backward = 3 GEMMs; " + ProviderInfo.Note() + "; " + ctx.AllocationNote(),
            ("gflops", 3 * flops / (ms * 1e6)));

        // The bare product through the same provider, on the same buffers, into a preallocated result.
        var ad = a.ToArray<T>();
        var bd = b.ToArray<T>();
        var cd = new T[n * n];
        double msProvider = ctx.MedianMsPerStep(N, () => Gemm.RowMajor(false, false, n, n, n, T.One, ad, bd, T.Zero, cd));
        Report.Line(name + "-provider", ctx.DTypeName, ctx.Threads, msProvider,
            $"bare {size}x{size} product through Gemm.RowMajor (1 GEMM per step); " + ProviderInfo.Note(),
            ("gflops", flops / (msProvider * 1e6)));

        // The same step in a dispose scope (Tensor.NewDisposeScope): A·B and the loss are disposed when it
        // ends, so the next step's product reuses A·B's buffer instead of fresh memory.
        void ScopedStep()
        {
            using (Tensor.NewDisposeScope()) Step();
        }
        double msScoped = ctx.MedianMsPerStep(N, ScopedStep);
        Report.Line(name + "-scoped", ctx.DTypeName, ctx.Threads, msScoped,
            $"{size}x{size}, the W3 step inside Tensor.NewDisposeScope(); " + ProviderInfo.Note() + "; " + ctx.AllocationNote(),
            ("gflops", 3 * flops / (msScoped * 1e6)));

        // The steps against raw cblas_dgemm (W5's call) of the same size, alternating repetition by
        // repetition: GEMM speed drifts by several percent between phases of a run (measured: W5 25.7 ms at
        // the start of a run, 27.7 ms later), which a ratio of two separate medians reads as overhead.
        if (RawOpenBlas.IsAvailable && !ctx.Quick)
        {
            var rawC = new T[n * n];
            var ones = new T[n * n];
            var gradA = new T[n * n];
            var gradB = new T[n * n];
            Array.Fill(ones, T.One);
            var stepMs = new double[ctx.Repetitions];
            var scopedMs = new double[ctx.Repetitions];
            var rawMs = new double[ctx.Repetitions];
            var raw3Ms = new double[ctx.Repetitions];
            var floorMs = new double[ctx.Repetitions];
            for (int r = 0; r < ctx.Repetitions; r++)
            {
                stepMs[r] = ctx.MedianMsPerStep(N, Step, repetitions: 1, warmUp: 2);
                scopedMs[r] = ctx.MedianMsPerStep(N, ScopedStep, repetitions: 1, warmUp: 2);
                rawMs[r] = ctx.MedianMsPerStep(N, () => RawOpenBlas.Gemm(n, false, false, ad, bd, rawC), repetitions: 1, warmUp: 2);
                // the step's own three products, raw: A·B, g·Bᵀ, Aᵀ·g (g a matrix of ones, as the sum's gradient)
                raw3Ms[r] = ctx.MedianMsPerStep(N, () =>
                {
                    RawOpenBlas.Gemm(n, false, false, ad, bd, rawC);
                    RawOpenBlas.Gemm(n, false, true, ones, bd, rawC);
                    RawOpenBlas.Gemm(n, true, false, ad, ones, rawC);
                }, repetitions: 1, warmUp: 2);
                // the floor: the step's work with nothing else, on buffers made once: the three products raw
                // plus the two passes over n x n the workload itself asks for (the sum, and its gradient's fill)
                floorMs[r] = ctx.MedianMsPerStep(N, () =>
                {
                    RawOpenBlas.Gemm(n, false, false, ad, bd, rawC);
                    _ = Kernels.LargeKernels.Sum(rawC);
                    Kernels.LargeKernels.Fill(ones, T.One);
                    RawOpenBlas.Gemm(n, false, true, ones, bd, gradA);
                    RawOpenBlas.Gemm(n, true, false, ad, ones, gradB);
                }, repetitions: 1, warmUp: 2);
            }
            double stepMedian = RunContext.Median(stepMs), scopedMedian = RunContext.Median(scopedMs), rawMedian = RunContext.Median(rawMs);
            double raw3Median = RunContext.Median(raw3Ms), floorMedian = RunContext.Median(floorMs);
            Console.Out.WriteLine(Report.Format(new (string, object?)[]
            {
                ("system", "corgi"), ("workload", name + "-vs-raw"), ("dtype", ctx.DTypeName), ("threads", ctx.Threads),
                ("ms_per_step", stepMedian), ("scoped_ms_per_step", scopedMedian), ("raw_gemm_ms", rawMedian),
                ("share_of_raw", 3 * rawMedian / stepMedian), ("scoped_share_of_raw", 3 * rawMedian / scopedMedian),
                ("raw_three_products_ms", raw3Median), ("share_of_raw_three", raw3Median / stepMedian),
                ("floor_ms", floorMedian), ("floor_share_of_raw", 3 * rawMedian / floorMedian),
                ("note", "alternating repetitions of " + N.ToString(CultureInfo.InvariantCulture) + " steps each: " + name + ", " + name + "-scoped, "
                    + "raw " + routine + " " + size + " (W5's call), the step's three products raw (NN, NT, TN), and the floor (those three plus the sum and the fill of its gradient on preallocated buffers); "
                    + "share_of_raw = 3 x median raw NN / median step (the goal's measure); floor_share_of_raw is the most any implementation of the step can reach"
),
            }));
        }

        if (ctx.Profile)
        {
            // The backward GEMMs use transposed operands (dA = g·Bᵀ, dB = Aᵀ·g): time them bare as well.
            double msNT = ctx.MedianMsPerStep(N, () => Gemm.RowMajor(false, true, n, n, n, T.One, ad, bd, T.Zero, cd));
            double msTN = ctx.MedianMsPerStep(N, () => Gemm.RowMajor(true, false, n, n, n, T.One, ad, bd, T.Zero, cd));
            // the step's own phases: the forward product, the sum, the backward pass (two GEMMs and the broadcast)
            var phases = new double[3][];
            for (int i = 0; i < 3; i++) phases[i] = new double[N * 3];
            for (int i = 0; i < N * 3; i++)
            {
                long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
                var c = a.MatMul(b);
                long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
                var loss = c.Sum();
                long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
                loss.Backward();
                long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
                a.ClearGradient();
                b.ClearGradient();
                phases[0][i] = System.Diagnostics.Stopwatch.GetElapsedTime(t0, t1).TotalMilliseconds;
                phases[1][i] = System.Diagnostics.Stopwatch.GetElapsedTime(t1, t2).TotalMilliseconds;
                phases[2][i] = System.Diagnostics.Stopwatch.GetElapsedTime(t2, t3).TotalMilliseconds;
            }
            Console.Out.WriteLine(Report.Format(new (string, object?)[]
            {
                ("system", "corgi"), ("workload", name + "-profile"), ("dtype", ctx.DTypeName), ("threads", ctx.Threads),
                ("step_ms", ms), ("gemm_nn_ms", msProvider), ("gemm_nt_ms", msNT), ("gemm_tn_ms", msTN),
                ("outside_gemm_ms", ms - msProvider - msNT - msTN),
                ("step_matmul_ms", RunContext.Median(phases[0])), ("step_sum_ms", RunContext.Median(phases[1])),
                ("step_backward_ms", RunContext.Median(phases[2])),
                ("note", "step = A·B (NN) + dA = g·Bᵀ (NT) + dB = Aᵀ·g (TN) + the rest (sum, its broadcast gradient, allocation, GC)"),
            }));
        }
    }
}
