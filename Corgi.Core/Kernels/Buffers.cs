using System;

namespace Corgi.Kernels;

/// <summary>Allocation of result buffers (large ones come from <see cref="BufferPool"/> when it has one).</summary>
internal static class Buffers
{
    /// <summary>
    /// A buffer the caller will overwrite completely: skips the zeroing (for large results, zeroing a
    /// buffer that a kernel or GEMM writes anyway costs as much as a cheap element-wise op).
    /// </summary>
    public static double[] Uninitialized(int count) => BufferPool.Rent(count);

    /// <summary>A buffer of zeros (a cached one is cleared: cheaper than faulting in fresh pages).</summary>
    public static double[] Zeroed(int count)
    {
        if (count < BufferPool.MinLength) return new double[count];
        var buffer = BufferPool.Rent(count);
        Array.Clear(buffer);
        return buffer;
    }
}
