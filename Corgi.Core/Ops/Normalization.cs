using System;
using Corgi.Kernels;

namespace Corgi;

// Normalizations fused into one op each.
public sealed partial class Tensor
{
    /// <summary>
    /// Layer normalization over the last dimensions (<c>torch.nn.functional.layer_norm</c>): each slice over
    /// <paramref name="normalizedShape"/> becomes (x - mean) / sqrt(var + eps) (biased variance), times
    /// <paramref name="weight"/> and plus <paramref name="bias"/> when given.
    /// </summary>
    /// <param name="normalizedShape">The sizes of the last dimensions to normalize over (at least one).</param>
    /// <param name="weight">γ, of the normalized shape, or null.</param>
    /// <param name="bias">β, of the normalized shape, or null.</param>
    /// <param name="eps">Added to the variance, at least 0.</param>
    /// <exception cref="TensorShapeException">The input does not end in the normalized shape, or γ or β is not of it.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The normalized shape is empty, or eps is negative or NaN.</exception>
    /// <remarks>
    /// One op with kernels for the values and for all three gradients (dx = r (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)) with
    /// x̂ the normalized input, r the reciprocal deviation and ĝ = g γ), instead of about eight element-wise ops
    /// forward and fifteen backward; a backward pass that records its graph differentiates the same formula written
    /// with tensor ops. Inputs of different dtypes take that tensor-op form directly (it promotes them).
    /// </remarks>
    public Tensor LayerNorm(int[] normalizedShape, Tensor? weight = null, Tensor? bias = null, double eps = 1e-5)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0)
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"layer_norm: the normalized shape is empty (input {ShapeUtil.Format(_shape)})");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"layer_norm: eps must be non-negative, got {eps}");
        bool fits = normalizedShape.Length <= Rank;
        for (int i = 0; fits && i < normalizedShape.Length; i++) fits = _shape[Rank - normalizedShape.Length + i] == normalizedShape[i];
        if (!fits)
            throw new TensorShapeException($"layer_norm: the input of shape {ShapeUtil.Format(_shape)} must end in the normalized shape {ShapeUtil.Format(normalizedShape)}");
        foreach (var (p, name) in new[] { (weight, "weight"), (bias, "bias") })
            if (p is not null && !ShapeUtil.SameShape(p._shape, normalizedShape))
                throw new TensorShapeException(
                    $"layer_norm: the {name} of shape {ShapeUtil.Format(p._shape)} must have the normalized shape {ShapeUtil.Format(normalizedShape)} (input {ShapeUtil.Format(_shape)})");
        var dims = new int[normalizedShape.Length];
        for (int i = 0; i < dims.Length; i++) dims[i] = Rank - normalizedShape.Length + i;
        if ((weight is not null && weight._dtype != _dtype) || (bias is not null && bias._dtype != _dtype))
            return LayerNormDefinition(this, weight, bias, dims, eps);
        int d = ShapeUtil.Count(normalizedShape), rows = d == 0 ? 0 : Count / d;
        var inputs = new Tensor[1 + (weight is null ? 0 : 1) + (bias is null ? 0 : 1)];
        inputs[0] = this;
        if (weight is not null) inputs[1] = weight;
        if (bias is not null) inputs[^1] = bias;
        return _dtype == DType.Float32
            ? LayerNormFused<float>(inputs, weight is not null, bias is not null, rows, d, dims, eps)
            : LayerNormFused<double>(inputs, weight is not null, bias is not null, rows, d, dims, eps);
    }

    private static Tensor LayerNormFused<T>(Tensor[] inputs, bool hasWeight, bool hasBias, int rows, int d, int[] dims, double eps)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var x = inputs[0];
        var weight = hasWeight ? inputs[1] : null;
        var bias = hasBias ? inputs[^1] : null;
        var y = Buffers.Uninitialized<T>(x.Count);
        var mean = new T[rows];
        var rstd = new T[rows];
        NormalizationKernels.LayerNormForward<T>(x.Values<T>(), rows, d, weight is null ? default : weight.Values<T>(),
            bias is null ? default : bias.Values<T>(), T.CreateTruncating(eps), y, mean, rstd);
        return FusedResult("layer_norm", y, x._shape, inputs, g =>
        {
            var dx = Buffers.Uninitialized<T>(x.Count);
            var dw = weight is not null && weight._tracked ? new T[d] : null;
            var db = bias is not null && bias._tracked ? new T[d] : null;
            NormalizationKernels.LayerNormBackward<T>(g.Values<T>(), x.Values<T>(), rows, d, weight is null ? default : weight.Values<T>(),
                mean, rstd, dx, dw, db);
            var grads = new Tensor?[inputs.Length];
            grads[0] = new Tensor(dx, x._shape);
            if (dw is not null) grads[1] = new Tensor(dw, weight!._shape);
            if (db is not null) grads[^1] = new Tensor(db, bias!._shape);
            return grads;
        }, xs => LayerNormDefinition(xs[0], hasWeight ? xs[1] : null, hasBias ? xs[^1] : null, dims, eps));
    }

    /// <summary>Layer normalization written with tensor ops: what the fused op computes, and its derivative's definition.</summary>
    internal static Tensor LayerNormDefinition(Tensor x, Tensor? weight, Tensor? bias, int[] dims, double eps)
    {
        var centered = x - x.Mean(dims, keepDim: true);
        var variance = centered.Square().Mean(dims, keepDim: true);
        var y = centered / (variance + eps).Sqrt();
        if (weight is not null) y = y * weight;
        if (bias is not null) y = y + bias;
        return y;
    }
}
