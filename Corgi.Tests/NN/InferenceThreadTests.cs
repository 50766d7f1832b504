using System;
using System.Threading;
using System.Threading.Tasks;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.NN;

/// <summary>Inference on many threads with one model that has dropout (issue 15: one prediction in 4000 had dropout applied).</summary>
public class InferenceThreadTests
{
    [Fact]
    public void Predict_OnManyThreads_NeverAppliesDropout_AndLeavesTheModeAlone()
    {
        var model = new Model(new ILayer[]
        {
            new Dense(4, 16, Initializer.He(seed: 1), Activation.Relu()),
            new Dropout(0.5, seed: 2),
            new Dense(16, 3, Initializer.He(seed: 3)),
        }, new Sgd(0.1), Cost.SoftmaxCrossEntropy());
        Assert.True(model.Training);
        var x = Tensor.RandomNormal(new[] { 8, 4 }, seed: 4);
        var expected = model.Predict(x).ToArray();
        int wrong = 0;
        Parallel.For(0, 4000, new ParallelOptions { MaxDegreeOfParallelism = 8 }, _ =>
        {
            var y = model.Predict(x).ToArray();
            for (int i = 0; i < y.Length; i++)
                if (y[i] != expected[i]) { Interlocked.Increment(ref wrong); break; }
        });
        Assert.Equal(0, wrong);
        Assert.True(model.Training);
        // and training mode still drops: a forward pass in training differs from the prediction
        Assert.NotEqual(expected, model.Forward(x).ToArray());
    }
}

/// <summary>Model.Train() and Model.Eval() (PyTorch's model.train() / model.eval()).</summary>
public class ModelModeTests
{
    [Fact]
    public void TrainAndEval_SwitchEveryLayer()
    {
        var drop = new Dropout(0.5, seed: 1);
        var bn = new BatchNorm1d(2);
        var model = new Model(new ILayer[] { new Dense(2, 2, Initializer.He(seed: 2)), bn, drop }, new Sgd(0.1), Cost.Mse());
        Assert.Same(model, model.Eval());
        Assert.False(model.Training);
        Assert.False(drop.Training);
        Assert.False(bn.Training);
        Assert.Same(model, model.Train());
        Assert.True(drop.Training && bn.Training);
    }
}
