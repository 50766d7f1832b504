using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>Hand-derived cases of Ops/Comparison.cs: comparisons read off the inputs, selections by hand.</summary>
public abstract class ComparisonTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ComparisonTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ComparisonTests(DType.Float32);

    private protected ComparisonTests(DType dtype) : base(dtype) { }

    [Fact]
    public void Comparisons_GiveZeroOneAndNoGradient()
    {
        var a = Of(1, 2, 3).Tracked();
        var b = Of(2, 2, 2);
        AssertClose(new double[] { 0, 1, 0 }, a.Eq(b));
        AssertClose(new double[] { 1, 0, 1 }, a.Ne(b));
        AssertClose(new double[] { 1, 0, 0 }, a.Lt(b));
        AssertClose(new double[] { 1, 1, 0 }, a.Le(b));
        AssertClose(new double[] { 0, 0, 1 }, a.Gt(b));
        AssertClose(new double[] { 0, 1, 1 }, a.Ge(b));
        AssertClose(new double[] { 0, 0, 1 }, a.Gt(2.5));
        Assert.False(a.Gt(b).IsTracked);
        Assert.True(a.Gt(b).IsLeaf);
    }

    [Fact]
    public void Comparisons_Broadcast_AndTreatNaNAsIEEE()
    {
        // [2,1] against [3]: row i compares a[i] with every b[j]
        AssertClose(new[] { 2, 3 }, new double[] { 1, 0, 0, 1, 1, 0 }, T(new[] { 2, 1 }, 1, 2).Ge(Of(1, 2, 3)));
        // NaN equals nothing, differs from everything
        var n = Of(double.NaN, 1);
        AssertClose(new double[] { 0, 1 }, n.Eq(Of(double.NaN, 1)));
        AssertClose(new double[] { 1, 0 }, n.Ne(Of(double.NaN, 1)));
        ThrowsShape(() => Of(1, 2).Lt(Of(1, 2, 3)), "lt", "[2]", "[3]");
    }

    [Fact]
    public void Comparisons_PromoteMixedDTypes()
    {
        var other = Dt == DType.Float32 ? DType.Float64 : DType.Float32;
        var r = Of(1, 2).Lt(Tensor.FromArray(new[] { 2 }, new double[] { 2, 2 }, other));
        Assert.Equal(DType.Float64, r.DType);
        Assert.Equal(new double[] { 1, 0 }, r.ToArray());
    }

    [Fact]
    public void Where_RoutesGradients_AndBroadcastsAllThree()
    {
        var a = Of(1, 2, 3).Tracked();
        var b = Of(10, 20, 30).Tracked();
        // NaN in the condition counts as true
        var y = Tensor.Where(Of(1, 0, double.NaN), a, b);
        AssertClose(new double[] { 1, 20, 3 }, y);
        y.Backward();
        AssertClose(new double[] { 1, 0, 1 }, a.Gradient);
        AssertClose(new double[] { 0, 1, 0 }, b.Gradient);

        // condition [2,1], input [3], other a scalar: rows of input where the condition is 1, else the scalar
        var x = Of(1, 2, 3).Tracked();
        var s = Tensor.Scalar(-1, Dt).Tracked();
        var z = Tensor.Where(T(new[] { 2, 1 }, 1, 0), x, s);
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, -1, -1, -1 }, z);
        z.Backward();
        // x gets its first row's ones; the scalar collects the second row's three
        AssertClose(new double[] { 1, 1, 1 }, x.Gradient);
        AssertClose(new double[] { 3 }, s.Gradient);
        ThrowsShape(() => Tensor.Where(Of(1, 0), Of(1, 2, 3), Of(1)), "where", "[2]", "[3]");
    }

    [Fact]
    public void MaskedFill()
    {
        var x = Of(1, 2, 3, 4).Tracked();
        var y = x.MaskedFill(Of(0, 1, 0, 1), -1);
        AssertClose(new double[] { 1, -1, 3, -1 }, y);
        y.Backward();
        // the gradient flows only where the mask is 0
        AssertClose(new double[] { 1, 0, 1, 0 }, x.Gradient);
        ThrowsShape(() => Of(1, 2).MaskedFill(Of(1, 0, 1), 0), "masked_fill", "[3]", "[2]");
    }

    [Fact]
    public void Clamp_WithTensorBounds()
    {
        var x = Of(-2, 0.5, 1.5).Tracked();
        var lo = Of(-1).Tracked();
        var hi = Of(1, 0, 2).Tracked();
        var y = x.Clamp(lo, hi);
        // -2 < -1 -> -1 (min binds); 0.5 > 0 -> 0 (max binds); 1.5 inside [-1, 2]
        AssertClose(new[] { -1, 0, 1.5 }, y);
        y.Backward();
        AssertClose(new double[] { 0, 0, 1 }, x.Gradient);
        AssertClose(new double[] { 1 }, lo.Gradient);
        AssertClose(new double[] { 0, 1, 0 }, hi.Gradient);
        // only one bound
        AssertClose(new[] { -1, 0.5, 1.5 }, Of(-2, 0.5, 1.5).Clamp(Of(-1), null));
        AssertClose(new double[] { -2, 0, 0 }, Of(-2, 0.5, 1.5).Clamp(null, Of(0)));
        Throws<ArgumentException>(() => Of(1).Clamp(null, null), "clamp");
        ThrowsShape(() => Of(1, 2).Clamp(Of(1, 2, 3), null), "clamp", "[2]", "[3]");
    }

    [Fact]
    public void IsNaNIsInfIsFinite()
    {
        var x = Of(1, double.NaN, double.PositiveInfinity, double.NegativeInfinity);
        AssertClose(new double[] { 0, 1, 0, 0 }, x.IsNaN());
        AssertClose(new double[] { 0, 0, 1, 1 }, x.IsInf());
        AssertClose(new double[] { 1, 0, 0, 0 }, x.IsFinite());
    }

    [Fact]
    public void NanToNum_DefaultsAndGradient()
    {
        var x = Of(1, double.NaN, double.PositiveInfinity, double.NegativeInfinity).Tracked();
        var y = x.NanToNum();
        // defaults as PyTorch: 0, the dtype's largest and smallest finite values
        double max = Dt == DType.Float32 ? float.MaxValue : double.MaxValue;
        Assert.Equal(new[] { 1, 0, max, -max }, y.ToArray());
        y.Backward();
        AssertClose(new double[] { 1, 0, 0, 0 }, x.Gradient);
        AssertClose(new double[] { 1, 5, 6, -7 }, x.Detach().NanToNum(5, 6, -7));
    }
}
