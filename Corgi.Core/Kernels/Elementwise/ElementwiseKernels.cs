using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>
/// Element-wise kernels with NumPy broadcasting over raw row-major buffers. No graph, no allocation per
/// element: the innermost run of each broadcast is handed to a SIMD <see cref="IBinaryOperator"/>.
/// </summary>
internal static class ElementwiseKernels
{
    /// <summary>d = op(x, y) where x, y broadcast to <paramref name="outShape"/>; d has the output's size.</summary>
    public static void Binary<TOp, T>(
        ReadOnlySpan<T> x, ReadOnlySpan<int> xShape, ReadOnlySpan<T> y, ReadOnlySpan<int> yShape,
        ReadOnlySpan<int> outShape, Span<T> d)
        where TOp : IBinaryOperator where T : IFloatingPointIeee754<T>
    {
        if (d.Length == 0) return;
        if (d.Length == 1) { d[0] = TOp.Apply(x[0], y[0]); return; }
        if (x.Length == d.Length && y.Length == d.Length) { TOp.Apply(x, y, d); return; }
        if (y.Length == 1 && x.Length == d.Length) { TOp.Apply(x, y[0], d); return; }
        if (x.Length == 1 && y.Length == d.Length) { TOp.Apply(x[0], y, d); return; }

        // General case: coalesce the broadcast view into as few dimensions as possible, then walk the
        // outer dimensions with an odometer and apply the operator to each contiguous inner run.
        Span<int> dims = stackalloc int[outShape.Length];
        Span<int> xs = stackalloc int[outShape.Length];
        Span<int> ys = stackalloc int[outShape.Length];
        int rank = Coalesce(outShape, ShapeUtil.BroadcastStrides(xShape, outShape), ShapeUtil.BroadcastStrides(yShape, outShape), dims, xs, ys);

        int inner = dims[rank - 1];
        int xInner = xs[rank - 1], yInner = ys[rank - 1];
        Span<int> counter = stackalloc int[rank];
        int xo = 0, yo = 0;
        for (int o = 0; o < d.Length; o += inner)
        {
            var dst = d.Slice(o, inner);
            if (xInner == 1 && yInner == 1) TOp.Apply(x.Slice(xo, inner), y.Slice(yo, inner), dst);
            else if (xInner == 1) TOp.Apply(x.Slice(xo, inner), y[yo], dst);
            else if (yInner == 1) TOp.Apply(x[xo], y.Slice(yo, inner), dst);
            else
            {
                dst.Fill(x[xo]);
                TOp.Apply(dst, y[yo], dst);
            }
            // advance the odometer over the outer dimensions
            for (int k = rank - 2; k >= 0; k--)
            {
                xo += xs[k]; yo += ys[k];
                if (++counter[k] < dims[k]) break;
                xo -= xs[k] * dims[k]; yo -= ys[k] * dims[k];
                counter[k] = 0;
            }
        }
    }

    /// <summary>
    /// Merges adjacent dimensions that are contiguous for every operand (and drops size-1 dimensions),
    /// so a [64,32] + [32] broadcast walks 64 runs of 32, and [2,3,4] + [2,3,4] is a single run.
    /// </summary>
    internal static int Coalesce(ReadOnlySpan<int> shape, ReadOnlySpan<int> s1, ReadOnlySpan<int> s2,
        Span<int> dims, Span<int> o1, Span<int> o2)
    {
        int r = 0;
        for (int i = 0; i < shape.Length; i++)
        {
            if (shape[i] == 1) continue;
            if (r > 0 && s1[i] * shape[i] == o1[r - 1] && s2[i] * shape[i] == o2[r - 1])
            {
                dims[r - 1] *= shape[i];
                o1[r - 1] = s1[i];
                o2[r - 1] = s2[i];
                continue;
            }
            dims[r] = shape[i]; o1[r] = s1[i]; o2[r] = s2[i];
            r++;
        }
        if (r == 0) { dims[0] = 1; o1[0] = 1; o2[0] = 1; r = 1; }
        return r;
    }

    /// <summary>
    /// Copies a strided view of <paramref name="src"/> (strides may be 0 for broadcast axes) into the
    /// contiguous buffer <paramref name="dst"/> of shape <paramref name="shape"/>. Used by broadcastTo,
    /// permute/transpose and narrow.
    /// </summary>
    public static void StridedCopy<T>(ReadOnlySpan<T> src, int offset, ReadOnlySpan<int> srcStrides,
        ReadOnlySpan<int> shape, Span<T> dst) where T : IFloatingPointIeee754<T>
    {
        if (dst.Length == 0) return;
        Span<int> dims = stackalloc int[Math.Max(1, shape.Length)];
        Span<int> ss = stackalloc int[Math.Max(1, shape.Length)];
        Span<int> ds = stackalloc int[Math.Max(1, shape.Length)];
        int rank = Coalesce(shape, srcStrides, ShapeUtil.Strides(shape), dims, ss, ds);
        int inner = dims[rank - 1];
        int sInner = ss[rank - 1];
        Span<int> counter = stackalloc int[rank];
        int so = offset;
        for (int o = 0; o < dst.Length; o += inner)
        {
            var run = dst.Slice(o, inner);
            if (sInner == 1) src.Slice(so, inner).CopyTo(run);
            else if (sInner == 0) run.Fill(src[so]);
            else for (int j = 0, p = so; j < inner; j++, p += sInner) run[j] = src[p];
            for (int k = rank - 2; k >= 0; k--)
            {
                so += ss[k];
                if (++counter[k] < dims[k]) break;
                so -= ss[k] * dims[k];
                counter[k] = 0;
            }
        }
    }
}
