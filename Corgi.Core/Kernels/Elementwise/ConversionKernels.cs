using System;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>Conversions between float32 and float64 buffers (SIMD through TensorPrimitives).</summary>
internal static class ConversionKernels
{
    /// <summary>d[i] = (double)x[i], exact.</summary>
    public static void Widen(ReadOnlySpan<float> x, Span<double> d) => TensorPrimitives.ConvertTruncating<float, double>(x, d);

    /// <summary>d[i] = (float)x[i], rounded to nearest (values beyond float32's range become infinities).</summary>
    public static void Narrow(ReadOnlySpan<double> x, Span<float> d) => TensorPrimitives.ConvertTruncating<double, float>(x, d);
}
