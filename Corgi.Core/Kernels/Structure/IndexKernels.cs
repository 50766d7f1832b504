using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>
/// Index maps for the gather/scatter family: each builds, for every output element, the flat position of the
/// source element it reads (-1: none, the output is 0 there). The ops then run one gather through
/// <see cref="ConvolutionKernels.Gather{T}"/>, whose adjoint is the matching scatter-add.
/// </summary>
internal static class IndexKernels
{
    /// <summary>
    /// flat[p] = Σ_d offsets[d][p_d] over the output's multi-index p, or -1 when any offsets[d][p_d] is negative
    /// (offsets[d][i] is source coordinate × source stride of dimension d, or -1 for "outside").
    /// The last dimension runs innermost, so a row costs one addition per element.
    /// </summary>
    public static void Outer(int[][] offsets, Span<int> flat)
    {
        int rank = offsets.Length;
        if (flat.Length == 0) return;
        if (rank == 0) { flat[0] = 0; return; }
        var last = offsets[rank - 1];
        int rowLength = last.Length, rows = flat.Length / rowLength;
        Span<int> counter = stackalloc int[rank];
        for (int r = 0; r < rows; r++)
        {
            int baseOffset = 0;
            for (int d = 0; d < rank - 1; d++)
            {
                int o = offsets[d][counter[d]];
                if (o < 0 || baseOffset < 0) baseOffset = -1;
                else baseOffset += o;
            }
            var row = flat.Slice(r * rowLength, rowLength);
            if (baseOffset < 0) row.Fill(-1);
            else
                for (int j = 0; j < rowLength; j++) row[j] = last[j] < 0 ? -1 : baseOffset + last[j];
            for (int d = rank - 2; d >= 0; d--)
            {
                if (++counter[d] < offsets[d].Length) break;
                counter[d] = 0;
            }
        }
    }

    /// <summary>
    /// For every element p of an index tensor of shape <paramref name="shape"/>: the flat position in a tensor with
    /// strides <paramref name="strides"/> of the element at p with coordinate <paramref name="dim"/> replaced by
    /// along[p] (gather/scatter's addressing), and, in <paramref name="same"/> when not empty, the flat position of p
    /// itself in a tensor with strides <paramref name="sameStrides"/>.
    /// </summary>
    public static void Along(ReadOnlySpan<int> along, int[] shape, int dim, int[] strides, Span<int> flat, int[] sameStrides, Span<int> same)
    {
        int rank = shape.Length;
        Span<int> counter = stackalloc int[rank];
        for (int p = 0; p < along.Length; p++)
        {
            int f = 0, s = 0;
            for (int d = 0; d < rank; d++)
            {
                f += (d == dim ? along[p] : counter[d]) * strides[d];
                if (!same.IsEmpty) s += counter[d] * sameStrides[d];
            }
            flat[p] = f;
            if (!same.IsEmpty) same[p] = s;
            for (int d = rank - 1; d >= 0; d--)
            {
                if (++counter[d] < shape[d]) break;
                counter[d] = 0;
            }
        }
    }

    /// <summary>
    /// Adaptive max pooling's arg-max: for each of <paramref name="planes"/> planes of h × w and each output cell
    /// (i, j) of oh × ow, the flat position of the first maximum of rows [⌊i·h/oh⌋, ⌈(i+1)·h/oh⌉) and columns
    /// likewise (NaN wins, as in PyTorch).
    /// </summary>
    public static void AdaptiveArgMax<T>(ReadOnlySpan<T> x, int planes, int h, int w, int oh, int ow, Span<int> argmax)
        where T : IFloatingPointIeee754<T>
    {
        int o = 0;
        for (int p = 0; p < planes; p++)
        {
            int plane = p * h * w;
            for (int i = 0; i < oh; i++)
            {
                int r0 = i * h / oh, r1 = ((i + 1) * h + oh - 1) / oh;
                for (int j = 0; j < ow; j++)
                {
                    int c0 = j * w / ow, c1 = ((j + 1) * w + ow - 1) / ow;
                    int best = plane + r0 * w + c0;
                    T m = x[best];
                    for (int r = r0; r < r1 && !T.IsNaN(m); r++)
                    {
                        var row = x.Slice(plane + r * w, w);
                        for (int c = c0; c < c1; c++)
                            if (row[c] > m || T.IsNaN(row[c])) { m = row[c]; best = plane + r * w + c; if (T.IsNaN(m)) break; }
                    }
                    argmax[o++] = best;
                }
            }
        }
    }
    /// <summary>
    /// Linear interpolation along the middle axis of x viewed as [outer, n, inner]:
    /// y[o, i, k] = (1 - w[i]) · x[o, i0[i], k] + w[i] · x[o, i1[i], k], for i in [0, m) (m = i0.Length).
    /// Rows (inner &gt; 1) are mixed with whole-row SIMD operations; y is overwritten.
    /// </summary>
    public static void LerpAlong<T>(ReadOnlySpan<T> x, int outer, int n, int inner, int[] i0, int[] i1, double[] w, Span<T> y)
        where T : IFloatingPointIeee754<T>
    {
        int m = i0.Length;
        for (int o = 0; o < outer; o++)
        {
            var src = x.Slice(o * n * inner, n * inner);
            var dst = y.Slice(o * m * inner, m * inner);
            if (inner == 1)
                for (int i = 0; i < m; i++)
                {
                    // (1 - w) a + w b, as the row path and PyTorch: a sample of ±∞ with weight 1 stays ±∞
                    T wi = T.CreateTruncating(w[i]);
                    dst[i] = (T.One - wi) * src[i0[i]] + wi * src[i1[i]];
                }
            else
                for (int i = 0; i < m; i++)
                {
                    var d = dst.Slice(i * inner, inner);
                    T wi = T.CreateTruncating(w[i]);
                    System.Numerics.Tensors.TensorPrimitives.Multiply(src.Slice(i0[i] * inner, inner), T.One - wi, d);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(src.Slice(i1[i] * inner, inner), wi, d, d);
                }
        }
    }

    /// <summary>
    /// The adjoint of <see cref="LerpAlong{T}"/>: dx[o, i0[i], k] += (1 - w[i]) · g[o, i, k] and
    /// dx[o, i1[i], k] += w[i] · g[o, i, k]. dx ([outer, n, inner]) must start zeroed.
    /// </summary>
    public static void LerpAlongAdjoint<T>(ReadOnlySpan<T> g, int outer, int n, int inner, int[] i0, int[] i1, double[] w, Span<T> dx)
        where T : IFloatingPointIeee754<T>
    {
        int m = i0.Length;
        for (int o = 0; o < outer; o++)
        {
            var src = g.Slice(o * m * inner, m * inner);
            var dst = dx.Slice(o * n * inner, n * inner);
            if (inner == 1)
                for (int i = 0; i < m; i++)
                {
                    T wi = T.CreateTruncating(w[i]);
                    dst[i0[i]] += (T.One - wi) * src[i];
                    dst[i1[i]] += wi * src[i];
                }
            else
                for (int i = 0; i < m; i++)
                {
                    var s = src.Slice(i * inner, inner);
                    T wi = T.CreateTruncating(w[i]);
                    var a = dst.Slice(i0[i] * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(s, T.One - wi, a, a);
                    var b = dst.Slice(i1[i] * inner, inner);
                    System.Numerics.Tensors.TensorPrimitives.MultiplyAdd(s, wi, b, b);
                }
        }
    }
}
