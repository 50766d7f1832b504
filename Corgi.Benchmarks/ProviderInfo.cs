using System.Globalization;
using Corgi.LinearAlgebra;

namespace Corgi.Benchmarks;

/// <summary>
/// The one place that knows which linear-algebra provider Corgi's products go through and how to set
/// its thread count. Everything else in the benchmarks asks here.
/// </summary>
/// <remarks>
/// The provider is <see cref="Blas"/>'s choice: OpenBLAS when libopenblas loads with a kernel for the CPU, else
/// Corgi's managed GEMM; <c>CORGI_BLAS=managed|corgi|openblas</c> forces one (and <c>CORGI_GEMM_VECTOR=256</c>
/// Corgi's AVX2 kernels). With the managed provider the thread count is
/// <c>Control.MaxDegreeOfParallelism</c>, which bounds the Parallel.For inside MathNet's blocked products.
/// </remarks>
internal static class ProviderInfo
{
    /// <summary>The active provider's short name ("openblas", "corgi" or "managed") and thread count.</summary>
    public static (string Name, int Threads) Current() => (Blas.ProviderName, Blas.Threads);

    /// <summary>Switches the process to a provider by its <see cref="Blas.ProviderName"/>: openblas, corgi or managed.</summary>
    public static void Use(string name)
    {
        switch (name.Trim().ToLowerInvariant())
        {
            case "openblas": Blas.UseOpenBlas(); break;
            case "corgi": Blas.UseCorgi(); break;
            case "managed": Blas.UseManaged(); break;
            default: throw new System.ArgumentException($"unknown provider {name} (known: openblas, corgi, managed)");
        }
    }

    /// <summary>Sets the thread count of the active provider, and of raw OpenBLAS for W5.</summary>
    public static void SetThreads(int threads)
    {
        // Sets openblas_set_num_threads (when the library is loaded) and Control.MaxDegreeOfParallelism.
        Blas.Threads = threads;
        // The same process-wide library as Blas's when both load libopenblas.so.0; set it anyway.
        RawOpenBlas.SetThreads(threads);
    }

    /// <summary>A note for the JSON lines: "provider=openblas threads=1".</summary>
    public static string Note()
    {
        var (name, threads) = Current();
        return "provider=" + name + " threads=" + threads.ToString(CultureInfo.InvariantCulture)
            + (name == "managed" ? " (MathNet managed: threads = Control.MaxDegreeOfParallelism)" : "")
            + (name == "corgi" ? " (" + CorgiLinearAlgebraProvider.Describe() + ")" : "");
    }
}
