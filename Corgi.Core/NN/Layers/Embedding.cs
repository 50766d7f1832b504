using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// A lookup table (PyTorch's <c>nn.Embedding</c>): an input of integer indices of any shape [*] gives their rows
/// of the weight [numEmbeddings, embeddingDim], shape [*, embeddingDim]. The gradient of the weight sums the
/// output gradients of each index's occurrences (through <see cref="Tensor.IndexSelect"/>).
/// </summary>
/// <remarks>
/// <para>With a padding index, that row starts at zeros and gets no gradient: it is read from the detached
/// weight wherever the index occurs.</para>
/// <para>With a maximum norm, the rows an input looks up are first scaled down to that norm when theirs is
/// larger (factor maxNorm / (norm + 1e-7), as PyTorch does in place): the weight's slot gets the renormed
/// tensor, outside the graph.</para>
/// </remarks>
/// <example>
/// <code>
/// var emb = new Embedding(1000, 64, paddingIndex: 0);
/// var tokens = Tensor.From(new double[,] { { 5, 9, 0 } });   // [batch 1, length 3]
/// var e = emb.Forward(tokens);                               // [1, 3, 64]; e[0, 2] is zeros
/// </code>
/// </example>
public sealed class Embedding : ILayer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates an embedding table.</summary>
    /// <param name="numEmbeddings">The number of rows (the vocabulary size).</param>
    /// <param name="embeddingDim">The size of each row.</param>
    /// <param name="paddingIndex">A row that stays out of training (zeros at first, no gradient); negative counts from the end; null for none.</param>
    /// <param name="maxNorm">Rows looked up with a larger norm are scaled to this one; null for none.</param>
    /// <param name="normType">The p of the p-norm for <paramref name="maxNorm"/> (2).</param>
    /// <param name="initializer">Initializes the weight; null means the standard normal, as PyTorch, drawn from <paramref name="random"/>.</param>
    /// <param name="dtype">The weight's dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <param name="random">The source of the initial weight when there is no initializer; null: unseeded.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the padding index is out of range, or the max norm is not positive.</exception>
    public Embedding(int numEmbeddings, int embeddingDim, int? paddingIndex = null, double? maxNorm = null, double normType = 2.0,
        Initializer? initializer = null, DType? dtype = null, Random? random = null)
    {
        LayerChecks.Positive(numEmbeddings, nameof(numEmbeddings), "embedding");
        LayerChecks.Positive(embeddingDim, nameof(embeddingDim), "embedding");
        if (paddingIndex is int p)
        {
            if (p < -numEmbeddings || p >= numEmbeddings)
                throw new ArgumentOutOfRangeException(nameof(paddingIndex), $"embedding: the padding index {p} is outside the table of {numEmbeddings} rows");
            PaddingIndex = p < 0 ? p + numEmbeddings : p;
        }
        if (maxNorm is double m && !(m > 0))
            throw new ArgumentOutOfRangeException(nameof(maxNorm), $"embedding: the max norm must be positive, got {m}");
        if (!(normType > 0)) throw new ArgumentOutOfRangeException(nameof(normType), $"embedding: the norm type must be positive, got {normType}");
        NumEmbeddings = numEmbeddings;
        EmbeddingDim = embeddingDim;
        MaxNorm = maxNorm;
        NormType = normType;
        var dt = dtype ?? Tensor.DefaultDType;
        var shape = new[] { numEmbeddings, embeddingDim };
        var w = initializer is null
            ? Tensor.RandomNormal(shape, random ?? new Random(Random.Shared.Next()), dtype: dt)
            : initializer.Create(shape, numEmbeddings, embeddingDim, dt);
        if (PaddingIndex is int pad)
        {
            var values = w.ToArray();
            Array.Clear(values, pad * embeddingDim, embeddingDim);
            w = Tensor.FromArray(shape, values, dt);
        }
        Weight = new Parameter("weight", w);
        _parameters = new[] { Weight };
    }

    /// <summary>The number of rows.</summary>
    public int NumEmbeddings { get; }

    /// <summary>The size of each row.</summary>
    public int EmbeddingDim { get; }

    /// <summary>The row that gets no gradient (non-negative), or null.</summary>
    public int? PaddingIndex { get; }

    /// <summary>The maximum norm of a looked-up row, or null.</summary>
    public double? MaxNorm { get; }

    /// <summary>The p of the p-norm for <see cref="MaxNorm"/>.</summary>
    public double NormType { get; }

    /// <summary>The table [numEmbeddings, embeddingDim].</summary>
    public Parameter Weight { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The rows of the indices: [*] -> [*, embeddingDim].</summary>
    /// <exception cref="ArgumentException">An index is not an integer or is outside the table (the message names it and the shapes).</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var raw = input.ToArray();
        var indices = new int[raw.Length];
        bool hasPadding = false;
        for (int i = 0; i < raw.Length; i++)
        {
            double v = raw[i];
            if (v != Math.Floor(v) || v < 0 || v >= NumEmbeddings)
                throw new ArgumentException(
                    $"embedding: index {v} at position {i} of the input of shape {LayerChecks.Shape(input)} is not a row of the table [{NumEmbeddings},{EmbeddingDim}]", nameof(input));
            indices[i] = (int)v;
            hasPadding |= indices[i] == PaddingIndex;
        }
        if (MaxNorm is double maxNorm) Renorm(indices, maxNorm);
        var w = Weight.Value;
        var rows = w.IndexSelect(0, indices);
        if (hasPadding)
        {
            // padding positions read the detached table, so the padding row collects no gradient
            var keep = new double[indices.Length];
            for (int i = 0; i < keep.Length; i++) keep[i] = indices[i] == PaddingIndex ? 0 : 1;
            var mask = Tensor.FromArray(new[] { indices.Length, 1 }, keep, w.DType);
            rows = rows * mask + w.Detach().IndexSelect(0, indices) * (1 - mask);
        }
        var outShape = new int[input.Rank + 1];
        input.ShapeSpan.CopyTo(outShape);
        outShape[^1] = EmbeddingDim;
        return rows.Reshape(outShape);
    }

    private void Renorm(int[] indices, double maxNorm)
    {
        var w = Weight.Value;
        var values = w.ToArray();
        bool changed = false;
        var done = new HashSet<int>();
        foreach (int row in indices)
        {
            if (!done.Add(row)) continue;
            var span = values.AsSpan(row * EmbeddingDim, EmbeddingDim);
            double norm = 0;
            foreach (var v in span) norm += Math.Pow(Math.Abs(v), NormType);
            norm = Math.Pow(norm, 1 / NormType);
            if (norm > maxNorm)
            {
                double scale = maxNorm / (norm + 1e-7);
                foreach (ref var v in span) v *= scale;
                changed = true;
            }
        }
        if (changed) Weight.Value = Tensor.FromArray(w.Shape, values, w.DType);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Embedding({NumEmbeddings}, {EmbeddingDim}{(PaddingIndex is int p ? $", padding_idx={p}" : "")})";
}

/// <summary>
/// Adds the fixed sinusoidal position encoding of "Attention Is All You Need" to x: for position pos and
/// feature 2i, sin(pos / 10000^(2i/d)); for feature 2i + 1, cos(pos / 10000^(2i/d)). No parameters.
/// </summary>
/// <example><c>new SinusoidalPositionalEncoding(64, batchFirst: true).Forward(x)</c> for x [N, L, 64], L ≤ 5000.</example>
public sealed class SinusoidalPositionalEncoding : ILayer
{
    private readonly Dictionary<DType, Tensor> _tables = new();

    /// <summary>Creates the encoding.</summary>
    /// <param name="modelDim">d, the size of the last dimension of x.</param>
    /// <param name="maxLength">The longest sequence.</param>
    /// <param name="batchFirst">x is [N, L, d] when true, [L, N, d] (PyTorch's sequence-first default) when false; [L, d] works either way.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public SinusoidalPositionalEncoding(int modelDim, int maxLength = 5000, bool batchFirst = false)
    {
        LayerChecks.Positive(modelDim, nameof(modelDim), "sinusoidal_positional_encoding");
        LayerChecks.Positive(maxLength, nameof(maxLength), "sinusoidal_positional_encoding");
        ModelDim = modelDim;
        MaxLength = maxLength;
        BatchFirst = batchFirst;
    }

    /// <summary>d, the size of the last dimension.</summary>
    public int ModelDim { get; }

    /// <summary>The longest sequence.</summary>
    public int MaxLength { get; }

    /// <summary>Whether x is [N, L, d] (else [L, N, d]).</summary>
    public bool BatchFirst { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <summary>The encoding of the first <paramref name="length"/> positions, [length, d].</summary>
    /// <param name="length">The number of positions.</param>
    /// <param name="dtype">The table's dtype.</param>
    public Tensor Table(int length, DType dtype)
    {
        var full = TableFor(dtype);
        return length == MaxLength ? full : full.Narrow(0, 0, length);
    }

    /// <summary>x + the encoding of its positions.</summary>
    /// <exception cref="TensorShapeException">x does not end in d, or its sequence is longer than the maximum.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int length = SequenceLength("sinusoidal_positional_encoding", input, ModelDim, MaxLength, BatchFirst);
        var pe = Table(length, input.DType);
        return input + (BatchFirst || input.Rank == 2 ? pe : pe.Unsqueeze(1));
    }

    private Tensor TableFor(DType dtype)
    {
        lock (_tables)
        {
            if (_tables.TryGetValue(dtype, out var t)) return t;
            var values = new double[MaxLength * ModelDim];
            for (int pos = 0; pos < MaxLength; pos++)
                for (int i = 0; i < ModelDim; i++)
                {
                    double angle = pos / Math.Pow(10000.0, (i - i % 2) / (double)ModelDim);
                    values[pos * ModelDim + i] = i % 2 == 0 ? Math.Sin(angle) : Math.Cos(angle);
                }
            t = Tensor.FromArray(new[] { MaxLength, ModelDim }, values, dtype).DetachFromDisposeScope();
            _tables[dtype] = t;
            return t;
        }
    }

    /// <summary>Checks x [N, L, d], [L, N, d] or [L, d] and returns L.</summary>
    internal static int SequenceLength(string layer, Tensor input, int modelDim, int maxLength, bool batchFirst)
    {
        if (input.Rank is not (2 or 3) || input.ShapeSpan[^1] != modelDim)
            throw new TensorShapeException($"{layer}: the input of shape {LayerChecks.Shape(input)} must be {(batchFirst ? "[N, L, " : "[L, N, ")}{modelDim}] or [L, {modelDim}]");
        int length = input.Rank == 2 || !batchFirst ? input.ShapeSpan[0] : input.ShapeSpan[1];
        if (length > maxLength)
            throw new TensorShapeException($"{layer}: the input of shape {LayerChecks.Shape(input)} has {length} positions, more than the maximum {maxLength}");
        return length;
    }

    /// <inheritdoc/>
    public override string ToString() => $"SinusoidalPositionalEncoding({ModelDim})";
}

/// <summary>
/// Adds a learned position embedding to x: a parameter [maxLength, d] whose first L rows are added to a
/// sequence of length L (GPT's <c>wpe</c>).
/// </summary>
/// <example><c>new LearnedPositionalEncoding(128, 64, batchFirst: true).Forward(x)</c> for x [N, L ≤ 128, 64].</example>
public sealed class LearnedPositionalEncoding : ILayer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates the encoding.</summary>
    /// <param name="maxLength">The longest sequence.</param>
    /// <param name="modelDim">d, the size of the last dimension of x.</param>
    /// <param name="batchFirst">x is [N, L, d] when true, [L, N, d] when false; [L, d] works either way.</param>
    /// <param name="initializer">Initializes the table; null means normal with standard deviation 0.02 (GPT-2's).</param>
    /// <param name="dtype">The table's dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <param name="random">The source of the initial table when there is no initializer; null: unseeded.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public LearnedPositionalEncoding(int maxLength, int modelDim, bool batchFirst = false, Initializer? initializer = null, DType? dtype = null,
        Random? random = null)
    {
        LayerChecks.Positive(maxLength, nameof(maxLength), "learned_positional_encoding");
        LayerChecks.Positive(modelDim, nameof(modelDim), "learned_positional_encoding");
        MaxLength = maxLength;
        ModelDim = modelDim;
        BatchFirst = batchFirst;
        var dt = dtype ?? Tensor.DefaultDType;
        var shape = new[] { maxLength, modelDim };
        Weight = new Parameter("weight", initializer is null
            ? Tensor.RandomNormal(shape, random ?? new Random(Random.Shared.Next()), 0, 0.02, dt)
            : initializer.Create(shape, maxLength, modelDim, dt));
        _parameters = new[] { Weight };
    }

    /// <summary>The longest sequence.</summary>
    public int MaxLength { get; }

    /// <summary>d, the size of the last dimension.</summary>
    public int ModelDim { get; }

    /// <summary>Whether x is [N, L, d] (else [L, N, d]).</summary>
    public bool BatchFirst { get; }

    /// <summary>The table [maxLength, d].</summary>
    public Parameter Weight { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>x + the first L rows of the table.</summary>
    /// <exception cref="TensorShapeException">x does not end in d, or its sequence is longer than the maximum.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        int length = SinusoidalPositionalEncoding.SequenceLength("learned_positional_encoding", input, ModelDim, MaxLength, BatchFirst);
        var pe = length == MaxLength ? Weight.Value : Weight.Value.Narrow(0, 0, length);
        return input + (BatchFirst || input.Rank == 2 ? pe : pe.Unsqueeze(1));
    }

    /// <inheritdoc/>
    public override string ToString() => $"LearnedPositionalEncoding({MaxLength}, {ModelDim})";
}
