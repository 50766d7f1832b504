using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// A transformer decoder layer (PyTorch's <c>nn.TransformerDecoderLayer</c>): self-attention over the target (usually
/// with a causal mask), cross-attention from the target to a memory (the encoder's output), and a feed-forward block
/// linear2(dropout(activation(linear1(x)))), each followed by dropout and a residual connection.
/// Post-norm (the default): x = norm1(x + sa(x)); x = norm2(x + mha(x, memory)); x = norm3(x + ff(x)).
/// Pre-norm (<c>normFirst</c>): x = x + sa(norm1(x)); x = x + mha(norm2(x), memory); x = x + ff(norm3(x)).
/// </summary>
/// <example>
/// <code>
/// var dec = new TransformerDecoderLayer(128, 4, dimFeedforward: 512, batchFirst: true, normFirst: true);
/// var y = dec.Forward(tgt, memory, tgtIsCausal: true);   // tgt, y [N, T, 128], memory [N, S, 128]
/// </code>
/// </example>
public sealed class TransformerDecoderLayer : ITrainingModeLayer
{
    private readonly FeedForward _ff;
    private readonly Parameter[] _parameters;
    private readonly Random _random;

    /// <summary>Creates the layer.</summary>
    /// <param name="modelDim">d_model, the width E (of the target and of the memory).</param>
    /// <param name="numHeads">Attention heads of both attention blocks (dividing d_model).</param>
    /// <param name="dimFeedforward">The feed-forward block's inner width (2048).</param>
    /// <param name="dropout">Dropout in the attention weights, after each block and inside the feed-forward (0.1).</param>
    /// <param name="activation">The feed-forward activation; null means ReLU (PyTorch's default).</param>
    /// <param name="layerNormEps">The layer norms' eps.</param>
    /// <param name="batchFirst">Target, memory and output [N, L, E] instead of [L, N, E].</param>
    /// <param name="normFirst">Pre-norm instead of post-norm.</param>
    /// <param name="bias">Whether the linear layers, attentions and norms have biases.</param>
    /// <param name="random">The source of the initial weights and dropout masks; null: unseeded.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1, the heads do not divide d_model, or the dropout is outside [0, 1].</exception>
    public TransformerDecoderLayer(int modelDim, int numHeads, int dimFeedforward = 2048, double dropout = 0.1, Activation? activation = null,
        double layerNormEps = 1e-5, bool batchFirst = false, bool normFirst = false, bool bias = true, Random? random = null, DType? dtype = null)
    {
        LayerChecks.Positive(dimFeedforward, nameof(dimFeedforward), "transformer_decoder_layer");
        LayerChecks.Probability(dropout, nameof(dropout), "transformer_decoder_layer");
        _random = random ?? new Random(Random.Shared.Next());
        var dt = dtype ?? Tensor.DefaultDType;
        ModelDim = modelDim;
        DropoutProbability = dropout;
        BatchFirst = batchFirst;
        NormFirst = normFirst;
        SelfAttention = new MultiheadAttention(modelDim, numHeads, dropout, bias, batchFirst, null, _random, dt, "self_attn.");
        CrossAttention = new MultiheadAttention(modelDim, numHeads, dropout, bias, batchFirst, null, _random, dt, "multihead_attn.");
        _ff = new FeedForward(modelDim, dimFeedforward, activation ?? Activation.Relu(), new FanInUniformInitializer(_random), bias, dt);
        Norm1 = new LayerNorm(new[] { modelDim }, layerNormEps, true, bias, dt, "norm1.");
        Norm2 = new LayerNorm(new[] { modelDim }, layerNormEps, true, bias, dt, "norm2.");
        Norm3 = new LayerNorm(new[] { modelDim }, layerNormEps, true, bias, dt, "norm3.");
        // PyTorch's order of named_parameters
        _parameters = SelfAttention.Parameters.Concat(CrossAttention.Parameters).Concat(_ff.Parameters)
            .Concat(Norm1.Parameters).Concat(Norm2.Parameters).Concat(Norm3.Parameters).ToArray();
    }

    /// <summary>d_model.</summary>
    public int ModelDim { get; }

    /// <summary>The dropout probability.</summary>
    public double DropoutProbability { get; }

    /// <summary>The feed-forward activation.</summary>
    public Activation Activation => _ff.Activation;

    /// <summary>Whether target, memory and output are [N, L, E].</summary>
    public bool BatchFirst { get; }

    /// <summary>Whether the layer norms come before the blocks (pre-norm).</summary>
    public bool NormFirst { get; }

    /// <summary>The self-attention block over the target (PyTorch's <c>self_attn</c>).</summary>
    public MultiheadAttention SelfAttention { get; }

    /// <summary>The cross-attention block from the target to the memory (PyTorch's <c>multihead_attn</c>).</summary>
    public MultiheadAttention CrossAttention { get; }

    /// <summary>The norm of the self-attention block.</summary>
    public LayerNorm Norm1 { get; }

    /// <summary>The norm of the cross-attention block.</summary>
    public LayerNorm Norm2 { get; }

    /// <summary>The norm of the feed-forward block.</summary>
    public LayerNorm Norm3 { get; }

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
        set
        {
            SelfAttention.Training = value;
            CrossAttention.Training = value;
        }
    }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>
    /// The layer with the input as both target and memory, without masks (a decoder needs a memory; this form exists
    /// so the layer fits <see cref="ILayer"/>: pass the memory with <see cref="Forward(Tensor, Tensor, Tensor?, Tensor?, Tensor?, Tensor?, bool, bool)"/>).
    /// </summary>
    public Tensor Forward(Tensor input) => Forward(input, input);

    /// <summary>The layer on <paramref name="tgt"/>, attending to <paramref name="memory"/>, with optional masks.</summary>
    /// <param name="tgt">The target [T, N, E] ([N, T, E] batch-first).</param>
    /// <param name="memory">The memory [S, N, E] ([N, S, E] batch-first), e.g. the encoder's output.</param>
    /// <param name="tgtMask">An additive mask [T, T] or [N·H, T, T] of the self-attention (0 keep, −∞ drop), or null.</param>
    /// <param name="memoryMask">An additive mask [T, S] or [N·H, T, S] of the cross-attention, or null.</param>
    /// <param name="tgtKeyPaddingMask">[N, T], nonzero at padded target positions, or null.</param>
    /// <param name="memoryKeyPaddingMask">[N, S], nonzero at padded memory positions, or null.</param>
    /// <param name="tgtIsCausal">Whether each target position attends only to itself and earlier ones in the self-attention.</param>
    /// <param name="memoryIsCausal">Whether target position i attends only to memory positions 0..i in the cross-attention.</param>
    /// <exception cref="TensorShapeException">A shape does not fit the layer (the message names them).</exception>
    public Tensor Forward(Tensor tgt, Tensor memory, Tensor? tgtMask = null, Tensor? memoryMask = null, Tensor? tgtKeyPaddingMask = null,
        Tensor? memoryKeyPaddingMask = null, bool tgtIsCausal = false, bool memoryIsCausal = false)
    {
        ArgumentNullException.ThrowIfNull(tgt);
        ArgumentNullException.ThrowIfNull(memory);
        Tensor Sa(Tensor x) => Drop(SelfAttention.Forward(x, x, x, tgtKeyPaddingMask, tgtMask, tgtIsCausal).Output);
        Tensor Ca(Tensor x) => Drop(CrossAttention.Forward(x, memory, memory, memoryKeyPaddingMask, memoryMask, memoryIsCausal).Output);
        Tensor Ff(Tensor x) => Drop(_ff.Apply(x, Drop));
        var y = tgt;
        if (NormFirst)
        {
            y = y + Sa(Norm1.Forward(y));
            y = y + Ca(Norm2.Forward(y));
            return y + Ff(Norm3.Forward(y));
        }
        y = Norm1.Forward(y + Sa(y));
        y = Norm2.Forward(y + Ca(y));
        return Norm3.Forward(y + Ff(y));
    }

    private Tensor Drop(Tensor x) => InferenceMode.Trains(Training) && DropoutProbability > 0 ? x.Dropout(DropoutProbability, _random, true) : x;

    /// <inheritdoc/>
    public override string ToString() => $"TransformerDecoderLayer({ModelDim}, heads={SelfAttention.NumHeads}, {(NormFirst ? "pre" : "post")}-norm)";
}
