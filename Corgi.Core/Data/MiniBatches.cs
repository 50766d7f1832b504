using System;
using System.Collections.Generic;

namespace Corgi.Data;

/// <summary>One mini-batch: matching rows of inputs and targets.</summary>
/// <param name="Inputs">The batch's inputs (rows of the full inputs).</param>
/// <param name="Targets">The batch's targets (the same rows of the full targets).</param>
public readonly record struct Batch(Tensor Inputs, Tensor Targets);

/// <summary>Mini-batch iteration over in-memory tensors whose first dimension indexes samples.</summary>
/// <example>
/// <code>
/// var random = new Random(42);                    // one source for all epochs: a new order each epoch
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     foreach (var (x, y) in MiniBatches.Iterate(inputs, targets, 32, random))
///     { model.Forward(x); model.Backward(y); model.Update(); }
/// </code>
/// </example>
public static class MiniBatches
{
    /// <summary>
    /// Splits (inputs, targets) into batches of <paramref name="batchSize"/> rows, in order, or in a random
    /// order drawn from <paramref name="shuffle"/> (a fresh permutation each time the sequence is enumerated).
    /// </summary>
    /// <param name="inputs">Inputs [samples, ...].</param>
    /// <param name="targets">Targets [samples, ...].</param>
    /// <param name="batchSize">Rows per batch; the last batch holds the remainder.</param>
    /// <param name="shuffle">The random source of the order; null keeps the rows in order.</param>
    /// <param name="dropLast">Skip a last batch that is smaller than <paramref name="batchSize"/>.</param>
    /// <param name="dtype">When given, the batches are in this dtype (inputs and targets are converted once, before
    /// the first batch); null keeps each tensor's own dtype.</param>
    /// <exception cref="TensorShapeException">The first dimensions differ, or a tensor is a scalar.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The batch size is below 1.</exception>
    public static IEnumerable<Batch> Iterate(Tensor inputs, Tensor targets, int batchSize, Random? shuffle = null, bool dropLast = false, DType? dtype = null)
    {
        int n = Rows(inputs, targets);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"minibatches: the batch size must be at least 1, got {batchSize}");
        return IterateCore(inputs, targets, n, batchSize, shuffle, dropLast, dtype);
    }

    /// <summary>The same as <see cref="Iterate(Tensor, Tensor, int, Random?, bool, DType?)"/> with a new random source from a seed.</summary>
    public static IEnumerable<Batch> Iterate(Tensor inputs, Tensor targets, int batchSize, int seed, bool dropLast = false, DType? dtype = null) =>
        Iterate(inputs, targets, batchSize, new Random(seed), dropLast, dtype);

    /// <summary>How many batches an epoch of <paramref name="samples"/> rows has.</summary>
    public static int Count(int samples, int batchSize, bool dropLast = false) =>
        dropLast ? samples / batchSize : (samples + batchSize - 1) / batchSize;

    /// <summary>A random permutation of 0..n-1 (Fisher-Yates) drawn from <paramref name="random"/>.</summary>
    public static int[] Permutation(int n, Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var p = new int[n];
        for (int i = 0; i < n; i++) p[i] = i;
        for (int i = n - 1; i > 0; i--)
        {
            int j = random.Next(i + 1);
            (p[i], p[j]) = (p[j], p[i]);
        }
        return p;
    }

    internal static int Rows(Tensor inputs, Tensor targets)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        ArgumentNullException.ThrowIfNull(targets);
        if (inputs.Rank == 0 || targets.Rank == 0 || inputs.ShapeSpan[0] != targets.ShapeSpan[0])
            throw new TensorShapeException(
                $"minibatches: inputs {Tensor.FormatShape(inputs.ShapeSpan)} and targets {Tensor.FormatShape(targets.ShapeSpan)} need the same number of rows (first dimension)");
        return inputs.ShapeSpan[0];
    }

    private static IEnumerable<Batch> IterateCore(Tensor inputs, Tensor targets, int n, int batchSize, Random? shuffle, bool dropLast, DType? dtype)
    {
        // batches are data, not part of any graph
        inputs = inputs.Detach();
        targets = targets.Detach();
        if (dtype is DType dt)
        {
            inputs = inputs.To(dt);
            targets = targets.To(dt);
        }
        int[]? order = shuffle is null ? null : Permutation(n, shuffle);
        for (int start = 0; start < n; start += batchSize)
        {
            int len = Math.Min(batchSize, n - start);
            if (dropLast && len < batchSize) yield break;
            if (order is null)
                yield return new Batch(inputs.Narrow(0, start, len), targets.Narrow(0, start, len));
            else
            {
                var idx = order.AsSpan(start, len).ToArray();
                yield return new Batch(inputs.IndexSelect(0, idx), targets.IndexSelect(0, idx));
            }
        }
    }
}
