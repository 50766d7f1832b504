using System;

namespace Corgi.Kernels;

/// <summary>Allocation of result buffers.</summary>
internal static class Buffers
{
    /// <summary>
    /// A buffer the caller will overwrite completely: skips the zeroing (for large results, zeroing a
    /// buffer that a kernel or GEMM writes anyway costs as much as a cheap element-wise op).
    /// </summary>
    public static double[] Uninitialized(int count) => GC.AllocateUninitializedArray<double>(count);
}
