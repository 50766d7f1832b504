using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

public class CostTests
{
    [Fact]
    public void MseIsTheMeanSquaredError()
    {
        // ((1-1)² + (2-0)² + (3-0)²)/3 = 13/3; gradient 2(o - t)/3 = [0, 4/3, 2]
        var o = Tensor.Of(1, 2, 3).Tracked();
        var loss = Cost.Mse().Compute(o, Tensor.Of(1, 0, 0));
        Assert.Equal(0, loss.Rank);
        Assert.Equal(13.0 / 3, loss.Item(), 12);
        loss.Backward();
        Close(new[] { 0, 4.0 / 3, 2 }, o.Gradient!);
    }

    [Fact]
    public void CrossEntropyIsTheSeeds()
    {
        // -sum(t ln p)/batch = -(ln 0.5 + ln 0.75)/2; gradient -t/(p·batch): [-1/(0.5·2), 0, 0, -1/(0.75·2)]
        var p = T(new[] { 2, 2 }, 0.5, 0.5, 0.25, 0.75).Tracked();
        var loss = Cost.CrossEntropy().Compute(p, T(new[] { 2, 2 }, 1, 0, 0, 1));
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.75)) / 2, loss.Item(), 12);
        loss.Backward();
        Close(new[] { -1.0, 0, 0, -1 / 1.5 }, p.Gradient!);
    }

    [Fact]
    public void CrossEntropyOfASingleRowIsNotDividedByItsLength()
    {
        // one sample [classes]: batch 1, so the loss is -ln 0.25 (not -ln 0.25 / 4); gradient -t/p = [0, -4, 0, 0]
        var p = Tensor.Of(0.25, 0.25, 0.25, 0.25).Tracked();
        var loss = Cost.CrossEntropy().Compute(p, Tensor.Of(0, 1, 0, 0));
        Assert.Equal(-Math.Log(0.25), loss.Item(), 12);
        loss.Backward();
        Close(new[] { 0, -4.0, 0, 0 }, p.Gradient!);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsValuesAndGradient()
    {
        // z = [0, 2], t = [1, 0]: per element max(z,0) - z t + ln(1 + e^-|z|) = ln 2 and 2 + ln(1 + e^-2);
        // the mean is their half-sum; d/dz = (sigmoid(z) - t)/2 = [(0.5 - 1)/2, sigmoid(2)/2]; d/dt = -z/2 = [0, -1]
        var z = Tensor.Of(0, 2).Tracked();
        var t = Tensor.Of(1, 0).Tracked();
        var loss = Cost.BinaryCrossEntropyWithLogits().Compute(z, t);
        Assert.Equal((Math.Log(2) + 2 + Math.Log(1 + Math.Exp(-2))) / 2, loss.Item(), 12);
        loss.Backward();
        Close(new[] { -0.25, 1 / (1 + Math.Exp(-2)) / 2 }, z.Gradient!);
        Close(new[] { 0.0, -1 }, t.Gradient!);
    }

    [Fact]
    public void BinaryCrossEntropyWithLogitsIsFiniteForHugeLogits()
    {
        // z = 1000, t = 1: 1000 - 1000 + ln(1 + e^-1000) = 0 (to double precision); gradient sigmoid(1000) - 1 = 0
        // z = -1000, t = 1: 0 + 1000 + ln(1 + e^-1000) = 1000; gradient sigmoid(-1000) - 1 = -1; mean over 2
        var z = Tensor.Of(1000, -1000).Tracked();
        var loss = Cost.BinaryCrossEntropyWithLogits().Compute(z, Tensor.Of(1, 1));
        Assert.Equal(500, loss.Item(), 9);
        loss.Backward();
        Close(new[] { 0.0, -0.5 }, z.Gradient!);
    }

    [Fact]
    public void SoftmaxCrossEntropyWithClassIndicesAndOneHot()
    {
        // logits [[0, ln 3], [0, 0]] -> softmax [[1/4, 3/4], [1/2, 1/2]]; classes [1, 0]:
        // loss = -(ln 3/4 + ln 1/2)/2; gradient (softmax - onehot)/2 = [[1/8, -1/8], [-1/4, 1/4]]
        var logits = T(new[] { 2, 2 }, 0, Math.Log(3), 0, 0);
        double expected = -(Math.Log(0.75) + Math.Log(0.5)) / 2;
        foreach (var target in new[] { Tensor.Of(1, 0), T(new[] { 2, 2 }, 0, 1, 1, 0) })
        {
            var z = logits.Tracked();
            var loss = Cost.SoftmaxCrossEntropy().Compute(z, target);
            Assert.Equal(expected, loss.Item(), 12);
            loss.Backward();
            Close(new[] { 0.125, -0.125, -0.25, 0.25 }, z.Gradient!);
        }
    }

    [Fact]
    public void SoftmaxCrossEntropyIsStableForLargeLogits()
    {
        // log_softmax([1000, 0]) = [0 - log(1 + e^-1000), -1000 - ...] = [~0, -1000]
        var logits = T(new[] { 1, 2 }, 1000, 0);
        Assert.Equal(0, Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(0)).Item(), 12);
        Assert.Equal(1000, Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(1)).Item(), 9);
    }

    [Fact]
    public void SoftmaxCrossEntropyRejectsBadTargets()
    {
        var logits = Tensor.Zeros(2, 3);
        Assert.Contains("softmax_cross_entropy", Assert.Throws<TensorShapeException>(() => Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Zeros(3))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(0, 3)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(0, 1.5)));
    }

    [Fact]
    public void BinaryCrossEntropy()
    {
        // -(1·ln 0.5 + (1-0)·ln(1 - 0.8))/2 = -(ln 0.5 + ln 0.2)/2
        // gradient: d/dp of -(t ln p + (1-t) ln(1-p))/n = (-t/p + (1-t)/(1-p))/2 = [-1/0.5/2, 1/0.2/2] = [-1, 2.5]
        var p = Tensor.Of(0.5, 0.8).Tracked();
        var loss = Cost.BinaryCrossEntropy().Compute(p, Tensor.Of(1, 0));
        Assert.Equal(-(Math.Log(0.5) + Math.Log(0.2)) / 2, loss.Item(), 12);
        loss.Backward();
        Close(new[] { -1.0, 2.5 }, p.Gradient!, 1e-9);
        // a saturated wrong prediction is finite: p = 1 is clamped to 1 - 1e-12, giving -ln(1 - (1 - 1e-12)) ≈ 27.63
        // (1 - 1e-12 is not exact in float64, hence the form of the expected value)
        Assert.Equal(-Math.Log(1 - (1 - 1e-12)), Cost.BinaryCrossEntropy().Compute(Tensor.Of(1), Tensor.Of(0)).Item(), 9);
    }

    [Fact]
    public void ShapeMismatchesNameTheCost()
    {
        var e = Assert.Throws<TensorShapeException>(() => Cost.Mse().Compute(Tensor.Zeros(2, 3), Tensor.Zeros(3, 2)));
        Assert.Contains("mse", e.Message);
        Assert.Contains("[2,3]", e.Message);
        Assert.Throws<TensorShapeException>(() => Cost.CrossEntropy().Compute(Tensor.Zeros(2, 3), Tensor.Zeros(2)));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void BinaryCrossEntropyOfSaturatedOutputsIsFiniteInEitherDType(DType dtype)
    {
        // outputs 1 and 0 against targets 0 and 1: the mean of -ln(1 - p) at the upper clamp and -ln(p) at the lower
        // one. float64: p = 1 - 1e-12, whose distance to 1 is 1 - (1 - 1e-12) (not exactly 1e-12), and p = 1e-12.
        // float32: 1 - 1e-7 rounds to 1 - 2^-23, so 1 - p = 2^-23, and p = (float)1e-7.
        var o = Tensor.FromArray(new[] { 2 }, new double[] { 1, 0 }, dtype).Tracked();
        var t = Tensor.FromArray(new[] { 2 }, new double[] { 0, 1 }, dtype);
        var loss = Cost.BinaryCrossEntropy().Compute(o, t);
        Assert.Equal(dtype, loss.DType);
        double expected = dtype == DType.Float64
            ? (-Math.Log(1 - (1 - 1e-12)) - Math.Log(1e-12)) / 2
            : (-Math.Log(Math.Pow(2, -23)) - Math.Log((float)1e-7)) / 2;
        Assert.Equal(expected, loss.Item(), dtype == DType.Float64 ? 1e-9 : 1e-5);
        loss.Backward();
        Assert.All(o.Gradient!.ToArray(), g => Assert.True(double.IsFinite(g)));
    }

    [Fact]
    public void ATargetOfAnotherDTypeIsConvertedToTheOutputs()
    {
        // float32 output [1, 2] against float64 target [0, 0]: mse (1 + 4) / 2 = 2.5, computed in float32
        var o = Tensor.Of(1f, 2f);
        var loss = Cost.Mse().Compute(o, Tensor.Of(0.0, 0.0));
        Assert.Equal(DType.Float32, loss.DType);
        Assert.Equal(2.5, loss.Item());
        // class indices in float64 for float32 logits: the one-hot rows take the logits' dtype
        var logits = new Tensor(new[] { 1, 2 }, new float[] { 0, 0 });
        var ce = Cost.SoftmaxCrossEntropy().Compute(logits, Tensor.Of(1.0));
        Assert.Equal(DType.Float32, ce.DType);
        Assert.Equal(Math.Log(2), ce.Item(), 1e-6);
    }
}
