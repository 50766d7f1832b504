using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.Data;

/// <summary>One sample: an input and its target (a row of a dataset, without the batch dimension).</summary>
/// <param name="Input">The input, e.g. features [features].</param>
/// <param name="Target">The target, e.g. a class index (a scalar) or a vector.</param>
public readonly record struct Sample(Tensor Input, Tensor Target);

/// <summary>
/// A dataset with random access (PyTorch's map-style <c>Dataset</c>): a count, one sample by index, and a batch
/// by indices. The default <see cref="GetBatch"/> stacks the samples; tensor-backed datasets gather rows at once.
/// </summary>
public interface IDataset
{
    /// <summary>The number of samples.</summary>
    int Count { get; }

    /// <summary>The sample at <paramref name="index"/> (0 ≤ index &lt; Count).</summary>
    Sample this[int index] { get; }

    /// <summary>The samples at <paramref name="indices"/>, stacked along a new first dimension.</summary>
    Batch GetBatch(int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        var inputs = new Tensor[indices.Length];
        var targets = new Tensor[indices.Length];
        for (int i = 0; i < indices.Length; i++) (inputs[i], targets[i]) = this[indices[i]];
        return new Batch(Tensor.Stack(inputs), Tensor.Stack(targets));
    }
}

/// <summary>Datasets over in-memory data, subsets and splits.</summary>
/// <example>
/// <code>
/// var all = Dataset.FromTensors(inputs, labels);
/// var (train, validation) = Dataset.Split(all, validationFraction: 0.2, seed: 1);
/// </code>
/// </example>
public static class Dataset
{
    /// <summary>A dataset over tensors whose first dimension indexes samples (rows are gathered, not copied one by one).</summary>
    /// <exception cref="TensorShapeException">The first dimensions differ.</exception>
    public static IDataset FromTensors(Tensor inputs, Tensor targets) => new TensorDataset(inputs, targets);

    /// <summary>
    /// A dataset from a pair of IDX files (MNIST's format, optionally .gz): inputs [samples, ...] scaled by
    /// <paramref name="scale"/> (1/255 maps bytes to [0, 1]) and labels [samples].
    /// </summary>
    /// <exception cref="System.IO.InvalidDataException">A file is not a valid IDX file (the message names it).</exception>
    /// <exception cref="TensorShapeException">The files hold different numbers of samples.</exception>
    public static IDataset FromIdx(string inputsPath, string labelsPath, double scale = 1.0, DType? dtype = null) =>
        FromTensors(Idx.Read(inputsPath, scale, dtype), Idx.Read(labelsPath, 1.0, dtype));

    /// <summary>A dataset holding the samples of a sequence (enumerated once, now).</summary>
    /// <exception cref="ArgumentException">The samples' shapes differ; the message names the first different one.</exception>
    public static IDataset FromSamples(IEnumerable<Sample> samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var list = samples.ToList();
        for (int i = 1; i < list.Count; i++)
        {
            if (!list[i].Input.ShapeSpan.SequenceEqual(list[0].Input.ShapeSpan) || !list[i].Target.ShapeSpan.SequenceEqual(list[0].Target.ShapeSpan))
                throw new ArgumentException(
                    $"dataset: sample {i} has input {Tensor.FormatShape(list[i].Input.ShapeSpan)} and target {Tensor.FormatShape(list[i].Target.ShapeSpan)}, " +
                    $"but sample 0 has {Tensor.FormatShape(list[0].Input.ShapeSpan)} and {Tensor.FormatShape(list[0].Target.ShapeSpan)}", nameof(samples));
        }
        if (list.Count == 0) throw new ArgumentException("dataset: the sequence has no samples", nameof(samples));
        return FromTensors(Tensor.Stack(list.Select(s => s.Input.Detach()).ToArray()), Tensor.Stack(list.Select(s => s.Target.Detach()).ToArray()));
    }

    /// <summary>The samples of <paramref name="source"/> at <paramref name="indices"/>, in that order.</summary>
    /// <exception cref="ArgumentOutOfRangeException">An index is outside the dataset.</exception>
    public static IDataset Subset(IDataset source, IEnumerable<int> indices) => new SubsetDataset(source, indices.ToArray());

    /// <summary>
    /// Splits a dataset at random into a training part and a validation part of round(fraction · Count) samples.
    /// The permutation is drawn from <paramref name="seed"/>, so the split is reproducible.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The fraction is not in [0, 1].</exception>
    public static (IDataset Train, IDataset Validation) Split(IDataset source, double validationFraction, int seed = 0)
    {
        ArgumentNullException.ThrowIfNull(source);
        if (!(validationFraction >= 0 && validationFraction <= 1))
            throw new ArgumentOutOfRangeException(nameof(validationFraction), $"dataset split: the validation fraction must be in [0, 1], got {validationFraction}");
        var order = MiniBatches.Permutation(source.Count, new Random(seed));
        int nValidation = (int)Math.Round(validationFraction * source.Count);
        return (new SubsetDataset(source, order[nValidation..]), new SubsetDataset(source, order[..nValidation]));
    }

    /// <summary>All the samples of a dataset as one batch (inputs and targets stacked in order).</summary>
    public static Batch All(IDataset source)
    {
        ArgumentNullException.ThrowIfNull(source);
        return source.GetBatch(Enumerable.Range(0, source.Count).ToArray());
    }

    /// <summary>The dataset with <paramref name="transform"/> applied to every sample and batch it gives.</summary>
    public static IDataset Map(IDataset source, Func<Batch, Batch> transform) => new MappedDataset(source, transform);

    private sealed class TensorDataset : IDataset
    {
        private readonly Tensor _inputs, _targets;

        public TensorDataset(Tensor inputs, Tensor targets)
        {
            Count = MiniBatches.Rows(inputs, targets);
            _inputs = inputs.Detach();
            _targets = targets.Detach();
        }

        public int Count { get; }

        public Sample this[int index] =>
            (uint)index < (uint)Count ? new Sample(_inputs.Narrow(0, index, 1).Squeeze(0), _targets.Narrow(0, index, 1).Squeeze(0))
            : throw new ArgumentOutOfRangeException(nameof(index), $"dataset: index {index} is outside [0, {Count})");

        public Batch GetBatch(int[] indices) => new(_inputs.IndexSelect(0, indices), _targets.IndexSelect(0, indices));
    }

    private sealed class SubsetDataset : IDataset
    {
        private readonly IDataset _source;
        private readonly int[] _indices;

        public SubsetDataset(IDataset source, int[] indices)
        {
            ArgumentNullException.ThrowIfNull(source);
            foreach (var i in indices)
                if ((uint)i >= (uint)source.Count) throw new ArgumentOutOfRangeException(nameof(indices), $"dataset subset: index {i} is outside [0, {source.Count})");
            _source = source;
            _indices = indices;
        }

        public int Count => _indices.Length;

        public Sample this[int index] => _source[_indices[index]];

        public Batch GetBatch(int[] indices)
        {
            var mapped = new int[indices.Length];
            for (int i = 0; i < indices.Length; i++) mapped[i] = _indices[indices[i]];
            return _source.GetBatch(mapped);
        }
    }

    private sealed class MappedDataset(IDataset source, Func<Batch, Batch> transform) : IDataset
    {
        private readonly IDataset _source = source ?? throw new ArgumentNullException(nameof(source));
        private readonly Func<Batch, Batch> _transform = transform ?? throw new ArgumentNullException(nameof(transform));

        public int Count => _source.Count;

        public Sample this[int index]
        {
            get
            {
                var b = _source.GetBatch(new[] { index });
                var (x, y) = _transform(b);
                return new Sample(x.Squeeze(0), y.Squeeze(0));
            }
        }

        public Batch GetBatch(int[] indices) => _transform(_source.GetBatch(indices));
    }
}
