using System;
using System.Collections.Generic;
using System.Globalization;
using Corgi.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W5-grid: square row-major GEMM C = A·B at sizes 64 to 1024 under each provider, in the same run and
/// alternating provider by provider within every repetition: raw OpenBLAS (cblas_dgemm / cblas_sgemm by
/// P/Invoke), Corgi's managed GEMM at each vector width the CPU has (AVX-512 and AVX2), and MathNet's managed
/// provider. One line per size and provider, with GFLOP/s and the ratio to OpenBLAS.
/// <c>CORGI_GRID_SIZES=64,256,1024</c> measures those sizes only, and <c>CORGI_GRID_PROVIDERS=openblas,corgi-512</c>
/// those providers only.
/// </summary>
internal static class GemmGrid
{
    private static readonly int[] s_sizes = [64, 96, 128, 192, 256, 384, 512, 768, 1024];

    /// <summary>The grid's lines for the context's dtype and thread count.</summary>
    public static void Run(RunContext ctx)
    {
        if (ctx.DType == DType.Float32) Run<float>(ctx);
        else Run<double>(ctx);
    }

    private static void Run<T>(RunContext ctx) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int savedBits = ManagedGemm.VectorBits;
        try
        {
            var sizes = Environment.GetEnvironmentVariable("CORGI_GRID_SIZES") is { Length: > 0 } list
                ? Array.ConvertAll(list.Split(','), x => int.Parse(x, CultureInfo.InvariantCulture))
                : s_sizes;
            foreach (int size in sizes) RunSize<T>(ctx, size);
            if (Environment.GetEnvironmentVariable("CORGI_GRID_SHAPES") != "0")
            {
                foreach (var shape in s_shapes) RunShape<T>(ctx, shape);
            }
        }
        finally
        {
            ManagedGemm.VectorBits = savedBits;
        }
    }

    private static void RunSize<T>(RunContext ctx, int size) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(size);
        var a = new T[size * size];
        var b = new T[size * size];
        var c = new T[size * size];
        for (int i = 0; i < a.Length; i++) { a[i] = T.CreateTruncating(random.NextDouble() - 0.5); b[i] = T.CreateTruncating(random.NextDouble() - 0.5); }
        double flops = 2.0 * size * size * (double)size;

        var candidates = new List<(string Name, Action Step, int N)>();
        // about 20 ms per timed repetition at 50 GFLOP/s
        int n = Math.Max(2, (int)(20e-3 * 50e9 / flops));
        if (RawOpenBlas.IsAvailable) candidates.Add(("openblas", () => RawOpenBlas.Gemm(size, false, false, a, b, c), n));
        foreach (int bits in new[] { 512, 256 })
        {
            if (bits > ManagedGemm.HardwareVectorBits) continue;
            candidates.Add(("corgi-" + bits.ToString(CultureInfo.InvariantCulture), () =>
            {
                ManagedGemm.VectorBits = bits;
                ManagedGemm.RowMajor(false, false, size, size, size, T.One, a, b, T.Zero, c);
            }, n));
        }
        // MathNet's provider is 20-30x slower: fewer steps (column-major, so it computes Cᵀ = Bᵀ·Aᵀ: the same work).
        candidates.Add(("managed", () => ManagedGemmOfMathNet(size, a, b, c), Math.Max(1, n / 20)));

        if (Environment.GetEnvironmentVariable("CORGI_GRID_PROVIDERS") is { Length: > 0 } only)
            candidates.RemoveAll(x => Array.IndexOf(only.Split(','), x.Name) < 0);
        int reps = ctx.Quick ? 1 : ctx.Repetitions;
        var ms = new double[candidates.Count][];
        for (int i = 0; i < candidates.Count; i++)
        {
            ms[i] = new double[reps];
            ctx.MedianMsPerStep(1, candidates[i].Step, repetitions: 1, warmUp: 2, warmUpSeconds: ctx.Quick ? 0 : 0.3);
        }
        for (int r = 0; r < reps; r++)
        {
            for (int i = 0; i < candidates.Count; i++)
                ms[i][r] = ctx.MedianMsPerStep(candidates[i].N, candidates[i].Step, repetitions: 1, warmUp: 1);
        }

        double? openBlasMs = candidates.Count > 0 && candidates[0].Name == "openblas" ? RunContext.Median(ms[0]) : null;
        for (int i = 0; i < candidates.Count; i++)
        {
            double median = RunContext.Median(ms[i]);
            Report.Line("W5-grid", ctx.DTypeName, ctx.Threads, median,
                $"C = A·B, {size}x{size}, {candidates[i].Name}; alternating providers within each of {reps} repetitions"
                + (candidates[i].Name == "openblas" ? "; " + RawOpenBlas.Config.Trim() + Peak.CoreTypeWarning() : "")
                + (candidates[i].Name.StartsWith("corgi", StringComparison.Ordinal) ? "; Corgi managed GEMM" : ""),
                ("size", size), ("provider", candidates[i].Name), ("gflops", flops / (median * 1e6)),
                ("of_openblas", openBlasMs is { } o ? o / median : null));
        }
    }

    /// <summary>The products of W1 (batch 128, 784-256-10) and W4 (per image: 8 filters of 3 x 3 over 26 x 26), as Corgi makes them.</summary>
    private static readonly (string Name, bool TransA, bool TransB, int M, int N, int K)[] s_shapes =
    [
        ("W1 x·W1ᵀ", false, true, 128, 256, 784), ("W1 gᵀ·x", true, false, 256, 784, 128),
        ("W1 gᵀ·h", true, false, 10, 256, 128), ("W1 h·W2ᵀ", false, true, 128, 10, 256), ("W1 g·W2", false, false, 128, 256, 10),
        ("W4 g·colsᵀ", false, true, 8, 9, 676), ("W4 w·cols", false, false, 8, 676, 10),
    ];

    /// <summary>
    /// One product of a workload through <see cref="Gemm.RowMajor{T}(bool, bool, int, int, int, T, T[], T[], T, T[])"/>
    /// (so with the skinny kernels where Gemm sends it), under OpenBLAS and under Corgi's provider, alternating.
    /// </summary>
    private static void RunShape<T>(RunContext ctx, (string Name, bool TransA, bool TransB, int M, int N, int K) s)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(s.M + s.N + s.K);
        var a = new T[s.M * s.K];
        var b = new T[s.K * s.N];
        var c = new T[s.M * s.N];
        for (int i = 0; i < a.Length; i++) a[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        for (int i = 0; i < b.Length; i++) b[i] = T.CreateTruncating(random.NextDouble() - 0.5);
        double flops = 2.0 * s.M * s.N * (double)s.K;
        int n = Math.Max(2, (int)(20e-3 * 50e9 / flops));
        var providers = new List<string>();
        if (Blas.IsOpenBlasAvailable) providers.Add("openblas");
        providers.Add("corgi");
        string saved = Blas.ProviderName;
        int reps = ctx.Quick ? 1 : ctx.Repetitions;
        var ms = new double[providers.Count][];
        try
        {
            void Step() => Gemm.RowMajor(s.TransA, s.TransB, s.M, s.N, s.K, T.One, a, b, T.Zero, c);
            for (int i = 0; i < providers.Count; i++)
            {
                ms[i] = new double[reps];
                ProviderInfo.Use(providers[i]);
                ctx.MedianMsPerStep(1, Step, repetitions: 1, warmUp: 2, warmUpSeconds: ctx.Quick ? 0 : 0.3);
            }
            for (int r = 0; r < reps; r++)
            {
                for (int i = 0; i < providers.Count; i++)
                {
                    ProviderInfo.Use(providers[i]);
                    ms[i][r] = ctx.MedianMsPerStep(n, Step, repetitions: 1, warmUp: 1);
                }
            }
        }
        finally
        {
            ProviderInfo.Use(saved);
        }

        double? openBlasMs = providers[0] == "openblas" ? RunContext.Median(ms[0]) : null;
        for (int i = 0; i < providers.Count; i++)
        {
            double median = RunContext.Median(ms[i]);
            Report.Line("W5-grid", ctx.DTypeName, ctx.Threads, median,
                $"{s.Name}: op(A)·op(B), m={s.M} n={s.N} k={s.K} transA={s.TransA} transB={s.TransB} through Gemm.RowMajor under {providers[i]}"
                + (Gemm.IsSkinny(s.TransA, s.TransB, s.M, s.N, s.K) || (providers[i] == "corgi" && Gemm.IsSkinnyBeforeManaged(s.TransA, s.TransB, s.M, s.N, s.K)) ? " (skinny kernels)" : ""),
                ("size", $"{s.M}x{s.N}x{s.K}"), ("provider", providers[i]), ("gflops", flops / (median * 1e6)),
                ("of_openblas", openBlasMs is { } o ? o / median : null));
        }
    }

    private static void ManagedGemmOfMathNet<T>(int size, T[] a, T[] b, T[] c) where T : unmanaged
    {
        var provider = ManagedLinearAlgebraProvider.Instance;
        if (typeof(T) == typeof(float))
            provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f,
                (float[])(object)b, size, size, (float[])(object)a, size, size, 0f, (float[])(object)c);
        else
            provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0,
                (double[])(object)b, size, size, (double[])(object)a, size, size, 0.0, (double[])(object)c);
    }
}
