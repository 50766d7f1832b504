using System;
using System.Numerics.Tensors;
using Corgi.Autodiff;
using Corgi.Kernels;

namespace Corgi;

// Arithmetic with NumPy broadcasting. Each op: shape check, raw kernel, local derivative (in tensor ops).
public sealed partial class Tensor
{
    private static Tensor Binary<TOp>(string op, Tensor a, Tensor b, LocalGradient derivative)
        where TOp : IBinaryOperator
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var shape = ShapeUtil.SameShape(a._shape, b._shape) ? a._shape : ShapeUtil.Broadcast(op, a._shape, b._shape);
        int n = ShapeUtil.Count(shape);
        // one dispatch on the dtype per call; mixed operands are converted to the promoted dtype first
        Array data;
        if (ResultDType(a, b) == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(n);
            ElementwiseKernels.Binary<TOp, float>(a.ValuesAs<float>(), a._shape, b.ValuesAs<float>(), b._shape, shape, d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(n);
            ElementwiseKernels.Binary<TOp, double>(a.ValuesAs<double>(), a._shape, b.ValuesAs<double>(), b._shape, shape, d);
            data = d;
        }
        return Result(op, data, shape, a, b, derivative);
    }

    /// <summary>Element-wise sum with broadcasting.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Add(Tensor other) =>
        Binary<AddOperator>("add", this, other, static (g, _, _, _) => g);

    /// <summary>Element-wise difference with broadcasting.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Sub(Tensor other) =>
        Binary<SubtractOperator>("sub", this, other, static (g, _, _, i) => i == 0 ? g : g.Neg());

    /// <summary>Element-wise product with broadcasting.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Mul(Tensor other) =>
        Binary<MultiplyOperator>("mul", this, other, static (g, _, x, i) => g.Mul(x[1 - i]));

    /// <summary>Element-wise quotient with broadcasting.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Div(Tensor other) =>
        // d(a/b)/da = 1/b;  d(a/b)/db = -a/b^2 = -(a/b)/b
        Binary<DivideOperator>("div", this, other,
            static (g, r, x, i) => i == 0 ? g.Div(x[1]) : g.Mul(r).Div(x[1]).Neg());

    /// <summary>Element-wise power with a tensor exponent and broadcasting.</summary>
    /// <remarks>d/da a^b = b a^(b-1), taken as 0 where b = 0; d/db a^b = a^b ln a, taken as 0 where a = 0 (both as PyTorch does).</remarks>
    public Tensor Pow(Tensor exponent) =>
        Binary<PowOperator>("pow", this, exponent, static (g, r, x, i) =>
        {
            var (a, b) = (x[0], x[1]);
            // b a^(b-1), which is 0 where b = 0; only where a = 0 too is it 0 * inf = NaN, so there (and only
            // there, so that every other point keeps its exact higher derivatives) a constant mask moves the
            // exponent to 0 and the factor b makes the product 0, as PyTorch gives
            if (i == 0) return g.Mul(b).Mul(a.Pow(b.Sub(Number(1)).Add(a.ZeroMask().Mul(b.ZeroMask()))));
            var zero = a.ZeroMask();
            return g.Mul(r).Mul(a.Add(zero).Log().Mul(zero.Neg().Add(Number(1))));
        });

    /// <summary>Element-wise maximum of two tensors with broadcasting; ties send the gradient to this tensor.</summary>
    public Tensor Maximum(Tensor other) =>
        Binary<MaxOperator>("maximum", this, other, static (g, _, x, i) =>
        {
            var mask = Binary<GreaterOrEqualMaskOperator>("maximum", x[0].Detach(), x[1].Detach(), static (_, _, _, _) => null);
            return i == 0 ? g.Mul(mask) : g.Mul(Number(1).Sub(mask));
        });

    /// <summary>Element-wise minimum of two tensors with broadcasting; ties send the gradient to this tensor.</summary>
    public Tensor Minimum(Tensor other) =>
        Binary<MinOperator>("minimum", this, other, static (g, _, x, i) =>
        {
            var mask = Binary<LessOrEqualMaskOperator>("minimum", x[0].Detach(), x[1].Detach(), static (_, _, _, _) => null);
            return i == 0 ? g.Mul(mask) : g.Mul(Number(1).Sub(mask));
        });

    /// <summary>
    /// alpha * x + y, the BLAS axpy, in one pass (the usual parameter update <c>w - lr * g</c> is
    /// <c>Axpy(-lr, g, w)</c>); broadcasts like <c>x * alpha + y</c> when the shapes differ.
    /// </summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public static Tensor Axpy(double alpha, Tensor x, Tensor y)
    {
        ArgumentNullException.ThrowIfNull(x);
        ArgumentNullException.ThrowIfNull(y);
        if (!ShapeUtil.SameShape(x._shape, y._shape) || x._dtype != y._dtype)
        {
            if (!ShapeUtil.SameShape(x._shape, y._shape)) ShapeUtil.Broadcast("axpy", x._shape, y._shape); // the error names axpy
            return x.Mul(Number(alpha)).Add(y);
        }
        Array data;
        if (x._dtype == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(x.Count);
            TensorPrimitives.MultiplyAdd(x.F32, (float)alpha, y.F32, d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(x.Count);
            TensorPrimitives.MultiplyAdd(x.F64, alpha, y.F64, d);
            data = d;
        }
        // d/dx = alpha, d/dy = 1
        return Result("axpy", data, x._shape, x, y, (g, _, _, i) => i == 0 ? g.Mul(Number(alpha)) : g);
    }

    /// <summary>Element-wise sum: <c>a + b</c>.</summary>
    public static Tensor operator +(Tensor a, Tensor b) => a.Add(b);
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(Tensor a, double b) => a.Add(Number(b));
    /// <summary>Adds a scalar to every element.</summary>
    public static Tensor operator +(double a, Tensor b) => Number(a).Add(b);
    /// <summary>Element-wise difference: <c>a - b</c>.</summary>
    public static Tensor operator -(Tensor a, Tensor b) => a.Sub(b);
    /// <summary>Subtracts a scalar from every element.</summary>
    public static Tensor operator -(Tensor a, double b) => a.Sub(Number(b));
    /// <summary>Subtracts every element from a scalar.</summary>
    public static Tensor operator -(double a, Tensor b) => Number(a).Sub(b);
    /// <summary>Element-wise product: <c>a * b</c>.</summary>
    public static Tensor operator *(Tensor a, Tensor b) => a.Mul(b);
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(Tensor a, double b) => a.Mul(Number(b));
    /// <summary>Multiplies every element by a scalar.</summary>
    public static Tensor operator *(double a, Tensor b) => Number(a).Mul(b);
    /// <summary>Element-wise quotient: <c>a / b</c>.</summary>
    public static Tensor operator /(Tensor a, Tensor b) => a.Div(b);
    /// <summary>Divides every element by a scalar.</summary>
    public static Tensor operator /(Tensor a, double b) => a.Div(Number(b));
    /// <summary>Divides a scalar by every element.</summary>
    public static Tensor operator /(double a, Tensor b) => Number(a).Div(b);
    /// <summary>Element-wise negation.</summary>
    public static Tensor operator -(Tensor a) => a.Neg();
}
