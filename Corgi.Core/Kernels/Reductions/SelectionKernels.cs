using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>Element-wise selection kernels: where, nan_to_num.</summary>
internal static class SelectionKernels
{
    /// <summary>d = c != 0 ? a : b over three buffers of the same length (NaN in c counts as true, as PyTorch's bool conversion).</summary>
    public static void Where<TC, T>(ReadOnlySpan<TC> c, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> d)
        where TC : IFloatingPointIeee754<TC> where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = c[i] != TC.Zero ? a[i] : b[i];
    }

    /// <summary>d = x with NaN, +inf and -inf replaced.</summary>
    public static void NanToNum<T>(ReadOnlySpan<T> x, T nan, T posInf, T negInf, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++)
        {
            T v = x[i];
            d[i] = T.IsNaN(v) ? nan : T.IsPositiveInfinity(v) ? posInf : T.IsNegativeInfinity(v) ? negInf : v;
        }
    }
}
