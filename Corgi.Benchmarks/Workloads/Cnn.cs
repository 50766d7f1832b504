using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W4: CNN on a batch 32 x 1 x 28 x 28: conv2d 8 filters 3x3, stride 1, no padding, + bias -> ReLU ->
/// flatten (8*26*26 = 5408) -> dense 5408 -> 10 -> softmax cross-entropy, SGD lr 0.01. N = 20.
/// Written with the NN toolkit (Conv, Flatten, Dense in a Model; the seed's Forward/Backward/Update).
/// </summary>
internal static class Cnn
{
    private const int Batch = 32, Filters = 8, Kernel = 3, Side = 28, Classes = 10, N = 20;
    private const int Flat = Filters * (Side - Kernel + 1) * (Side - Kernel + 1);
    private const double LearningRate = 0.01;

    /// <summary>The row of ctx's dtype, and with --profile a W4-profile line (time and allocation per phase).</summary>
    public static void Run(RunContext ctx)
    {
        // every tensor and parameter in ctx's dtype (the layers' initializers use the default dtype)
        using var dtype = ctx.UseDType();
        // synthetic data from a fixed seed (not timed); class indices, as PyTorch's harness uses
        var random = new Random(4);
        var x = Tensor.RandomNormal(new[] { Batch, 1, Side, Side }, random);
        var labelValues = new double[Batch];
        for (int i = 0; i < Batch; i++) labelValues[i] = random.Next(Classes);
        // class indices stay float64 (Labels.OneHot reads them as doubles), in either dtype
        var labels = Tensor.FromArray(new[] { Batch }, labelValues);

        // He-uniform weights, zero biases (as the PyTorch harness)
        var he = Initializer.He(random);
        var conv = new Conv(1, Filters, Kernel, initializer: he, activation: Activation.Relu(), biasInitializer: Initializer.Zeros());
        var dense = new Dense(Flat, Classes, he, biasInitializer: Initializer.Zeros());
        var model = new Model(new ILayer[] { conv, new Flatten(), dense }, new GradientDescent(LearningRate), Cost.SoftmaxCrossEntropy());

        double firstLoss = double.NaN, lastLoss = double.NaN;
        void ForwardBackward()
        {
            model.Forward(x);
            lastLoss = model.Backward(labels);
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
        }
        var update = ModelUpdate.Choose(model, LearningRate, ForwardBackward, out string how);
        void Step()
        {
            ForwardBackward();
            update();
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W4", ctx.DTypeName, ctx.Threads, ms,
            "Conv(1->8, 3x3, relu) + Flatten + Dense(5408->10) in a Model (GradientDescent, SoftmaxCrossEntropy on class indices)" + how + "; "
            + ProviderInfo.Note() + "; " + ctx.AllocationNote() + "; loss "
            + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> " + lastLoss.ToString("F4", CultureInfo.InvariantCulture));

        if (ctx.Profile && how.Length == 0) Profile(ctx, x, labels, conv, dense, model);
    }

    /// <summary>
    /// The same step written out op by op, with a stopwatch and the allocated bytes around each phase:
    /// median over the timed steps of each phase. The backward pass is one phase (the engine runs all
    /// local derivatives); conv's (plain and fused with relu) and dense's backward alone are timed separately
    /// from a fixed upstream gradient.
    /// </summary>
    private static void Profile(RunContext ctx, Tensor x, Tensor labels, Conv conv, Dense dense, Model model)
    {
        string[] names = { "conv_relu_fwd", "dense_fwd", "loss_fwd", "backward", "update" };
        var ms = new List<double>[names.Length];
        var bytes = new List<double>[names.Length];
        for (int i = 0; i < names.Length; i++) { ms[i] = new List<double>(); bytes[i] = new List<double>(); }
        var cost = Cost.SoftmaxCrossEntropy();
        var optimizer = model.Optimizer;
        var parameters = model.Parameters;

        long t = 0, b = 0;
        int phase = 0;
        void Start() { phase = 0; b = GC.GetAllocatedBytesForCurrentThread(); t = Stopwatch.GetTimestamp(); }
        void Mark()
        {
            long now = Stopwatch.GetTimestamp(), nb = GC.GetAllocatedBytesForCurrentThread();
            ms[phase].Add(Stopwatch.GetElapsedTime(t, now).TotalMilliseconds);
            bytes[phase].Add(nb - b);
            phase++;
            b = GC.GetAllocatedBytesForCurrentThread();
            t = Stopwatch.GetTimestamp();
        }
        void Step()
        {
            Start();
            // the Conv layer with a relu activation is this one fused op
            var h = x.Conv2dRelu(conv.Filters.Value, conv.Bias!.Value, conv.Stride, conv.Padding); Mark();
            var logits = h.Flatten(1).MatMul(dense.Weights.Value, transposeOther: true, bias: dense.Bias!.Value); Mark();
            var loss = cost.Compute(logits, labels); Mark();
            loss.Backward(); Mark();
            optimizer.Update(parameters); Mark();
        }
        int steps = ctx.Quick ? 2 : 100;
        for (int i = 0; i < (ctx.Quick ? 2 : 50); i++) Step();
        foreach (var l in ms) l.Clear();
        foreach (var l in bytes) l.Clear();
        for (int i = 0; i < steps; i++) Step();

        // conv's and dense's backward alone, from a fixed upstream gradient (parameters tracked leaves)
        var w = conv.Filters.Value;
        var bias = conv.Bias!.Value;
        var gConv = Tensor.RandomNormal(new[] { Batch, Filters, Side - Kernel + 1, Side - Kernel + 1 }, seed: 5);
        var xFlat = Tensor.RandomNormal(new[] { Batch, Flat }, seed: 6);
        var gDense = Tensor.RandomNormal(new[] { Batch, Classes }, seed: 7);
        double convBackward = ctx.MedianMsPerStep(N, () =>
        {
            var y = x.Conv2d(w, bias);
            y.Backward(gConv);
            w.ClearGradient();
            bias.ClearGradient();
        });
        string convBackwardAlloc = ctx.AllocationNote();
        double convReluBackward = ctx.MedianMsPerStep(N, () =>
        {
            var y = x.Conv2dRelu(w, bias);
            y.Backward(gConv);
            w.ClearGradient();
            bias.ClearGradient();
        });
        double convReluForward = ctx.MedianMsPerStep(N, () => x.Conv2dRelu(w, bias));
        double convForward = ctx.MedianMsPerStep(N, () => x.Conv2d(w, bias));
        double denseBackward = ctx.MedianMsPerStep(N, () =>
        {
            var y = xFlat.MatMul(dense.Weights.Value, transposeOther: true, bias: dense.Bias!.Value);
            y.Backward(gDense);
            dense.Weights.ClearGradient();
            dense.Bias!.ClearGradient();
        });

        var fields = new List<(string, object?)>
        {
            ("system", "corgi"), ("workload", "W4-profile"), ("dtype", ctx.DTypeName), ("threads", ctx.Threads),
        };
        double total = 0;
        for (int i = 0; i < names.Length; i++)
        {
            double m = RunContext.Median(ms[i].ToArray());
            total += m;
            fields.Add((names[i] + "_ms", m));
        }
        fields.Add(("sum_of_medians_ms", total));
        for (int i = 0; i < names.Length; i++) fields.Add((names[i] + "_kB", RunContext.Median(bytes[i].ToArray()) / 1e3));
        fields.Add(("conv_fwd_alone_ms", convForward));
        fields.Add(("conv_fwd_bwd_alone_ms", convBackward));
        fields.Add(("conv_relu_fwd_alone_ms", convReluForward));
        fields.Add(("conv_relu_fwd_bwd_alone_ms", convReluBackward));
        fields.Add(("dense_fwd_bwd_alone_ms", denseBackward));
        fields.Add(("note", "medians over " + steps.ToString(CultureInfo.InvariantCulture) + " steps of the W4 step written op by op; "
            + "conv_fwd_bwd_alone = conv2d forward + backward from a fixed upstream gradient (" + convBackwardAlloc + "), "
            + "conv_relu_* the same with conv2d_relu"));
        Console.Out.WriteLine(Report.Format(fields));
    }
}
