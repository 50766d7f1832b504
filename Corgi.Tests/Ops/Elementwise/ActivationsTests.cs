using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class ActivationsTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ActivationsTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ActivationsTests(DType.Float32);

    private protected ActivationsTests(DType dtype) : base(dtype) { }

    [Fact]
    public void Relu()
    {
        var x = Of(-1, 0, 2).Tracked();
        var y = x.Relu();
        AssertClose(new double[] { 0, 0, 2 }, y);
        y.Backward();
        // derivative 1 where x > 0, 0 elsewhere (0 at 0)
        AssertClose(new double[] { 0, 0, 1 }, x.Gradient);
    }

    [Fact]
    public void LeakyRelu()
    {
        var x = Of(-2, 0, 3).Tracked();
        var y = x.LeakyRelu(0.1);
        AssertClose(new[] { -0.2, 0, 3 }, y);
        y.Backward();
        // derivative 1 where x > 0, else the slope 0.1
        AssertClose(new[] { 0.1, 0.1, 1 }, x.Gradient);
    }

    [Fact]
    public void Sigmoid()
    {
        var x = Of(0, Math.Log(3)).Tracked();
        var y = x.Sigmoid();
        // s(0) = 1/2; s(ln 3) = 1/(1 + 1/3) = 3/4
        AssertClose(new[] { 0.5, 0.75 }, y);
        y.Backward();
        // s' = s(1 - s) = [1/4, 3/16]
        AssertClose(new[] { 0.25, 0.1875 }, x.Gradient);
    }

    [Fact]
    public void Tanh()
    {
        var x = Of(0, 0.5 * Math.Log(3)).Tracked();
        var y = x.Tanh();
        // tanh(atanh(1/2)) = 1/2 with atanh(1/2) = ln(3)/2
        AssertClose(new[] { 0, 0.5 }, y);
        y.Backward();
        // 1 - tanh^2 = [1, 3/4]
        AssertClose(new[] { 1, 0.75 }, x.Gradient);
    }

    [Fact]
    public void Softmax_ValuesAndGradient()
    {
        var x = Of(0, Math.Log(3)).Tracked();
        var y = x.Softmax();
        // [1, 3] / 4
        AssertClose(new[] { 0.25, 0.75 }, y);
        y.Backward(Of(1, 0));
        // dx = y (g - sum(g y)) with g = [1, 0]: sum = 1/4 -> [1/4 * 3/4, 3/4 * (-1/4)]
        AssertClose(new[] { 0.1875, -0.1875 }, x.Gradient);
    }

    [Fact]
    public void Softmax_OfThousands_IsHalfHalfWithFiniteGradient()
    {
        var x = Of(1000, 1000).Tracked();
        var y = x.Softmax();
        // shifted by the max: exp(0) / (exp(0) + exp(0))
        AssertClose(new[] { 0.5, 0.5 }, y);
        y.Backward(Of(1, 0));
        // y (g - sum(g y)) = [0.5 (1 - 0.5), 0.5 (0 - 0.5)]
        AssertClose(new[] { 0.25, -0.25 }, x.Gradient);
    }

    [Fact]
    public void Softmax_GradientOfOnesSeedIsZero()
    {
        var x = T(new[] { 2, 3 }, 1, 2, 3, -1, 0, 4).Tracked();
        x.Softmax().Backward();
        // the rows of a softmax always sum to 1, so d(sum)/dx = 0
        AssertClose(new double[6], x.Gradient);
    }

    [Fact]
    public void Softmax_AlongDimZero()
    {
        var x = T(new[] { 2, 2 }, 0, 0, Math.Log(3), 0).Tracked();
        var y = x.Softmax(0);
        // column 0: [1, 3]/4; column 1: [1, 1]/2
        AssertClose(new[] { 2, 2 }, new[] { 0.25, 0.5, 0.75, 0.5 }, y);
        y.Backward(T(new[] { 2, 2 }, 1, 1, 0, 0));
        // column 0 as in the 1-D case: [3/16, -3/16]; column 1: [0.5 (1 - 0.5), 0.5 (0 - 0.5)]
        AssertClose(new[] { 0.1875, 0.25, -0.1875, -0.25 }, x.Gradient);
    }

    [Fact]
    public void LogSoftmax_ValuesAndGradient()
    {
        var x = Of(0, Math.Log(3)).Tracked();
        var y = x.LogSoftmax();
        AssertClose(new[] { Math.Log(0.25), Math.Log(0.75) }, y);
        y.Backward(Of(1, 0));
        // dx = g - softmax(x) sum(g) = [1 - 1/4, 0 - 3/4]
        AssertClose(new[] { 0.75, -0.75 }, x.Gradient);
    }

    [Fact]
    public void LogSoftmax_OfThousands_IsFinite()
    {
        var x = Of(1000, 1000).Tracked();
        var y = x.LogSoftmax();
        // log(1/2) each
        AssertClose(new[] { -Math.Log(2), -Math.Log(2) }, y);
        y.Backward(Of(1, 0));
        // g - [0.5, 0.5] * 1
        AssertClose(new[] { 0.5, -0.5 }, x.Gradient);

        // [1000, 0]: log(1 + e^-1000) rounds to 0, so [0, -1000] rather than -inf or NaN
        AssertClose(new double[] { 0, -1000 }, Of(1000, 0).LogSoftmax());
    }

    [Fact]
    public void LogSoftmax_AlongDimZero()
    {
        var x = T(new[] { 2, 2 }, 0, 0, Math.Log(3), 0).Tracked();
        var y = x.LogSoftmax(0);
        AssertClose(new[] { 2, 2 }, new[] { Math.Log(0.25), Math.Log(0.5), Math.Log(0.75), Math.Log(0.5) }, y);
        y.Backward(T(new[] { 2, 2 }, 1, 0, 0, 1));
        // column 0: [1, 0] - [1/4, 3/4]; column 1: [0, 1] - [1/2, 1/2]
        AssertClose(new[] { 0.75, -0.5, -0.75, 0.5 }, x.Gradient);
    }

    [Fact]
    public void Softmax_BadDimension_Throws()
    {
        var x = Tensor.Ones(new[] { 2, 2 }, Dt);
        Throws<ArgumentOutOfRangeException>(() => x.Softmax(2), "softmax", "[2,2]");
        Throws<ArgumentOutOfRangeException>(() => x.LogSoftmax(-3), "log_softmax", "[2,2]");
    }
}
