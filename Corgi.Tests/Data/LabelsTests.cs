using System;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public class LabelsTests
{
    [Fact]
    public void OneHot()
    {
        var h = Labels.OneHot(Tensor.Of(2, 0, 1), 3);
        Assert.Equal(new[] { 3, 3 }, h.Shape);
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0, 0, 1, 0 }, h.ToArray());
        Assert.Throws<ArgumentOutOfRangeException>(() => Labels.OneHot(Tensor.Of(3), 3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Labels.OneHot(Tensor.Of(-1), 3));
        Assert.Throws<TensorShapeException>(() => Labels.OneHot(Tensor.Zeros(2, 2), 3));
    }

    [Fact]
    public void AccuracyWithIndicesAndOneHot()
    {
        // row arg-maxes: 1, 0, 2, 0 (the first of the tied [5, 5, 1])
        var scores = new Tensor(new[] { 4, 3 }, new double[] { 0, 9, 1, 3, 2, 1, 0, 0, 1, 5, 5, 1 });
        Assert.Equal(0.75, Labels.Accuracy(scores, Tensor.Of(1, 0, 2, 1)));
        Assert.Equal(0.75, Labels.Accuracy(scores, Labels.OneHot(Tensor.Of(1, 0, 2, 1), 3)));
        Assert.Throws<TensorShapeException>(() => Labels.Accuracy(scores, Tensor.Of(1, 0)));
    }

    [Fact]
    public void OneHotAndAccuracyInFloat32()
    {
        // labels [2, 0] as float32: rows [[0, 0, 1], [1, 0, 0]], float32 by default, float64 on request
        var labels = Tensor.Of(2f, 0f);
        var oneHot = Labels.OneHot(labels, 3);
        Assert.Equal(DType.Float32, oneHot.DType);
        Assert.Equal(new double[] { 0, 0, 1, 1, 0, 0 }, oneHot.ToArray());
        Assert.Equal(DType.Float64, Labels.OneHot(labels, 3, DType.Float64).DType);
        Assert.Equal(DType.Float32, Labels.OneHot(Tensor.Of(2.0, 0.0), 3, DType.Float32).DType);
        // float32 scores: row 0 picks class 2 (right), row 1 picks class 1 (wrong): 50%
        var scores = new Tensor(new[] { 2, 3 }, new float[] { 0.1f, 0.2f, 0.7f, 0.2f, 0.5f, 0.3f });
        Assert.Equal(0.5, Labels.Accuracy(scores, labels));
        Assert.Equal(0.5, Labels.Accuracy(scores, oneHot));
    }
}
