using System;
using System.Globalization;

namespace Corgi.Benchmarks.Workloads;

/// <summary>W5: raw DGEMM (float64) or SGEMM (float32) 1024 x 1024 through OpenBLAS by a direct P/Invoke of cblas_dgemm / cblas_sgemm. N = 10.</summary>
internal static class Peak
{
    private const int Size = 1024, N = 10;

    /// <summary>The W5 line; without the library, a line with no number.</summary>
    public static void Run(RunContext ctx)
    {
        if (!RawOpenBlas.IsAvailable)
        {
            Report.Line("W5", ctx.DTypeName, ctx.Threads, null, "openblas not installed", ("gflops", null));
            return;
        }
        if (ctx.DType == DType.Float32) Run<float>(ctx, "cblas_sgemm");
        else Run<double>(ctx, "cblas_dgemm");
    }

    private static void Run<T>(RunContext ctx, string routine) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var random = new Random(5);
        var a = new T[Size * Size];
        var b = new T[Size * Size];
        var c = new T[Size * Size];
        for (int i = 0; i < a.Length; i++) { a[i] = T.CreateTruncating(random.NextDouble() - 0.5); b[i] = T.CreateTruncating(random.NextDouble() - 0.5); }

        double ms = ctx.MedianMsPerStep(N, () => RawOpenBlas.Gemm(Size, false, false, a, b, c));
        double flops = 2.0 * Size * Size * (double)Size;
        Report.Line("W5", ctx.DTypeName, ctx.Threads, ms,
            "raw " + routine + " 1024 via P/Invoke of " + RawOpenBlas.Library + " (" + RawOpenBlas.Config.Trim()
            + ", openblas threads " + RawOpenBlas.Threads.ToString(CultureInfo.InvariantCulture) + ")" + CoreTypeWarning(),
            ("gflops", flops / (ms * 1e6)));
    }

    /// <summary>
    /// OpenBLAS 0.3.21's DYNAMIC_ARCH does not know recent Xeons (e.g. family 6 model 207) and falls back to
    /// its generic Prescott kernels, 4-5x slower than the AVX-512 ones; say so in the note.
    /// </summary>
    public static string CoreTypeWarning() =>
        RawOpenBlas.Config.Contains("Prescott", StringComparison.Ordinal) && System.Runtime.Intrinsics.X86.Avx2.IsSupported
            ? "; WARNING: OpenBLAS picked its generic Prescott kernel on an AVX2"
              + (System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "/AVX-512" : "")
              + " CPU: set OPENBLAS_CORETYPE=" + (System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "SkylakeX" : "Haswell")
            : "";
}
