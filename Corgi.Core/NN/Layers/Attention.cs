using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// Scaled dot-product attention as a function (PyTorch's <c>F.scaled_dot_product_attention</c>), and the masks it takes.
/// Masks are additive: 0 where a query may attend to a key and −∞ where it may not (Corgi has no boolean dtype).
/// </summary>
/// <example>
/// <code>
/// // q [N, H, L, E], k [N, H, S, E], v [N, H, S, Ev] -> [N, H, L, Ev]
/// var y = Attention.ScaledDotProduct(q, k, v, isCausal: true);
/// </code>
/// </example>
public static class Attention
{
    /// <summary>
    /// softmax(q·kᵀ / sqrt(E) + mask) · v over the last two dimensions, with batch dimensions broadcasting; with
    /// <paramref name="isCausal"/>, query i attends to keys 0..i (top-left aligned when L ≠ S). A query whose keys are
    /// all masked gets NaN, as in PyTorch.
    /// </summary>
    /// <param name="query">[..., L, E].</param>
    /// <param name="key">[..., S, E].</param>
    /// <param name="value">[..., S, Ev].</param>
    /// <param name="mask">An additive mask broadcasting to [..., L, S] (0 keep, −∞ drop), or null.</param>
    /// <param name="isCausal">Whether to mask the keys after each query's position.</param>
    /// <param name="dropout">Dropout probability on the attention weights (applied only when <paramref name="random"/> is given and it is above 0).</param>
    /// <param name="random">The dropout masks' source.</param>
    /// <returns>[..., L, Ev].</returns>
    /// <exception cref="TensorShapeException">The shapes do not fit (the message names all three).</exception>
    public static Tensor ScaledDotProduct(Tensor query, Tensor key, Tensor value, Tensor? mask = null, bool isCausal = false,
        double dropout = 0, Random? random = null) =>
        WithWeights(query, key, value, mask, isCausal, dropout, random).Output;

    /// <summary>The attention output and its weights (after dropout) [..., L, S].</summary>
    internal static (Tensor Output, Tensor Weights) WithWeights(Tensor query, Tensor key, Tensor value, Tensor? mask, bool isCausal,
        double dropout, Random? random)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        LayerChecks.Probability(dropout, nameof(dropout), "scaled_dot_product_attention");
        if (query.Rank < 2 || key.Rank < 2 || value.Rank < 2 || query.ShapeSpan[^1] != key.ShapeSpan[^1] || key.ShapeSpan[^2] != value.ShapeSpan[^2])
            throw new TensorShapeException(
                $"scaled_dot_product_attention: query {LayerChecks.Shape(query)}, key {LayerChecks.Shape(key)} and value {LayerChecks.Shape(value)} must be [..., L, E], [..., S, E] and [..., S, Ev]");
        int l = query.ShapeSpan[^2], s = key.ShapeSpan[^2];
        // the queries scaled, not the scores: L·E multiplications instead of L·S (PyTorch orders it so too)
        var scores = (query * (1 / Math.Sqrt(query.ShapeSpan[^1]))).MatMul(key, transposeOther: true);
        if (isCausal) scores = scores + CausalMask(l, s, scores.DType);
        if (mask is not null) scores = scores + (mask.DType == scores.DType ? mask : mask.To(scores.DType));
        var weights = scores.Softmax(-1);
        if (dropout > 0 && random is not null) weights = weights.Dropout(dropout, random, true);
        return (weights.MatMul(value), weights);
    }

    /// <summary>The additive causal mask [L, S]: 0 where key j ≤ query i, −∞ above the diagonal.</summary>
    /// <param name="queries">L.</param>
    /// <param name="keys">S.</param>
    /// <param name="dtype">The mask's dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <example><c>Attention.CausalMask(2, 2)</c> is [[0, −∞], [0, 0]].</example>
    public static Tensor CausalMask(int queries, int keys, DType? dtype = null)
    {
        var m = new double[queries * keys];
        for (int i = 0; i < queries; i++)
            for (int j = i + 1; j < keys; j++) m[i * keys + j] = double.NegativeInfinity;
        return Tensor.FromArray(new[] { queries, keys }, m, dtype ?? Tensor.DefaultDType);
    }

    /// <summary>
    /// The additive mask [N, 1, 1, S] of a key padding mask [N, S] whose nonzero entries mark padding (PyTorch's
    /// <c>key_padding_mask</c> with True = ignore): −∞ at the padded keys, 0 elsewhere.
    /// </summary>
    /// <param name="keyPadding">[N, S], nonzero where a key is padding.</param>
    /// <param name="dtype">The mask's dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="TensorShapeException">The mask is not of rank 2.</exception>
    public static Tensor KeyPaddingMask(Tensor keyPadding, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(keyPadding);
        if (keyPadding.Rank != 2) throw new TensorShapeException($"attention: the key padding mask of shape {LayerChecks.Shape(keyPadding)} must be [N, S]");
        var m = keyPadding.ToArray();
        for (int i = 0; i < m.Length; i++) m[i] = m[i] != 0 ? double.NegativeInfinity : 0;
        return Tensor.FromArray(new[] { keyPadding.ShapeSpan[0], 1, 1, keyPadding.ShapeSpan[1] }, m, dtype ?? Tensor.DefaultDType);
    }
}

/// <summary>What <see cref="MultiheadAttention"/> returns: the output and the attention weights averaged over heads.</summary>
/// <param name="Output">[L, N, E], or [N, L, E] batch-first.</param>
/// <param name="Weights">[N, L, S], the heads' attention weights (after dropout) averaged, as PyTorch's default.</param>
public sealed record AttentionOutput(Tensor Output, Tensor Weights);

/// <summary>
/// Multi-head attention (PyTorch's <c>nn.MultiheadAttention</c> with its in-projection layout): q, k, v are projected
/// by the row blocks of <c>in_proj_weight</c> [3E, E] (+ <c>in_proj_bias</c> [3E]), split into H heads of E/H, attended
/// with <see cref="Attention.ScaledDotProduct"/>, joined and projected by <c>out_proj</c> [E, E] (+ [E]).
/// As a layer (<see cref="Forward(Tensor)"/>) it is self-attention.
/// </summary>
/// <example>
/// <code>
/// var mha = new MultiheadAttention(64, 4, batchFirst: true);
/// var r = mha.Forward(x, x, x, keyPaddingMask: pad, isCausal: true);   // r.Output [N, L, 64], r.Weights [N, L, L]
/// </code>
/// </example>
public sealed class MultiheadAttention : ITrainingModeLayer
{
    private readonly Parameter[] _parameters;
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="embedDim">E, the model width (of query, key and value).</param>
    /// <param name="numHeads">H, which must divide E.</param>
    /// <param name="dropout">Dropout on the attention weights while training.</param>
    /// <param name="bias">Whether the projections have biases (zeros at first).</param>
    /// <param name="batchFirst">Inputs and output [N, L, E] instead of [L, N, E].</param>
    /// <param name="initializer">Initializes in_proj_weight (fan-in E, fan-out 3E); null: Xavier uniform over [3E, E], as PyTorch.</param>
    /// <param name="random">The source of the initial weights and dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, H does not divide E, or the dropout is outside [0, 1].</exception>
    public MultiheadAttention(int embedDim, int numHeads, double dropout = 0, bool bias = true, bool batchFirst = false,
        Initializer? initializer = null, Random? random = null, DType? dtype = null)
        : this(embedDim, numHeads, dropout, bias, batchFirst, initializer, random, dtype, "") { }

    internal MultiheadAttention(int embedDim, int numHeads, double dropout, bool bias, bool batchFirst,
        Initializer? initializer, Random? random, DType? dtype, string prefix)
    {
        LayerChecks.Positive(embedDim, nameof(embedDim), "multihead_attention");
        LayerChecks.Positive(numHeads, nameof(numHeads), "multihead_attention");
        if (embedDim % numHeads != 0)
            throw new ArgumentOutOfRangeException(nameof(numHeads), $"multihead_attention: {numHeads} heads do not divide the width {embedDim}");
        LayerChecks.Probability(dropout, nameof(dropout), "multihead_attention");
        EmbedDim = embedDim;
        NumHeads = numHeads;
        Dropout = dropout;
        BatchFirst = batchFirst;
        _random = random ?? new Random(Random.Shared.Next());
        var dt = dtype ?? Tensor.DefaultDType;
        InProjWeight = new Parameter(prefix + "in_proj_weight",
            (initializer ?? Initializer.XavierUniform(_random)).Create(new[] { 3 * embedDim, embedDim }, embedDim, 3 * embedDim, dt));
        var outWeight = new FanInUniformInitializer(_random).Create(new[] { embedDim, embedDim }, embedDim, embedDim, dt);
        OutProjWeight = new Parameter(prefix + "out_proj.weight", outWeight);
        var list = new List<Parameter> { InProjWeight };
        if (bias)
        {
            InProjBias = new Parameter(prefix + "in_proj_bias", Tensor.Zeros(new[] { 3 * embedDim }, dt));
            OutProjBias = new Parameter(prefix + "out_proj.bias", Tensor.Zeros(new[] { embedDim }, dt));
            list.Add(InProjBias);
        }
        list.Add(OutProjWeight);
        if (OutProjBias is not null) list.Add(OutProjBias);
        _parameters = list.ToArray();
    }

    /// <summary>E, the model width.</summary>
    public int EmbedDim { get; }

    /// <summary>H, the number of heads.</summary>
    public int NumHeads { get; }

    /// <summary>Dropout on the attention weights while training.</summary>
    public double Dropout { get; }

    /// <summary>Whether inputs and output are [N, L, E] (else [L, N, E]).</summary>
    public bool BatchFirst { get; }

    /// <summary>in_proj_weight [3E, E]: the query, key and value projections stacked in rows.</summary>
    public Parameter InProjWeight { get; }

    /// <summary>in_proj_bias [3E], or null.</summary>
    public Parameter? InProjBias { get; }

    /// <summary>out_proj.weight [E, E].</summary>
    public Parameter OutProjWeight { get; }

    /// <summary>out_proj.bias [E], or null.</summary>
    public Parameter? OutProjBias { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Self-attention: the output of <c>Forward(x, x, x)</c>.</summary>
    public Tensor Forward(Tensor input) => Forward(input, input, input).Output;

    /// <summary>Attends from the queries to the keys and values.</summary>
    /// <param name="query">[L, N, E] ([N, L, E] batch-first).</param>
    /// <param name="key">[S, N, E] ([N, S, E]).</param>
    /// <param name="value">[S, N, E] ([N, S, E]).</param>
    /// <param name="keyPaddingMask">[N, S], nonzero at padded keys (ignored), or null.</param>
    /// <param name="attentionMask">An additive mask [L, S] or [N·H, L, S] (0 keep, −∞ drop), or null.</param>
    /// <param name="isCausal">Whether each query attends only to keys at or before its position.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer (the message names them).</exception>
    public AttentionOutput Forward(Tensor query, Tensor key, Tensor value, Tensor? keyPaddingMask = null, Tensor? attentionMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(query);
        ArgumentNullException.ThrowIfNull(key);
        ArgumentNullException.ThrowIfNull(value);
        int e = EmbedDim, h = NumHeads, hd = e / h;
        bool ok = query.Rank == 3 && key.Rank == 3 && value.Rank == 3 && query.ShapeSpan[2] == e && key.ShapeSpan[2] == e && value.ShapeSpan[2] == e
            && key.ShapeSpan[..2].SequenceEqual(value.ShapeSpan[..2]) && query.ShapeSpan[BatchFirst ? 0 : 1] == key.ShapeSpan[BatchFirst ? 0 : 1];
        if (!ok)
            throw new TensorShapeException(
                $"multihead_attention: query {LayerChecks.Shape(query)}, key {LayerChecks.Shape(key)} and value {LayerChecks.Shape(value)} must be {(BatchFirst ? "[N, L, E], [N, S, E], [N, S, E]" : "[L, N, E], [S, N, E], [S, N, E]")} with E = {e}");
        var q = BatchFirst ? query : query.Transpose(0, 1);
        int n = q.ShapeSpan[0], l = q.ShapeSpan[1];
        var w = InProjWeight.Value;
        var b = InProjBias?.Value;
        // one product per projection, on row blocks of in_proj (also for self-attention: narrowing one [N, L, 3E] product
        // instead would copy three [N, L, E] slices forward and back-propagate three zero-padded [N, L, 3E] gradients)
        var k = ReferenceEquals(key, query) ? q : BatchFirst ? key : key.Transpose(0, 1);
        var v = ReferenceEquals(value, query) ? q : ReferenceEquals(value, key) ? k : BatchFirst ? value : value.Transpose(0, 1);
        var qp = q.MatMul(w.Narrow(0, 0, e), transposeOther: true, bias: b?.Narrow(0, 0, e));
        var kp = k.MatMul(w.Narrow(0, e, e), transposeOther: true, bias: b?.Narrow(0, e, e));
        var vp = v.MatMul(w.Narrow(0, 2 * e, e), transposeOther: true, bias: b?.Narrow(0, 2 * e, e));
        int s = kp.ShapeSpan[1];
        Tensor Heads(Tensor t, int len) => t.Reshape(n, len, h, hd).Transpose(1, 2);   // [N, H, len, hd]
        var mask = Mask(keyPaddingMask, attentionMask, n, l, s, w.DType);
        var (o, weights) = Attention.WithWeights(Heads(qp, l), Heads(kp, s), Heads(vp, s), mask, isCausal,
            InferenceMode.Trains(Training) ? Dropout : 0, InferenceMode.Trains(Training) ? _random : null);
        var joined = o.Transpose(1, 2).Reshape(n, l, e);
        var output = joined.MatMul(OutProjWeight.Value, transposeOther: true, bias: OutProjBias?.Value);
        return new AttentionOutput(BatchFirst ? output : output.Transpose(0, 1), weights.Mean(1));
    }

    private Tensor? Mask(Tensor? keyPadding, Tensor? attention, int n, int l, int s, DType dtype)
    {
        Tensor? mask = null;
        if (keyPadding is not null)
        {
            if (keyPadding.Rank != 2 || keyPadding.ShapeSpan[0] != n || keyPadding.ShapeSpan[1] != s)
                throw new TensorShapeException($"multihead_attention: the key padding mask of shape {LayerChecks.Shape(keyPadding)} must be [{n}, {s}]");
            mask = Attention.KeyPaddingMask(keyPadding, dtype);
        }
        if (attention is not null)
        {
            Tensor a;
            if (attention.Rank == 2 && attention.ShapeSpan[0] == l && attention.ShapeSpan[1] == s) a = attention;
            else if (attention.Rank == 3 && attention.ShapeSpan[0] == n * NumHeads && attention.ShapeSpan[1] == l && attention.ShapeSpan[2] == s)
                a = attention.Reshape(n, NumHeads, l, s);
            else
                throw new TensorShapeException(
                    $"multihead_attention: the attention mask of shape {LayerChecks.Shape(attention)} must be [{l}, {s}] or [{n * NumHeads}, {l}, {s}]");
            mask = mask is null ? a : mask + a.To(dtype);
        }
        return mask;
    }

    /// <inheritdoc/>
    public override string ToString() => $"MultiheadAttention({EmbedDim}, heads={NumHeads})";
}

/// <summary>
/// A transformer encoder layer (PyTorch's <c>nn.TransformerEncoderLayer</c>): self-attention and a feed-forward block
/// linear2(dropout(activation(linear1(x)))), each with dropout and a residual connection. Post-norm (the default):
/// x = norm1(x + sa(x)); x = norm2(x + ff(x)). Pre-norm (<c>normFirst</c>): x = x + sa(norm1(x)); x = x + ff(norm2(x)).
/// </summary>
/// <example>
/// <code>
/// var enc = new TransformerEncoderLayer(128, 4, dimFeedforward: 512, batchFirst: true, normFirst: true);
/// var y = enc.Forward(x, srcKeyPaddingMask: pad, isCausal: true);   // x, y [N, L, 128]
/// </code>
/// </example>
public sealed class TransformerEncoderLayer : ITrainingModeLayer
{
    private readonly FeedForward _ff;
    private readonly Parameter[] _parameters;
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="modelDim">d_model, the width E.</param>
    /// <param name="numHeads">Attention heads (dividing d_model).</param>
    /// <param name="dimFeedforward">The feed-forward block's inner width (2048).</param>
    /// <param name="dropout">Dropout in the attention weights, after each block and inside the feed-forward (0.1).</param>
    /// <param name="activation">The feed-forward activation; null means ReLU (PyTorch's default; pass a GELU when one exists).</param>
    /// <param name="layerNormEps">The layer norms' eps.</param>
    /// <param name="batchFirst">Input and output [N, L, E] instead of [L, N, E].</param>
    /// <param name="normFirst">Pre-norm instead of post-norm.</param>
    /// <param name="bias">Whether the linear layers, attention and norms have biases.</param>
    /// <param name="random">The source of the initial weights and dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the heads do not divide d_model, or the dropout is outside [0, 1].</exception>
    public TransformerEncoderLayer(int modelDim, int numHeads, int dimFeedforward = 2048, double dropout = 0.1, Activation? activation = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, bool bias = true, Random? random = null, DType? dtype = null)
    {
        LayerChecks.Positive(dimFeedforward, nameof(dimFeedforward), "transformer_encoder_layer");
        LayerChecks.Probability(dropout, nameof(dropout), "transformer_encoder_layer");
        _random = random ?? new Random(Random.Shared.Next());
        var dt = dtype ?? Tensor.DefaultDType;
        ModelDim = modelDim;
        DropoutProbability = dropout;
        BatchFirst = batchFirst;
        NormFirst = normFirst;
        SelfAttention = new MultiheadAttention(modelDim, numHeads, dropout, bias, batchFirst, null, _random, dt, "self_attn.");
        _ff = new FeedForward(modelDim, dimFeedforward, activation ?? Activation.Relu(), new FanInUniformInitializer(_random), bias, dt);
        Norm1 = new LayerNorm(new[] { modelDim }, layerNormEps, true, bias, dt, "norm1.");
        Norm2 = new LayerNorm(new[] { modelDim }, layerNormEps, true, bias, dt, "norm2.");
        _parameters = SelfAttention.Parameters.Concat(_ff.Parameters)
            .Concat(Norm1.Parameters).Concat(Norm2.Parameters).ToArray();
    }

    /// <summary>d_model.</summary>
    public int ModelDim { get; }

    /// <summary>The dropout probability.</summary>
    public double DropoutProbability { get; }

    /// <summary>The feed-forward activation.</summary>
    public Activation Activation => _ff.Activation;

    /// <summary>Whether input and output are [N, L, E].</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether the layer norms come before the blocks (pre-norm).</summary>
    public bool NormFirst { get; }

    /// <summary>The self-attention block.</summary>
    public MultiheadAttention SelfAttention { get; }

    /// <summary>The norm of the attention block.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm of the feed-forward block.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>linear1.weight [F, E].</summary>
    public Parameter Linear1Weight => _ff.Linear1.Weight;

    /// <summary>linear1.bias [F], or null.</summary>
    public Parameter? Linear1Bias => _ff.Linear1.Bias;

    /// <summary>linear2.weight [E, F].</summary>
    public Parameter Linear2Weight => _ff.Linear2.Weight;

    /// <summary>linear2.bias [E], or null.</summary>
    public Parameter? Linear2Bias => _ff.Linear2.Bias;

    /// <inheritdoc/>
    public bool Training
    {
        get => SelfAttention.Training;
        set => SelfAttention.Training = value;
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>The layer on x without masks.</summary>
    public Tensor Forward(Tensor input) => Forward(input, null, null, false);

    /// <summary>The layer on <paramref name="src"/> with optional masks.</summary>
    /// <param name="src">[L, N, E] ([N, L, E] batch-first).</param>
    /// <param name="srcMask">An additive attention mask [L, L] or [N·H, L, L], or null.</param>
    /// <param name="srcKeyPaddingMask">[N, L], nonzero at padding, or null.</param>
    /// <param name="isCausal">Whether each position attends only to itself and earlier ones.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer.</exception>
    public Tensor Forward(Tensor src, Tensor? srcMask, Tensor? srcKeyPaddingMask = null, bool isCausal = false)
    {
        ArgumentNullException.ThrowIfNull(src);
        Tensor Sa(Tensor x) => Drop(SelfAttention.Forward(x, x, x, srcKeyPaddingMask, srcMask, isCausal).Output);
        Tensor Ff(Tensor x) => Drop(_ff.Apply(x, Drop));
        var y = src;
        if (NormFirst)
        {
            y = y + Sa(Norm1.Forward(y));
            return y + Ff(Norm2.Forward(y));
        }
        y = Norm1.Forward(y + Sa(y));
        return Norm2.Forward(y + Ff(y));
    }

    private Tensor Drop(Tensor x) => InferenceMode.Trains(Training) && DropoutProbability > 0 ? x.Dropout(DropoutProbability, _random, true) : x;

    /// <inheritdoc/>
    public override string ToString() => $"TransformerEncoderLayer({ModelDim}, heads={SelfAttention.NumHeads}, {(NormFirst ? "pre" : "post")}-norm)";
}

/// <summary>A residual connection around a block: y = x + block(x) (the block must keep the shape).</summary>
/// <example><c>new Residual(new Sequential(new LayerNorm(64), new Dense(64, 64, activation: Activation.Relu())))</c></example>
public sealed class Residual : ITrainingModeLayer
{
    private bool _training = true;

    /// <summary>Wraps <paramref name="body"/>.</summary>
    /// <param name="body">The block; its output must have its input's shape.</param>
    public Residual(ILayer body)
    {
        ArgumentNullException.ThrowIfNull(body);
        Body = body;
    }

    /// <summary>The block.</summary>
    public ILayer Body { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Body.Parameters;

    /// <summary>Whether the block is in training mode (set through to it).</summary>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            if (Body is ITrainingModeLayer t) t.Training = value;
        }
    }

    /// <summary>x + block(x).</summary>
    /// <exception cref="TensorShapeException">The block changes the shape.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var y = Body.Forward(input);
        if (!y.ShapeSpan.SequenceEqual(input.ShapeSpan))
            throw new TensorShapeException($"residual: the block {Body} maps {LayerChecks.Shape(input)} to {LayerChecks.Shape(y)}; it must keep the shape");
        return input + y;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Residual({Body})";
}
