using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class ElementwiseTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ElementwiseTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ElementwiseTests(DType.Float32);

    private protected ElementwiseTests(DType dtype) : base(dtype) { }

    [Fact]
    public void Neg()
    {
        var x = T(new[] { 2, 1 }, 1, -2).Tracked();
        var y = x.Neg();
        AssertClose(new[] { 2, 1 }, new double[] { -1, 2 }, y);
        y.Backward(T(new[] { 2, 1 }, 3, 4));
        // d(-x)/dx = -1, times the seed
        AssertClose(new[] { 2, 1 }, new double[] { -3, -4 }, x.Gradient);
    }

    [Fact]
    public void Reciprocal()
    {
        var x = Of(2, 4, -0.5).Tracked();
        var y = x.Reciprocal();
        AssertClose(new double[] { 0.5, 0.25, -2 }, y);
        y.Backward();
        // d(1/x)/dx = -1/x^2 = [-1/4, -1/16, -4]
        AssertClose(new double[] { -0.25, -0.0625, -4 }, x.Gradient);
    }

    [Fact]
    public void Pow3_DerivativeIsThreeXSquared_NotTwoX()
    {
        var x = Of(1, 2, -1, 0.5).Tracked();
        var y = x.Pow(3);
        AssertClose(new double[] { 1, 8, -1, 0.125 }, y);
        y.Backward();
        // d x^3/dx = 3x^2 = [3, 12, 3, 0.75] (the Rust crate's powf gave 2x here)
        AssertClose(new double[] { 3, 12, 3, 0.75 }, x.Gradient);
    }

    [Fact]
    public void PowHalf_DerivativeIsHalfOverSqrt()
    {
        var x = Of(4, 9, 0.25).Tracked();
        var y = x.Pow(0.5);
        AssertClose(new double[] { 2, 3, 0.5 }, y);
        y.Backward();
        // d x^0.5/dx = 0.5 x^-0.5 = [0.5/2, 0.5/3, 0.5/0.5]
        AssertClose(new[] { 0.25, 1.0 / 6, 1.0 }, x.Gradient);
    }

    [Fact]
    public void PowMinusOne()
    {
        var x = Of(2, 4).Tracked();
        var y = x.Pow(-1);
        AssertClose(new double[] { 0.5, 0.25 }, y);
        y.Backward();
        // d x^-1/dx = -x^-2
        AssertClose(new double[] { -0.25, -0.0625 }, x.Gradient);
    }

    [Fact]
    public void PowZeroAndOne()
    {
        var x = Of(2, -3).Tracked();
        var zero = x.Pow(0);
        AssertClose(new double[] { 1, 1 }, zero);
        zero.Backward();
        // d x^0/dx = 0
        AssertClose(new double[] { 0, 0 }, x.Gradient);
        x.ClearGradient();
        var one = x.Pow(1);
        AssertClose(new double[] { 2, -3 }, one);
        one.Backward();
        // d x^1/dx = 1
        AssertClose(new double[] { 1, 1 }, x.Gradient);
    }

    [Fact]
    public void Square()
    {
        var x = Of(3, -2).Tracked();
        var y = x.Square();
        AssertClose(new double[] { 9, 4 }, y);
        y.Backward();
        // d x^2/dx = 2x
        AssertClose(new double[] { 6, -4 }, x.Gradient);
    }

    [Fact]
    public void Exp()
    {
        var x = Of(0, 1, -1).Tracked();
        var y = x.Exp();
        AssertClose(new[] { 1, Math.E, 1 / Math.E }, y);
        y.Backward();
        // d e^x/dx = e^x
        AssertClose(new[] { 1, Math.E, 1 / Math.E }, x.Gradient);
    }

    [Fact]
    public void Log()
    {
        var x = Of(1, Math.E, 0.5).Tracked();
        var y = x.Log();
        AssertClose(new[] { 0, 1, -Math.Log(2) }, y);
        y.Backward();
        // d ln x/dx = 1/x
        AssertClose(new[] { 1, 1 / Math.E, 2 }, x.Gradient);
    }

    [Fact]
    public void Sqrt()
    {
        var x = Of(4, 9).Tracked();
        var y = x.Sqrt();
        AssertClose(new double[] { 2, 3 }, y);
        y.Backward();
        // d sqrt(x)/dx = 1/(2 sqrt x) = [1/4, 1/6]
        AssertClose(new[] { 0.25, 1.0 / 6 }, x.Gradient);
    }

    [Fact]
    public void Abs()
    {
        var x = Of(-2, 0, 3).Tracked();
        var y = x.Abs();
        AssertClose(new double[] { 2, 0, 3 }, y);
        y.Backward();
        // d|x|/dx = sign(x), taken as 0 at 0
        AssertClose(new double[] { -1, 0, 1 }, x.Gradient);
    }

    [Fact]
    public void Sign_IsUntrackedConstant()
    {
        var x = Of(-2, 0, 3).Tracked();
        var s = x.Sign();
        AssertClose(new double[] { -1, 0, 1 }, s);
        Assert.False(s.IsTracked);
    }

    [Fact]
    public void Clamp_GradientOneInsideClosedRange()
    {
        var x = Of(-3, -1, 0.5, 2, 5).Tracked();
        var y = x.Clamp(-1, 2);
        AssertClose(new[] { -1, -1, 0.5, 2, 2 }, y);
        y.Backward();
        // derivative 1 where -1 <= x <= 2 (ends included), 0 outside
        AssertClose(new double[] { 0, 1, 1, 1, 0 }, x.Gradient);
    }

    [Fact]
    public void Clamp_MinAboveMax_Throws()
    {
        Throws<ArgumentException>(() => Of(1).Clamp(3, 2), "clamp", "3", "2");
    }

    [Fact]
    public void UnaryOps_KeepShape()
    {
        var x = Tensor.Ones(new[] { 2, 1, 3 }, Dt);
        foreach (var y in new[] { x.Neg(), x.Reciprocal(), x.Pow(3), x.Exp(), x.Log(), x.Sqrt(), x.Abs(), x.Sign(), x.Clamp(0, 1) })
            AssertShape(new[] { 2, 1, 3 }, y);
    }
}
