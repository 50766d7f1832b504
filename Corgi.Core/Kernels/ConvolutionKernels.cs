using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>
/// The geometry of a 2-D sliding window over [batch, channels, height, width] images: kernel size,
/// stride, zero padding and the resulting output size. Shared by convolution and pooling.
/// </summary>
internal readonly record struct Window2d(
    int Batch, int Channels, int Height, int Width,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadHeight, int PadWidth)
{
    public int OutHeight => (Height + 2 * PadHeight - KernelHeight) / StrideHeight + 1;
    public int OutWidth => (Width + 2 * PadWidth - KernelWidth) / StrideWidth + 1;

    /// <summary>Output positions per image (OutHeight * OutWidth).</summary>
    public int OutArea => OutHeight * OutWidth;

    /// <summary>Rows of the column matrix: channels * kernel height * kernel width.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>The valid output columns [lo, hi) for kernel column kj: those whose input column is inside the image.</summary>
    public (int Lo, int Hi) ValidColumns(int kj)
    {
        // iw = ow * sw + kj - pw must lie in [0, W)
        int lo = Math.Max(0, CeilDiv(PadWidth - kj, StrideWidth));
        int hi = Math.Min(OutWidth, CeilDiv(Width + PadWidth - kj, StrideWidth));
        return (lo, Math.Max(lo, hi));
    }

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/// <summary>
/// im2col / col2im and pooling kernels over raw row-major buffers (no graph).
/// </summary>
/// <remarks>
/// The column matrix has shape [C*KH*KW, N*OH*OW]: row (c, ki, kj) holds, for every image n and output
/// position (oh, ow), the input value x[n, c, oh*sh + ki - ph, ow*sw + kj - pw] (0 in the padding). A
/// convolution of the whole batch is then one matrix product filters[O, C*KH*KW] · cols, and its output
/// [O, N*OH*OW] needs only a block permutation (runs of OH*OW values) to become [N, O, OH, OW].
/// </remarks>
internal static class ConvolutionKernels
{
    /// <summary>cols = im2col(x); cols must be zeroed or freshly allocated (padding entries are written as 0 anyway).</summary>
    public static void Im2Col<T>(ReadOnlySpan<T> x, in Window2d w, Span<T> cols) where T : IFloatingPointIeee754<T>
    {
        int oh = w.OutHeight, ow = w.OutWidth, area = w.OutArea, rowLength = w.Batch * area;
        int hw = w.Height * w.Width;
        for (int c = 0; c < w.Channels; c++)
            for (int ki = 0; ki < w.KernelHeight; ki++)
                for (int kj = 0; kj < w.KernelWidth; kj++)
                {
                    int row = (c * w.KernelHeight + ki) * w.KernelWidth + kj;
                    var dstRow = cols.Slice(row * rowLength, rowLength);
                    var (lo, hi) = w.ValidColumns(kj);
                    for (int n = 0; n < w.Batch; n++)
                    {
                        var src = x.Slice((n * w.Channels + c) * hw, hw);
                        for (int i = 0; i < oh; i++)
                        {
                            var dst = dstRow.Slice(n * area + i * ow, ow);
                            int ih = i * w.StrideHeight + ki - w.PadHeight;
                            if ((uint)ih >= (uint)w.Height || lo >= hi) { dst.Clear(); continue; }
                            dst.Slice(0, lo).Clear();
                            dst.Slice(hi).Clear();
                            int start = ih * w.Width + lo * w.StrideWidth + kj - w.PadWidth;
                            if (w.StrideWidth == 1) src.Slice(start, hi - lo).CopyTo(dst.Slice(lo, hi - lo));
                            else
                                for (int j = lo, p = start; j < hi; j++, p += w.StrideWidth) dst[j] = src[p];
                        }
                    }
                }
    }

    /// <summary>x += col2im(cols): the adjoint of <see cref="Im2Col{T}"/> (overlapping windows add up); x must start zeroed.</summary>
    public static void Col2Im<T>(ReadOnlySpan<T> cols, in Window2d w, Span<T> x) where T : IFloatingPointIeee754<T>
    {
        int oh = w.OutHeight, ow = w.OutWidth, area = w.OutArea, rowLength = w.Batch * area;
        int hw = w.Height * w.Width;
        for (int c = 0; c < w.Channels; c++)
            for (int ki = 0; ki < w.KernelHeight; ki++)
                for (int kj = 0; kj < w.KernelWidth; kj++)
                {
                    int row = (c * w.KernelHeight + ki) * w.KernelWidth + kj;
                    var srcRow = cols.Slice(row * rowLength, rowLength);
                    var (lo, hi) = w.ValidColumns(kj);
                    if (lo >= hi) continue;
                    for (int n = 0; n < w.Batch; n++)
                    {
                        var dst = x.Slice((n * w.Channels + c) * hw, hw);
                        for (int i = 0; i < oh; i++)
                        {
                            int ih = i * w.StrideHeight + ki - w.PadHeight;
                            if ((uint)ih >= (uint)w.Height) continue;
                            var src = srcRow.Slice(n * area + i * ow, ow);
                            int start = ih * w.Width + lo * w.StrideWidth + kj - w.PadWidth;
                            if (w.StrideWidth == 1)
                            {
                                var d = dst.Slice(start, hi - lo);
                                System.Numerics.Tensors.TensorPrimitives.Add(d, src.Slice(lo, hi - lo), d);
                            }
                            else
                                for (int j = lo, p = start; j < hi; j++, p += w.StrideWidth) dst[p] += src[j];
                        }
                    }
                }
    }

    /// <summary>
    /// Max pooling: y[n, c, i, j] = max over the window (padding never wins), and the flat input index of
    /// the maximum (the first one on ties) in <paramref name="argmax"/>. A window entirely in the padding
    /// gives 0 and index -1.
    /// </summary>
    public static void MaxPool<T>(ReadOnlySpan<T> x, in Window2d w, Span<T> y, Span<int> argmax) where T : IFloatingPointIeee754<T>
    {
        int oh = w.OutHeight, ow = w.OutWidth, hw = w.Height * w.Width;
        int o = 0;
        for (int plane = 0; plane < w.Batch * w.Channels; plane++)
        {
            int baseIndex = plane * hw;
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, o++)
                {
                    T best = T.NegativeInfinity;
                    int at = -1;
                    for (int ki = 0; ki < w.KernelHeight; ki++)
                    {
                        int ih = i * w.StrideHeight + ki - w.PadHeight;
                        if ((uint)ih >= (uint)w.Height) continue;
                        for (int kj = 0; kj < w.KernelWidth; kj++)
                        {
                            int iw = j * w.StrideWidth + kj - w.PadWidth;
                            if ((uint)iw >= (uint)w.Width) continue;
                            int p = baseIndex + ih * w.Width + iw;
                            // NaN propagates: a NaN in the window is the maximum
                            if (at < 0 || x[p] > best || T.IsNaN(x[p]) && !T.IsNaN(best)) { best = x[p]; at = p; }
                        }
                    }
                    y[o] = at < 0 ? T.Zero : best;
                    argmax[o] = at;
                }
        }
    }

    /// <summary>Average pooling with zero padding counted in the divisor (kernel height * width), like PyTorch's default.</summary>
    public static void AvgPool<T>(ReadOnlySpan<T> x, in Window2d w, Span<T> y) where T : IFloatingPointIeee754<T>
    {
        int oh = w.OutHeight, ow = w.OutWidth, hw = w.Height * w.Width;
        T scale = T.One / T.CreateChecked(w.KernelHeight * w.KernelWidth);
        int o = 0;
        for (int plane = 0; plane < w.Batch * w.Channels; plane++)
        {
            var src = x.Slice(plane * hw, hw);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, o++)
                {
                    T sum = T.Zero;
                    for (int ki = 0; ki < w.KernelHeight; ki++)
                    {
                        int ih = i * w.StrideHeight + ki - w.PadHeight;
                        if ((uint)ih >= (uint)w.Height) continue;
                        for (int kj = 0; kj < w.KernelWidth; kj++)
                        {
                            int iw = j * w.StrideWidth + kj - w.PadWidth;
                            if ((uint)iw < (uint)w.Width) sum += src[ih * w.Width + iw];
                        }
                    }
                    y[o] = sum * scale;
                }
        }
    }

    /// <summary>x += the adjoint of <see cref="AvgPool{T}"/> applied to g: each g[o] / (KH*KW) spread over its window.</summary>
    public static void AvgPoolAdjoint<T>(ReadOnlySpan<T> g, in Window2d w, Span<T> x) where T : IFloatingPointIeee754<T>
    {
        int oh = w.OutHeight, ow = w.OutWidth, hw = w.Height * w.Width;
        T scale = T.One / T.CreateChecked(w.KernelHeight * w.KernelWidth);
        int o = 0;
        for (int plane = 0; plane < w.Batch * w.Channels; plane++)
        {
            var dst = x.Slice(plane * hw, hw);
            for (int i = 0; i < oh; i++)
                for (int j = 0; j < ow; j++, o++)
                {
                    T v = g[o] * scale;
                    for (int ki = 0; ki < w.KernelHeight; ki++)
                    {
                        int ih = i * w.StrideHeight + ki - w.PadHeight;
                        if ((uint)ih >= (uint)w.Height) continue;
                        for (int kj = 0; kj < w.KernelWidth; kj++)
                        {
                            int iw = j * w.StrideWidth + kj - w.PadWidth;
                            if ((uint)iw < (uint)w.Width) dst[ih * w.Width + iw] += v;
                        }
                    }
                }
        }
    }

    /// <summary>d[i] = x[index[i]] (0 where index is -1).</summary>
    public static void Gather<T>(ReadOnlySpan<T> x, ReadOnlySpan<int> index, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < index.Length; i++) d[i] = index[i] < 0 ? T.Zero : x[index[i]];
    }

    /// <summary>x[index[i]] += g[i] (skipping index -1); the adjoint of <see cref="Gather{T}"/>.</summary>
    public static void ScatterAdd<T>(ReadOnlySpan<T> g, ReadOnlySpan<int> index, Span<T> x) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < index.Length; i++)
            if (index[i] >= 0) x[index[i]] += g[i];
    }
}
