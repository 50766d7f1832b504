using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>
/// A scalar function generic over the element type, for element-wise ops TensorPrimitives lacks or computes
/// inaccurately; <see cref="Pointwise{TF}"/> maps it over a span (a static call the JIT inlines: no virtual call).
/// </summary>
internal interface IScalarFunction
{
    static abstract T Of<T>(T x) where T : IFloatingPointIeee754<T>;
}

/// <summary>The unary operator that applies <typeparamref name="TF"/> to every element.</summary>
internal readonly struct Pointwise<TF> : IUnaryOperator where TF : IScalarFunction
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = TF.Of(x[i]);
    }
}

internal readonly struct SinOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Sin(x, d);
}

internal readonly struct CosOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Cos(x, d);
}

internal readonly struct TanOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Tan(x, d);
}

internal readonly struct AsinOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Asin(x, d);
}

internal readonly struct AcosOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Acos(x, d);
}

internal readonly struct AtanOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Atan(x, d);
}

internal readonly struct SinhOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Sinh(x, d);
}

internal readonly struct CoshOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Cosh(x, d);
}

internal readonly struct AsinhOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Asinh(x, d);
}

internal readonly struct AcoshOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Acosh(x, d);
}

internal readonly struct AtanhOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Atanh(x, d);
}

internal readonly struct Exp2Operator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Exp2(x, d);
}

internal readonly struct Log2Operator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Log2(x, d);
}

internal readonly struct Log10Operator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Log10(x, d);
}

internal readonly struct ReciprocalSqrtOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.ReciprocalSqrt(x, d);
}

internal readonly struct FloorOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Floor(x, d);
}

internal readonly struct CeilingOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Ceiling(x, d);
}

/// <summary>Rounds half to even, as PyTorch's round.</summary>
internal readonly struct RoundOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Round(x, d);
}

internal readonly struct TruncateOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Truncate(x, d);
}

/// <summary>
/// e^x - 1, accurate near 0 (T.ExpM1 and TensorPrimitives.ExpM1 compute exp(x) - 1, which loses every digit
/// below about 1e-16): Kahan's correction u - 1 scaled by x / log(u), exact to a few ulps for every x.
/// </summary>
internal readonly struct ExpM1Function : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T u = T.Exp(x);
        if (u == T.One) return x;
        T um1 = u - T.One;
        if (um1 == -T.One || T.IsInfinity(u)) return um1;
        return um1 * x / T.Log(u);
    }
}

/// <summary>
/// log(1 + x), accurate near 0 (T.LogP1 computes log(x + 1), which rounds 1 + x first): Goldberg's correction
/// log(u) * x / (u - 1) with u = 1 + x, exact to a few ulps for every x &gt; -1.
/// </summary>
internal readonly struct Log1PFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T u = T.One + x;
        if (u == T.One) return x;
        if (T.IsInfinity(u) || u <= T.Zero) return T.Log(u);
        return T.Log(u) * x / (u - T.One);
    }
}

/// <summary>The error function through <see cref="ErfKernels"/> (Cody's rational approximations, vectorised; float32 via double).</summary>
internal readonly struct ErfOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => ErfKernels.Erf(x, d);
}

/// <summary>1 - erf(x) without cancellation, through <see cref="ErfKernels"/>: relative accuracy in the tail, erfc(10) = 2.09e-45.</summary>
internal readonly struct ErfcOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => ErfKernels.Erfc(x, d);
}

/// <summary>1 where x is NaN, else 0.</summary>
internal readonly struct IsNaNFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => T.IsNaN(x) ? T.One : T.Zero;
}

/// <summary>1 where x is +inf or -inf, else 0.</summary>
internal readonly struct IsInfFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => T.IsInfinity(x) ? T.One : T.Zero;
}

/// <summary>1 where x is finite (neither NaN nor infinite), else 0.</summary>
internal readonly struct IsFiniteFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => T.IsFinite(x) ? T.One : T.Zero;
}

/// <summary>atan2(y, x) of the first operand y and the second x, as torch.atan2(input, other).</summary>
internal readonly struct Atan2Operator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => T.Atan2(x, y);
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, d);
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Atan2(x, y, d);
}

/// <summary>sqrt(x² + y²) without overflow or underflow of the squares.</summary>
internal readonly struct HypotOperator : IBinaryOperator
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => T.Hypot(x, y);
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Hypot(x, y, d);
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = T.Hypot(x[i], y);
    }
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = T.Hypot(x, y[i]);
    }
}

/// <summary>A comparison of two elements, for <see cref="ComparisonOperator{TC}"/>.</summary>
internal interface IComparison
{
    static abstract bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T>;
}

internal readonly struct EqualComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x == y;
}

internal readonly struct NotEqualComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x != y;
}

internal readonly struct LessComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x < y;
}

internal readonly struct LessOrEqualComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x <= y;
}

internal readonly struct GreaterComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x > y;
}

internal readonly struct GreaterOrEqualComparison : IComparison
{
    public static bool Test<T>(T x, T y) where T : IFloatingPointIeee754<T> => x >= y;
}

/// <summary>1 where the comparison holds, else 0 (IEEE: every comparison with NaN is false except !=).</summary>
internal readonly struct ComparisonOperator<TC> : IBinaryOperator where TC : IComparison
{
    public static T Apply<T>(T x, T y) where T : IFloatingPointIeee754<T> => TC.Test(x, y) ? T.One : T.Zero;
    public static void Apply<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = TC.Test(x[i], y[i]) ? T.One : T.Zero;
    }
    public static void Apply<T>(ReadOnlySpan<T> x, T y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = TC.Test(x[i], y) ? T.One : T.Zero;
    }
    public static void Apply<T>(T x, ReadOnlySpan<T> y, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < d.Length; i++) d[i] = TC.Test(x, y[i]) ? T.One : T.Zero;
    }
}
