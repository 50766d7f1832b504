using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN;

public class ModelTests
{
    private sealed class Collect : IProgress<TrainingProgress>
    {
        public readonly List<TrainingProgress> Reports = new();
        public void Report(TrainingProgress value) => Reports.Add(value);
    }

    [Fact]
    public void SeedLoopForwardBackwardUpdate()
    {
        // the seed's full example in miniature: Dense(relu) -> Dense(softmax), cross-entropy, gradient descent.
        // Target: the one-hot position of the larger of the first two features.
        var init = Initializer.He(seed: 1);
        var l1 = new Dense(4, 16, init, Activation.Relu());
        var l2 = new Dense(16, 2, init, Activation.Softmax());
        var model = new Model(new ILayer[] { l1, l2 }, new GradientDescent(0.5), Cost.CrossEntropy());
        var x = Tensor.RandomUniform(new[] { 64, 4 }, seed: 2, low: -1, high: 1);
        var t = new double[128];
        for (int i = 0; i < 64; i++) t[2 * i + (x[i, 0] > x[i, 1] ? 0 : 1)] = 1;
        var target = new Tensor(new[] { 64, 2 }, t);

        var first = l1.Weights.Value;
        double firstLoss = 0, loss = 0;
        for (int i = 0; i < 200; i++)
        {
            var result = model.Forward(x);
            Assert.Equal(new[] { 64, 2 }, result.Shape);
            loss = model.Backward(target);
            if (i == 0) firstLoss = loss;
            model.Update();
        }
        // ln 2 = 0.693 at chance; the model must have learnt the comparison
        Assert.InRange(firstLoss, 0.3, 1.5);
        Assert.True(loss < 0.2, $"loss {loss}");
        Assert.True(model.Accuracy(x, target) > 0.95);
        // parameters are persistent: the tensor kept from before training still has its old values
        Assert.NotSame(first, l1.Weights.Value);
        Assert.Equal(Initializer.He(seed: 1).Create(new[] { 16, 4 }, 4, 16).ToArray(), first.ToArray());
        Assert.All(model.Parameters, p => Assert.Null(p.Gradient));
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        // conv (padding 1, tanh) -> avg-pool -> flatten -> dense -> softmax cross-entropy: every parameter's
        // gradient from Backward against central differences of the loss (computed with Evaluate, no graph)
        var init = Initializer.XavierNormal(seed: 3);
        var model = new Model(new ILayer[]
        {
            new Conv(2, 3, kernelSize: 2, padding: 1, initializer: init, activation: Activation.Tanh()),
            new AvgPool(2),
            new Flatten(),
            new Dense(3 * 2 * 2, 3, init, Activation.Sigmoid()),
            new Dense(3, 3, init),
        }, new GradientDescent(0.1), Cost.SoftmaxCrossEntropy());
        var x = Tensor.RandomNormal(new[] { 4, 2, 3, 3 }, seed: 4);
        var y = Tensor.Of(0, 2, 1, 2);

        model.Forward(x);
        model.Backward(y);
        foreach (var p in model.Parameters)
        {
            var analytic = p.Gradient!;
            var original = p.Value;
            var numeric = NumericGradient(v =>
            {
                p.Value = v;
                return model.Evaluate(x, y);
            }, original);
            p.Value = original;
            Close(numeric, analytic, 1e-6);
        }
    }

    [Fact]
    public void PredictAndEvaluateRecordNoGraphAndSwitchOffDropout()
    {
        var dense = new Dense(3, 3, Initializer.Constant(1));
        var model = new Model(new ILayer[] { dense, new Dropout(0.9, seed: 1) }, new GradientDescent(0.1), Cost.Mse());
        var x = T(new[] { 1, 3 }, 1, 2, 3);
        // evaluation ignores dropout: 1+2+3+1 = 7 for every output
        var p = model.Predict(x);
        Assert.False(p.IsTracked);
        Close(new double[] { 7, 7, 7 }, p);
        Assert.Equal(4.0, model.Evaluate(x, T(new[] { 1, 3 }, 5, 5, 5)), 12);
        Assert.True(model.Training);
        // training mode drops (with p = 0.9 and a fixed seed, some of the 3 outputs differ from 7)
        Assert.True(model.Layers[1] is Dropout { Training: true });
    }

    [Fact]
    public void BackwardNeedsARecordedForwardPass()
    {
        var model = new Model(new ILayer[] { new Dense(2, 1, Initializer.Zeros()) }, new GradientDescent(0.1), Cost.Mse());
        Assert.Throws<InvalidOperationException>(() => model.Backward(Tensor.Zeros(1, 1)));
        using (Tensor.NoGrad()) model.Forward(Tensor.Zeros(1, 2));
        Assert.Contains("NoGrad", Assert.Throws<InvalidOperationException>(() => model.Backward(Tensor.Zeros(1, 1))).Message);
    }

    [Fact]
    public void FitReportsProgressAndReturnsEpochLosses()
    {
        // 10 samples in batches of 4: steps of 4, 4 and 2 rows per epoch
        var model = new Model(new ILayer[] { new Dense(1, 1, Initializer.Zeros()) }, new GradientDescent(0.1), Cost.Mse());
        var x = Tensor.Arange(10).Reshape(10, 1).Div(Tensor.Scalar(10));
        var y = x.Mul(Tensor.Scalar(2)).Add(Tensor.Scalar(1));
        var progress = new Collect();
        var history = model.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 4, Seed = 1, ProgressInterval = 1 }, progress);

        Assert.Equal(3, history.Count);
        Assert.True(history[2] < history[0]);
        Assert.Equal(9, progress.Reports.Count);
        Assert.Equal(new[] { 1, 2, 3, 1, 2, 3, 1, 2, 3 }, progress.Reports.Select(r => r.Step));
        Assert.Equal(new[] { 1, 1, 1, 2, 2, 2, 3, 3, 3 }, progress.Reports.Select(r => r.Epoch));
        Assert.Equal(new long[] { 4, 8, 10, 14, 18, 20, 24, 28, 30 }, progress.Reports.Select(r => r.SamplesSeen));
        Assert.Equal(new[] { false, false, true, false, false, true, false, false, true }, progress.Reports.Select(r => r.EndOfEpoch));
        Assert.All(progress.Reports, r => Assert.Equal(3, r.StepsPerEpoch));
        Assert.All(progress.Reports, r => Assert.True(r.SamplesPerSecond > 0));
        // the epoch's mean loss in the last report of each epoch is what Fit returns
        Assert.Equal(history[1], progress.Reports[5].MeanLoss, 12);
        Assert.Contains("epoch 3/3", progress.Reports[8].ToString());

        // default: one report per epoch, through the callback overload
        var lines = new List<string>();
        model.Fit(x, y, new FitOptions { Epochs = 2, BatchSize = 4 }, p => lines.Add(p.ToString()));
        Assert.Equal(2, lines.Count);
    }

    /// <summary>A layer that keeps the output it made in the last step (what DisposeScopePerStep = false is for).</summary>
    private sealed class KeepsLastOutput(ILayer inner) : ILayer
    {
        public Tensor? Last { get; private set; }

        public IReadOnlyList<Parameter> Parameters => inner.Parameters;

        public Tensor Forward(Tensor input) => Last = inner.Forward(input);
    }

    private static (Model Model, KeepsLastOutput Keeper) WideModel()
    {
        // [64, 150] activations (9600 elements): large enough to go through the buffer cache
        var keeper = new KeepsLastOutput(new Dense(20, 150, Initializer.He(new Random(5)), Activation.Relu()));
        var model = new Model(new ILayer[] { keeper, new Dense(150, 3, Initializer.He(new Random(6))) }, new GradientDescent(0.05), Cost.Mse());
        return (model, keeper);
    }

    [Fact]
    public void FitInADisposeScopePerStep_TrainsExactlyAsWithout_AndDisposesTheStepsTensors()
    {
        var random = new Random(7);
        var x = Tensor.RandomNormal(new[] { 256, 20 }, random);
        var y = Tensor.RandomNormal(new[] { 256, 3 }, random);
        var (scoped, scopedKeeper) = WideModel();
        var (plain, plainKeeper) = WideModel();
        var scopedHistory = scoped.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 64, Seed = 2 });
        var plainHistory = plain.Fit(x, y, new FitOptions { Epochs = 3, BatchSize = 64, Seed = 2, DisposeScopePerStep = false });

        // the same arithmetic in the same order: the same losses and parameters, to the last bit
        Assert.Equal(plainHistory, scopedHistory);
        for (int i = 0; i < plain.Parameters.Count; i++)
        {
            Assert.False(scoped.Parameters[i].Value.IsDisposed);
            Assert.Equal(plain.Parameters[i].Value.ToArray(), scoped.Parameters[i].Value.ToArray());
        }
        // a layer's output from the last step is disposed with its step, unless the option is off
        Assert.True(scopedKeeper.Last!.IsDisposed);
        Assert.Contains("DisposeScope", Assert.Throws<ObjectDisposedException>(() => scopedKeeper.Last.ToArray()).Message);
        Assert.False(plainKeeper.Last!.IsDisposed);
        // the trained model still predicts, outside any scope
        Assert.Equal(plain.Predict(x).ToArray(), scoped.Predict(x).ToArray());
    }

    [Fact]
    public void FitIsReproducibleFromTheSeed()
    {
        Tensor Train()
        {
            var model = new Model(new ILayer[] { new Dense(2, 1, Initializer.He(seed: 5)) }, new Sgd(0.05, momentum: 0.9), Cost.Mse());
            var x = Tensor.RandomNormal(new[] { 20, 2 }, seed: 6);
            model.Fit(x, x.Sum(1, keepDim: true), new FitOptions { Epochs = 2, BatchSize = 3, Seed = 7 });
            return model.Parameters[0].Value;
        }
        Assert.Equal(Train().ToArray(), Train().ToArray());
    }

    [Fact]
    public void NamedParametersFollowPyTorchNaming()
    {
        var model = new Model(new ILayer[]
        {
            new Conv(1, 2, 3, initializer: Initializer.Zeros()),
            new Flatten(),
            new Sequential(new Dense(2, 2, Initializer.Zeros(), bias: false), new Dense(2, 1, Initializer.Zeros())),
        }, new GradientDescent(0.1), Cost.Mse());
        Assert.Equal(new[] { "0.weight", "0.bias", "2.0.weight", "2.1.weight", "2.1.bias" }, model.NamedParameters.Select(kv => kv.Key));
        Assert.Equal(5, model.Parameters.Count);
    }

    private static Model Spirals(DType dtype) => new(new ILayer[]
    {
        new Dense(2, 64, Initializer.He(seed: 2), Activation.Relu(), dtype: dtype),
        new Dense(64, 64, Initializer.He(seed: 3), Activation.Relu(), dtype: dtype),
        new Dense(64, 2, Initializer.He(seed: 4), dtype: dtype),
    }, new Adam(learningRate: 0.01), Cost.SoftmaxCrossEntropy());

    [Fact]
    public void Float32ModelTrainsAsWellAsFloat64OnTheSpirals()
    {
        // the Spirals example's configuration: 2-64-64-2, Adam 0.01, 60 epochs of batches of 20, on 400 points;
        // the float32 model gets float32 data, the float64 one float64 data, the same seeds
        var accuracy = new Dictionary<DType, double>();
        foreach (var dtype in new[] { DType.Float64, DType.Float32 })
        {
            var data = Corgi.Data.TwoSpirals.Generate(pointsPerClass: 200, seed: 1, dtype: dtype);
            Assert.Equal(dtype, data.Inputs.DType);
            var model = Spirals(dtype);
            Assert.Equal(dtype, model.DType);
            var losses = model.Fit(data.Inputs, data.Labels, new FitOptions { Epochs = 60, BatchSize = 20, Seed = 3 });
            Assert.True(double.IsFinite(losses[^1]));
            Assert.All(model.Parameters, p => Assert.Equal(dtype, p.Value.DType));
            Assert.Equal(dtype, model.Predict(data.Inputs).DType);
            accuracy[dtype] = model.Accuracy(data.Inputs, data.Labels);
        }
        Console.WriteLine($"spirals accuracy: float64 {accuracy[DType.Float64]:P2}, float32 {accuracy[DType.Float32]:P2}");
        Assert.True(accuracy[DType.Float64] >= 0.95, $"float64 accuracy {accuracy[DType.Float64]}");
        Assert.True(accuracy[DType.Float32] >= 0.95, $"float32 accuracy {accuracy[DType.Float32]}");
    }

    [Fact]
    public void ToConvertsEveryParameterAndBackRoundsOnce()
    {
        var model = Spirals(DType.Float64);
        var before = model.Parameters.Select(p => p.Value.ToArray()).ToArray();
        Assert.Same(model, model.To(DType.Float32));
        Assert.Equal(DType.Float32, model.DType);
        for (int i = 0; i < before.Length; i++)
        {
            Assert.Equal(DType.Float32, model.Parameters[i].Value.DType);
            Assert.True(model.Parameters[i].Value.IsTracked);
            // float64 -> float32 rounds each value to nearest
            Assert.Equal(before[i].Select(v => (double)(float)v).ToArray(), model.Parameters[i].Value.ToArray());
        }
        var rounded = model.Parameters.Select(p => p.Value.ToArray()).ToArray();
        model.To(DType.Float64);
        Assert.Equal(DType.Float64, model.DType);
        // float32 -> float64 is exact: the round trip gives the rounded values bit for bit
        for (int i = 0; i < rounded.Length; i++) Assert.Equal(rounded[i], model.Parameters[i].Value.ToArray());
    }

    [Fact]
    public void ToKeepsTheOptimizerStateInTheNewDType()
    {
        var data = Corgi.Data.TwoSpirals.Generate(pointsPerClass: 10, seed: 1, dtype: DType.Float64);
        var model = Spirals(DType.Float64);
        model.Fit(data.Inputs, data.Labels, new FitOptions { Epochs = 1, BatchSize = 20 });
        var adam = (Adam)model.Optimizer;
        var first = model.Parameters[0];
        Assert.Equal(DType.Float64, adam.GetState(first)!.BufferDType("m"));
        int steps = adam.GetState(first)!.Step;
        model.To(DType.Float32);
        model.Fit(data.Inputs, data.Labels, new FitOptions { Epochs = 1, BatchSize = 20 });
        Assert.Equal(DType.Float32, adam.GetState(first)!.BufferDType("m"));
        Assert.Equal(DType.Float32, adam.GetState(first)!.BufferDType("v"));
        Assert.Equal(steps + 1, adam.GetState(first)!.Step);
        Assert.Equal(DType.Float32, model.DType);
    }

    [Fact]
    public void InputsAndTargetsOfAnotherDTypeAreConvertedToTheModels()
    {
        // float64 data into a float32 model: the output and the loss stay float32
        var model = Spirals(DType.Float32);
        var x = new Tensor(new[] { 2, 2 }, new double[] { 0.1, 0.2, -0.3, 0.4 });
        var y = Tensor.Of(0.0, 1.0);
        var output = model.Forward(x);
        Assert.Equal(DType.Float32, output.DType);
        double loss = model.Backward(y);
        Assert.True(double.IsFinite(loss));
        model.Update();
        Assert.All(model.Parameters, p => Assert.Equal(DType.Float32, p.Value.DType));
        Assert.Equal(DType.Float32, model.Predict(x).DType);
        // the prediction equals the one on float32 inputs
        Assert.Equal(model.Predict(x.Float32()).ToArray(), model.Predict(x).ToArray());
        Assert.InRange(model.Accuracy(x, y), 0, 1);
        Assert.True(double.IsFinite(model.Evaluate(x, y)));
    }

    [Fact]
    public void Float32ModelSavesAndLoadsBitExactly()
    {
        var dir = Path.Combine(Path.GetTempPath(), "corgi-model32-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(dir);
        try
        {
            var path = Path.Combine(dir, "m.safetensors");
            var model = Spirals(DType.Float32);
            model.Save(path);
            var other = Spirals(DType.Float32);
            foreach (var p in other.Parameters) p.Value = p.Value * 0.0;
            other.Load(path);
            for (int i = 0; i < model.Parameters.Count; i++)
            {
                Assert.Equal(DType.Float32, other.Parameters[i].Value.DType);
                Assert.Equal(model.Parameters[i].Value.ToArray<float>(), other.Parameters[i].Value.ToArray<float>());
            }
            // loading a float32 file into a float64 model keeps the model float64 (the values widen exactly)
            var wide = Spirals(DType.Float64);
            wide.Load(path);
            Assert.Equal(DType.Float64, wide.DType);
            Assert.Equal(model.Parameters[0].Value.ToArray(), wide.Parameters[0].Value.ToArray());
        }
        finally
        {
            Directory.Delete(dir, recursive: true);
        }
    }
}
