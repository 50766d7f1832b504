using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W8 small-batch: an MLP 64 -> 64 (ReLU) -> 10 on a batch of 32, softmax cross-entropy averaged over the batch,
/// Adam lr 5e-3, in float64 and float32. N = 200. The size of many tabular and teaching models, where per-op
/// overhead and small products dominate. Written as a user would: two Dense layers in a Model with Adam and the
/// fused softmax cross-entropy on logits, the targets as class indices (Forward, Backward(labels), Update per step).
/// </summary>
internal static class SmallBatch
{
    private const int Batch = 32, Inputs = 64, Hidden = 64, Classes = 10, N = 200;
    private const double LearningRate = 5e-3;

    /// <summary>The row of ctx's dtype, with the bytes allocated per step (bytes_per_step); with --profile also W8-profile and W8-backward.</summary>
    public static void Run(RunContext ctx)
    {
        // every tensor below in ctx's dtype (the layers' initializers make their tensors in the default dtype)
        using var dtype = ctx.UseDType();
        // synthetic data from a fixed seed (not timed): normal inputs, class indices as targets
        var random = new Random(8);
        var x = Tensor.RandomNormal(new[] { Batch, Inputs }, random);
        var labelValues = new double[Batch];
        for (int i = 0; i < Batch; i++) labelValues[i] = random.Next(Classes);
        var labels = Tensor.FromArray(new[] { Batch }, labelValues, ctx.DType);
        var he = Initializer.He(random);
        var model = new Model(new ILayer[]
        {
            new Dense(Inputs, Hidden, he, Activation.Relu(), biasInitializer: Initializer.Zeros()),
            new Dense(Hidden, Classes, he, biasInitializer: Initializer.Zeros()),
        }, new Adam(LearningRate), Cost.SoftmaxCrossEntropy());

        double firstLoss = double.NaN, lastLoss = double.NaN;
        void Step()
        {
            model.Forward(x);
            lastLoss = model.Backward(labels);
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
            model.Update();
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W8", ctx.DTypeName, ctx.Threads, ms,
            "Dense 64->64 relu, Dense 64->10 in a Model, softmax cross-entropy on class indices, Adam 5e-3, batch 32; "
            + ProviderInfo.Note() + "; " + ctx.AllocationNote() + "; loss "
            + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> " + lastLoss.ToString("F4", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
        if (!ctx.Profile) return;

        // W8-profile: median ms of the forward (the layers), the loss (the cost on the logits), the backward and
        // the Adam update; the same work as Model.Backward, split into Cost.Compute and loss.Backward
        int n = ctx.Steps(N);
        var names = new[] { "forward", "loss", "backward", "adam" };
        var times = new double[names.Length][];
        for (int i = 0; i < names.Length; i++) times[i] = new double[n];
        var ts = new long[names.Length + 1];
        for (int s = 0; s < n; s++)
        {
            ts[0] = Stopwatch.GetTimestamp();
            var logits = model.Forward(x);
            ts[1] = Stopwatch.GetTimestamp();
            var loss = model.Cost.Compute(logits, labels);
            ts[2] = Stopwatch.GetTimestamp();
            loss.Backward();
            ts[3] = Stopwatch.GetTimestamp();
            model.Update();
            ts[4] = Stopwatch.GetTimestamp();
            for (int i = 0; i < names.Length; i++) times[i][s] = Stopwatch.GetElapsedTime(ts[i], ts[i + 1]).TotalMilliseconds;
        }
        var parts = new List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            Array.Sort(times[i]);
            parts.Add(names[i] + " " + times[i][n / 2].ToString("F3", CultureInfo.InvariantCulture));
        }
        Report.Line("W8-profile", ctx.DTypeName, ctx.Threads, null,
            "medians over " + n + " steps, ms: " + string.Join(", ", parts));
        Report.BackwardByOp(ctx, "W8", n, Step, decimals: 3);
    }
}
