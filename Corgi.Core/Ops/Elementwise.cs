using System;
using System.Numerics.Tensors;
using Corgi.Autodiff;
using Corgi.Kernels;

namespace Corgi;

internal delegate void UnaryKernel(ReadOnlySpan<double> x, Span<double> d);

// Unary element-wise functions: value kernel and local derivative side by side.
public sealed partial class Tensor
{
    private Tensor Unary(string op, UnaryKernel kernel, LocalGradient derivative)
    {
        var data = Buffers.Uninitialized(Data.Length);
        kernel(Data, data);
        return Result(op, data, _shape, this, derivative);
    }

    /// <summary>A constant (untracked) tensor computed from this one's values; used for masks in derivatives.</summary>
    private Tensor Constant(UnaryKernel kernel)
    {
        var data = Buffers.Uninitialized(Data.Length);
        kernel(Data, data);
        return new Tensor(data, _shape);
    }

    internal Tensor ZeroMask() => Constant(static (x, d) => UnaryKernels.ZeroMask(x, d));

    /// <summary>Element-wise negation.</summary>
    public Tensor Neg() =>
        Unary("neg", static (x, d) => TensorPrimitives.Negate(x, d), static (g, _, _, _) => g.Neg());

    /// <summary>Element-wise 1/x.</summary>
    public Tensor Reciprocal() =>
        // d(1/x)/dx = -1/x^2 = -r*r
        Unary("reciprocal", static (x, d) => TensorPrimitives.Reciprocal(x, d),
            static (g, r, _, _) => g.Mul(r).Mul(r).Neg());

    /// <summary>Element-wise power with a scalar exponent: x^p.</summary>
    /// <remarks>d/dx x^p = p x^(p-1) for every p (the Rust crate's powf always used 2).</remarks>
    public Tensor Pow(double exponent)
    {
        if (exponent == 1) return Unary("pow", static (x, d) => x.CopyTo(d), static (g, _, _, _) => g);
        var data = Buffers.Uninitialized(Data.Length);
        if (exponent == 2) TensorPrimitives.Multiply(Data, Data, data);
        else TensorPrimitives.Pow(Data, exponent, data);
        return Result("pow", data, _shape, this,
            (g, _, x, _) => exponent == 0 ? ZerosLike(x[0]) : g.Mul(x[0].Pow(exponent - 1)).Mul(Scalar(exponent)));
    }

    /// <summary>Element-wise square, x^2.</summary>
    public Tensor Square() => Pow(2);

    /// <summary>Element-wise e^x.</summary>
    public Tensor Exp() =>
        Unary("exp", static (x, d) => TensorPrimitives.Exp(x, d), static (g, r, _, _) => g.Mul(r));

    /// <summary>Element-wise natural logarithm.</summary>
    public Tensor Log() =>
        Unary("log", static (x, d) => TensorPrimitives.Log(x, d), static (g, _, x, _) => g.Div(x[0]));

    /// <summary>Element-wise square root.</summary>
    public Tensor Sqrt() =>
        // d sqrt(x)/dx = 1/(2 sqrt x)
        Unary("sqrt", static (x, d) => TensorPrimitives.Sqrt(x, d), static (g, r, _, _) => g.Div(r.Mul(Scalar(2))));

    /// <summary>Element-wise absolute value (derivative sign(x), 0 at 0).</summary>
    public Tensor Abs() =>
        Unary("abs", static (x, d) => TensorPrimitives.Abs(x, d),
            static (g, _, x, _) => g.Mul(x[0].Constant(static (v, d) => UnaryKernels.Sign(v, d))));

    /// <summary>Element-wise sign: -1, 0 or 1 (untracked: its derivative is 0 almost everywhere).</summary>
    public Tensor Sign() => Constant(static (x, d) => UnaryKernels.Sign(x, d));

    /// <summary>Clamps every element into [min, max]; the derivative is 1 inside the range and 0 outside.</summary>
    /// <exception cref="ArgumentException">min is greater than max.</exception>
    public Tensor Clamp(double min, double max)
    {
        if (min > max) throw new ArgumentException($"clamp: min {min} is greater than max {max}", nameof(min));
        var data = Buffers.Uninitialized(Data.Length);
        UnaryKernels.Clamp<double>(Data, min, max, data);
        return Result("clamp", data, _shape, this, (g, _, x, _) =>
        {
            var mask = Buffers.Uninitialized(x[0].Count);
            UnaryKernels.InRangeMask<double>(x[0].Data, min, max, mask);
            return g.Mul(new Tensor(mask, x[0]._shape));
        });
    }
}
