using System;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Corgi.LinearAlgebra;

namespace Corgi.Benchmarks;

/// <summary>
/// Quick throughput check of 1024 x 1024 DGEMM: Corgi's Gemm.RowMajor through OpenBLAS at 1 and 2 threads,
/// a raw cblas_dgemm P/Invoke on the same buffers, and the managed Math.NET provider. Not a test; call
/// <see cref="Run"/> from a scratch entry point.
/// </summary>
internal static class BlasCheck
{
    private const int N = 1024;
    private const double Flops = 2.0 * N * N * N;

    [DllImport("libopenblas.so.0", EntryPoint = "cblas_dgemm")]
    private static extern void RawDgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
        IntPtr a, int lda, IntPtr b, int ldb, double beta, IntPtr c, int ldc);

    /// <summary>Runs the check and prints GFLOP/s figures to the console.</summary>
    public static void Run()
    {
        var rng = new Random(42);
        var a = new double[N * N];
        var b = new double[N * N];
        var c = new double[N * N];
        for (int i = 0; i < a.Length; i++)
        {
            a[i] = rng.NextDouble() - 0.5;
            b[i] = rng.NextDouble() - 0.5;
        }

        Console.WriteLine($"Blas: {Blas.Description}");
        Console.WriteLine($"Processors: {Environment.ProcessorCount}");
        int originalThreads = Blas.Threads;

        if (Blas.IsOpenBlasAvailable)
        {
            Blas.UseOpenBlas();
            foreach (int threads in new[] { 1, 2 })
            {
                Blas.Threads = threads;
                double gemm = Measure(() => Gemm.RowMajor(false, false, N, N, N, 1.0, a, b, 0.0, c), 10);
                double raw = Measure(() => Raw(a, b, c), 10);
                Console.WriteLine($"OpenBLAS {threads} thread(s): Gemm.RowMajor {gemm,7:F1} GFLOP/s   raw cblas_dgemm {raw,7:F1} GFLOP/s");
            }
        }
        else
        {
            Console.WriteLine("OpenBLAS not available; only the managed provider is measured.");
        }

        Blas.UseManaged();
        foreach (int threads in new[] { 1, Environment.ProcessorCount })
        {
            Blas.Threads = threads;
            double managed = Measure(() => Gemm.RowMajor(false, false, N, N, N, 1.0, a, b, 0.0, c), 2);
            Console.WriteLine($"managed  {threads} thread(s): Gemm.RowMajor {managed,7:F1} GFLOP/s");
        }

        Blas.Threads = originalThreads;
    }

    private static void Raw(double[] a, double[] b, double[] c)
    {
        var ha = GCHandle.Alloc(a, GCHandleType.Pinned);
        var hb = GCHandle.Alloc(b, GCHandleType.Pinned);
        var hc = GCHandle.Alloc(c, GCHandleType.Pinned);
        try
        {
            RawDgemm(101, 111, 111, N, N, N, 1.0, ha.AddrOfPinnedObject(), N, hb.AddrOfPinnedObject(), N, 0.0, hc.AddrOfPinnedObject(), N);
        }
        finally
        {
            ha.Free();
            hb.Free();
            hc.Free();
        }
    }

    /// <summary>One warm-up call, then the best of <paramref name="reps"/> timed calls, in GFLOP/s.</summary>
    private static double Measure(Action gemm, int reps)
    {
        gemm();
        double best = double.MaxValue;
        for (int r = 0; r < reps; r++)
        {
            long t0 = Stopwatch.GetTimestamp();
            gemm();
            best = Math.Min(best, Stopwatch.GetElapsedTime(t0).TotalSeconds);
        }

        return Flops / best / 1e9;
    }
}
