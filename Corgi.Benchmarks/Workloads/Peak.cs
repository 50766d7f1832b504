using System;
using System.Globalization;

namespace Corgi.Benchmarks.Workloads;

/// <summary>W5: raw DGEMM 1024 x 1024 through OpenBLAS by a direct P/Invoke of cblas_dgemm. N = 10.</summary>
internal static class Peak
{
    private const int Size = 1024, N = 10;

    /// <summary>The W5 line; without the library, a line with no number.</summary>
    public static void Run(RunContext ctx)
    {
        if (!RawOpenBlas.IsAvailable)
        {
            Report.Line("W5", "float64", ctx.Threads, null, "openblas not installed", ("gflops", null));
            return;
        }
        var random = new Random(5);
        var a = new double[Size * Size];
        var b = new double[Size * Size];
        var c = new double[Size * Size];
        for (int i = 0; i < a.Length; i++) { a[i] = random.NextDouble() - 0.5; b[i] = random.NextDouble() - 0.5; }

        double ms = ctx.MedianMsPerStep(N, () => RawOpenBlas.Dgemm(Size, a, b, c));
        double flops = 2.0 * Size * Size * (double)Size;
        Report.Line("W5", "float64", ctx.Threads, ms,
            "raw cblas_dgemm 1024 via P/Invoke of " + RawOpenBlas.Library + " (" + RawOpenBlas.Config.Trim()
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
