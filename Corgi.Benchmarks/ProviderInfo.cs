using System;
using System.Globalization;
using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.Benchmarks;

/// <summary>
/// The one place that knows which linear-algebra provider Corgi's products go through and how to set
/// its thread count.
/// </summary>
/// <remarks>
/// ==================================================================================================
/// SWITCH POINT FOR THE OPENBLAS PROVIDER (branch `blas`, class Corgi.LinearAlgebra.Blas).
/// After that branch is merged, replace the bodies of <see cref="Current"/> and
/// <see cref="SetThreads"/> by the commented lines marked "BLAS:" below, and delete the managed-only
/// code. Nothing else in the benchmarks refers to the provider.
/// ==================================================================================================
/// </remarks>
internal static class ProviderInfo
{
    /// <summary>The active provider's short name and thread count.</summary>
    public static (string Name, int Threads) Current()
    {
        // BLAS: return (Corgi.LinearAlgebra.Blas.ProviderName, Corgi.LinearAlgebra.Blas.Threads);
        var provider = LinearAlgebraControl.Provider;
        string name = provider is ManagedLinearAlgebraProvider ? "managed" : provider.ToString() ?? "unknown";
        return (name, Control.MaxDegreeOfParallelism);
    }

    /// <summary>Sets the thread count of the active provider (and of raw OpenBLAS for W5).</summary>
    public static void SetThreads(int threads)
    {
        // BLAS: Corgi.LinearAlgebra.Blas.Threads = threads;   (it sets OpenBLAS and MaxDegreeOfParallelism)
        // The managed MathNet provider has no thread count of its own: the closest knob is
        // Control.MaxDegreeOfParallelism, which bounds the Parallel.For inside its blocked products.
        Control.MaxDegreeOfParallelism = threads;
        // Raw OpenBLAS (W5) shares the process-wide library, so keep it at the same count.
        RawOpenBlas.SetThreads(threads);
    }

    /// <summary>A note for the JSON lines: "provider=managed threads=1".</summary>
    public static string Note()
    {
        var (name, threads) = Current();
        return "provider=" + name + " threads=" + threads.ToString(CultureInfo.InvariantCulture)
            + (name == "managed" ? " (managed MathNet: threads = Control.MaxDegreeOfParallelism)" : "");
    }
}
