using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>
/// A binary element-wise operator in its three SIMD forms (span-span, span-scalar, scalar-span), so the
/// broadcasting kernel can pick the form that fits each inner run without a per-element virtual call.
/// </summary>
internal interface IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    static abstract T Apply(T x, T y);
    static abstract void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d);
    static abstract void Apply(ReadOnlySpan<T> x, T y, Span<T> d);
    static abstract void Apply(T x, ReadOnlySpan<T> y, Span<T> d);
}

internal readonly struct AddOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x + y;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Add(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Add(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Add(y, x, d);
}

internal readonly struct SubtractOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x - y;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Subtract(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Subtract(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Subtract(x, y, d);
}

internal readonly struct MultiplyOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x * y;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Multiply(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Multiply(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Multiply(y, x, d);
}

internal readonly struct DivideOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x / y;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Divide(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Divide(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Divide(x, y, d);
}

internal readonly struct PowOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.Pow(x, y);
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Pow(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Pow(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Pow(x, y, d);
}

internal readonly struct MaxOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.IsNaN(x) || T.IsNaN(y) ? T.NaN : T.Max(x, y);
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Max(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Max(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Max(y, x, d);
}

internal readonly struct MinOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => T.IsNaN(x) || T.IsNaN(y) ? T.NaN : T.Min(x, y);
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Min(x, y, d);
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d) => TensorPrimitives.Min(x, y, d);
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d) => TensorPrimitives.Min(y, x, d);
}

/// <summary>1 where x &gt;= y (x wins the maximum, ties to x), else 0.</summary>
internal readonly struct GreaterOrEqualMaskOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x >= y ? T.One : T.Zero;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y[i] ? T.One : T.Zero;
    }
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] >= y ? T.One : T.Zero;
    }
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x >= y[i] ? T.One : T.Zero;
    }
}

/// <summary>1 where x &lt;= y (x wins the minimum, ties to x), else 0.</summary>
internal readonly struct LessOrEqualMaskOperator<T> : IBinaryOperator<T> where T : IFloatingPointIeee754<T>
{
    public static T Apply(T x, T y) => x <= y ? T.One : T.Zero;
    public static void Apply(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] <= y[i] ? T.One : T.Zero;
    }
    public static void Apply(ReadOnlySpan<T> x, T y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x[i] <= y ? T.One : T.Zero;
    }
    public static void Apply(T x, ReadOnlySpan<T> y, Span<T> d)
    {
        for (int i = 0; i < d.Length; i++) d[i] = x <= y[i] ? T.One : T.Zero;
    }
}
