using System;
using System.Numerics.Tensors;
using Corgi.Autodiff;
using Corgi.Kernels;

namespace Corgi;

// Unary element-wise functions: value kernel and local derivative side by side.
public sealed partial class Tensor
{
    /// <summary>A unary op: one dispatch on the dtype to the operator's generic kernel, then the result and its derivative.</summary>
    private Tensor Unary<TOp>(string op, LocalGradient derivative) where TOp : IUnaryOperator =>
        Result(op, ApplyUnary<TOp>(), _shape, this, derivative);

    /// <summary>A fresh buffer of this tensor's dtype holding the operator applied to its values.</summary>
    private Array ApplyUnary<TOp>() where TOp : IUnaryOperator
    {
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            TOp.Apply<float>(F32, f);
            return f;
        }
        var d = Buffers.Uninitialized<double>(Count);
        TOp.Apply<double>(F64, d);
        return d;
    }

    /// <summary>A constant (untracked) tensor computed from this one's values; used for masks in derivatives.</summary>
    private Tensor Constant<TOp>() where TOp : IUnaryOperator => new(ApplyUnary<TOp>(), _shape);

    internal Tensor ZeroMask() => Constant<ZeroMaskOperator>();

    /// <summary>Element-wise negation.</summary>
    public Tensor Neg() => Unary<NegateOperator>("neg", static (g, _, _, _) => g.Neg());

    /// <summary>Element-wise 1/x.</summary>
    public Tensor Reciprocal() =>
        // d(1/x)/dx = -1/x^2 = -r*r
        Unary<ReciprocalOperator>("reciprocal", static (g, r, _, _) => g.Mul(r).Mul(r).Neg());

    /// <summary>Element-wise power with a scalar exponent: x^p.</summary>
    /// <remarks>d/dx x^p = p x^(p-1) for every p (the Rust crate's powf always used 2).</remarks>
    public Tensor Pow(double exponent)
    {
        if (exponent == 1) return Unary<CopyOperator>("pow", static (g, _, _, _) => g);
        Array data;
        if (exponent == 2) data = ApplyUnary<SquareOperator>();
        else if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            TensorPrimitives.Pow(F32, (float)exponent, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            TensorPrimitives.Pow(F64, exponent, d);
            data = d;
        }
        return Result("pow", data, _shape, this,
            (g, _, x, _) => exponent == 0 ? ZerosLike(x[0]) : g.Mul(x[0].Pow(exponent - 1)).Mul(Number(exponent)));
    }

    /// <summary>Element-wise square, x^2.</summary>
    public Tensor Square() => Pow(2);

    /// <summary>Element-wise e^x.</summary>
    public Tensor Exp() => Unary<ExpOperator>("exp", static (g, r, _, _) => g.Mul(r));

    /// <summary>Element-wise natural logarithm.</summary>
    public Tensor Log() => Unary<LogOperator>("log", static (g, _, x, _) => g.Div(x[0]));

    /// <summary>Element-wise square root.</summary>
    public Tensor Sqrt() =>
        // d sqrt(x)/dx = 1/(2 sqrt x)
        Unary<SqrtOperator>("sqrt", static (g, r, _, _) => g.Div(r.Mul(Number(2))));

    /// <summary>Element-wise absolute value (derivative sign(x), 0 at 0).</summary>
    public Tensor Abs() =>
        Unary<AbsOperator>("abs", static (g, _, x, _) => g.Mul(x[0].Constant<SignOperator>()));

    /// <summary>Element-wise sign: -1, 0 or 1 (untracked: its derivative is 0 almost everywhere).</summary>
    public Tensor Sign() => Constant<SignOperator>();

    /// <summary>Clamps every element into [min, max]; the derivative is 1 inside the range and 0 outside.</summary>
    /// <exception cref="ArgumentException">min is greater than max.</exception>
    public Tensor Clamp(double min, double max)
    {
        if (min > max) throw new ArgumentException($"clamp: min {min} is greater than max {max}", nameof(min));
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            UnaryKernels.Clamp(F32, (float)min, (float)max, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            UnaryKernels.Clamp(F64, min, max, d);
            data = d;
        }
        return Result("clamp", data, _shape, this, (g, _, x, _) =>
        {
            var t = x[0];
            Array mask;
            if (t._dtype == DType.Float32)
            {
                var f = Buffers.Uninitialized<float>(t.Count);
                UnaryKernels.InRangeMask(t.F32, (float)min, (float)max, f);
                mask = f;
            }
            else
            {
                var d = Buffers.Uninitialized<double>(t.Count);
                UnaryKernels.InRangeMask(t.F64, min, max, d);
                mask = d;
            }
            return g.Mul(new Tensor(mask, t._shape));
        });
    }
}
