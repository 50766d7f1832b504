using System;

namespace Corgi.Kernels;

/// <summary>Allocation of result buffers (large ones come from <see cref="BufferPool"/> when it has one).</summary>
internal static class Buffers
{
    /// <summary>
    /// A buffer the caller will overwrite completely: skips the zeroing (for large results, zeroing a
    /// buffer that a kernel or GEMM writes anyway costs as much as a cheap element-wise op).
    /// </summary>
    public static T[] Uninitialized<T>(int count) where T : unmanaged => BufferPool.Rent<T>(count);

    /// <summary>A float64 buffer the caller will overwrite completely.</summary>
    public static double[] Uninitialized(int count) => BufferPool.Rent<double>(count);

    /// <summary>A buffer of <paramref name="dtype"/> the caller will overwrite completely.</summary>
    public static Array Uninitialized(DType dtype, int count) =>
        dtype == DType.Float32 ? BufferPool.Rent<float>(count) : BufferPool.Rent<double>(count);

    /// <summary>A buffer of zeros (a cached one is cleared: cheaper than faulting in fresh pages).</summary>
    public static T[] Zeroed<T>(int count) where T : unmanaged
    {
        if (!BufferPool.IsCached<T>(count)) return new T[count];
        var buffer = BufferPool.Rent<T>(count);
        Array.Clear(buffer);
        return buffer;
    }

    /// <summary>A float64 buffer of zeros.</summary>
    public static double[] Zeroed(int count) => Zeroed<double>(count);

    /// <summary>A buffer of zeros of <paramref name="dtype"/>.</summary>
    public static Array Zeroed(DType dtype, int count) =>
        dtype == DType.Float32 ? Zeroed<float>(count) : Zeroed<double>(count);
}
