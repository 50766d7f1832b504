using System;
using System.Numerics.Tensors;
using Corgi.Kernels;

namespace Corgi;

// Activation functions: value kernel and local derivative side by side.
public sealed partial class Tensor
{
    /// <summary>Element-wise max(x, 0); the derivative is 1 where x &gt; 0, else 0.</summary>
    public Tensor Relu() => Unary<ReluOperator>("relu", static (g, _, x, _) => g.KeepWherePositive(x[0]));

    /// <summary>
    /// The upstream gradient where <paramref name="x"/> &gt; 0, else 0: relu's derivative fused into one
    /// pass. Linear in this tensor, so its own derivative is the same mask.
    /// </summary>
    /// <remarks>Only x's values are read: x is not an input of this op, so nothing flows back to it.</remarks>
    private Tensor KeepWherePositive(Tensor x)
    {
        var dt = ResultDType(this, x);
        Array data;
        if (dt == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            UnaryKernels.KeepWherePositive<float>(ValuesAs<float>(), x.ValuesAs<float>(), f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            UnaryKernels.KeepWherePositive<double>(ValuesAs<double>(), x.ValuesAs<double>(), d);
            data = d;
        }
        return Saving(Result("relu_backward", data, _shape, this, (g, _, _, _) => g.KeepWherePositive(x)), x);
    }

    /// <summary>Element-wise x where x &gt; 0, else slope * x.</summary>
    public Tensor LeakyRelu(double slope = 0.01)
    {
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            UnaryKernels.LeakyRelu(F32, (float)slope, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            UnaryKernels.LeakyRelu(F64, slope, d);
            data = d;
        }
        return Result("leaky_relu", data, _shape, this, (g, _, x, _) =>
        {
            var t = x[0];
            Array m;
            if (t._dtype == DType.Float32)
            {
                var f = Buffers.Uninitialized<float>(t.Count);
                UnaryKernels.LeakyReluSlope(t.F32, (float)slope, f);
                m = f;
            }
            else
            {
                var d = Buffers.Uninitialized<double>(t.Count);
                UnaryKernels.LeakyReluSlope(t.F64, slope, d);
                m = d;
            }
            return g.Mul(new Tensor(m, t._shape));
        });
    }

    /// <summary>Element-wise logistic function 1 / (1 + e^-x); derivative s (1 - s).</summary>
    public Tensor Sigmoid() =>
        Unary<SigmoidOperator>("sigmoid", static (g, r, _, _) => g.Mul(r).Mul(Number(1).Sub(r)));

    /// <summary>Element-wise hyperbolic tangent; derivative 1 - tanh^2.</summary>
    public Tensor Tanh() =>
        Unary<TanhOperator>("tanh", static (g, r, _, _) => g.Mul(Number(1).Sub(r.Mul(r))));

    /// <summary>
    /// Softmax along a dimension (default the last), shifted by the maximum so that large inputs stay
    /// finite: softmax([1000, 1000]) = [0.5, 0.5].
    /// </summary>
    /// <remarks>Derivative: dx = y (g - sum(g y, dim)).</remarks>
    public Tensor Softmax(int dim = -1)
    {
        int axis = ShapeUtil.Axis("softmax", dim, Rank, _shape);
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        var data = SoftmaxValues(outer, size, inner, log: false);
        return Result("softmax", data, _shape, this,
            (g, y, _, _) => y.Mul(g.Sub(g.Mul(y).Sum(new[] { axis }, keepDim: true))));
    }

    private Array SoftmaxValues(int outer, int size, int inner, bool log)
    {
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            ReductionKernels.SoftmaxAxis<float>(F32, outer, size, inner, log, f);
            return f;
        }
        var d = Buffers.Uninitialized<double>(Count);
        ReductionKernels.SoftmaxAxis<double>(F64, outer, size, inner, log, d);
        return d;
    }

    /// <summary>Log-softmax along a dimension (default the last), computed stably as x - max - log(sum(exp(x - max))).</summary>
    /// <remarks>Derivative: dx = g - softmax(x) sum(g, dim).</remarks>
    public Tensor LogSoftmax(int dim = -1)
    {
        int axis = ShapeUtil.Axis("log_softmax", dim, Rank, _shape);
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        var data = SoftmaxValues(outer, size, inner, log: true);
        return Result("log_softmax", data, _shape, this,
            (g, y, _, _) => g.Sub(y.Exp().Mul(g.Sum(new[] { axis }, keepDim: true))));
    }
}
