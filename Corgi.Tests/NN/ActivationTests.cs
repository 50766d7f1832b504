using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

public class ActivationTests
{
    private static readonly Tensor X = Tensor.Of(-1, 0, 2);

    [Fact]
    public void PiecewiseActivations()
    {
        Close(new double[] { 0, 0, 2 }, Activation.Relu().Apply(X));
        Close(new double[] { -0.1, 0, 2 }, Activation.LeakyRelu(0.1).Apply(X));
        Assert.Same(X, Activation.Identity().Apply(X));
    }

    [Fact]
    public void SmoothActivations()
    {
        // sigmoid(-1) = 1/(1+e), sigmoid(0) = 1/2, sigmoid(2) = 1/(1+e^-2); tanh(0) = 0
        Close(new[] { 1 / (1 + Math.E), 0.5, 1 / (1 + Math.Exp(-2)) }, Activation.Sigmoid().Apply(X));
        Close(new[] { Math.Tanh(-1), 0, Math.Tanh(2) }, Activation.Tanh().Apply(X));
    }

    [Fact]
    public void SoftmaxAndLogSoftmaxOverTheLastDimension()
    {
        // softmax([0, ln 3]) = [1, 3]/4; the second row [5, 5] gives [1/2, 1/2]
        var x = T(new[] { 2, 2 }, 0, Math.Log(3), 5, 5);
        Close(new double[] { 0.25, 0.75, 0.5, 0.5 }, Activation.Softmax().Apply(x));
        Close(new[] { Math.Log(0.25), Math.Log(0.75), Math.Log(0.5), Math.Log(0.5) }, Activation.LogSoftmax().Apply(x));
    }

    [Fact]
    public void CustomActivationsWrapFunctions()
    {
        var swish = new Activation("swish", x => x * x.Sigmoid());
        Assert.Equal("swish", swish.Name);
        // swish(2) = 2 / (1 + e^-2)
        Assert.Equal(2 / (1 + Math.Exp(-2)), swish.Apply(Tensor.Of(2)).Item(), 12);
    }
}
