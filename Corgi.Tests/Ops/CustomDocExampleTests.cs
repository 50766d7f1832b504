using System;
using Corgi;
using Xunit;

namespace Corgi.Tests.Ops;

/// <summary>The example of docs/custom-ops.md, kept compiling and correct.</summary>
public class CustomDocExampleTests
{
    private static Tensor Softplus(Tensor x) => Tensor.Custom("softplus", new[] { x },
        xs =>
        {
            // log(1 + e^x) = max(x, 0) + log(1 + e^-|x|), finite for any x
            var v = xs[0].ToArray();
            for (int i = 0; i < v.Length; i++) v[i] = Math.Max(v[i], 0) + Math.Log(1 + Math.Exp(-Math.Abs(v[i])));
            return new Tensor(xs[0].Shape, v);
        },
        (xs, tracked, g) => new Tensor?[] { tracked[0] ? g * xs[0].Sigmoid() : null }); // d/dx = sigmoid(x)

    [Fact]
    public void SoftplusValuesAndGradient()
    {
        var x = Tensor.Of(-2.0, 0.0, 30.0).Tracked();
        var y = Softplus(x);
        // softplus(0) = ln 2; softplus(-2) = ln(1 + e^-2); softplus(30) = 30 + ln(1 + e^-30)
        TestUtil.AssertClose(new[] { Math.Log(1 + Math.Exp(-2)), Math.Log(2), 30 + Math.Log(1 + Math.Exp(-30)) }, y);
        y.Sum().Backward();
        // d/dx softplus = sigmoid(x) = 1 / (1 + e^-x)
        TestUtil.AssertClose(new[] { 1 / (1 + Math.Exp(2)), 0.5, 1 / (1 + Math.Exp(-30)) }, x.Gradient!);
    }

    [Fact]
    public void SoftplusSecondDerivative()
    {
        // the backward is written with tensor ops, so d2/dx2 softplus = sigmoid'(x) = s(1-s) = 1/4 at 0
        var x = Tensor.Of(0.0).Tracked();
        var dx = Tensor.Gradients(Softplus(x).Sum(), new[] { x }, createGraph: true)[0]!;
        var d2 = Tensor.Gradients(dx.Sum(), new[] { x })[0]!;
        Assert.Equal(0.25, d2.Item(), 12);
    }
}
