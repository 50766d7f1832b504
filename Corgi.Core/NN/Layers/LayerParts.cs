using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// PyTorch's default initializer for linear, recurrent and attention output weights: uniform in
/// ±1/sqrt(fan_in) (what <c>nn.Linear</c>'s kaiming_uniform(a = √5) and <c>nn.LSTM</c>'s reset_parameters give).
/// </summary>
/// <example><c>new Lstm(8, 16, initializer: new FanInUniformInitializer(seed: 1))</c></example>
public sealed class FanInUniformInitializer : Initializer
{
    private readonly Random _random;

    /// <summary>Draws from a seeded random source.</summary>
    /// <param name="seed">The seed.</param>
    public FanInUniformInitializer(int seed) : this(new Random(seed)) { }

    /// <summary>Draws from <paramref name="random"/> (null: an unseeded source).</summary>
    /// <param name="random">The random source.</param>
    public FanInUniformInitializer(Random? random = null) => _random = random ?? new Random(Random.Shared.Next());

    /// <inheritdoc/>
    public override Tensor Create(int[] shape, int fanIn, int fanOut) => Create(shape, fanIn, fanOut, Tensor.DefaultDType);

    /// <inheritdoc/>
    public override Tensor Create(int[] shape, int fanIn, int fanOut, DType dtype)
    {
        double bound = 1.0 / Math.Sqrt(Math.Max(1, fanIn));
        lock (_random) return Tensor.RandomUniform(shape, _random, -bound, bound, dtype);
    }

    /// <inheritdoc/>
    public override string ToString() => "fan_in_uniform";
}

/// <summary>x · Wᵀ + b with PyTorch-named parameters ("{prefix}weight", "{prefix}bias"), for composite layers.</summary>
internal sealed class Linear
{
    public Linear(string prefix, int inputSize, int outputSize, Initializer init, bool bias, DType dtype)
    {
        InputSize = inputSize;
        OutputSize = outputSize;
        Weight = new Parameter(prefix + "weight", init.Create(new[] { outputSize, inputSize }, inputSize, outputSize, dtype));
        if (bias) Bias = new Parameter(prefix + "bias", init.Create(new[] { outputSize }, inputSize, outputSize, dtype));
    }

    public int InputSize { get; }
    public int OutputSize { get; }
    public Parameter Weight { get; }
    public Parameter? Bias { get; }

    public Parameter[] Parameters => Bias is null ? new[] { Weight } : new[] { Weight, Bias };

    public Tensor Apply(Tensor x) => x.MatMul(Weight.Value, transposeOther: true, bias: Bias?.Value);
}

/// <summary>
/// A transformer layer's feed-forward block, linear2(dropout(activation(linear1(x)))), with PyTorch's parameter names
/// (linear1.*, linear2.*): shared by the encoder and decoder layers, which own the dropout.
/// </summary>
internal sealed class FeedForward
{
    public FeedForward(int modelDim, int dimFeedforward, Activation activation, Initializer init, bool bias, DType dtype)
    {
        Activation = activation;
        Linear1 = new Linear("linear1.", modelDim, dimFeedforward, init, bias, dtype);
        Linear2 = new Linear("linear2.", dimFeedforward, modelDim, init, bias, dtype);
    }

    public Activation Activation { get; }
    public Linear Linear1 { get; }
    public Linear Linear2 { get; }

    /// <summary>linear1's parameters, then linear2's.</summary>
    public IEnumerable<Parameter> Parameters => Linear1.Parameters.Concat(Linear2.Parameters);

    /// <summary>linear2(drop(activation(linear1(x)))).</summary>
    public Tensor Apply(Tensor x, Func<Tensor, Tensor> drop) => Linear2.Apply(drop(Activation.Apply(Linear1.Apply(x))));
}

internal static class LayerChecks
{
    /// <summary>
    /// The last <c>normalizedShape.Length</c> dimensions of <paramref name="input"/>, the ones a layer or RMS norm
    /// normalizes over, after checking that the input's shape ends in <paramref name="normalizedShape"/>.
    /// </summary>
    public static int[] TrailingDims(string op, Tensor input, int[] normalizedShape)
    {
        int k = normalizedShape.Length, r = input.Rank;
        if (r < k || !input.ShapeSpan[(r - k)..].SequenceEqual(normalizedShape))
            throw new TensorShapeException(
                $"{op}: the input of shape {Shape(input)} must end in the normalized shape {Tensor.FormatShape(normalizedShape)}");
        var dims = new int[k];
        for (int i = 0; i < k; i++) dims[i] = r - k + i;
        return dims;
    }

    public static void Positive(int value, string name, string layer)
    {
        if (value < 1) throw new ArgumentOutOfRangeException(name, $"{layer}: {name} must be at least 1, got {value}");
    }

    public static void Probability(double p, string name, string layer)
    {
        if (!(p >= 0 && p <= 1)) throw new ArgumentOutOfRangeException(name, $"{layer}: {name} must be in [0, 1], got {p}");
    }

    public static string Shape(Tensor t) => Tensor.FormatShape(t.ShapeSpan);
}
