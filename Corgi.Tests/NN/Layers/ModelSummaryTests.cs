using System.Linq;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.NN.Layers;

public class ModelSummaryTests
{
    [Fact]
    public void TabulatesShapesAndParameterCounts()
    {
        var bn = new BatchNorm1d(4);
        var model = new Model(new ILayer[]
        {
            new Dense(2, 4, Initializer.He(1), Activation.Relu()),     // 2·4 + 4 = 12
            bn,                                                          // 4 + 4 = 8
            new Sequential(new LayerNorm(4), new Residual(new Dense(4, 4, Initializer.He(2))), new Dense(4, 3, Initializer.He(3))), // 8 + 20 + 15
        }, new GradientDescent(0.1), Cost.Mse());
        model.Parameters[0].Frozen = true;                               // the first dense weight: 8 frozen
        var s = model.Summary(5, 2);
        Assert.Equal(new[] { 0, 0, 0, 1, 1, 2, 1 }, s.Layers.Select(r => r.Depth));
        Assert.Equal(new long[] { 12, 8, 43, 8, 20, 20, 15 }, s.Layers.Select(r => r.Parameters));
        Assert.Equal(new[] { 5, 3 }, s.Layers[2].OutputShape);
        Assert.Equal(new[] { 5, 4 }, s.Layers[4].OutputShape);
        Assert.Equal("Sequential", s.Layers[2].Name);
        Assert.Equal(63, s.TotalParameters);
        Assert.Equal(55, s.TrainableParameters);
        var text = s.ToString();
        Assert.Contains("Total params: 63", text);
        Assert.Contains("Non-trainable params: 8", text);
        Assert.Contains("    Dense(4 -> 4)", text);
        // evaluation mode, nothing recorded: the running statistics did not move, and the mode is restored
        Assert.Equal(0, bn.BatchesTracked);
        Assert.True(model.Training);
    }

    [Fact]
    public void SummarizesALayerAndNamesABadInput()
    {
        var s = new Lstm(3, 5, batchFirst: true).Summary(2, 7, 3);
        Assert.Equal(new[] { 2, 7, 5 }, s.Layers[0].OutputShape);
        Assert.Equal(4 * 5 * (3 + 5 + 2), s.TotalParameters);
        var e = Assert.Throws<TensorShapeException>(() => new Dense(3, 2).Summary(1, 4));
        Assert.Contains("[1,4]", e.Message);
    }
}
