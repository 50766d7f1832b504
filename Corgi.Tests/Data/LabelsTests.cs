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
}
