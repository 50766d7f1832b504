using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>A 2-D max-pooling layer over [N, C, H, W] (see <see cref="Tensor.MaxPool2d(int, int?, int)"/>).</summary>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Step between windows; null means the kernel size.</param>
/// <param name="padding">Padding on every side (ignored by the maximum).</param>
public sealed class MaxPool(int kernelSize, int? stride = null, int padding = 0) : ILayer
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Padding on every side.</summary>
    public int Padding { get; } = padding;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.MaxPool2d(KernelSize, Stride, Padding);
    }

    /// <inheritdoc/>
    public override string ToString() => $"MaxPool({KernelSize}, stride {Stride}, padding {Padding})";
}

/// <summary>A 2-D average-pooling layer over [N, C, H, W] (see <see cref="Tensor.AvgPool2d(int, int?, int)"/>).</summary>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Step between windows; null means the kernel size.</param>
/// <param name="padding">Zero padding on every side (counted in the average).</param>
public sealed class AvgPool(int kernelSize, int? stride = null, int padding = 0) : ILayer
{
    /// <summary>Window height and width.</summary>
    public int KernelSize { get; } = kernelSize;

    /// <summary>Step between windows.</summary>
    public int Stride { get; } = stride ?? kernelSize;

    /// <summary>Zero padding on every side.</summary>
    public int Padding { get; } = padding;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.AvgPool2d(KernelSize, Stride, Padding);
    }

    /// <inheritdoc/>
    public override string ToString() => $"AvgPool({KernelSize}, stride {Stride}, padding {Padding})";
}
