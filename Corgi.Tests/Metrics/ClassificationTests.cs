using System;
using Corgi.Metrics;
using Xunit;

namespace Corgi.Tests.Metrics;

/// <summary>
/// Four samples, three classes. Labels [0, 1, 2, 2]; arg-max predictions [0, 2, 2, 1]; the label is the second
/// highest score in rows 1 and 3. Confusion (true × predicted): [[1,0,0],[0,0,1],[0,1,1]].
/// Precision: 1/1, 0/1, 1/2; recall: 1/1, 0/1, 1/2; F1: 1, 0, 1/2; macro averages 1/2.
/// </summary>
public class ClassificationTests
{
    private static readonly Tensor Scores = new(new[] { 4, 3 }, new[] { 0.9, 0.05, 0.05, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.1, 0.5, 0.4 });
    private static readonly Tensor LabelIndices = new(new[] { 4 }, new[] { 0.0, 1, 2, 2 });

    [Fact]
    public void AccuracyAndTopK()
    {
        Assert.Equal(0.5, Classification.Accuracy(Scores, LabelIndices));
        Assert.Equal(1.0, Classification.TopKAccuracy(Scores, LabelIndices, 2));
        Assert.Equal(1.0, Classification.TopKAccuracy(Scores, LabelIndices, 3));
        Assert.Equal(0.5, Classification.Accuracy(Scores.To(DType.Float32), Corgi.Data.Labels.OneHot(LabelIndices, 3)));
    }

    [Fact]
    public void ConfusionMatrixPrecisionRecallF1()
    {
        var cm = Classification.ConfusionMatrix(Scores, LabelIndices);
        int[,] expected = { { 1, 0, 0 }, { 0, 0, 1 }, { 0, 1, 1 } };
        for (int i = 0; i < 3; i++)
            for (int j = 0; j < 3; j++) Assert.Equal(expected[i, j], cm[i, j]);
        Assert.Equal(new[] { 1.0, 0, 0.5 }, new[] { cm.Precision(0), cm.Precision(1), cm.Precision(2) });
        Assert.Equal(new[] { 1.0, 0, 0.5 }, new[] { cm.Recall(0), cm.Recall(1), cm.Recall(2) });
        Assert.Equal(new[] { 1.0, 0, 0.5 }, new[] { cm.F1(0), cm.F1(1), cm.F1(2) });
        Assert.Equal(0.5, cm.MacroPrecision);
        Assert.Equal(0.5, cm.MacroRecall);
        Assert.Equal(0.5, cm.MacroF1);
        Assert.Equal(0.5, cm.Accuracy);
        Assert.Contains("macro", cm.Report(new[] { "a", "b", "c" }));
    }

    [Fact]
    public void F1OfUnequalPrecisionAndRecallIsTheirHarmonicMean()
    {
        // class 0: TP 2, FP 2, FN 1: P = 1/2, R = 2/3, F1 = 2·(1/2)(2/3)/(1/2 + 2/3) = 4/7
        var cm = new ConfusionMatrix(new[,] { { 2, 1 }, { 2, 5 } });
        Assert.Equal(4.0 / 7, cm.F1(0), 14);
    }

    [Fact]
    public void BadLabelsAreNamed()
    {
        var e = Assert.Throws<ArgumentException>(() => Classification.Accuracy(Scores, new Tensor(new[] { 4 }, new[] { 0.0, 1, 3, 2 })));
        Assert.Contains("label 3 of sample 2", e.Message);
        Assert.Throws<TensorShapeException>(() => Classification.Accuracy(Scores, new Tensor(new[] { 3 }, new[] { 0.0, 1, 2 })));
        Assert.Throws<ArgumentOutOfRangeException>(() => Classification.TopKAccuracy(Scores, LabelIndices, 4));
    }
}
