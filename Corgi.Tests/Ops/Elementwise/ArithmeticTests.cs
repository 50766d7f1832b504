using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class ArithmeticTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ArithmeticTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ArithmeticTests(DType.Float32);

    private protected ArithmeticTests(DType dtype) : base(dtype) { }

    private Tensor A23() => T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();

    // ---------------------------------------------------------------- add

    [Fact]
    public void Add_SameShape_ValuesAndUnitGradients()
    {
        var a = A23();
        var b = T(new[] { 2, 3 }, 10, 20, 30, 40, 50, 60).Tracked();
        var c = a + b;
        AssertClose(new[] { 2, 3 }, new double[] { 11, 22, 33, 44, 55, 66 }, c);
        c.Backward();
        // d(a+b)/da = d(a+b)/db = 1 element-wise
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 1, 1, 1 }, a.Gradient);
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 1, 1, 1 }, b.Gradient);
    }

    [Fact]
    public void Add_Broadcast23Plus13_RowGradientSummedOverRows()
    {
        var a = A23();
        var b = T(new[] { 1, 3 }, 10, 20, 30).Tracked();
        var c = a.Add(b);
        AssertClose(new[] { 2, 3 }, new double[] { 11, 22, 33, 14, 25, 36 }, c);
        c.Backward(T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6));
        // grad a = seed; grad b[j] = sum_i seed[i,j] = [1+4, 2+5, 3+6]
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, a.Gradient);
        AssertClose(new[] { 1, 3 }, new double[] { 5, 7, 9 }, b.Gradient);
    }

    [Fact]
    public void Add_TrackedScalarTensorOnEitherSide_GradientIsSumOfSeed()
    {
        var s = Tensor.Scalar(2, Dt).Tracked();
        var a = A23();
        var left = s + a;
        var right = a + s;
        AssertClose(new[] { 2, 3 }, new double[] { 3, 4, 5, 6, 7, 8 }, left);
        AssertClose(new[] { 2, 3 }, new double[] { 3, 4, 5, 6, 7, 8 }, right);
        left.Backward();
        // a scalar broadcast over 6 elements receives the sum of 6 ones, with its own rank-0 shape
        AssertClose(Array.Empty<int>(), new double[] { 6 }, s.Gradient);
        right.Backward();
        AssertClose(Array.Empty<int>(), new double[] { 12 }, s.Gradient);
        AssertClose(new double[] { 2, 2, 2, 2, 2, 2 }, a.Gradient);
    }

    [Fact]
    public void Add_DoubleOnEitherSide()
    {
        var a = A23();
        AssertClose(new double[] { 3, 4, 5, 6, 7, 8 }, a + 2.0);
        var c = 2.0 + a;
        AssertClose(new double[] { 3, 4, 5, 6, 7, 8 }, c);
        c.Sum().Backward();
        // d(2 + a)/da = 1
        AssertClose(new double[] { 1, 1, 1, 1, 1, 1 }, a.Gradient);
    }

    // ---------------------------------------------------------------- sub

    [Fact]
    public void Sub_Broadcast31Minus14_GradientsSummedToEachShape()
    {
        var a = T(new[] { 3, 1 }, 1, 2, 3).Tracked();
        var b = T(new[] { 1, 4 }, 10, 20, 30, 40).Tracked();
        var c = a - b;
        // c[i,j] = a[i] - b[j]
        AssertClose(new[] { 3, 4 }, new double[] { -9, -19, -29, -39, -8, -18, -28, -38, -7, -17, -27, -37 }, c);
        c.Backward();
        // grad a[i] = sum_j 1 = 4; grad b[j] = sum_i -1 = -3
        AssertClose(new[] { 3, 1 }, new double[] { 4, 4, 4 }, a.Gradient);
        AssertClose(new[] { 1, 4 }, new double[] { -3, -3, -3, -3 }, b.Gradient);
    }

    [Fact]
    public void Sub_DoubleOnEitherSide()
    {
        var a = Of(1, 2).Tracked();
        AssertClose(new double[] { -2, -1 }, a - 3.0);
        var c = 10.0 - a;
        AssertClose(new double[] { 9, 8 }, c);
        c.Backward();
        // d(10 - a)/da = -1
        AssertClose(new double[] { -1, -1 }, a.Gradient);
    }

    [Fact]
    public void Sub_TrackedScalarTensorOnLeft()
    {
        var s = Tensor.Scalar(10, Dt).Tracked();
        var a = Of(1, 2, 3).Tracked();
        var c = s - a;
        AssertClose(new double[] { 9, 8, 7 }, c);
        c.Backward();
        // grad s = sum of 3 ones; grad a = -1
        AssertClose(Array.Empty<int>(), new double[] { 3 }, s.Gradient);
        AssertClose(new double[] { -1, -1, -1 }, a.Gradient);
    }

    [Fact]
    public void UnaryMinusOperator_NegatesWithGradientMinusOne()
    {
        var a = Of(1, -2).Tracked();
        var c = -a;
        AssertClose(new double[] { -1, 2 }, c);
        c.Backward();
        AssertClose(new double[] { -1, -1 }, a.Gradient);
    }

    // ---------------------------------------------------------------- mul

    [Fact]
    public void Mul_SameShape_GradientIsTheOtherFactor()
    {
        var a = Of(2, 3).Tracked();
        var b = Of(5, 7).Tracked();
        var c = a * b;
        AssertClose(new double[] { 10, 21 }, c);
        c.Backward();
        // d(ab)/da = b, d(ab)/db = a
        AssertClose(new double[] { 5, 7 }, a.Gradient);
        AssertClose(new double[] { 2, 3 }, b.Gradient);
    }

    [Fact]
    public void Mul_Broadcast23Times3_VectorGradientIsColumnSums()
    {
        var a = A23();
        var b = Of(10, 20, 30).Tracked();
        var c = a * b;
        AssertClose(new[] { 2, 3 }, new double[] { 10, 40, 90, 40, 100, 180 }, c);
        c.Backward();
        // grad a[i,j] = b[j]; grad b[j] = sum_i a[i,j] = [1+4, 2+5, 3+6]
        AssertClose(new[] { 2, 3 }, new double[] { 10, 20, 30, 10, 20, 30 }, a.Gradient);
        AssertClose(new[] { 3 }, new double[] { 5, 7, 9 }, b.Gradient);
    }

    [Fact]
    public void Mul_TrackedScalarOnEitherSide()
    {
        var s = Tensor.Scalar(3, Dt).Tracked();
        var a = A23();
        var c = s * a;
        AssertClose(new double[] { 3, 6, 9, 12, 15, 18 }, c);
        c.Backward();
        // grad s = sum_ij a[i,j] = 21; grad a = s = 3
        AssertClose(Array.Empty<int>(), new double[] { 21 }, s.Gradient);
        AssertClose(new double[] { 3, 3, 3, 3, 3, 3 }, a.Gradient);
        s.ClearGradient();
        (a * s).Backward();
        AssertClose(Array.Empty<int>(), new double[] { 21 }, s.Gradient);
    }

    [Fact]
    public void Mul_DoubleOnEitherSide()
    {
        var a = Of(1, 2).Tracked();
        AssertClose(new double[] { 3, 6 }, a * 3.0);
        var c = 3.0 * a;
        AssertClose(new double[] { 3, 6 }, c);
        c.Backward();
        AssertClose(new double[] { 3, 3 }, a.Gradient);
    }

    // ---------------------------------------------------------------- div

    [Fact]
    public void Div_SameShape()
    {
        var a = Of(6, 8).Tracked();
        var b = Of(2, 4).Tracked();
        var c = a / b;
        AssertClose(new double[] { 3, 2 }, c);
        c.Backward();
        // d(a/b)/da = 1/b = [1/2, 1/4]; d(a/b)/db = -a/b^2 = [-6/4, -8/16]
        AssertClose(new double[] { 0.5, 0.25 }, a.Gradient);
        AssertClose(new double[] { -1.5, -0.5 }, b.Gradient);
    }

    [Fact]
    public void Div_Broadcast23By13()
    {
        var a = T(new[] { 2, 3 }, 2, 4, 6, 8, 10, 12).Tracked();
        var b = T(new[] { 1, 3 }, 2, 4, 3).Tracked();
        var c = a / b;
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 2, 4, 2.5, 4 }, c);
        c.Backward();
        // grad a[i,j] = 1/b[j]; grad b[j] = -sum_i a[i,j] / b[j]^2 = [-(2+8)/4, -(4+10)/16, -(6+12)/9]
        AssertClose(new[] { 2, 3 }, new[] { 0.5, 0.25, 1.0 / 3, 0.5, 0.25, 1.0 / 3 }, a.Gradient);
        AssertClose(new[] { 1, 3 }, new[] { -2.5, -0.875, -2.0 }, b.Gradient);
    }

    [Fact]
    public void Div_DoubleOnEitherSide()
    {
        var a = Of(2, 4).Tracked();
        AssertClose(new double[] { 1, 2 }, a / 2.0);
        var c = 1.0 / a;
        AssertClose(new double[] { 0.5, 0.25 }, c);
        c.Backward();
        // d(1/a)/da = -1/a^2 = [-1/4, -1/16]
        AssertClose(new double[] { -0.25, -0.0625 }, a.Gradient);
    }

    [Fact]
    public void Div_TrackedScalarTensorOnEitherSide()
    {
        var s = Tensor.Scalar(12, Dt).Tracked();
        var a = Of(2, 3, 4).Tracked();
        var left = s / a;
        AssertClose(new double[] { 6, 4, 3 }, left);
        left.Backward();
        // d(s/a)/ds = sum 1/a = 1/2 + 1/3 + 1/4; d(s/a)/da = -s/a^2 = [-3, -4/3, -3/4]
        AssertClose(Array.Empty<int>(), new[] { 0.5 + 1.0 / 3 + 0.25 }, s.Gradient);
        AssertClose(new[] { -3, -4.0 / 3, -0.75 }, a.Gradient);
        s.ClearGradient();
        a.ClearGradient();
        var right = a / s;
        AssertClose(new[] { 1.0 / 6, 0.25, 1.0 / 3 }, right);
        right.Backward();
        // d(a/s)/da = 1/s; d(a/s)/ds = -sum a / s^2 = -9/144
        AssertClose(new[] { 1.0 / 12, 1.0 / 12, 1.0 / 12 }, a.Gradient);
        AssertClose(Array.Empty<int>(), new[] { -9.0 / 144 }, s.Gradient);
    }

    // ---------------------------------------------------------------- pow with a tensor exponent

    [Fact]
    public void PowTensor_SameShape()
    {
        var a = Of(2, 3).Tracked();
        var b = Of(3, 2).Tracked();
        var c = a.Pow(b);
        AssertClose(new double[] { 8, 9 }, c);
        c.Backward();
        // d/da a^b = b a^(b-1) = [3*2^2, 2*3^1]; d/db a^b = a^b ln a = [8 ln 2, 9 ln 3]
        AssertClose(new double[] { 12, 6 }, a.Gradient);
        AssertClose(new[] { 8 * Math.Log(2), 9 * Math.Log(3) }, b.Gradient);
    }

    [Fact]
    public void PowTensor_BroadcastScalarExponent_GradientSummed()
    {
        var a = Of(1, 2, 3).Tracked();
        var e = Tensor.Scalar(2, Dt).Tracked();
        var c = a.Pow(e);
        AssertClose(new double[] { 1, 4, 9 }, c);
        c.Backward();
        // grad a = 2a; grad e = sum a^2 ln a = 0 + 4 ln 2 + 9 ln 3
        AssertClose(new double[] { 2, 4, 6 }, a.Gradient);
        AssertClose(Array.Empty<int>(), new[] { 4 * Math.Log(2) + 9 * Math.Log(3) }, e.Gradient);
    }

    [Fact]
    public void PowTensor_ZeroBase_ExponentGradientIsZeroNotNaN()
    {
        var a = Of(0, 2);
        var b = Of(2, 2).Tracked();
        var c = a.Pow(b);
        AssertClose(new double[] { 0, 4 }, c);
        c.Backward();
        // a^b ln a is taken as 0 at a = 0 (0^2 * ln 0 has limit 0); at a = 2: 4 ln 2
        AssertClose(new[] { 0, 4 * Math.Log(2) }, b.Gradient);
    }

    // ---------------------------------------------------------------- maximum / minimum

    [Fact]
    public void Maximum_RoutesGradientToTheLargerInput_TiesToFirst()
    {
        var a = Of(1, 5, 3).Tracked();
        var b = Of(4, 2, 3).Tracked();
        var c = a.Maximum(b);
        AssertClose(new double[] { 4, 5, 3 }, c);
        c.Backward(Of(10, 20, 30));
        // b wins at 0, a at 1, tie at 2 goes to a
        AssertClose(new double[] { 0, 20, 30 }, a.Gradient);
        AssertClose(new double[] { 10, 0, 0 }, b.Gradient);
    }

    [Fact]
    public void Maximum_BroadcastScalar_CountsPositionsTheScalarWins()
    {
        var a = T(new[] { 2, 3 }, 1, 2, 3, 0, 5, -1).Tracked();
        var s = Tensor.Scalar(2, Dt).Tracked();
        var c = a.Maximum(s);
        AssertClose(new[] { 2, 3 }, new double[] { 2, 2, 3, 2, 5, 2 }, c);
        c.Backward();
        // s wins strictly where a < 2: positions 0, 3, 5 (the tie at 1 goes to a)
        AssertClose(new double[] { 0, 1, 1, 0, 1, 0 }, a.Gradient);
        AssertClose(Array.Empty<int>(), new double[] { 3 }, s.Gradient);
    }

    [Fact]
    public void Minimum_RoutesGradientToTheSmallerInput_TiesToFirst()
    {
        var a = Of(1, 5, 3).Tracked();
        var b = Of(4, 2, 3).Tracked();
        var c = a.Minimum(b);
        AssertClose(new double[] { 1, 2, 3 }, c);
        c.Backward(Of(10, 20, 30));
        // a wins at 0, b at 1, tie at 2 goes to a
        AssertClose(new double[] { 10, 0, 30 }, a.Gradient);
        AssertClose(new double[] { 0, 20, 0 }, b.Gradient);
    }

    [Fact]
    public void Minimum_BroadcastRow()
    {
        var a = T(new[] { 2, 2 }, 1, 5, 3, 0).Tracked();
        var b = T(new[] { 1, 2 }, 2, 2).Tracked();
        var c = a.Minimum(b);
        AssertClose(new[] { 2, 2 }, new double[] { 1, 2, 2, 0 }, c);
        c.Backward();
        // b wins at (0,1) and (1,0): one position in each column
        AssertClose(new double[] { 1, 0, 0, 1 }, a.Gradient);
        AssertClose(new[] { 1, 2 }, new double[] { 1, 1 }, b.Gradient);
    }

    // ---------------------------------------------------------------- axpy

    [Fact]
    public void Axpy_IsAlphaXPlusY()
    {
        var x = Of(1, 2).Tracked();
        var y = Of(10, 20).Tracked();
        var r = Tensor.Axpy(3, x, y);
        AssertClose(new double[] { 13, 26 }, r);
        r.Backward();
        // d(3x + y)/dx = 3, /dy = 1
        AssertClose(new double[] { 3, 3 }, x.Gradient);
        AssertClose(new double[] { 1, 1 }, y.Gradient);
    }

    // ---------------------------------------------------------------- errors

    [Theory]
    [InlineData("add")]
    [InlineData("sub")]
    [InlineData("mul")]
    [InlineData("div")]
    [InlineData("pow")]
    [InlineData("maximum")]
    [InlineData("minimum")]
    public void BinaryOps_ShapesThatDoNotBroadcast_ThrowNamingOpAndShapes(string op)
    {
        var a = Tensor.Ones(new[] { 2, 3 }, Dt);
        var b = Tensor.Ones(new[] { 4 }, Dt);
        Action call = op switch
        {
            "add" => () => a.Add(b),
            "sub" => () => a.Sub(b),
            "mul" => () => a.Mul(b),
            "div" => () => a.Div(b),
            "pow" => () => a.Pow(b),
            "maximum" => () => a.Maximum(b),
            _ => () => a.Minimum(b),
        };
        var ex = ThrowsShape(call, op + ":", "[2,3]", "[4]");
        Assert.IsAssignableFrom<ArgumentException>(ex);
    }

    [Fact]
    public void Add_IncompatibleInnerBroadcast_Throws()
    {
        ThrowsShape(() => _ = Tensor.Ones(new[] { 2, 3 }, Dt) + Tensor.Ones(new[] { 2, 1, 2 }, Dt), "add:", "[2,3]", "[2,1,2]");
    }
}
