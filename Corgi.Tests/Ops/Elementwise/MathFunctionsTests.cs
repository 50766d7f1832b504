using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>
/// Hand-derived values of Ops/MathFunctions.cs: each case picks points where the function has a closed form
/// (sin(pi/6) = 1/2, asinh(3/4) = ln 2, ...) and the derivative follows from the textbook formula, stated in a comment.
/// </summary>
public abstract class MathFunctionsTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : MathFunctionsTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : MathFunctionsTests(DType.Float32);

    private protected MathFunctionsTests(DType dtype) : base(dtype) { }

    private static readonly double Sqrt3 = Math.Sqrt(3);
    private static readonly double Ln2 = Math.Log(2);

    /// <summary>Runs f on a tracked x, checks the values, back-propagates ones and checks the gradient.</summary>
    private void Check(Func<Tensor, Tensor> f, double[] x, double[] value, double[] gradient, double tol = 1e-12)
    {
        var t = Of(x).Tracked();
        var y = f(t);
        AssertClose(value, y, tol);
        y.Backward();
        AssertClose(gradient, t.Gradient, tol);
    }

    [Fact]
    public void Sin() =>
        // sin 0 = 0, sin(pi/6) = 1/2, sin(pi/2) = 1; derivative cos: 1, sqrt3/2, 0
        Check(t => t.Sin(), new[] { 0, Math.PI / 6, Math.PI / 2 }, new[] { 0, 0.5, 1 }, new[] { 1, Sqrt3 / 2, 0 });

    [Fact]
    public void Cos() =>
        // cos 0 = 1, cos(pi/3) = 1/2; derivative -sin: 0, -sqrt3/2
        Check(t => t.Cos(), new[] { 0, Math.PI / 3 }, new[] { 1, 0.5 }, new[] { 0, -Sqrt3 / 2 });

    [Fact]
    public void Tan() =>
        // tan 0 = 0, tan(pi/4) = 1; derivative 1 + tan²: 1, 2
        Check(t => t.Tan(), new[] { 0, Math.PI / 4 }, new[] { 0.0, 1 }, new[] { 1.0, 2 });

    [Fact]
    public void AsinAcosAtan()
    {
        // asin(1/2) = pi/6, derivative 1/sqrt(1 - 1/4) = 2/sqrt3; acos is pi/2 - asin, derivative the negation
        Check(t => t.Asin(), new[] { 0, 0.5 }, new[] { 0, Math.PI / 6 }, new[] { 1, 2 / Sqrt3 });
        Check(t => t.Acos(), new[] { 0, 0.5 }, new[] { Math.PI / 2, Math.PI / 3 }, new[] { -1, -2 / Sqrt3 });
        // atan 1 = pi/4, derivative 1/(1 + 1) = 1/2
        Check(t => t.Atan(), new[] { 0.0, 1 }, new[] { 0, Math.PI / 4 }, new[] { 1, 0.5 });
    }

    [Fact]
    public void Atan2_QuadrantsAndBroadcastGradients()
    {
        var y = Of(1, 1).Tracked();
        var x = T(new[] { 2, 1 }, 1, -1).Tracked();
        var r = y.Atan2(x);
        // rows are x = 1 and x = -1: atan2(1, 1) = pi/4, atan2(1, -1) = 3pi/4
        AssertClose(new[] { 2, 2 }, new[] { Math.PI / 4, Math.PI / 4, 3 * Math.PI / 4, 3 * Math.PI / 4 }, r);
        r.Backward();
        // d/dy = x/(x²+y²) = ±1/2, summed over the two rows: 1/2 - 1/2 = 0 for each y
        AssertClose(new double[] { 0, 0 }, y.Gradient);
        // d/dx = -y/(x²+y²) = -1/2, summed over the two columns: -1 per row
        AssertClose(new double[] { -1, -1 }, x.Gradient);
    }

    [Fact]
    public void HyperbolicFunctions()
    {
        // sinh(ln2) = (2 - 1/2)/2 = 3/4, cosh(ln2) = (2 + 1/2)/2 = 5/4
        Check(t => t.Sinh(), new[] { 0, Ln2 }, new[] { 0, 0.75 }, new[] { 1, 1.25 });
        Check(t => t.Cosh(), new[] { 0, Ln2 }, new[] { 1, 1.25 }, new[] { 0, 0.75 });
        // asinh(3/4) = ln(3/4 + 5/4) = ln2, derivative 1/sqrt(9/16 + 1) = 4/5
        Check(t => t.Asinh(), new[] { 0, 0.75 }, new[] { 0, Ln2 }, new[] { 1, 0.8 });
        // acosh(5/4) = ln(5/4 + 3/4) = ln2, derivative 1/sqrt(25/16 - 1) = 4/3
        Check(t => t.Acosh(), new[] { 1.25 }, new[] { Ln2 }, new[] { 4.0 / 3 });
        // atanh(3/5) = ln((1 + 3/5)/(1 - 3/5))/2 = ln(4)/2 = ln2, derivative 1/(1 - 9/25) = 25/16
        Check(t => t.Atanh(), new[] { 0, 0.6 }, new[] { 0, Ln2 }, new[] { 1, 1.5625 });
    }

    [Fact]
    public void ExponentialsAndLogarithms()
    {
        // 2³ = 8, 2⁻¹ = 1/2; derivative 2^x ln2
        Check(t => t.Exp2(), new double[] { 3, -1 }, new[] { 8, 0.5 }, new[] { 8 * Ln2, 0.5 * Ln2 });
        // log2 8 = 3, derivative 1/(8 ln2); log10 100 = 2, derivative 1/(100 ln10)
        Check(t => t.Log2(), new double[] { 8 }, new double[] { 3 }, new[] { 1 / (8 * Ln2) });
        Check(t => t.Log10(), new double[] { 100 }, new double[] { 2 }, new[] { 1 / (100 * Math.Log(10)) });
        // e^ln2 - 1 = 1, derivative e^x = 2; log(1 + 1) = ln2, derivative 1/2
        Check(t => t.Expm1(), new[] { Ln2 }, new double[] { 1 }, new double[] { 2 });
        Check(t => t.Log1p(), new double[] { 1 }, new[] { Ln2 }, new[] { 0.5 });
        // 1/sqrt4 = 1/2, 1/sqrt(1/4) = 2; derivative -r³/2: -1/16, -4
        Check(t => t.Rsqrt(), new[] { 4, 0.25 }, new[] { 0.5, 2 }, new[] { -0.0625, -4 });
    }

    [Fact]
    public void Expm1AndLog1p_AreAccurateNearZero()
    {
        // e^x - 1 = x + x²/2 + ...: for |x| = 1e-10 the x² term is 5e-21, below the relative tolerance; exp(x) - 1
        // would keep only about 6 digits here in float64 and none in float32
        foreach (var v in new[] { 1e-10, -3e-12, 1e-30 })
        {
            var x = Of(v);
            Assert.Equal(1, x.Expm1().ToArray()[0] / x.ToArray()[0], 9);
            // log(1 + x) = x - x²/2 + ...
            Assert.Equal(1, x.Log1p().ToArray()[0] / x.ToArray()[0], 9);
        }
    }

    [Fact]
    public void ErfAndErfc()
    {
        // erf(1) = 0.8427007929497149 (Abramowitz & Stegun table 7.1), erf is odd; derivative 2/sqrt(pi) e^(-x²)
        double d1 = 2 / Math.Sqrt(Math.PI) * Math.Exp(-1);
        Check(t => t.Erf(), new double[] { 0, 1, -1 }, new[] { 0, 0.8427007929497149, -0.8427007929497149 },
            new[] { 2 / Math.Sqrt(Math.PI), d1, d1 }, 1e-15);
        // erfc = 1 - erf; derivative the negation
        Check(t => t.Erfc(), new double[] { 0, 1 }, new[] { 1, 0.1572992070502851 }, new[] { -2 / Math.Sqrt(Math.PI), -d1 }, 1e-15);
    }

    [Fact]
    public void Erfc_KeepsTheTail()
    {
        if (Dt == DType.Float32) return; // 2.09e-45 is below float32's smallest normal
        // erfc(10) = 2.0884875837625447e-45 (A&S 7.1.23 asymptotic series e^-100/(10 sqrt pi) (1 - 1/200 + 3/40000 ...)), where 1 - erf(10) is 0
        var y = Of(10).Erfc().ToArray()[0];
        Assert.Equal(1, y / 2.0884875837625447e-45, 12);
    }

    [Fact]
    public void FloorCeilRoundTrunc_HaveZeroGradient()
    {
        double[] x = { -1.5, -0.5, 0.5, 1.5, 2.5, 2.7 };
        var zeros = new double[6];
        Check(t => t.Floor(), x, new double[] { -2, -1, 0, 1, 2, 2 }, zeros);
        Check(t => t.Ceil(), x, new double[] { -1, 0, 1, 2, 3, 3 }, zeros);
        // halves to even, as PyTorch: -1.5 -> -2, -0.5 -> 0, 0.5 -> 0, 1.5 -> 2, 2.5 -> 2
        Check(t => t.Round(), x, new double[] { -2, 0, 0, 2, 2, 3 }, zeros);
        Check(t => t.Trunc(), x, new double[] { -1, 0, 0, 1, 2, 2 }, zeros);
        // two decimals: 1.234 -> 123.4 -> 123 -> 1.23; 0.125 -> 12.5 -> 12 (half to even) -> 0.12; -1 decimal: 15 -> 1.5 -> 2 -> 20
        Check(t => t.Round(2), new[] { 1.234, 0.125 }, new[] { 1.23, 0.12 }, new double[] { 0, 0 });
        Check(t => t.Round(-1), new double[] { 15, 24 }, new double[] { 20, 20 }, new double[] { 0, 0 });
    }

    [Fact]
    public void Lerp_ScalarAndTensorWeights()
    {
        var a = Of(1, 2).Tracked();
        var b = Of(3, 6).Tracked();
        var w = Of(0.25, 1).Tracked();
        var y = a.Lerp(b, w);
        // 1 + 0.25 (3 - 1) = 1.5, 2 + 1 (6 - 2) = 6
        AssertClose(new[] { 1.5, 6 }, y);
        y.Backward();
        // d/da = 1 - w, d/db = w, d/dw = b - a
        AssertClose(new[] { 0.75, 0 }, a.Gradient);
        AssertClose(new[] { 0.25, 1 }, b.Gradient);
        AssertClose(new double[] { 2, 4 }, w.Gradient);
        AssertClose(new double[] { 2, 4 }, Of(1, 2).Lerp(Of(3, 6), 0.5));
    }

    [Fact]
    public void Hypot_Broadcasts()
    {
        var x = T(new[] { 2, 1 }, 3, 6).Tracked();
        var y = Of(4, 8).Tracked();
        var r = x.Hypot(y);
        // sqrt(9 + 16) = 5, sqrt(9 + 64) = sqrt73, sqrt(36 + 16) = sqrt52, sqrt(36 + 64) = 10
        AssertClose(new[] { 2, 2 }, new[] { 5, Math.Sqrt(73), Math.Sqrt(52), 10 }, r);
        r.Backward();
        // d/dx = x/r summed along the row; d/dy = y/r summed down the column
        AssertClose(new[] { 3 / 5.0 + 3 / Math.Sqrt(73), 6 / Math.Sqrt(52) + 0.6 }, x.Gradient);
        AssertClose(new[] { 4 / 5.0 + 4 / Math.Sqrt(52), 8 / Math.Sqrt(73) + 0.8 }, y.Gradient);
    }

    [Fact]
    public void SecondDerivativeOfSin_IsMinusSin()
    {
        var x = Of(Math.PI / 6).Tracked();
        var g = Tensor.Gradients(x.Sin().Sum(), new[] { x }, createGraph: true)[0];
        var gg = Tensor.Gradients(g!.Sum(), new[] { x })[0];
        // d² sin/dx² = -sin(pi/6) = -1/2
        AssertClose(new[] { -0.5 }, gg);
    }

    [Fact]
    public void BinaryOps_NameTheOpAndShapes()
    {
        ThrowsShape(() => Of(1, 2).Atan2(Of(1, 2, 3)), "atan2", "[2]", "[3]");
        ThrowsShape(() => Of(1, 2).Hypot(Of(1, 2, 3)), "hypot", "[2]", "[3]");
        ThrowsShape(() => Of(1, 2).Lerp(Of(1, 2), Of(1, 2, 3)), "lerp", "[2]", "[3]");
    }
}
