using System;
using System.Globalization;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W1: MLP 784 -> 256 (ReLU) -> 10 (softmax), cross-entropy averaged over a batch of 128, plain SGD
/// lr 0.01. One step = forward + loss + backward + update. N = 50. Two forms of the same work: "W1" with
/// raw tensor operations, "W1-dense" with the NN toolkit (Dense layers in a Model, the seed's API).
/// </summary>
internal static class Mlp
{
    private const int Batch = 128, Inputs = 784, Hidden = 256, Classes = 10, N = 50;
    private const double LearningRate = 0.01;

    /// <summary>The row of ctx's dtype, with the bytes allocated per step (bytes_per_step).</summary>
    public static void RawOps(RunContext ctx)
    {
        // every tensor below in ctx's dtype (the draws are the same, rounded once for float32)
        using var dtype = ctx.UseDType();
        // synthetic data from a fixed seed (not timed)
        var random = new Random(1);
        var x = Tensor.RandomNormal(new[] { Batch, Inputs }, random);
        var oneHot = new double[Batch * Classes];
        for (int i = 0; i < Batch; i++) oneHot[i * Classes + random.Next(Classes)] = 1.0;
        var targets = Tensor.FromArray(new[] { Batch, Classes }, oneHot, ctx.DType);

        // He-uniform weights (the seed's initializer: U(+-sqrt(2 / fan_in))), zero biases
        double l1 = Math.Sqrt(2.0 / Inputs), l2 = Math.Sqrt(2.0 / Hidden);
        var w1 = Tensor.RandomUniform(new[] { Hidden, Inputs }, random, -l1, l1).Tracked();
        var b1 = Tensor.Zeros(Hidden).Tracked();
        var w2 = Tensor.RandomUniform(new[] { Classes, Hidden }, random, -l2, l2).Tracked();
        var b2 = Tensor.Zeros(Classes).Tracked();

        double firstLoss = double.NaN, lastLoss = double.NaN;
        void Step()
        {
            var h = x.MatMul(w1, transposeOther: true, bias: b1).Relu();
            var logits = h.MatMul(w2, transposeOther: true, bias: b2);
            // cross-entropy on logits: -sum(onehot * log_softmax(logits)) / batch
            var loss = logits.LogSoftmax().Mul(targets).Sum().Mul(Tensor.Scalar(-1.0 / Batch));
            loss.Backward();
            lastLoss = loss.Item();
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
            using (Tensor.NoGrad())
            {
                // persistent parameters: the update makes new tensors, the old ones keep their values
                w1 = Tensor.Axpy(-LearningRate, w1.TakeGradient()!, w1).Tracked();
                b1 = Tensor.Axpy(-LearningRate, b1.TakeGradient()!, b1).Tracked();
                w2 = Tensor.Axpy(-LearningRate, w2.TakeGradient()!, w2).Tracked();
                b2 = Tensor.Axpy(-LearningRate, b2.TakeGradient()!, b2).Tracked();
            }
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W1", ctx.DTypeName, ctx.Threads, ms,
            "raw tensor ops; " + ProviderInfo.Note() + "; " + ctx.AllocationNote() + "; loss "
            + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> " + lastLoss.ToString("F4", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
    }

    /// <summary>
    /// "W1-dense": the same network, data and initial values as <see cref="RawOps"/>, through the seed's API:
    /// two Dense layers in a Model with GradientDescent(0.01) and the fused softmax cross-entropy on logits
    /// (Forward, Backward(target), Update per step). Compared with "W1", it shows what the layers add.
    /// </summary>
    public static void DenseLayers(RunContext ctx)
    {
        // the same draws in the same order as RawOps: x, labels, then W1 and W2 (biases are zeros there too),
        // all in ctx's dtype (the layers' initializers make their tensors in the default dtype)
        using var dtype = ctx.UseDType();
        var random = new Random(1);
        var x = Tensor.RandomNormal(new[] { Batch, Inputs }, random);
        var oneHot = new double[Batch * Classes];
        for (int i = 0; i < Batch; i++) oneHot[i * Classes + random.Next(Classes)] = 1.0;
        var targets = Tensor.FromArray(new[] { Batch, Classes }, oneHot, ctx.DType);
        var he = Initializer.He(random);
        var model = new Model(new ILayer[]
        {
            new Dense(Inputs, Hidden, he, Activation.Relu(), biasInitializer: Initializer.Zeros()),
            new Dense(Hidden, Classes, he, biasInitializer: Initializer.Zeros()),
        }, new GradientDescent(LearningRate), Cost.SoftmaxCrossEntropy());

        double firstLoss = double.NaN, lastLoss = double.NaN;
        void ForwardBackward()
        {
            model.Forward(x);
            lastLoss = model.Backward(targets);
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
        }
        var update = ModelUpdate.Choose(model, LearningRate, ForwardBackward, out string how);
        void Step()
        {
            ForwardBackward();
            update();
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W1-dense", ctx.DTypeName, ctx.Threads, ms,
            "Dense layers + Model (GradientDescent, SoftmaxCrossEntropy)" + how + "; " + ProviderInfo.Note() + "; " + ctx.AllocationNote() + "; loss "
            + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> " + lastLoss.ToString("F4", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
    }
}
