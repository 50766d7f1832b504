using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// Flattens every dimension after the batch dimension: [N, d1, d2, ...] → [N, d1·d2·...] (row-major,
/// so a [N, C, H, W] image flattens channel by channel, as in PyTorch). Shares the values (no copy).
/// </summary>
public sealed class Flatten : ILayer
{
    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <inheritdoc/>
    /// <exception cref="TensorShapeException">The input has rank 0.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank == 0) throw new TensorShapeException("flatten: needs an input with a batch dimension, got a scalar");
        return input.Rank == 1 ? input.Reshape(input.Count, 1) : input.Flatten(1);
    }

    /// <inheritdoc/>
    public override string ToString() => "Flatten()";
}
