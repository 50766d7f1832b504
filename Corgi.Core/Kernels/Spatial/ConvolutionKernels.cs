using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using Corgi.LinearAlgebra;

namespace Corgi.Kernels;

/// <summary>
/// The geometry of a 2-D sliding window over [batch, channels, height, width] images: kernel size,
/// stride, zero padding, dilation (the spacing of the kernel's taps) and channel groups (convolution only,
/// pooling keeps 1 and 1) and the resulting output size. Shared by convolution and pooling.
/// </summary>
internal readonly record struct Window2d(
    int Batch, int Channels, int Height, int Width,
    int KernelHeight, int KernelWidth, int StrideHeight, int StrideWidth, int PadHeight, int PadWidth,
    int DilationHeight = 1, int DilationWidth = 1, int Groups = 1)
{
    public int OutHeight => (Height + 2 * PadHeight - SpanHeight) / StrideHeight + 1;
    public int OutWidth => (Width + 2 * PadWidth - SpanWidth) / StrideWidth + 1;

    /// <summary>The rows a dilated kernel covers: DilationHeight · (KernelHeight - 1) + 1.</summary>
    public int SpanHeight => DilationHeight * (KernelHeight - 1) + 1;

    /// <summary>The columns a dilated kernel covers: DilationWidth · (KernelWidth - 1) + 1.</summary>
    public int SpanWidth => DilationWidth * (KernelWidth - 1) + 1;

    /// <summary>Output positions per image (OutHeight * OutWidth).</summary>
    public int OutArea => OutHeight * OutWidth;

    /// <summary>Rows of the column matrix: channels * kernel height * kernel width.</summary>
    public int PatchSize => Channels * KernelHeight * KernelWidth;

    /// <summary>Rows of the column matrix per channel group (a filter's length): PatchSize / Groups.</summary>
    public int GroupPatchSize => PatchSize / Groups;

    /// <summary>The valid output rows [top, bottom) for kernel row ki: those whose input row is inside the image.</summary>
    public (int Top, int Bottom) ValidRows(int ki)
    {
        int top = Math.Max(0, CeilDiv(PadHeight - ki * DilationHeight, StrideHeight));
        int bottom = Math.Min(OutHeight, CeilDiv(Height + PadHeight - ki * DilationHeight, StrideHeight));
        return (top, Math.Max(top, bottom));
    }

    /// <summary>The valid output columns [lo, hi) for kernel column kj: those whose input column is inside the image.</summary>
    public (int Lo, int Hi) ValidColumns(int kj)
    {
        // iw = ow * sw + kj * dw - pw must lie in [0, W)
        int lo = Math.Max(0, CeilDiv(PadWidth - kj * DilationWidth, StrideWidth));
        int hi = Math.Min(OutWidth, CeilDiv(Width + PadWidth - kj * DilationWidth, StrideWidth));
        return (lo, Math.Max(lo, hi));
    }

    private static int CeilDiv(int a, int b) => a >= 0 ? (a + b - 1) / b : -((-a) / b);
}

/// <summary>
/// Convolution (im2col / col2im with matrix products) and pooling kernels over raw row-major buffers (no graph).
/// </summary>
/// <remarks>
/// The column matrix of a batch has shape [C*KH*KW, N*OH*OW]: row (c, ki, kj) holds, for every image n and
/// output position (oh, ow), the input value x[n, c, oh*sh + ki*dh - ph, ow*sw + kj*dw - pw] (0 in the padding).
/// The convolution kernels build it one image at a time (Batch = 1: [C*KH*KW, OH*OW], in a pooled
/// scratch buffer that stays in cache), so that the product filters[O, C*KH*KW] · cols of image n is
/// written straight into block n of the [N, O, OH, OW] result, with no transposition afterwards.
/// </remarks>
internal static class ConvolutionKernels
{
    /// <summary>
    /// y = conv2d(x, filters) (+ bias): per image n, y[n] = filters[O, CK] · im2col(x[n])[CK, P] (+ bias[o] on row o).
    /// An empty <paramref name="bias"/> means none. With <paramref name="relu"/>, y = max(y, 0); with a
    /// non-empty <paramref name="gate"/> [N, O, P], y = y where gate &gt; 0, else 0. Either is applied to
    /// image n right after its product, while that block is still in cache. y is overwritten.
    /// </summary>
    /// <remarks>
    /// The bias rides in the product: the column matrix gets a row of ones and the filters a column holding
    /// the bias ([O, CK+1] · [CK+1, P]), so the result is written once, by the GEMM, instead of being filled
    /// with the bias first and then updated.
    /// </remarks>
    public static void Convolve<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> filters, ReadOnlySpan<T> bias,
        in Window2d w, int outChannels, bool relu, ReadOnlySpan<T> gate, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.Groups > 1) { ConvolveGrouped(x, filters, bias, w, outChannels, relu, gate, y); return; }
        int ck = w.PatchSize, area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        bool hasBias = !bias.IsEmpty, direct = IsPointwise(w) && !hasBias;
        int rows = hasBias ? ck + 1 : ck;
        int filterLength = outChannels * rows;
        T[]? scratch = direct ? null : ArrayPool<T>.Shared.Rent(rows * area + filterLength);
        try
        {
            ReadOnlySpan<T> weights = filters;
            Span<T> cols = default;
            if (!direct)
            {
                cols = scratch.AsSpan(0, rows * area);
                if (hasBias)
                {
                    // [filters | bias] and the row of ones under the columns (written once; im2col leaves it alone)
                    var augmented = scratch.AsSpan(rows * area, filterLength);
                    for (int o = 0; o < outChannels; o++)
                    {
                        filters.Slice(o * ck, ck).CopyTo(augmented.Slice(o * rows, ck));
                        augmented[o * rows + ck] = bias[o];
                    }
                    weights = augmented;
                    cols.Slice(ck * area, area).Fill(T.One);
                }
            }
            for (int n = 0; n < w.Batch; n++)
            {
                var xn = x.Slice(n * image, image);
                ReadOnlySpan<T> b = xn;
                if (!direct)
                {
                    if (IsPointwise(w)) xn.CopyTo(cols);
                    else Im2Col<T>(xn, one, cols.Slice(0, ck * area));
                    b = cols;
                }
                var yn = y.Slice(n * block, block);
                Gemm.RowMajor(false, false, outChannels, area, rows, T.One, weights, b, T.Zero, yn);
                if (relu) TensorPrimitives.Max(yn, T.Zero, yn);
                else if (!gate.IsEmpty) UnaryKernels.KeepWherePositive<T>(yn, gate.Slice(n * block, block), yn);
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// dx = the adjoint of x ↦ conv2d(x, filters) applied to g [N, O, P]: per image,
    /// col2im(filtersᵀ[CK, O] · g[n][O, P]). A non-empty <paramref name="gate"/> [N, O, P] first keeps g
    /// only where gate &gt; 0 (image by image, in a scratch block). dx is overwritten.
    /// </summary>
    public static void ConvolveInputGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> filters, in Window2d w,
        int outChannels, ReadOnlySpan<T> gate, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.Groups > 1) { ConvolveInputGradientGrouped(g, filters, w, outChannels, gate, dx); return; }
        int ck = w.PatchSize, area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        bool pointwise = IsPointwise(w), gated = !gate.IsEmpty;
        int colsLength = pointwise ? 0 : ck * area;
        if (!pointwise) dx.Clear();
        T[]? scratch = pointwise && !gated ? null : ArrayPool<T>.Shared.Rent(colsLength + (gated ? block : 0));
        try
        {
            var cols = pointwise ? default : scratch.AsSpan(0, colsLength);
            var gatedBlock = gated ? scratch.AsSpan(colsLength, block) : default;
            for (int n = 0; n < w.Batch; n++)
            {
                ReadOnlySpan<T> gn = g.Slice(n * block, block);
                if (gated)
                {
                    UnaryKernels.KeepWherePositive<T>(gn, gate.Slice(n * block, block), gatedBlock);
                    gn = gatedBlock;
                }
                if (pointwise)
                    Gemm.RowMajor(true, false, ck, area, outChannels, T.One, filters, gn, T.Zero, dx.Slice(n * image, image));
                else
                {
                    Gemm.RowMajor(true, false, ck, area, outChannels, T.One, filters, gn, T.Zero, cols);
                    Col2Im<T>(cols, one, dx.Slice(n * image, image));
                }
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// dW = the adjoint of filters ↦ conv2d(x, filters) applied to g [N, O, P]:
    /// Σ_n g[n][O, P] · im2col(x[n])ᵀ[P, CK]. A non-empty <paramref name="gate"/> [N, O, P] first keeps g
    /// only where gate &gt; 0 (image by image, in a scratch block). dW [O, CK] is overwritten.
    /// </summary>
    public static void ConvolveFilterGradient<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, in Window2d w,
        int outChannels, ReadOnlySpan<T> gate, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (w.Groups > 1) { ConvolveFilterGradientGrouped(x, g, w, outChannels, gate, dw); return; }
        int ck = w.PatchSize, area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        bool direct = IsPointwise(w), gated = !gate.IsEmpty;
        if (w.Batch == 0) { dw.Clear(); return; }
        int colsLength = direct ? 0 : ck * area;
        T[]? scratch = direct && !gated ? null : ArrayPool<T>.Shared.Rent(colsLength + (gated ? block : 0));
        try
        {
            var gatedBlock = gated ? scratch.AsSpan(colsLength, block) : default;
            for (int n = 0; n < w.Batch; n++)
            {
                var xn = x.Slice(n * image, image);
                ReadOnlySpan<T> cols = xn;
                if (!direct)
                {
                    Im2Col<T>(xn, one, scratch.AsSpan(0, colsLength));
                    cols = scratch.AsSpan(0, colsLength);
                }
                ReadOnlySpan<T> gn = g.Slice(n * block, block);
                if (gated)
                {
                    UnaryKernels.KeepWherePositive<T>(gn, gate.Slice(n * block, block), gatedBlock);
                    gn = gatedBlock;
                }
                Gemm.RowMajor(false, true, outChannels, ck, area, T.One, gn, cols, n == 0 ? T.Zero : T.One, dw);
            }
        }
        finally
        {
            if (scratch is not null) ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>
    /// sums[o] = Σ over n and p of g[n, o, p] where gate[n, o, p] &gt; 0: the bias gradient of a gated
    /// (rectified) convolution, without a gated copy of g. sums is overwritten.
    /// </summary>
    public static void GatedChannelSum<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> gate, int batch, int channels, int area, Span<T> sums) where T : unmanaged, IFloatingPointIeee754<T>
    {
        sums.Clear();
        int i = 0;
        for (int n = 0; n < batch; n++)
            for (int o = 0; o < channels; o++, i += area)
            {
                var gp = g.Slice(i, area);
                var mp = gate.Slice(i, area);
                int j = 0;
                var acc = Vector<T>.Zero;
                if (Vector.IsHardwareAccelerated)
                    for (; j <= area - Vector<T>.Count; j += Vector<T>.Count)
                        acc += Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(mp.Slice(j)), Vector<T>.Zero),
                            new Vector<T>(gp.Slice(j)), Vector<T>.Zero);
                T s = Vector.Sum(acc);
                for (; j < area; j++) if (mp[j] > T.Zero) s += gp[j];
                sums[o] += s;
            }
    }

    // Grouped convolution: the column matrix of one image is built once; the rows of channel group g are the
    // contiguous block [g·CKg, (g+1)·CKg), as are group g's filters [g·Og, (g+1)·Og) and output channels, so each
    // group is one GEMM on sub-blocks (depthwise: Og = 1, CKg = KH·KW), with no copies of the input per group.

    /// <summary>Grouped <see cref="Convolve{T}"/>: per image, im2col once, then y_g = filters_g[Og, CKg] · cols_g[CKg, P] per group.</summary>
    private static void ConvolveGrouped<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> filters, ReadOnlySpan<T> bias,
        in Window2d w, int outChannels, bool relu, ReadOnlySpan<T> gate, Span<T> y) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int groups = w.Groups, og = outChannels / groups, ckg = w.GroupPatchSize;
        int area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        T[] scratch = ArrayPool<T>.Shared.Rent(Math.Max(1, w.PatchSize * area));
        try
        {
            var cols = scratch.AsSpan(0, w.PatchSize * area);
            for (int n = 0; n < w.Batch; n++)
            {
                Im2Col<T>(x.Slice(n * image, image), one, cols);
                var yn = y.Slice(n * block, block);
                for (int g = 0; g < groups; g++)
                    Gemm.RowMajor(false, false, og, area, ckg, T.One, filters.Slice(g * og * ckg, og * ckg),
                        cols.Slice(g * ckg * area, ckg * area), T.Zero, yn.Slice(g * og * area, og * area));
                if (!bias.IsEmpty)
                    for (int o = 0; o < outChannels; o++)
                    {
                        var row = yn.Slice(o * area, area);
                        TensorPrimitives.Add(row, bias[o], row);
                    }
                if (relu) TensorPrimitives.Max(yn, T.Zero, yn);
                else if (!gate.IsEmpty) UnaryKernels.KeepWherePositive<T>(yn, gate.Slice(n * block, block), yn);
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>Grouped <see cref="ConvolveInputGradient{T}"/>: per image, cols_g = filters_gᵀ · g_g per group, then one col2im.</summary>
    private static void ConvolveInputGradientGrouped<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> filters, in Window2d w,
        int outChannels, ReadOnlySpan<T> gate, Span<T> dx) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int groups = w.Groups, og = outChannels / groups, ckg = w.GroupPatchSize;
        int area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        bool gated = !gate.IsEmpty;
        int colsLength = w.PatchSize * area;
        dx.Clear();
        T[] scratch = ArrayPool<T>.Shared.Rent(Math.Max(1, colsLength + (gated ? block : 0)));
        try
        {
            var cols = scratch.AsSpan(0, colsLength);
            var gatedBlock = gated ? scratch.AsSpan(colsLength, block) : default;
            for (int n = 0; n < w.Batch; n++)
            {
                ReadOnlySpan<T> gn = g.Slice(n * block, block);
                if (gated)
                {
                    UnaryKernels.KeepWherePositive<T>(gn, gate.Slice(n * block, block), gatedBlock);
                    gn = gatedBlock;
                }
                for (int gi = 0; gi < groups; gi++)
                    Gemm.RowMajor(true, false, ckg, area, og, T.One, filters.Slice(gi * og * ckg, og * ckg),
                        gn.Slice(gi * og * area, og * area), T.Zero, cols.Slice(gi * ckg * area, ckg * area));
                Col2Im<T>(cols, one, dx.Slice(n * image, image));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>Grouped <see cref="ConvolveFilterGradient{T}"/>: dW_g[Og, CKg] = Σ_n g_g · cols_gᵀ per group; dW is [O, CKg].</summary>
    private static void ConvolveFilterGradientGrouped<T>(ReadOnlySpan<T> x, ReadOnlySpan<T> g, in Window2d w,
        int outChannels, ReadOnlySpan<T> gate, Span<T> dw) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int groups = w.Groups, og = outChannels / groups, ckg = w.GroupPatchSize;
        int area = w.OutArea, image = w.Channels * w.Height * w.Width, block = outChannels * area;
        var one = w with { Batch = 1 };
        bool gated = !gate.IsEmpty;
        if (w.Batch == 0) { dw.Clear(); return; }
        int colsLength = w.PatchSize * area;
        T[] scratch = ArrayPool<T>.Shared.Rent(Math.Max(1, colsLength + (gated ? block : 0)));
        try
        {
            var cols = scratch.AsSpan(0, colsLength);
            var gatedBlock = gated ? scratch.AsSpan(colsLength, block) : default;
            for (int n = 0; n < w.Batch; n++)
            {
                Im2Col<T>(x.Slice(n * image, image), one, cols);
                ReadOnlySpan<T> gn = g.Slice(n * block, block);
                if (gated)
                {
                    UnaryKernels.KeepWherePositive<T>(gn, gate.Slice(n * block, block), gatedBlock);
                    gn = gatedBlock;
                }
                for (int gi = 0; gi < groups; gi++)
                    Gemm.RowMajor(false, true, og, ckg, area, T.One, gn.Slice(gi * og * area, og * area),
                        cols.Slice(gi * ckg * area, ckg * area), n == 0 ? T.Zero : T.One, dw.Slice(gi * og * ckg, og * ckg));
            }
        }
        finally
        {
            ArrayPool<T>.Shared.Return(scratch);
        }
    }

    /// <summary>A 1x1 kernel with stride 1 and no padding: the image [C, H*W] is its own column matrix.</summary>
    private static bool IsPointwise(in Window2d w) =>
        w.KernelHeight == 1 && w.KernelWidth == 1 && w.StrideHeight == 1 && w.StrideWidth == 1 && w.PadHeight == 0 && w.PadWidth == 0;

    /// <summary>cols = im2col(x); every entry of cols is written (padding entries as 0).</summary>
    public static void Im2Col<T>(ReadOnlySpan<T> x, in Window2d w, Span<T> cols) where T : IFloatingPointIeee754<T>
    {
        int ow = w.OutWidth, area = w.OutArea, rowLength = w.Batch * area;
        int hw = w.Height * w.Width, sw = w.StrideWidth;
        for (int c = 0; c < w.Channels; c++)
            for (int ki = 0; ki < w.KernelHeight; ki++)
            {
                var (top, bottom) = w.ValidRows(ki);
                for (int kj = 0; kj < w.KernelWidth; kj++)
                {
                    int row = (c * w.KernelHeight + ki) * w.KernelWidth + kj;
                    var dstRow = cols.Slice(row * rowLength, rowLength);
                    var (lo, hi) = w.ValidColumns(kj);
                    int run = hi - lo;
                    bool fullWidth = run == ow;
                    for (int n = 0; n < w.Batch; n++)
                    {
                        var dst = dstRow.Slice(n * area, area);
                        if (top >= bottom || run <= 0) { dst.Clear(); continue; }
                        // the output rows whose window row lies in the padding are zeros
                        dst.Slice(0, top * ow).Clear();
                        dst.Slice(bottom * ow).Clear();
                        var src = x.Slice((n * w.Channels + c) * hw, hw);
                        int start = (top * w.StrideHeight + ki * w.DilationHeight - w.PadHeight) * w.Width + lo * sw + kj * w.DilationWidth - w.PadWidth;
                        int step = w.StrideHeight * w.Width;
                        for (int i = top; i < bottom; i++, start += step)
                        {
                            var d = dst.Slice(i * ow, ow);
                            if (!fullWidth)
                            {
                                d.Slice(0, lo).Clear();
                                d.Slice(hi).Clear();
                            }
                            if (sw == 1) src.Slice(start, run).CopyTo(d.Slice(lo, run));
                            else
                                for (int j = lo, p = start; j < hi; j++, p += sw) d[j] = src[p];
                        }
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
                            int ih = i * w.StrideHeight + ki * w.DilationHeight - w.PadHeight;
                            if ((uint)ih >= (uint)w.Height) continue;
                            var src = srcRow.Slice(n * area + i * ow, ow);
                            int start = ih * w.Width + lo * w.StrideWidth + kj * w.DilationWidth - w.PadWidth;
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
