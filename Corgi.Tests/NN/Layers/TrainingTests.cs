using System;
using System.Linq;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.NN.Layers;

/// <summary>The new layers inside Model.Fit: dispose scopes per step, train/eval switching, learning.</summary>
public class TrainingTests
{
    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void StatisticsAndTablesSurviveTheStepScopesAndTheModelLearns(DType dtype)
    {
        // a sequence task: the label is whether the sum of a length-6 sequence of ±1 steps is positive
        var random = new Random(1);
        int n = 64;
        var xs = new double[n * 6 * 2];
        var ys = new double[n];
        for (int i = 0; i < n; i++)
        {
            double sum = 0;
            for (int t = 0; t < 6; t++) { double v = random.Next(2) * 2 - 1; xs[(i * 6 + t) * 2] = v; sum += v; }
            ys[i] = sum > 0 ? 1 : 0;
        }
        var x = Tensor.FromArray(new[] { n, 6, 2 }, xs, dtype);
        var y = Tensor.FromArray(new[] { n }, ys, dtype);
        var bn = new BatchNorm1d(6, dtype: dtype);
        var model = new Model(new ILayer[]
        {
            new SinusoidalPositionalEncoding(2, batchFirst: true),
            bn,                                                    // over [N, C = 6 steps, 2]
            new Gru(2, 8, batchFirst: true, initializer: new FanInUniformInitializer(2), dtype: dtype),
            new LayerNorm(8, dtype: dtype),
            new Flatten(),
            new Dense(48, 2, Initializer.He(3), dtype: dtype),
        }, new Adam(0.02), Cost.SoftmaxCrossEntropy());
        var losses = model.Fit(x, y, new FitOptions { Epochs = 30, BatchSize = 16, Seed = 4 });
        Assert.True(losses[^1] < 0.5 * losses[0], $"losses {string.Join(", ", losses)}");
        Assert.Equal(30 * 4, bn.BatchesTracked);
        Assert.True(model.Accuracy(x, y) > 0.9);
        Assert.Equal(30 * 4, bn.BatchesTracked);   // prediction did not update the statistics
    }
}
