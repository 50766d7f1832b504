using System;
using System.Numerics.Tensors;
using Corgi.Autodiff;
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
        return Result("softmax", data, _shape, this, (g, y, _, _) => SoftmaxBackward(g, y, axis));
    }

    /// <summary>
    /// y (g - sum(g y, axis)): softmax's derivative for upstream g, one op over contiguous rows (a dot product and one
    /// pass each), the four tensor ops of the formula otherwise. Its own derivative: for g the same op (the Jacobian
    /// diag(y) - y yᵀ is symmetric); for y, u (g - sum(g y)) - g sum(u y).
    /// </summary>
    private static Tensor SoftmaxBackward(Tensor g, Tensor y, int axis)
    {
        var (outer, size, inner) = ShapeUtil.Split(y._shape, axis);
        if (inner != 1 || g._dtype != y._dtype || !ShapeUtil.SameShape(g._shape, y._shape)) return SoftmaxBackwardDefinition(g, y, axis);
        Array data;
        if (y._dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(y.Count);
            ReductionKernels.SoftmaxBackwardRows<float>(g.F32, y.F32, outer, size, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(y.Count);
            ReductionKernels.SoftmaxBackwardRows<double>(g.F64, y.F64, outer, size, d);
            data = d;
        }
        return FusedResult("softmax_backward", data, y._shape, new[] { g, y }, u => new Tensor?[]
        {
            SoftmaxBackward(u, y, axis),
            u.Mul(g.Sub(g.Mul(y).Sum(new[] { axis }, keepDim: true))).Sub(g.Mul(u.Mul(y).Sum(new[] { axis }, keepDim: true))),
        }, xs => SoftmaxBackwardDefinition(xs[0], xs[1], axis));
    }

    private static Tensor SoftmaxBackwardDefinition(Tensor g, Tensor y, int axis) =>
        y.Mul(g.Sub(g.Mul(y).Sum(new[] { axis }, keepDim: true)));

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

    /// <summary>A parametric activation: one dispatch on the dtype to the function's generic kernel, then the result and its derivative.</summary>
    private Tensor Parametric<TF>(string op, double p, double q, double r, LocalGradient derivative) where TF : IParametricFunction
    {
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            ActivationKernels.Map<TF, float>(F32, (float)p, (float)q, (float)r, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            ActivationKernels.Map<TF, double>(F64, p, q, r, d);
            data = d;
        }
        return Result(op, data, _shape, this, derivative);
    }

    // 1 / sqrt(2 pi) and sqrt(2 / pi), gelu's constants
    private const double InvSqrtTwoPi = 0.39894228040143267794;
    private const double SqrtTwoOverPi = 0.79788456080286535588;
    private const double GeluTanhCubic = 0.044715;

    /// <summary>
    /// Element-wise GELU, x Φ(x) with Φ the standard normal distribution function, like <c>torch.nn.functional.gelu</c>;
    /// with <paramref name="approximateTanh"/> PyTorch's <c>approximate="tanh"</c> form
    /// x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))) / 2.
    /// </summary>
    /// <remarks>
    /// Derivatives: exact Φ(x) + x φ(x); tanh form (1 + t)/2 + x (1 - t²) sqrt(2/pi) (1 + 3·0.044715 x²) / 2.
    /// Both run as one fused kernel pass (<see cref="GeluBackward"/>), itself differentiable.
    /// </remarks>
    public Tensor Gelu(bool approximateTanh = false) =>
        approximateTanh
            ? Unary<GeluTanhOperator>("gelu_tanh", static (g, _, x, _) => GeluBackward(g, x[0], tanh: true))
            : Unary<GeluOperator>("gelu", static (g, _, x, _) => GeluBackward(g, x[0], tanh: false));

    /// <summary>
    /// g · gelu'(x) in one kernel pass, recorded with inputs (g, x) so that second derivatives flow to both:
    /// linear in g (its derivative is this op again), and upstream · g · gelu''(x) for x.
    /// </summary>
    private static Tensor GeluBackward(Tensor g, Tensor x, bool tanh)
    {
        var dt = ResultDType(g, x);
        Array data;
        if (dt == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(x.Count);
            if (tanh) GeluKernels.GeluTanhBackward<float>(g.ValuesAs<float>(), x.ValuesAs<float>(), f);
            else GeluKernels.GeluBackward<float>(g.ValuesAs<float>(), x.ValuesAs<float>(), f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(x.Count);
            if (tanh) GeluKernels.GeluTanhBackward<double>(g.ValuesAs<double>(), x.ValuesAs<double>(), d);
            else GeluKernels.GeluBackward<double>(g.ValuesAs<double>(), x.ValuesAs<double>(), d);
            data = d;
        }
        return Result(tanh ? "gelu_tanh_backward" : "gelu_backward", data, x._shape, g, x, (up, _, inputs, i) =>
            i == 0 ? GeluBackward(up, inputs[1], tanh) : up.Mul(inputs[0]).Mul(GeluSecondDerivative(inputs[1], tanh)));
    }

    /// <summary>gelu''(x) with tensor ops (differentiable again).</summary>
    private static Tensor GeluSecondDerivative(Tensor x, bool tanh)
    {
        var x2 = x.Mul(x);
        if (!tanh)
            // d/dx (Φ + x φ) = φ + φ + x φ' = φ (2 - x²), as φ' = -x φ
            return x2.Mul(Number(-0.5)).Exp().Mul(Number(InvSqrtTwoPi)).Mul(Number(2).Sub(x2));
        // u = k (x + c x³), u' = k (1 + 3c x²), u'' = 6kc x; t = tanh u, t' = (1 - t²) u',
        // t'' = (1 - t²) u'' - 2t t' u' = (1 - t²)(u'' - 2t u'²).
        // gelu = x (1 + t)/2, gelu' = (1 + t)/2 + x t'/2, gelu'' = t'/2 + t'/2 + x t''/2 = t' + x t''/2
        //      = (1 - t²) (u' + x u''/2 - x t u'²) = (1 - t²) (k (1 + 6c x²) - x t u'²)
        // (at 0: k = sqrt(2/pi), the exact form's 2 φ(0))
        var t = x.Add(x2.Mul(x).Mul(Number(GeluTanhCubic))).Mul(Number(SqrtTwoOverPi)).Tanh();
        var du = x2.Mul(Number(3 * GeluTanhCubic)).Add(Number(1)).Mul(Number(SqrtTwoOverPi));
        var first = x2.Mul(Number(6 * GeluTanhCubic)).Add(Number(1)).Mul(Number(SqrtTwoOverPi));
        var oneMinusT2 = Number(1).Sub(t).Mul(Number(1).Add(t));
        return oneMinusT2.Mul(first.Sub(x.Mul(t).Mul(du.Mul(du))));
    }

    /// <summary>Element-wise SiLU (swish), x sigmoid(x); derivative s (1 + x (1 - s)) with s = sigmoid(x).</summary>
    public Tensor Silu() =>
        Unary<Pointwise<SiluFunction>>("silu", static (g, _, x, _) =>
        {
            var s = x[0].Sigmoid();
            return g.Mul(s.Mul(Number(1).Add(x[0].Mul(Number(1).Sub(s)))));
        });

    /// <summary>
    /// Element-wise softplus log(1 + e^(beta x)) / beta, like <c>torch.nn.functional.softplus</c>: linear (x) where
    /// beta x &gt; threshold, and computed without overflow elsewhere.
    /// </summary>
    /// <remarks>Derivative sigmoid(beta x), and 1 where beta x &gt; threshold.</remarks>
    /// <exception cref="ArgumentOutOfRangeException">beta is 0 or not finite.</exception>
    public Tensor Softplus(double beta = 1, double threshold = 20)
    {
        if (beta == 0 || !double.IsFinite(beta))
            throw new ArgumentOutOfRangeException(nameof(beta), $"softplus: beta must be finite and nonzero, not {beta} (input {ShapeUtil.Format(_shape)})");
        return Parametric<SoftplusFunction>("softplus", beta, threshold, 0, (g, _, x, _) =>
        {
            var bx = x[0].Mul(Number(beta));
            return Where("softplus", bx.Gt(threshold), g, g.Mul(bx.Sigmoid()));
        });
    }

    /// <summary>The elu family in PyTorch's form: scale x for x &gt; 0, else scale alpha (e^(inputScale x) - 1).</summary>
    private Tensor EluFamily(string op, double alpha, double scale, double inputScale) =>
        Parametric<EluFunction>(op, alpha, scale, inputScale, (g, _, x, _) =>
        {
            var t = x[0];
            var negative = t.Mul(Number(inputScale)).Exp().Mul(Number(scale * alpha * inputScale));
            return g.Mul(Where(op, t.Gt(0), Number(scale), negative));
        });

    /// <summary>Element-wise ELU: x for x &gt; 0, else alpha (e^x - 1) (computed with expm1); derivative 1, or alpha e^x.</summary>
    public Tensor Elu(double alpha = 1) => EluFamily("elu", alpha, 1, 1);

    /// <summary>
    /// Element-wise SELU: scale (x for x &gt; 0, else alpha (e^x - 1)) with PyTorch's constants
    /// alpha = 1.6732632423543772, scale = 1.0507009873554805.
    /// </summary>
    public Tensor Selu() => EluFamily("selu", 1.6732632423543772848170429916717, 1.0507009873554804934193349852946, 1);

    /// <summary>Element-wise CELU: x for x &gt; 0, else alpha (e^(x/alpha) - 1); derivative 1, or e^(x/alpha).</summary>
    /// <exception cref="ArgumentOutOfRangeException">alpha is 0.</exception>
    public Tensor Celu(double alpha = 1)
    {
        if (alpha == 0) throw new ArgumentOutOfRangeException(nameof(alpha), $"celu: alpha must be nonzero (input {ShapeUtil.Format(_shape)})");
        return EluFamily("celu", alpha, 1, 1 / alpha);
    }

    /// <summary>Element-wise Mish, x tanh(softplus(x)); derivative t + x sigmoid(x) (1 - t²) with t = tanh(softplus(x)).</summary>
    public Tensor Mish() =>
        Unary<Pointwise<MishFunction>>("mish", static (g, _, x, _) =>
        {
            var t = x[0].Softplus().Tanh();
            return g.Mul(t.Add(x[0].Mul(x[0].Sigmoid()).Mul(Number(1).Sub(t.Mul(t)))));
        });

    /// <summary>
    /// Element-wise hardtanh, x clamped to [min, max] (default [-1, 1]); as in PyTorch the derivative is 1 strictly
    /// inside (min, max) and 0 elsewhere, including at the bounds.
    /// </summary>
    /// <exception cref="ArgumentException">min is greater than max.</exception>
    public Tensor Hardtanh(double min = -1, double max = 1) => HardtanhOp("hardtanh", min, max);

    private Tensor HardtanhOp(string op, double min, double max)
    {
        if (min > max) throw new ArgumentException($"{op}: min {min} is greater than max {max} (input {ShapeUtil.Format(_shape)})", nameof(min));
        return Parametric<HardtanhFunction>(op, min, max, 0, (g, _, x, _) => g.Mul(x[0].Gt(min)).Mul(x[0].Lt(max)));
    }

    /// <summary>Element-wise min(max(x, 0), 6) (hardtanh on [0, 6]).</summary>
    public Tensor Relu6() => HardtanhOp("relu6", 0, 6);

    /// <summary>Element-wise hardsigmoid, relu6(x + 3) / 6; derivative 1/6 strictly inside (-3, 3), else 0 (as PyTorch).</summary>
    public Tensor Hardsigmoid() =>
        Unary<Pointwise<HardsigmoidFunction>>("hardsigmoid", static (g, _, x, _) =>
            g.Mul(x[0].Gt(-3)).Mul(x[0].Lt(3)).Mul(Number(1.0 / 6)));

    /// <summary>Element-wise hardswish, x relu6(x + 3) / 6; derivative 0 below -3, x/3 + 1/2 on [-3, 3], 1 above (as PyTorch).</summary>
    public Tensor Hardswish() =>
        Unary<Pointwise<HardswishFunction>>("hardswish", static (g, _, x, _) =>
        {
            var t = x[0];
            var middle = Where("hardswish", t.Le(3), t.Mul(Number(1.0 / 3)).Add(Number(0.5)), Number(1));
            return g.Mul(Where("hardswish", t.Lt(-3), Number(0), middle));
        });

    /// <summary>Element-wise log(sigmoid(x)), computed as min(x, 0) - log1p(e^-|x|) so it stays finite (logsigmoid(-1000) = -1000); derivative sigmoid(-x).</summary>
    public Tensor LogSigmoid() =>
        Unary<Pointwise<LogSigmoidFunction>>("log_sigmoid", static (g, _, x, _) => g.Mul(x[0].Neg().Sigmoid()));

    /// <summary>Element-wise softsign, x / (1 + |x|); derivative 1 / (1 + |x|)².</summary>
    public Tensor Softsign() =>
        Unary<Pointwise<SoftsignFunction>>("softsign", static (g, _, x, _) =>
        {
            var d = x[0].Abs().Add(Number(1));
            return g.Div(d.Mul(d));
        });
}
