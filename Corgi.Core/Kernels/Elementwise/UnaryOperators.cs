using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>
/// A unary element-wise kernel over spans, generic over the element type so one operator serves float32
/// and float64 (the JIT specializes it for the struct and T: no virtual call per element).
/// </summary>
internal interface IUnaryOperator
{
    static abstract void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>;
}

internal readonly struct NegateOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Negate(x, d);
}

internal readonly struct ReciprocalOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Reciprocal(x, d);
}

internal readonly struct CopyOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => x.CopyTo(d);
}

internal readonly struct SquareOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Multiply(x, x, d);
}

/// <summary>e^x: float through <see cref="FloatLanes"/> (within 1 ulp, about twice TensorPrimitives' speed here), double through TensorPrimitives.</summary>
internal readonly struct ExpOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float) && FloatLanes.Enabled) FloatLanes.Exp(ErfKernels.As<T, float>(x), ErfKernels.As<T, float>(d));
        else TensorPrimitives.Exp(x, d);
    }
}

internal readonly struct LogOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Log(x, d);
}

internal readonly struct SqrtOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Sqrt(x, d);
}

internal readonly struct AbsOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Abs(x, d);
}

internal readonly struct SignOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => UnaryKernels.Sign(x, d);
}

internal readonly struct ZeroMaskOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => UnaryKernels.ZeroMask(x, d);
}

internal readonly struct ReluOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Max(x, T.Zero, d);
}

internal readonly struct SigmoidOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => TensorPrimitives.Sigmoid(x, d);
}

internal readonly struct TanhOperator : IUnaryOperator
{
    public static void Apply<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T> => UnaryKernels.Tanh(x, d);
}
