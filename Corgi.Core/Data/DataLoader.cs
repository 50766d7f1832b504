using System;
using System.Collections;
using System.Collections.Concurrent;
using System.Collections.Generic;
using System.Threading;
using System.Threading.Tasks;

namespace Corgi.Data;

/// <summary>
/// Mini-batches of an <see cref="IDataset"/> (PyTorch's <c>DataLoader</c>): batch size, a shuffled order drawn
/// from a seed, drop-last, an optional transform of each batch and optional background prefetch.
/// The order of epoch e is a function of (seed, e) alone (<see cref="Order"/>), so a run stopped in the middle
/// of an epoch resumes with the same batches: the data order's whole random state is the seed and the epoch.
/// Enumerating the loader itself gives the batches of <see cref="Epoch"/> and then advances it.
/// </summary>
/// <example>
/// <code>
/// var loader = new DataLoader(train, batchSize: 32, shuffle: true, seed: 7);
/// for (int epoch = 0; epoch &lt; 10; epoch++)
///     foreach (var (x, y) in loader) { model.Forward(x); model.Backward(y); model.Update(); }
/// </code>
/// </example>
public sealed class DataLoader : IEnumerable<Batch>
{
    /// <summary>Creates a loader.</summary>
    /// <param name="dataset">The samples.</param>
    /// <param name="batchSize">Samples per batch (≥ 1).</param>
    /// <param name="shuffle">Whether each epoch visits the samples in a new random order (default true).</param>
    /// <param name="seed">The seed of the orders.</param>
    /// <param name="dropLast">Skip a last batch smaller than <paramref name="batchSize"/>.</param>
    /// <param name="transform">Applied to every batch (e.g. <see cref="Standardizer.Apply"/>), on the prefetch thread when prefetching.</param>
    /// <param name="prefetch">How many batches a background task prepares ahead (0: none, batches are made on demand).</param>
    public DataLoader(IDataset dataset, int batchSize, bool shuffle = true, int seed = 0, bool dropLast = false, Func<Batch, Batch>? transform = null, int prefetch = 0)
    {
        ArgumentNullException.ThrowIfNull(dataset);
        if (batchSize < 1) throw new ArgumentOutOfRangeException(nameof(batchSize), $"data loader: the batch size must be at least 1, got {batchSize}");
        if (prefetch < 0) throw new ArgumentOutOfRangeException(nameof(prefetch), $"data loader: prefetch must not be negative, got {prefetch}");
        Dataset = dataset;
        BatchSize = batchSize;
        Shuffle = shuffle;
        Seed = seed;
        DropLast = dropLast;
        Transform = transform;
        Prefetch = prefetch;
    }

    /// <summary>The samples.</summary>
    public IDataset Dataset { get; }

    /// <summary>Samples per batch.</summary>
    public int BatchSize { get; }

    /// <summary>Whether the order is shuffled each epoch.</summary>
    public bool Shuffle { get; }

    /// <summary>The seed of the orders.</summary>
    public int Seed { get; }

    /// <summary>Whether a short last batch is skipped.</summary>
    public bool DropLast { get; }

    /// <summary>The batch transform, if any.</summary>
    public Func<Batch, Batch>? Transform { get; }

    /// <summary>Batches prepared ahead on a background task.</summary>
    public int Prefetch { get; }

    /// <summary>The epoch whose batches plain enumeration gives next (from 0); each enumeration advances it.</summary>
    public int Epoch { get; set; }

    /// <summary>Batches per epoch.</summary>
    public int BatchesPerEpoch => MiniBatches.Count(Dataset.Count, BatchSize, DropLast);

    /// <summary>
    /// The order of the samples in epoch <paramref name="epoch"/>: 0..Count−1 without shuffling, otherwise a
    /// Fisher-Yates permutation drawn from <c>new Random(s)</c> with s a SplitMix64 mix of (seed, epoch), the
    /// same in every process and on every machine.
    /// </summary>
    public int[] Order(int epoch)
    {
        int n = Dataset.Count;
        if (!Shuffle)
        {
            var order = new int[n];
            for (int i = 0; i < n; i++) order[i] = i;
            return order;
        }
        return MiniBatches.Permutation(n, new Random(MixSeed(Seed, epoch)));
    }

    /// <summary>
    /// The batches of epoch <paramref name="epoch"/>, starting after the first <paramref name="skip"/> batches
    /// (a resumed run); does not change <see cref="Epoch"/>.
    /// </summary>
    public IEnumerable<Batch> Batches(int epoch, int skip = 0)
    {
        if (skip < 0) throw new ArgumentOutOfRangeException(nameof(skip), $"data loader: skip must not be negative, got {skip}");
        var order = Order(epoch);
        var ranges = new List<int[]>();
        for (int start = skip * BatchSize; start < order.Length; start += BatchSize)
        {
            int len = Math.Min(BatchSize, order.Length - start);
            if (DropLast && len < BatchSize) break;
            ranges.Add(order[start..(start + len)]);
        }
        return Prefetch == 0 ? Produce(ranges) : Prefetched(ranges);
    }

    /// <inheritdoc/>
    public IEnumerator<Batch> GetEnumerator() => Batches(Epoch++).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private Batch Make(int[] indices)
    {
        var b = Dataset.GetBatch(indices);
        return Transform is null ? b : Transform(b);
    }

    private IEnumerable<Batch> Produce(List<int[]> ranges)
    {
        foreach (var r in ranges) yield return Make(r);
    }

    private IEnumerable<Batch> Prefetched(List<int[]> ranges)
    {
        using var queue = new BlockingCollection<Batch>(Prefetch);
        using var stop = new CancellationTokenSource();
        Exception? failure = null;
        var producer = Task.Run(() =>
        {
            try
            {
                foreach (var r in ranges) queue.Add(Make(r), stop.Token);
            }
            catch (OperationCanceledException) { }
            catch (Exception e) { failure = e; }
            finally { queue.CompleteAdding(); }
        });
        try
        {
            foreach (var b in queue.GetConsumingEnumerable()) yield return b;
            producer.Wait();
            if (failure is not null) throw new InvalidOperationException($"data loader: making a batch failed on the prefetch task: {failure.Message}", failure);
        }
        finally
        {
            stop.Cancel();
            try { producer.Wait(); } catch (AggregateException) { }
        }
    }

    // SplitMix64 of (seed, epoch): nearby seeds and epochs give unrelated orders
    internal static int MixSeed(int seed, int epoch)
    {
        ulong z = ((ulong)(uint)seed << 32 | (uint)epoch) + 0x9E3779B97F4A7C15UL;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
        z ^= z >> 31;
        return (int)(z & 0x7FFFFFFF);
    }
}
