using System;
using System.Globalization;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W1: MLP 784 -> 256 (ReLU) -> 10 (softmax), cross-entropy averaged over a batch of 128, plain SGD
/// lr 0.01, written with raw tensor operations. One step = forward + loss + backward + update. N = 50.
/// </summary>
internal static class Mlp
{
    private const int Batch = 128, Inputs = 784, Hidden = 256, Classes = 10, N = 50;
    private const double LearningRate = 0.01;

    /// <summary>The float64 row. (Corgi.Core has no float32 dtype yet, so no float32 row is printed.)</summary>
    public static void RawOps(RunContext ctx)
    {
        // synthetic data from a fixed seed (not timed)
        var random = new Random(1);
        var x = Tensor.RandomNormal(new[] { Batch, Inputs }, random);
        var oneHot = new double[Batch * Classes];
        for (int i = 0; i < Batch; i++) oneHot[i * Classes + random.Next(Classes)] = 1.0;
        var targets = Tensor.FromArray(new[] { Batch, Classes }, oneHot);

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
        Report.Line("W1", "float64", ctx.Threads, ms,
            "raw tensor ops; " + ProviderInfo.Note() + "; " + ctx.AllocationNote() + "; loss "
            + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> " + lastLoss.ToString("F4", CultureInfo.InvariantCulture));
    }
}
