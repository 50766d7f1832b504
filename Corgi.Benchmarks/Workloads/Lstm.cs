using System;
using System.Globalization;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W7: one training step of a one-layer LSTM (float32, batch 32, sequence 50, input 32, hidden 128) followed by a
/// dense 128 -> 10 on the last hidden state, softmax cross-entropy averaged over the batch, Adam lr 1e-3. N = 20.
/// </summary>
internal static class Lstm
{
    private const int Batch = 32, Sequence = 50, Inputs = 32, Hidden = 128, Classes = 10, N = 20;

    /// <summary>The row of ctx's dtype.</summary>
    public static void Run(RunContext ctx) => Run(ctx, scoped: false);

    /// <summary>The row of ctx's dtype; with <paramref name="scoped"/> ("W7-scoped") each step runs in a dispose scope, as <c>Model.Fit</c> runs it.</summary>
    public static void Run(RunContext ctx, bool scoped)
    {
        using var dtype = ctx.UseDType();
        var random = new Random(7);
        var x = Tensor.RandomNormal(new[] { Sequence, Batch, Inputs }, random);
        var oneHot = new double[Batch * Classes];
        for (int i = 0; i < Batch; i++) oneHot[i * Classes + random.Next(Classes)] = 1.0;
        var targets = Tensor.FromArray(new[] { Batch, Classes }, oneHot, ctx.DType);
        var lstm = new NN.Lstm(Inputs, Hidden, random: random, dtype: ctx.DType);
        var dense = new Dense(Hidden, Classes);
        var parameters = new System.Collections.Generic.List<Parameter>(lstm.Parameters);
        parameters.AddRange(dense.Parameters);
        var adam = new Adam(1e-3);
        double firstLoss = double.NaN, lastLoss = double.NaN;
        void Step()
        {
            using var scope = scoped ? Tensor.NewDisposeScope() : null;
            var last = lstm.Forward(x, null, null).Hidden.Reshape(Batch, Hidden);   // h_L of the one layer
            var logits = dense.Forward(last);
            var loss = logits.LogSoftmax().Mul(targets).Sum().Mul(Tensor.Scalar(-1.0 / Batch, ctx.DType));
            loss.Backward();
            lastLoss = loss.Item();
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
            adam.Update(parameters);
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line(scoped ? "W7-scoped" : "W7", ctx.DTypeName, ctx.Threads, ms,
            "Lstm(32, 128) over 50 steps x 32, Dense 128->10 on h_L, softmax cross-entropy, Adam 1e-3"
            + (scoped ? ", each step in a dispose scope (as Model.Fit)" : "") + "; " + ProviderInfo.Note() + "; "
            + ctx.AllocationNote() + "; loss " + firstLoss.ToString("F4", CultureInfo.InvariantCulture) + " -> "
            + lastLoss.ToString("F4", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
        if (!ctx.Profile || scoped) return;

        // W7-profile: median ms of the LSTM's forward, the head and loss, the backward and the Adam update
        int n = ctx.Steps(N);
        var names = new[] { "lstm_forward", "dense_loss", "backward", "adam" };
        var times = new double[names.Length][];
        for (int i = 0; i < names.Length; i++) times[i] = new double[n];
        for (int s = 0; s < n; s++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var last = lstm.Forward(x, null, null).Hidden.Reshape(Batch, Hidden);
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            var loss = dense.Forward(last).LogSoftmax().Mul(targets).Sum().Mul(Tensor.Scalar(-1.0 / Batch, ctx.DType));
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            loss.Backward();
            long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
            adam.Update(parameters);
            long t4 = System.Diagnostics.Stopwatch.GetTimestamp();
            var ts = new[] { t0, t1, t2, t3, t4 };
            for (int i = 0; i < names.Length; i++) times[i][s] = System.Diagnostics.Stopwatch.GetElapsedTime(ts[i], ts[i + 1]).TotalMilliseconds;
        }
        var parts = new System.Collections.Generic.List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            Array.Sort(times[i]);
            parts.Add(names[i] + " " + times[i][n / 2].ToString("F2", CultureInfo.InvariantCulture));
        }
        Report.Line("W7-profile", ctx.DTypeName, ctx.Threads, null,
            "medians over " + n + " steps, ms: " + string.Join(", ", parts));
        Report.BackwardByOp(ctx, "W7", n, Step);
    }
}
