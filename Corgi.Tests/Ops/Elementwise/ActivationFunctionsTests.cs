using System;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.Ops;

/// <summary>
/// Hand-derived values of the activations added to Ops/Activations.cs for issue 11 (gelu ... softsign): points
/// where the definition has a closed form (sigmoid(ln3) = 3/4, tanh(ln2) = 3/5), derivatives from the formulas
/// in the comments; the piecewise ones are checked on each piece and at the breakpoints PyTorch specifies.
/// </summary>
public abstract class ActivationFunctionsTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ActivationFunctionsTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ActivationFunctionsTests(DType.Float32);

    private protected ActivationFunctionsTests(DType dtype) : base(dtype) { }

    private static readonly double Ln2 = Math.Log(2), Ln3 = Math.Log(3);

    private void Check(Func<Tensor, Tensor> f, double[] x, double[] value, double[] gradient, double tol = 1e-12)
    {
        var t = Of(x).Tracked();
        var y = f(t);
        AssertClose(value, y, tol);
        y.Backward();
        AssertClose(gradient, t.Gradient, tol);
    }

    [Fact]
    public void Gelu_Exact()
    {
        // gelu(x) = x Φ(x); Φ(1) = 0.8413447460685429, φ(1) = e^(-1/2)/sqrt(2pi) = 0.24197072451914337 (normal tables)
        // derivative Φ(x) + x φ(x): at 0 it is 1/2, at 1 Φ(1) + φ(1), at -1 Φ(-1) - φ(-1) = 1 - Φ(1) - φ(1)
        const double cdf1 = 0.8413447460685429, pdf1 = 0.24197072451914337;
        Check(t => t.Gelu(), new double[] { 0, 1, -1 }, new[] { 0, cdf1, -(1 - cdf1) },
            new[] { 0.5, cdf1 + pdf1, 1 - cdf1 - pdf1 }, 1e-14);
    }

    [Fact]
    public void Gelu_TanhApproximation()
    {
        // at x = 1: u = sqrt(2/pi) (1 + 0.044715), value (1 + tanh u)/2,
        // derivative (1 + tanh u)/2 + (1 - tanh² u) sqrt(2/pi) (1 + 3 * 0.044715) / 2
        double k = Math.Sqrt(2 / Math.PI), th = Math.Tanh(k * 1.044715);
        Check(t => t.Gelu(approximateTanh: true), new double[] { 0, 1 }, new[] { 0, (1 + th) / 2 },
            new[] { 0.5, (1 + th) / 2 + (1 - th * th) * k * (1 + 3 * 0.044715) / 2 });
    }

    /// <summary>First and second derivative of sum(f(x)) through Tensor.Gradients with createGraph.</summary>
    private void CheckSecondOrder(Func<Tensor, Tensor> f, double[] x, double[] first, double[] second, double tol)
    {
        var t = Of(x).Tracked();
        var g = Tensor.Gradients(f(t).Sum(), new[] { t }, createGraph: true)[0];
        AssertClose(first, g, tol);
        var gg = Tensor.Gradients(g!.Sum(), new[] { t })[0];
        AssertClose(second, gg, tol);
    }

    [Fact]
    public void Gelu_Exact_SecondDerivative()
    {
        // gelu'' = d/dx (Φ + x φ) = 2φ + x φ' = φ(x) (2 - x²) since φ' = -x φ.
        // φ(0) = 1/sqrt(2pi) = 0.3989422804014327, φ(1) = 0.24197072451914337, φ(2) = e^-2/sqrt(2pi) = 0.05399096651318806,
        // Φ(2) = 0.9772498680518208 (normal tables): gelu'(2) = Φ(2) + 2φ(2), gelu''(0) = 2φ(0), gelu''(±1) = φ(1),
        // gelu''(2) = -2φ(2); at sqrt 2: gelu' = Φ(sqrt 2) + sqrt 2 e^-1/sqrt(2pi) and gelu'' = 0
        const double pdf0 = 0.3989422804014327, pdf1 = 0.24197072451914337, pdf2 = 0.05399096651318806;
        const double cdf1 = 0.8413447460685429, cdf2 = 0.9772498680518208;
        double r2 = Math.Sqrt(2);
        CheckSecondOrder(t => t.Gelu(), new[] { 0, 1, -1, 2, r2 },
            new[] { 0.5, cdf1 + pdf1, 1 - cdf1 - pdf1, cdf2 + 2 * pdf2, GaussCdfAtSqrt2 + r2 * Math.Exp(-1) / Math.Sqrt(2 * Math.PI) },
            new[] { 2 * pdf0, pdf1, pdf1, -2 * pdf2, 0 }, 1e-14);
    }

    // Φ(sqrt 2) = (1 + erf(1))/2, erf(1) = 0.8427007929497149 (tables)
    private const double GaussCdfAtSqrt2 = (1 + 0.8427007929497149) / 2;

    [Fact]
    public void Gelu_TanhApproximation_SecondDerivative()
    {
        // with u = k (x + c x³), t = tanh u: gelu'' = (1 - t²)(k (1 + 6c x²) - x t u'²), u' = k (1 + 3c x²)
        // (derivation in Activations.cs); at 0 it is k = sqrt(2/pi), equal to the exact form's 2 φ(0)
        double k = Math.Sqrt(2 / Math.PI), c = 0.044715;
        double th = Math.Tanh(k * (1 + c)), du = k * (1 + 3 * c);
        double thm = -th; // at x = -1, t(-1) = -t(1)
        CheckSecondOrder(t => t.Gelu(approximateTanh: true), new double[] { 0, 1, -1 },
            new[] { 0.5, (1 + th) / 2 + (1 - th * th) * du / 2, (1 + thm) / 2 - (1 - thm * thm) * du / 2 },
            new[] { k, (1 - th * th) * (k * (1 + 6 * c) - th * du * du), (1 - th * th) * (k * (1 + 6 * c) - th * du * du) }, 1e-13);
    }

    [Fact]
    public void Gelu_NaNPropagates_AndTheTailsAreExact()
    {
        // gelu(-10) = -10 Φ(-10) = -10 erfc(10/sqrt 2)/2 = -7.619853024160526e-23 (Φ(-10) = 7.6198530241605261e-24, tables);
        // gelu(10) = 10 (Φ(10) = 1 - 7.6e-24 rounds to 1)
        var y = Of(double.NaN, -10, 10).Gelu().ToArray();
        Assert.True(double.IsNaN(y[0]));
        Assert.Equal(-7.619853024160526e-23, y[1], Dt == DType.Float32 ? 1e-28 : 1e-36);
        Assert.Equal(10, y[2]);
    }

    [Fact]
    public void Silu() =>
        // sigmoid(ln3) = 3/(3+1) = 3/4: silu = (3/4) ln3, derivative s (1 + x (1 - s)) = (3/4)(1 + ln3/4); at 0: 0 and 1/2
        Check(t => t.Silu(), new[] { 0, Ln3 }, new[] { 0, 0.75 * Ln3 }, new[] { 0.5, 0.75 * (1 + Ln3 / 4) });

    [Fact]
    public void Softplus_BetaAndThreshold()
    {
        // log(1 + e^0) = ln2, log(1 + 3) = ln4; derivative sigmoid: 1/2, 3/4; above the threshold: x and 1
        Check(t => t.Softplus(), new[] { 0, Ln3, 30 }, new[] { Ln2, 2 * Ln2, 30 }, new[] { 0.5, 0.75, 1 });
        // beta 2: log(1 + e^(2x))/2 at x = ln3/2 is ln4/2 = ln2, derivative sigmoid(ln3) = 3/4;
        // threshold 1.5: 2 ln3/2 = 1.099 is below it, 2 * 0.9 = 1.8 above, so 0.9 itself with derivative 1
        Check(t => t.Softplus(2, 1.5), new[] { Ln3 / 2, 0.9 }, new[] { Ln2, 0.9 }, new[] { 0.75, 1 });
        // no overflow: softplus(-1000) = log1p(e^-1000) = e^-1000, which is 0 in doubles; derivative sigmoid(-1000) = 0
        Check(t => t.Softplus(1, 2000), new double[] { -1000, 1000 }, new double[] { 0, 1000 }, new double[] { 0, 1 });
    }

    [Fact]
    public void Elu_Selu_Celu()
    {
        // elu(-ln2) = e^-ln2 - 1 = -1/2, derivative e^x = 1/2; elu(2) = 2, derivative 1
        Check(t => t.Elu(), new[] { -Ln2, 2 }, new[] { -0.5, 2 }, new[] { 0.5, 1 });
        // alpha 2: 2 (1/2 - 1) = -1, derivative 2 e^x = 1
        Check(t => t.Elu(2), new[] { -Ln2 }, new[] { -1.0 }, new[] { 1.0 });
        const double alpha = 1.6732632423543772848170429916717, scale = 1.0507009873554804934193349852946;
        // selu = scale * elu_alpha: scale at 1 (derivative scale), scale alpha (-1/2) at -ln2 (derivative scale alpha / 2)
        Check(t => t.Selu(), new[] { 1, -Ln2 }, new[] { scale, -scale * alpha / 2 }, new[] { scale, scale * alpha / 2 });
        // celu alpha 2 at -2 ln2: 2 (e^(-ln2) - 1) = -1, derivative e^(x/alpha) = 1/2
        Check(t => t.Celu(2), new[] { -2 * Ln2, 3 }, new[] { -1.0, 3 }, new[] { 0.5, 1 });
    }

    [Fact]
    public void Mish()
    {
        // softplus(0) = ln2, tanh(ln2) = (2 - 1/2)/(2 + 1/2) = 3/5: mish(0) = 0, derivative t = 3/5.
        // softplus(ln3) = ln4, tanh(ln4) = (4 - 1/4)/(4 + 1/4) = 15/17: mish = 15 ln3 / 17,
        // derivative t + x sigmoid(x) (1 - t²) = 15/17 + ln3 (3/4)(64/289)
        Check(t => t.Mish(), new[] { 0, Ln3 }, new[] { 0, 15 * Ln3 / 17 }, new[] { 0.6, 15.0 / 17 + Ln3 * 0.75 * 64 / 289 });
    }

    [Fact]
    public void Hardtanh_Relu6()
    {
        // clamp to [-1, 1]; derivative 1 strictly inside, 0 outside and at the bound 1 (as PyTorch)
        Check(t => t.Hardtanh(), new[] { -2, -0.5, 0.5, 1, 2 }, new[] { -1, -0.5, 0.5, 1, 1 }, new double[] { 0, 1, 1, 0, 0 });
        Check(t => t.Hardtanh(0, 2), new[] { -1, 1.5, 3 }, new[] { 0, 1.5, 2 }, new double[] { 0, 1, 0 });
        Check(t => t.Relu6(), new double[] { -1, 3, 6, 7 }, new double[] { 0, 3, 6, 6 }, new double[] { 0, 1, 0, 0 });
    }

    [Fact]
    public void Hardsigmoid_Hardswish()
    {
        // relu6(x + 3)/6: 0, 1/2, 3/4, 1, 1; derivative 1/6 strictly inside (-3, 3)
        var sixth = 1.0 / 6;
        Check(t => t.Hardsigmoid(), new[] { -4, 0, 1.5, 3, 4 }, new[] { 0, 0.5, 0.75, 1, 1 }, new[] { 0, sixth, sixth, 0, 0 });
        // x relu6(x + 3)/6: 0, 0, 0, 1.5 * 4.5/6 = 1.125, 3, 4;
        // derivative (PyTorch): 0 below -3, x/3 + 1/2 on [-3, 3] (-1/2 at -3, 3/2 at 3), 1 above
        Check(t => t.Hardswish(), new[] { -4, -3, 0, 1.5, 3, 4 }, new[] { 0, 0, 0, 1.125, 3, 4 }, new[] { 0, -0.5, 0.5, 1, 1.5, 1 });
    }

    [Fact]
    public void LogSigmoid_IsStable()
    {
        // log sigmoid(0) = -ln2, derivative sigmoid(-0) = 1/2; at ±1000: min(x, 0) - log1p(e^-1000) = -1000 and 0,
        // derivatives sigmoid(1000) = 1 and sigmoid(-1000) = 0 (log(sigmoid(-1000)) would be log 0 = -inf)
        Check(t => t.LogSigmoid(), new double[] { 0, -1000, 1000 }, new[] { -Ln2, -1000, 0 }, new double[] { 0.5, 1, 0 });
    }

    [Fact]
    public void Softsign() =>
        // x/(1 + |x|): 1/2, -3/4; derivative 1/(1 + |x|)²: 1/4, 1/16
        Check(t => t.Softsign(), new double[] { 1, -3 }, new[] { 0.5, -0.75 }, new[] { 0.25, 0.0625 });

    [Fact]
    public void Activations_WrapTheOps()
    {
        var x = Of(-1, 0.5, 2);
        AssertClose(x.Gelu().ToArray(), Activation.Gelu().Apply(x));
        AssertClose(x.Gelu(true).ToArray(), Activation.Gelu(true).Apply(x));
        AssertClose(x.Silu().ToArray(), Activation.Silu().Apply(x));
        AssertClose(x.Softplus(2, 3).ToArray(), Activation.Softplus(2, 3).Apply(x));
        AssertClose(x.Elu(0.5).ToArray(), Activation.Elu(0.5).Apply(x));
        AssertClose(x.Selu().ToArray(), Activation.Selu().Apply(x));
        AssertClose(x.Celu(2).ToArray(), Activation.Celu(2).Apply(x));
        AssertClose(x.Mish().ToArray(), Activation.Mish().Apply(x));
        AssertClose(x.Hardtanh(-0.5, 1).ToArray(), Activation.Hardtanh(-0.5, 1).Apply(x));
        AssertClose(x.Relu6().ToArray(), Activation.Relu6().Apply(x));
        AssertClose(x.Hardsigmoid().ToArray(), Activation.Hardsigmoid().Apply(x));
        AssertClose(x.Hardswish().ToArray(), Activation.Hardswish().Apply(x));
        AssertClose(x.LogSigmoid().ToArray(), Activation.LogSigmoid().Apply(x));
        AssertClose(x.Softsign().ToArray(), Activation.Softsign().Apply(x));
        Assert.Equal("gelu_tanh", Activation.Gelu(true).Name);
    }

    [Fact]
    public void BadParameters_NameTheOp()
    {
        TestUtil.Throws<ArgumentException>(() => Of(1).Hardtanh(1, -1), "hardtanh", "[1]");
        TestUtil.Throws<ArgumentOutOfRangeException>(() => Of(1).Softplus(0), "softplus");
        TestUtil.Throws<ArgumentOutOfRangeException>(() => Of(1).Celu(0), "celu");
    }
}
