using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>
/// Hand-derived cases of issue 11's reductions in Ops/Reductions.cs (prod ... median): small inputs whose results
/// and derivatives are worked out in the comments, including zeros (prod, cumprod), ties (amax) and NaN (sort).
/// </summary>
public abstract class ReductionsMoreTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ReductionsMoreTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ReductionsMoreTests(DType.Float32);

    private protected ReductionsMoreTests(DType dtype) : base(dtype) { }

    private static readonly int[] Row = { 1 };

    [Fact]
    public void Prod_AllAndAlongADimension()
    {
        var x = T(new[] { 2, 2 }, 1, 2, 3, 4).Tracked();
        var p = x.Prod();
        AssertClose(Array.Empty<int>(), new double[] { 24 }, p);
        p.Backward();
        // d/dx_i = product of the others = 24 / x_i
        AssertClose(new double[] { 24, 12, 8, 6 }, x.Gradient);
        var y = T(new[] { 2, 2 }, 1, 2, 3, 4).Tracked();
        var r = y.Prod(1, keepDim: true);
        AssertClose(new[] { 2, 1 }, new double[] { 2, 12 }, r);
        r.Backward();
        AssertClose(new double[] { 2, 1, 4, 3 }, y.Gradient);
    }

    [Fact]
    public void Prod_GradientWithZeros()
    {
        var one = Of(2, 0, 3).Tracked();
        one.Prod().Backward();
        // only the zero's derivative survives: 2 * 3
        AssertClose(new double[] { 0, 6, 0 }, one.Gradient);
        var two = Of(0, 2, 0).Tracked();
        two.Prod().Backward();
        // two zeros: every product of the others holds a zero
        AssertClose(new double[] { 0, 0, 0 }, two.Gradient);
    }

    [Fact]
    public void Prod_SecondDerivativeWithAZero()
    {
        var x = Of(0, 2, 3).Tracked();
        var g = Tensor.Gradients(x.Prod(), new[] { x }, createGraph: true)[0]!;
        // g_0 = x1 x2, so d g_0 / dx = [0, x2, x1] = [0, 3, 2]
        var h = Tensor.Gradients(g.Mul(Of(1, 0, 0)).Sum(), new[] { x })[0];
        AssertClose(new double[] { 0, 3, 2 }, h);
        var y = Of(0, 0, 3).Tracked();
        var gy = Tensor.Gradients(y.Prod(), new[] { y }, createGraph: true)[0]!;
        // two zeros: g = [0, 0, 0], but g_0 = y1 y2 still has d g_0 / dy = [0, y2, y1] = [0, 3, 0]
        AssertClose(new double[] { 0, 0, 0 }, gy);
        AssertClose(new double[] { 0, 3, 0 }, Tensor.Gradients(gy.Mul(Of(1, 0, 0)).Sum(), new[] { y })[0]);
    }

    [Fact]
    public void VarAndStd()
    {
        var x = Of(1, 2, 3, 4).Tracked();
        var v = x.Var();
        // mean 2.5; squared deviations 2.25 + 0.25 + 0.25 + 2.25 = 5; / (4 - 1)
        AssertClose(new[] { 5.0 / 3 }, v.Reshape(1));
        v.Backward();
        // 2 (x - mean) / 3
        AssertClose(new[] { -1, -1.0 / 3, 1.0 / 3, 1 }, x.Gradient);
        AssertClose(new[] { 1.25 }, Of(1, 2, 3, 4).Var(correction: 0).Reshape(1));
        var s = Of(1, 2, 3, 4).Tracked();
        var sd = s.Std();
        AssertClose(new[] { Math.Sqrt(5.0 / 3) }, sd.Reshape(1));
        sd.Backward();
        // d sqrt(v) = dv / (2 sqrt v)
        double k = 1 / (2 * Math.Sqrt(5.0 / 3));
        AssertClose(new[] { -k, -k / 3, k / 3, k }, s.Gradient);
        // rows [1, 3] and [2, 6]: means 2 and 4, variances (1 + 1)/1 = 2 and (4 + 4)/1 = 8
        AssertClose(new[] { 2, 1 }, new double[] { 2, 8 }, T(new[] { 2, 2 }, 1, 3, 2, 6).Var(1, keepDim: true));
    }

    [Fact]
    public void LogSumExp_IsStable()
    {
        var x = Of(1000, 1000).Tracked();
        var y = x.LogSumExp();
        // log(2 e^1000) = 1000 + ln2, derivative softmax = [1/2, 1/2]
        Assert.Equal(1000 + Math.Log(2), y.Item(), Digits(9));
        y.Backward();
        AssertClose(new[] { 0.5, 0.5 }, x.Gradient);
        var z = T(new[] { 1, 2 }, 0, Math.Log(3)).Tracked();
        var w = z.LogSumExp(1);
        // log(1 + 3) = ln4; derivative [1/4, 3/4]
        AssertClose(new[] { 1 }, new[] { Math.Log(4) }, w);
        w.Backward();
        AssertClose(new[] { 0.25, 0.75 }, z.Gradient);
        Assert.Equal(double.NegativeInfinity, Of(double.NegativeInfinity, double.NegativeInfinity).LogSumExp().Item());
    }

    [Fact]
    public void Norm_PValuesAndZeroVector()
    {
        Tensor Run(double p, out Tensor x)
        {
            x = Of(3, -4).Tracked();
            var n = x.Norm(p);
            n.Backward();
            return n.Reshape(1);
        }
        // 2-norm 5, derivative x / 5; 1-norm 7, derivative sign(x); inf-norm 4, derivative at the max |x| with its sign
        AssertClose(new double[] { 5 }, Run(2, out var a));
        AssertClose(new[] { 0.6, -0.8 }, a.Gradient);
        AssertClose(new double[] { 7 }, Run(1, out var b));
        AssertClose(new double[] { 1, -1 }, b.Gradient);
        AssertClose(new double[] { 4 }, Run(double.PositiveInfinity, out var c));
        AssertClose(new double[] { 0, -1 }, c.Gradient);
        // (3³ + 4³)^(1/3) = 91^(1/3)
        AssertClose(new[] { Math.Cbrt(91) }, Run(3, out _));
        var z = Of(0, 0).Tracked();
        z.Norm().Backward();
        // the 2-norm's derivative is taken as 0 at the zero vector (x / 0 would be NaN)
        AssertClose(new double[] { 0, 0 }, z.Gradient);
        // Frobenius over a matrix: sqrt(1 + 4 + 4 + 16) = 5; p = 0 counts nonzeros
        AssertClose(new double[] { 5 }, T(new[] { 2, 2 }, 1, 2, 2, 4).Norm().Reshape(1));
        AssertClose(new double[] { 2 }, Of(0, 2, -1).Norm(0).Reshape(1));
        Throws<ArgumentOutOfRangeException>(() => Of(1).Norm(-1), "norm", "[1]");
    }

    [Fact]
    public void AmaxAmin_SplitTiesEvenly()
    {
        var x = Of(1, 3, 3).Tracked();
        var m = x.Amax();
        AssertClose(new double[] { 3 }, m.Reshape(1));
        m.Backward();
        // two maxima share the gradient: 1/2 each
        AssertClose(new[] { 0, 0.5, 0.5 }, x.Gradient);
        var y = Of(2, 1, 1, 5).Tracked();
        y.Amin().Backward();
        AssertClose(new[] { 0, 0.5, 0.5, 0 }, y.Gradient);
        var z = T(new[] { 2, 2 }, 1, 5, 5, 2).Tracked();
        var all = z.Amax(new[] { 0, 1 }, keepDim: true);
        AssertClose(new[] { 1, 1 }, new double[] { 5 }, all);
        all.Backward();
        AssertClose(new[] { 0, 0.5, 0.5, 0 }, z.Gradient);
        AssertClose(new double[] { 5, 5 }, T(new[] { 2, 2 }, 1, 5, 5, 2).Amax(1));
    }

    [Fact]
    public void AllAndAny()
    {
        var x = T(new[] { 2, 2 }, 1, 0, 2, 3);
        AssertClose(new double[] { 0, 1 }, x.All(Row));
        AssertClose(new double[] { 1, 1 }, x.Any(Row));
        AssertClose(new double[] { 0 }, x.All().Reshape(1));
        AssertClose(new double[] { 0 }, Of(0, 0).Any().Reshape(1));
        // NaN is nonzero
        AssertClose(new double[] { 1 }, Of(double.NaN, 1).All().Reshape(1));
    }

    [Fact]
    public void CumSum()
    {
        var x = Of(1, 2, 3).Tracked();
        var y = x.CumSum(0);
        AssertClose(new double[] { 1, 3, 6 }, y);
        y.Backward();
        // x_i appears in outputs i..n-1: [3, 2, 1]
        AssertClose(new double[] { 3, 2, 1 }, x.Gradient);
        AssertClose(new[] { 2, 2 }, new double[] { 1, 2, 4, 6 }, T(new[] { 2, 2 }, 1, 2, 3, 4).CumSum(0));
    }

    [Fact]
    public void CumProd_GradientWithAndWithoutZeros()
    {
        var x = T(new[] { 2, 3 }, 2, 0, 4, 1, 2, 3).Tracked();
        var y = x.CumProd(1);
        AssertClose(new double[] { 2, 0, 0, 1, 2, 6 }, y);
        y.Backward();
        // row [2, 0, 4]: dx0 = 1 + x1 + x1 x2 = 1; dx1 = x0 + x0 x2 = 10; dx2 = x0 x1 = 0
        // row [1, 2, 3]: dx0 = 1 + x1 + x1 x2 = 9; dx1 = x0 + x0 x2 = 4; dx2 = x0 x1 = 2
        AssertClose(new double[] { 1, 10, 0, 9, 4, 2 }, x.Gradient);
    }

    [Fact]
    public void Sort_IsStable_AndRoutesGradients()
    {
        var x = Of(3, 1, 2, 1).Tracked();
        var (v, i) = x.Sort();
        AssertClose(new double[] { 1, 1, 2, 3 }, v);
        // the two 1s keep their order: positions 1 then 3
        AssertIndices(new[] { 4 }, new double[] { 1, 3, 2, 0 }, i);
        v.Backward(Of(1, 2, 3, 4));
        // each sorted slot's seed goes back to the position it came from
        AssertClose(new double[] { 4, 1, 3, 2 }, x.Gradient);
        var (d, di) = Of(3, 1, 2, 1).Sort(descending: true);
        AssertClose(new double[] { 3, 2, 1, 1 }, d);
        AssertIndices(new[] { 4 }, new double[] { 0, 2, 1, 3 }, di);
        // NaN sorts as the largest
        AssertIndices(new[] { 2 }, new double[] { 1, 0 }, Of(double.NaN, 1).Sort().Indices);
    }

    [Fact]
    public void TopK()
    {
        var x = T(new[] { 2, 3 }, 1, 5, 3, 4, 2, 6).Tracked();
        var (v, i) = x.TopK(2);
        AssertClose(new[] { 2, 2 }, new double[] { 5, 3, 6, 4 }, v);
        AssertIndices(new[] { 2, 2 }, new double[] { 1, 2, 2, 0 }, i);
        v.Backward();
        AssertClose(new double[] { 0, 1, 1, 1, 0, 1 }, x.Gradient);
        AssertClose(new[] { 2, 1 }, new double[] { 1, 2 }, x.Detach().TopK(1, largest: false).Values);
        Throws<ArgumentOutOfRangeException>(() => x.TopK(4), "topk", "[2,3]");
    }

    [Fact]
    public void Median_IsTheLowerMedian()
    {
        var x = Of(3, 1, 4, 2).Tracked();
        var m = x.Median();
        // sorted [1, 2, 3, 4]: the lower of the two middle values is 2, at position 3
        AssertClose(new double[] { 2 }, m.Reshape(1));
        m.Backward();
        AssertClose(new double[] { 0, 0, 0, 1 }, x.Gradient);
        var (v, i) = T(new[] { 2, 3 }, 3, 1, 2, 9, 7, 8).Median(1);
        AssertClose(new[] { 2 }, new double[] { 2, 8 }, v);
        AssertIndices(new[] { 2 }, new double[] { 2, 2 }, i);
        Assert.True(double.IsNaN(Of(5, double.NaN, 1).Median().Item()));
    }

    [Fact]
    public void Errors_NameTheOpAndShape()
    {
        Throws<ArgumentOutOfRangeException>(() => Of(1, 2).Prod(1), "prod", "[2]");
        Throws<ArgumentOutOfRangeException>(() => Of(1, 2).CumSum(2), "cumsum", "[2]");
        Throws<InvalidOperationException>(() => Tensor.Zeros(new[] { 0 }, Dt).Amax(), "amax", "[0]");
    }
}
