using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>Element-wise kernels that TensorPrimitives does not provide: masks and piecewise functions.</summary>
internal static class UnaryKernels
{
    /// <summary>d = 1 where x &gt; 0, else 0 (the derivative of relu).</summary>
    public static void PositiveMask<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] > T.Zero ? T.One : T.Zero;
    }

    /// <summary>d = x where x &gt; 0, else slope * x.</summary>
    public static void LeakyRelu<T>(ReadOnlySpan<T> x, T slope, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] > T.Zero ? x[i] : slope * x[i];
    }

    /// <summary>d = 1 where x &gt; 0, else slope.</summary>
    public static void LeakyReluSlope<T>(ReadOnlySpan<T> x, T slope, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] > T.Zero ? T.One : slope;
    }

    /// <summary>d = sign(x) (0 at 0).</summary>
    public static void Sign<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : T.Zero;
    }

    /// <summary>d = clamp(x, lo, hi).</summary>
    public static void Clamp<T>(ReadOnlySpan<T> x, T lo, T hi, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
    }

    /// <summary>d = 1 where lo &lt;= x &lt;= hi, else 0 (the derivative of clamp).</summary>
    public static void InRangeMask<T>(ReadOnlySpan<T> x, T lo, T hi, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] >= lo && x[i] <= hi ? T.One : T.Zero;
    }

    /// <summary>d = 1 where x == 0, else 0.</summary>
    public static void ZeroMask<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] == T.Zero ? T.One : T.Zero;
    }
}
