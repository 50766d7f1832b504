using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// A 2-D convolution layer (the seed's <c>Conv</c>, plus padding): y = activation(conv2d(x, filters) + b)
/// with filters [out channels, in channels, kh, kw] and bias [out channels], over inputs [N, C, H, W].
/// The whole batch is one im2col + GEMM.
/// </summary>
/// <example>
/// <code>
/// var conv = new Conv(1, 8, kernelSize: 3, initializer: Initializer.He(seed: 1), activation: Activation.Relu());
/// var y = conv.Forward(images);   // [32, 1, 28, 28] -> [32, 8, 26, 26]
/// </code>
/// </example>
public sealed class Conv : ILayer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates a convolution layer with square kernels.</summary>
    /// <param name="inChannels">Channels of the input images.</param>
    /// <param name="outChannels">Number of filters (channels of the output).</param>
    /// <param name="kernelSize">Height and width of each filter.</param>
    /// <param name="stride">Step between windows.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="initializer">Initializes filters (fan-in = inChannels·k², fan-out = outChannels·k²) and, like the seed, the bias unless <paramref name="biasInitializer"/> is given; null means He.</param>
    /// <param name="activation">Applied to the output; null means none.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="biasInitializer">Initializes the bias; null means <paramref name="initializer"/> (the seed's choice).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    public Conv(int inChannels, int outChannels, int kernelSize, int stride = 1, int padding = 0,
        Initializer? initializer = null, Activation? activation = null, bool bias = true, Initializer? biasInitializer = null,
        DType? dtype = null)
        : this((outChannels, inChannels, kernelSize, kernelSize), (stride, stride), (padding, padding), initializer, activation, bias, biasInitializer, dtype)
    {
    }

    /// <summary>
    /// The seed's form: filter dimensions (filters, image depth, rows, columns) and stride (rows, columns),
    /// plus padding (rows, columns).
    /// </summary>
    /// <param name="filterDimensions">(filters, channels, kernel height, kernel width).</param>
    /// <param name="stride">(vertical, horizontal) step.</param>
    /// <param name="padding">(vertical, horizontal) zero padding.</param>
    /// <param name="initializer">Initializes filters and bias; null means He.</param>
    /// <param name="activation">Applied to the output; null means none.</param>
    /// <param name="bias">Whether the layer has a bias.</param>
    /// <param name="biasInitializer">Initializes the bias; null means <paramref name="initializer"/> (the seed's choice).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension or stride is below 1, or a padding is negative.</exception>
    public Conv((int Filters, int Channels, int Height, int Width) filterDimensions, (int Height, int Width) stride,
        (int Height, int Width) padding = default, Initializer? initializer = null, Activation? activation = null, bool bias = true,
        Initializer? biasInitializer = null, DType? dtype = null)
    {
        var (o, c, kh, kw) = filterDimensions;
        if (o < 1 || c < 1 || kh < 1 || kw < 1)
            throw new ArgumentOutOfRangeException(nameof(filterDimensions), $"conv: filter dimensions must be at least 1, got ({o},{c},{kh},{kw})");
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"conv: the stride must be at least 1, got ({stride.Height},{stride.Width})");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"conv: the padding must not be negative, got ({padding.Height},{padding.Width})");
        initializer ??= Initializer.He();
        var dt = dtype ?? Tensor.DefaultDType;
        Stride = stride;
        Padding = padding;
        Activation = activation;
        Filters = new Parameter("weight", initializer.Create(new[] { o, c, kh, kw }, c * kh * kw, o * kh * kw, dt));
        if (bias)
        {
            Bias = new Parameter("bias", (biasInitializer ?? initializer).Create(new[] { o }, c * kh * kw, o * kh * kw, dt));
            _parameters = new[] { Filters, Bias };
        }
        else _parameters = new[] { Filters };
    }

    /// <summary>The filters [out channels, in channels, kh, kw].</summary>
    public Parameter Filters { get; }

    /// <summary>The bias [out channels], or null.</summary>
    public Parameter? Bias { get; }

    /// <summary>(vertical, horizontal) stride.</summary>
    public (int Height, int Width) Stride { get; }

    /// <summary>(vertical, horizontal) zero padding.</summary>
    public (int Height, int Width) Padding { get; }

    /// <summary>The activation applied to the output, or null.</summary>
    public Activation? Activation { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>activation(conv2d(x, filters) + bias) for x [N, C, H, W].</summary>
    /// <remarks>With <see cref="NN.Activation.Relu"/> this is one fused op, <see cref="Tensor.Conv2dRelu(Tensor, Tensor?, int, int)"/>.</remarks>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (Activation is { IsRelu: true }) return input.Conv2dRelu(Filters.Value, Bias?.Value, Stride, Padding);
        var y = input.Conv2d(Filters.Value, Bias?.Value, Stride, Padding);
        return Activation is null ? y : Activation.Apply(y);
    }

    /// <inheritdoc/>
    public override string ToString()
    {
        var s = Filters.Value.ShapeSpan;
        return $"Conv({s[1]} -> {s[0]}, {s[2]}x{s[3]}, stride {Stride}, padding {Padding}{(Activation is null ? "" : ", " + Activation.Name)})";
    }
}
