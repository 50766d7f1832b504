using System;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.NN;

/// <summary>Costs at extreme values and out of their domain, against what PyTorch gives.</summary>
public class CostNumericsTests
{
    [Fact]
    public void BinaryCrossEntropy_RejectsAProbabilityOutsideZeroOne()
    {
        var bce = Cost.BinaryCrossEntropy();
        var e = Assert.Throws<ArgumentOutOfRangeException>(() => bce.Compute(Tensor.Of(0.5, 1.5), Tensor.Of(1.0, 0.0)));
        Assert.Contains("binary_cross_entropy", e.Message);
        Assert.Contains("1.5", e.Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => bce.Compute(Tensor.Of(double.NaN), Tensor.Of(1.0)));
        // in range: -(ln 0.5 + ln 0.5) / 2 = ln 2
        Assert.Equal(Math.Log(2), bce.Compute(Tensor.Of(0.5, 0.5), Tensor.Of(1.0, 0.0)).Item(), 12);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogits_AtPlusInfinityAndTargetZero_IsInfinity_AsPyTorch()
    {
        var loss = Cost.BinaryCrossEntropyWithLogits().Compute(Tensor.Of(double.PositiveInfinity), Tensor.Of(0.0));
        Assert.Equal(double.PositiveInfinity, loss.Item());
        // a large finite logit with t = 1 costs (1 - 1)·20 + 0 + ln(1 + e^-20) = e^-20 - e^-40/2 + ... ≈ 2.0611536e-9;
        // ln(1 + x) of a rounded 1 + x is within u/x ≈ 5e-8 relative of it, hence the tolerance
        double got = Cost.BinaryCrossEntropyWithLogits().Compute(Tensor.Of(20.0), Tensor.Of(1.0)).Item();
        Assert.InRange(got / Math.Exp(-20), 1 - 1e-7, 1 + 1e-7);
    }
}

/// <summary>Cross-entropies at saturation and with -inf logits, as PyTorch.</summary>
public class CrossEntropyExtremesTests
{
    [Fact]
    public void SoftmaxCrossEntropy_WithAMinusInfinityLogitOnAnotherClass_IsFinite()
    {
        // logits [0, 0, -inf], class 0: softmax = [1/2, 1/2, 0], loss = -ln(1/2) = ln 2; PyTorch gives the same
        var logits = Tensor.Of(0.0, 0.0, double.NegativeInfinity).Reshape(1, 3).Tracked();
        var loss = Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(0.0));
        Assert.Equal(Math.Log(2), loss.Item(), 12);
        loss.Backward();
        // d/dlogits = softmax - onehot = [-1/2, 1/2, 0]
        Assert.Equal(new[] { -0.5, 0.5, 0.0 }, logits.Gradient!.ToArray());
    }

    [Fact]
    public void CrossEntropy_OfASaturatedSoftmax_IsFinite()
    {
        // softmax of logits [1000, 0] is [1, 0] (e^-1000 underflows); target [1, 0]: loss = -ln 1 = 0, not NaN
        var p = Tensor.Of(1000.0, 0.0).Reshape(1, 2).Softmax();
        Assert.Equal(0.0, p[0, 1]);
        var loss = Cost.CrossEntropy().Compute(p, Tensor.Of(1.0, 0.0).Reshape(1, 2));
        Assert.Equal(0.0, loss.Item());
    }
}
