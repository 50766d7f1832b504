using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// A fully-connected layer: y = activation(x · Wᵀ + b), with weights W [out, in] and bias b [out]
/// (the seed's <c>Dense</c>). The product and the bias are one fused GEMM.
/// </summary>
/// <example>
/// <code>
/// var l1 = new Dense(784, 256, Initializer.He(seed: 1), Activation.Relu());
/// var h = l1.Forward(x);   // x [batch, 784] -> h [batch, 256]
/// </code>
/// </example>
public sealed class Dense : ILayer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates a dense layer; like the seed, the bias is drawn from the same initializer as the weights.</summary>
    /// <param name="inputSize">Features per input row.</param>
    /// <param name="outputSize">Features per output row.</param>
    /// <param name="initializer">Initializes the weights (fan-in = inputSize, fan-out = outputSize); null means He.</param>
    /// <param name="activation">Applied to the output; null means none.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="biasInitializer">Initializes the bias; null means <paramref name="initializer"/> (the seed's choice).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>
    /// (<c>new Dense(2, 64, dtype: DType.Float32)</c>).</param>
    /// <exception cref="ArgumentOutOfRangeException">A size is below 1.</exception>
    public Dense(int inputSize, int outputSize, Initializer? initializer = null, Activation? activation = null,
        bool bias = true, Initializer? biasInitializer = null, DType? dtype = null)
    {
        if (inputSize < 1) throw new ArgumentOutOfRangeException(nameof(inputSize), $"dense: the input size must be at least 1, got {inputSize}");
        if (outputSize < 1) throw new ArgumentOutOfRangeException(nameof(outputSize), $"dense: the output size must be at least 1, got {outputSize}");
        initializer ??= Initializer.He();
        var dt = dtype ?? Tensor.DefaultDType;
        InputSize = inputSize;
        OutputSize = outputSize;
        Activation = activation;
        Weights = new Parameter("weight", initializer.Create(new[] { outputSize, inputSize }, inputSize, outputSize, dt));
        if (bias)
        {
            Bias = new Parameter("bias", (biasInitializer ?? initializer).Create(new[] { outputSize }, inputSize, outputSize, dt));
            _parameters = new[] { Weights, Bias };
        }
        else _parameters = new[] { Weights };
    }

    /// <summary>Features per input row.</summary>
    public int InputSize { get; }

    /// <summary>Features per output row.</summary>
    public int OutputSize { get; }

    /// <summary>The weights [out, in].</summary>
    public Parameter Weights { get; }

    /// <summary>The bias [out], or null for a layer without bias.</summary>
    public Parameter? Bias { get; }

    /// <summary>The activation applied to the output, or null.</summary>
    public Activation? Activation { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>y = activation(x · Wᵀ + b) for x [..., in]; the result is [..., out].</summary>
    /// <exception cref="TensorShapeException">The input's last dimension is not <see cref="InputSize"/>.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0 || input.ShapeSpan[^1] != InputSize)
            throw new TensorShapeException(
                $"dense: the input of shape {Tensor.FormatShape(input.ShapeSpan)} must end in the layer's input size {InputSize}");
        var y = input.MatMul(Weights.Value, transposeOther: true, bias: Bias?.Value);
        return Activation is null ? y : Activation.Apply(y);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dense({InputSize} -> {OutputSize}{(Activation is null ? "" : ", " + Activation.Name)})";
}
