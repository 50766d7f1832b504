using System;
using System.Globalization;
using Corgi.NN;

namespace Corgi.Benchmarks.Workloads;

/// <summary>
/// W6: one training step of a pre-norm transformer encoder layer (LayerNorm, 4-head self-attention, residual,
/// LayerNorm, feed-forward 128 -> 512 (GELU) -> 128, residual), float32, batch 32, sequence 64, width 128, the mean
/// of the output as the loss, Adam lr 1e-3. N = 20. Dropout 0 (WORKLOADS.md names none), batch-first.
/// </summary>
internal static class Transformer
{
    private const int Batch = 32, Sequence = 64, Width = 128, Heads = 4, FeedForward = 512, N = 20;

    /// <summary>The row of ctx's dtype.</summary>
    public static void Run(RunContext ctx) => Run(ctx, "W6", false);

    /// <summary>
    /// The row of ctx's dtype; with <paramref name="geluTanh"/> ("W6-tanh", not a WORKLOADS.md row) the feed-forward uses
    /// the tanh form of GELU, which shows what the exact GELU's erf costs.
    /// </summary>
    public static void Run(RunContext ctx, string workload, bool geluTanh) => Run(ctx, workload, geluTanh, scoped: false);

    /// <summary>
    /// The row of ctx's dtype; with <paramref name="scoped"/> ("W6-scoped") each step runs inside
    /// <c>Tensor.NewDisposeScope()</c>, as <c>Model.Fit</c> runs its steps by default, so the step's tensors go back
    /// to the buffer pool when it ends instead of waiting for the garbage collector.
    /// </summary>
    public static void Run(RunContext ctx, string workload, bool geluTanh, bool scoped)
    {
        using var dtype = ctx.UseDType();
        var random = new Random(6);
        var x = Tensor.RandomNormal(new[] { Batch, Sequence, Width }, random);
        var layer = new TransformerEncoderLayer(Width, Heads, FeedForward, dropout: 0, activation: Activation.Gelu(geluTanh), batchFirst: true,
            normFirst: true, random: random, dtype: ctx.DType);
        var adam = new Adam(1e-3);
        double firstLoss = double.NaN, lastLoss = double.NaN;
        void Step()
        {
            using var scope = scoped ? Tensor.NewDisposeScope() : null;
            var loss = layer.Forward(x).Mean();
            loss.Backward();
            lastLoss = loss.Item();
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
            adam.Update(layer.Parameters);
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line(workload, ctx.DTypeName, ctx.Threads, ms,
            "TransformerEncoderLayer(128, 4 heads, ff 512 " + (geluTanh ? "GELU (tanh form)" : "GELU") + ", pre-norm, batch-first) 32x64, mean loss, Adam 1e-3"
            + (scoped ? ", each step in a dispose scope (as Model.Fit)" : "") + "; " + ProviderInfo.Note() + "; "
            + ctx.AllocationNote() + "; loss " + firstLoss.ToString("F5", CultureInfo.InvariantCulture) + " -> "
            + lastLoss.ToString("F5", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
        if (ctx.Profile && !geluTanh && !scoped) Profile(ctx, layer, adam, x);
        if (ctx.Profile && !scoped) Report.BackwardByOp(ctx, workload, ctx.Steps(N), Step);
    }

    /// <summary>W6-profile: median ms of the forward (by block), the backward and the Adam update over N steps.</summary>
    private static void Profile(RunContext ctx, TransformerEncoderLayer layer, Adam adam, Tensor x)
    {
        int n = ctx.Steps(N);
        var names = new[] { "norm1", "attention", "norm2", "linear1", "gelu", "linear2", "loss", "backward", "adam" };
        var times = new double[names.Length][];
        for (int i = 0; i < names.Length; i++) times[i] = new double[n];
        var ff1 = layer.Linear1Weight;
        for (int s = 0; s < n; s++)
        {
            long t0 = System.Diagnostics.Stopwatch.GetTimestamp();
            var a = layer.Norm1.Forward(x);
            long t1 = System.Diagnostics.Stopwatch.GetTimestamp();
            var y = x + layer.SelfAttention.Forward(a, a, a).Output;
            long t2 = System.Diagnostics.Stopwatch.GetTimestamp();
            var b = layer.Norm2.Forward(y);
            long t3 = System.Diagnostics.Stopwatch.GetTimestamp();
            var h1 = b.MatMul(ff1.Value, transposeOther: true, bias: layer.Linear1Bias!.Value);
            long t3a = System.Diagnostics.Stopwatch.GetTimestamp();
            var h = h1.Gelu();
            long t3b = System.Diagnostics.Stopwatch.GetTimestamp();
            var z = y + h.MatMul(layer.Linear2Weight.Value, transposeOther: true, bias: layer.Linear2Bias!.Value);
            long t4 = System.Diagnostics.Stopwatch.GetTimestamp();
            var loss = z.Mean();
            long t5 = System.Diagnostics.Stopwatch.GetTimestamp();
            loss.Backward();
            long t6 = System.Diagnostics.Stopwatch.GetTimestamp();
            adam.Update(layer.Parameters);
            long t7 = System.Diagnostics.Stopwatch.GetTimestamp();
            var ts = new[] { t0, t1, t2, t3, t3a, t3b, t4, t5, t6, t7 };
            for (int i = 0; i < names.Length; i++) times[i][s] = System.Diagnostics.Stopwatch.GetElapsedTime(ts[i], ts[i + 1]).TotalMilliseconds;
        }
        var parts = new System.Collections.Generic.List<string>();
        for (int i = 0; i < names.Length; i++)
        {
            Array.Sort(times[i]);
            parts.Add(names[i] + " " + times[i][n / 2].ToString("F2", CultureInfo.InvariantCulture));
        }
        Report.Line("W6-profile", ctx.DTypeName, ctx.Threads, null, "medians over " + n + " steps, ms: " + string.Join(", ", parts));
    }
}
