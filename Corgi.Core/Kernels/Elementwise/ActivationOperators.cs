using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>
/// A scalar function with up to three parameters (softplus's beta and threshold, elu's alpha and scales,
/// hardtanh's bounds), generic over the element type; <see cref="ActivationKernels.Map{TF, T}"/> maps it over a span.
/// </summary>
internal interface IParametricFunction
{
    static abstract T Of<T>(T x, T p, T q, T r) where T : IFloatingPointIeee754<T>;
}

/// <summary>Kernels for the activation functions.</summary>
internal static class ActivationKernels
{
    /// <summary>d[i] = TF(x[i], p, q, r): a static call the JIT specializes, no virtual call per element.</summary>
    public static void Map<TF, T>(ReadOnlySpan<T> x, T p, T q, T r, Span<T> d)
        where TF : IParametricFunction where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = TF.Of(x[i], p, q, r);
    }

    /// <summary>log(1 + e^x) without overflow: max(x, 0) + log1p(e^-|x|).</summary>
    public static T Softplus<T>(T x) where T : IFloatingPointIeee754<T> =>
        T.Max(x, T.Zero) + Log1PFunction.Of(T.Exp(-T.Abs(x)));

    public static T Constant<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateTruncating(value);
}

/// <summary>softplus with beta (p) and threshold (q) as PyTorch: x where beta x &gt; threshold, else log(1 + e^(beta x)) / beta.</summary>
internal readonly struct SoftplusFunction : IParametricFunction
{
    public static T Of<T>(T x, T p, T q, T r) where T : IFloatingPointIeee754<T>
    {
        T bx = x * p;
        return bx > q ? x : ActivationKernels.Softplus(bx) / p;
    }
}

/// <summary>PyTorch's elu kernel with alpha (p), scale (q) and input scale (r): q x for x &gt; 0, else q p (e^(r x) - 1); elu, selu and celu are instances.</summary>
internal readonly struct EluFunction : IParametricFunction
{
    public static T Of<T>(T x, T p, T q, T r) where T : IFloatingPointIeee754<T> =>
        x > T.Zero ? q * x : q * p * ExpM1Function.Of(x * r);
}

/// <summary>clamp(x, p, q) (hardtanh, relu6).</summary>
internal readonly struct HardtanhFunction : IParametricFunction
{
    public static T Of<T>(T x, T p, T q, T r) where T : IFloatingPointIeee754<T> => x < p ? p : x > q ? q : x;
}

/// <summary>gelu(x) = x Φ(x) = x erfc(-x/sqrt 2) / 2, PyTorch's exact form (<see cref="GeluKernels"/>).</summary>
internal readonly struct GeluOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => GeluKernels.Gelu(x, d);
}

/// <summary>PyTorch's gelu(approximate="tanh"): x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))) / 2 (<see cref="GeluKernels"/>).</summary>
internal readonly struct GeluTanhOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => GeluKernels.GeluTanh(x, d);
}

/// <summary>x sigmoid(x) = x / (1 + e^-x).</summary>
internal readonly struct SiluFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => x / (T.One + T.Exp(-x));
}

/// <summary>x tanh(softplus(x)), softplus computed without overflow.</summary>
internal readonly struct MishFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => x * T.Tanh(ActivationKernels.Softplus(x));
}

/// <summary>relu6(x + 3) / 6: 0 below -3, 1 above 3, x/6 + 1/2 between.</summary>
internal readonly struct HardsigmoidFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T three = ActivationKernels.Constant<T>(3);
        return x <= -three ? T.Zero : x >= three ? T.One : x / ActivationKernels.Constant<T>(6) + ActivationKernels.Constant<T>(0.5);
    }
}

/// <summary>x relu6(x + 3) / 6: 0 below -3, x above 3, x (x + 3) / 6 between (NaN at -inf, as PyTorch).</summary>
internal readonly struct HardswishFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T>
    {
        T three = ActivationKernels.Constant<T>(3);
        // -inf gives -inf * 0 = NaN, as PyTorch's x * relu6(x + 3) / 6 does
        return T.IsNegativeInfinity(x) ? T.NaN : x <= -three ? T.Zero : x >= three ? x : x * (x + three) / ActivationKernels.Constant<T>(6);
    }
}

/// <summary>log sigmoid(x) = -softplus(-x) = min(x, 0) - log1p(e^-|x|), finite for every finite x.</summary>
internal readonly struct LogSigmoidFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => T.Min(x, T.Zero) - Log1PFunction.Of(T.Exp(-T.Abs(x)));
}

/// <summary>x / (1 + |x|).</summary>
internal readonly struct SoftsignFunction : IScalarFunction
{
    public static T Of<T>(T x) where T : IFloatingPointIeee754<T> => x / (T.One + T.Abs(x));
}
