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
    public static void Run(RunContext ctx)
    {
        using var dtype = ctx.UseDType();
        var random = new Random(6);
        var x = Tensor.RandomNormal(new[] { Batch, Sequence, Width }, random);
        var layer = new TransformerEncoderLayer(Width, Heads, FeedForward, dropout: 0, activation: Activation.Gelu(), batchFirst: true,
            normFirst: true, random: random, dtype: ctx.DType);
        var adam = new Adam(1e-3);
        double firstLoss = double.NaN, lastLoss = double.NaN;
        void Step()
        {
            var loss = layer.Forward(x).Mean();
            loss.Backward();
            lastLoss = loss.Item();
            if (double.IsNaN(firstLoss)) firstLoss = lastLoss;
            adam.Update(layer.Parameters);
        }

        double ms = ctx.MedianMsPerStep(N, Step);
        Report.Line("W6", ctx.DTypeName, ctx.Threads, ms,
            "TransformerEncoderLayer(128, 4 heads, ff 512 GELU, pre-norm, batch-first) 32x64, mean loss, Adam 1e-3; " + ProviderInfo.Note() + "; "
            + ctx.AllocationNote() + "; loss " + firstLoss.ToString("F5", CultureInfo.InvariantCulture) + " -> "
            + lastLoss.ToString("F5", CultureInfo.InvariantCulture),
            ("bytes_per_step", ctx.LastAllocation.Bytes));
    }
}
