using System;
using System.Numerics.Tensors;
using System.Threading.Tasks;

namespace Corgi.Kernels;

/// <summary>
/// Passes over very large buffers (a million elements and up) split across the threads the BLAS uses, so
/// that at threads=2 a fill or a sum between two multi-threaded GEMMs does not run on one core.
/// </summary>
internal static class LargeKernels
{
    /// <summary>Below this many elements a pass stays on the calling thread.</summary>
    public const int MinParallelLength = 1 << 20;

    private static int Ways(int length)
    {
        if (length < MinParallelLength) return 1;
        int threads = LinearAlgebra.Blas.Threads;
        return Math.Clamp(threads, 1, Environment.ProcessorCount);
    }

    /// <summary>Fills <paramref name="destination"/> with <paramref name="value"/>.</summary>
    public static void Fill<T>(T[] destination, T value)
    {
        int ways = Ways(destination.Length);
        if (ways == 1)
        {
            Array.Fill(destination, value);
            return;
        }
        int chunk = (destination.Length + ways - 1) / ways;
        Parallel.For(0, ways, new ParallelOptions { MaxDegreeOfParallelism = ways }, w =>
        {
            int start = w * chunk, length = Math.Min(chunk, destination.Length - start);
            destination.AsSpan(start, length).Fill(value);
        });
    }

    /// <summary>The sum of all elements (chunk sums added in chunk order, so the result does not depend on timing).</summary>
    public static T Sum<T>(T[] source) where T : System.Numerics.IFloatingPointIeee754<T>
    {
        int ways = Ways(source.Length);
        if (ways == 1) return ReductionKernels.Sum<T>(source);
        int chunk = (source.Length + ways - 1) / ways;
        var partial = new double[ways];
        Parallel.For(0, ways, new ParallelOptions { MaxDegreeOfParallelism = ways }, w =>
        {
            int start = w * chunk, length = Math.Min(chunk, source.Length - start);
            partial[w] = double.CreateTruncating(ReductionKernels.Sum<T>(source.AsSpan(start, length)));
        });
        double sum = 0;
        foreach (var p in partial) sum += p;
        return T.CreateTruncating(sum);
    }
}
