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
}
