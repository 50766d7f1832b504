using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>
/// A binary element-wise operator in its three SIMD forms (span-span, span-scalar, scalar-span), so the
/// broadcasting kernel can pick the form that fits each inner run without a per-element virtual call.
/// </summary>
/// <remarks>The methods are generic over the element type, so one operator serves float32 and float64
/// (the JIT specializes each for the struct and T: no virtual call, no boxing).</remarks>
internal interface IBinaryOperator
{
    static abstract T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T>;
    static abstract void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>;
    static abstract void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T>;
    static abstract void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>;
}

internal readonly struct AddOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x + y;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Add(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Add(y, x, d);
}

internal readonly struct SubtractOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x - y;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Subtract(x, y, d);
}

internal readonly struct MultiplyOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x * y;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Multiply(y, x, d);
}

internal readonly struct DivideOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x / y;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Divide(x, y, d);
}

internal readonly struct PowOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => T.Pow(x, y);
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Pow(x, y, d);
}

internal readonly struct MaxOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => T.IsNaN(x) || T.IsNaN(y) ? T.NaN : T.Max(x, y);
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Max(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Max(y, x, d);
}

internal readonly struct MinOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => T.IsNaN(x) || T.IsNaN(y) ? T.NaN : T.Min(x, y);
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Min(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Min(y, x, d);
}

/// <summary>1 where x &gt;= y (x wins the maximum, ties to x), else 0.</summary>
internal readonly struct GreaterOrEqualMaskOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x >= y ? T.One : T.Zero;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y[i] ? T.One : T.Zero;
    }
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y ? T.One : T.Zero;
    }
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x >= y[i] ? T.One : T.Zero;
    }
}

/// <summary>1 where x &lt;= y (x wins the minimum, ties to x), else 0.</summary>
internal readonly struct LessOrEqualMaskOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => x <= y ? T.One : T.Zero;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] <= y[i] ? T.One : T.Zero;
    }
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] <= y ? T.One : T.Zero;
    }
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = x <= y[i] ? T.One : T.Zero;
    }
}
