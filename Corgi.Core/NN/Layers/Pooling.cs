using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>What the pooling layers share: a square window, a stride, padding, and no parameters.</summary>
public abstract class Pool2dLayer : ILayer
{
    /// <summary>Sets the window; a null stride means the kernel size.</summary>
    protected Pool2dLayer(int kernelSize, int? stride, int padding)
    {
        KernelSize = kernelSize;
        Stride = stride ?? kernelSize;
        Padding = padding;
    }

    /// <summary>Window height and width.</summary>
    public int KernelSize { get; }

    /// <summary>Step between windows.</summary>
    public int Stride { get; }

    /// <summary>Padding on every side.</summary>
    public int Padding { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return Pool(input);
    }

    /// <summary>The pooling op itself, on [N, C, H, W].</summary>
    protected abstract Tensor Pool(Tensor input);

    /// <inheritdoc/>
    public override string ToString() => $"{GetType().Name}({KernelSize}, stride {Stride}, padding {Padding})";
}

/// <summary>A 2-D max-pooling layer over [N, C, H, W] (see <see cref="Tensor.MaxPool2d(int, int?, int)"/>).</summary>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Step between windows; null means the kernel size.</param>
/// <param name="padding">Padding on every side (ignored by the maximum).</param>
public sealed class MaxPool(int kernelSize, int? stride = null, int padding = 0) : Pool2dLayer(kernelSize, stride, padding)
{
    /// <inheritdoc/>
    protected override Tensor Pool(Tensor input) => input.MaxPool2d(KernelSize, Stride, Padding);
}

/// <summary>A 2-D average-pooling layer over [N, C, H, W] (see <see cref="Tensor.AvgPool2d(int, int?, int)"/>).</summary>
/// <param name="kernelSize">Window height and width.</param>
/// <param name="stride">Step between windows; null means the kernel size.</param>
/// <param name="padding">Zero padding on every side (counted in the average).</param>
public sealed class AvgPool(int kernelSize, int? stride = null, int padding = 0) : Pool2dLayer(kernelSize, stride, padding)
{
    /// <inheritdoc/>
    protected override Tensor Pool(Tensor input) => input.AvgPool2d(KernelSize, Stride, Padding);
}
