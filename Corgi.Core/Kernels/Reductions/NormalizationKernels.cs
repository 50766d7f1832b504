using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>Layer normalization over the last d elements of each row, forward and backward, on raw buffers.</summary>
internal static class NormalizationKernels
{
    /// <summary>
    /// y = (x - μ) r γ + β for each of <paramref name="rows"/> rows of <paramref name="d"/> elements, with μ the row's mean and
    /// r = 1 / sqrt(σ² + eps) (σ² the biased variance, computed from the centered row); γ and β may be empty (none).
    /// The rows' μ and r are written to <paramref name="mean"/> and <paramref name="rstd"/> for the backward pass.
    /// </summary>
    public static void LayerNormForward<T>(ReadOnlySpan<T> x, int rows, int d, ReadOnlySpan<T> weight, ReadOnlySpan<T> bias, T eps,
        Span<T> y, Span<T> mean, Span<T> rstd)
        where T : IFloatingPointIeee754<T>
    {
        T n = T.CreateTruncating(d);
        for (int r = 0; r < rows; r++)
        {
            var row = x.Slice(r * d, d);
            var o = y.Slice(r * d, d);
            T mu = TensorPrimitives.Sum(row) / n;
            TensorPrimitives.Subtract(row, mu, o);
            T rs = T.One / T.Sqrt(TensorPrimitives.SumOfSquares<T>(o) / n + eps);
            TensorPrimitives.Multiply(o, rs, o);
            if (!weight.IsEmpty)
            {
                if (!bias.IsEmpty) TensorPrimitives.MultiplyAdd(o, weight, bias, o);
                else TensorPrimitives.Multiply(o, weight, o);
            }
            else if (!bias.IsEmpty) TensorPrimitives.Add(o, bias, o);
            mean[r] = mu;
            rstd[r] = rs;
        }
    }

    /// <summary>
    /// The gradients of layer normalization for the upstream <paramref name="g"/>: with x̂ = (x - μ) r and ĝ = g γ (or g),
    /// dx = r (ĝ - mean(ĝ) - x̂ mean(ĝ x̂)) per row; dγ = Σ_rows g x̂ and dβ = Σ_rows g when those spans are not empty.
    /// </summary>
    public static void LayerNormBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, int rows, int d, ReadOnlySpan<T> weight,
        ReadOnlySpan<T> mean, ReadOnlySpan<T> rstd, Span<T> dx, Span<T> dWeight, Span<T> dBias)
        where T : IFloatingPointIeee754<T>
    {
        dWeight.Clear();
        dBias.Clear();
        T n = T.CreateTruncating(d);
        var scratch = new T[2 * d];
        var xhat = scratch.AsSpan(0, d);
        var gw = scratch.AsSpan(d, d);
        for (int r = 0; r < rows; r++)
        {
            var gr = g.Slice(r * d, d);
            var o = dx.Slice(r * d, d);
            T rs = rstd[r];
            TensorPrimitives.Subtract(x.Slice(r * d, d), mean[r], xhat);
            TensorPrimitives.Multiply(xhat, rs, xhat);
            if (!dBias.IsEmpty) TensorPrimitives.Add(dBias, gr, dBias);
            if (!dWeight.IsEmpty) TensorPrimitives.MultiplyAdd(gr, xhat, dWeight, dWeight);
            if (!weight.IsEmpty) TensorPrimitives.Multiply(gr, weight, gw);
            else gr.CopyTo(gw);
            T a = TensorPrimitives.Sum<T>(gw) / n;
            T b = TensorPrimitives.Dot<T>(gw, xhat) / n;
            // o = r (ĝ - a - x̂ b)
            TensorPrimitives.MultiplyAdd(xhat, -b, gw, o);
            TensorPrimitives.Add(o, -a, o);
            TensorPrimitives.Multiply(o, rs, o);
        }
    }
}
