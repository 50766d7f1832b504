using System;
using Corgi.Kernels;

namespace Corgi;

// 2-D convolution as im2col + one matrix product for the whole batch. im2col and col2im are each other's
// local derivative, and the product's derivatives are products again, so every derivative of conv2d is
// itself made of differentiable ops (higher-order gradients work).
public sealed partial class Tensor
{
    /// <summary>
    /// 2-D cross-correlation (what deep-learning libraries call convolution) of a batch of images
    /// [N, C, H, W] with filters [O, C, KH, KW], plus an optional bias [O] per output channel; the result
    /// is [N, O, OH, OW] with OH = (H + 2·padding - KH) / stride + 1 (likewise OW).
    /// </summary>
    /// <param name="filters">The filters, [out channels, in channels, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O], added to every position of its output channel.</param>
    /// <param name="stride">The step between windows, in both directions (at least 1).</param>
    /// <param name="padding">Zeros added on every side of each image (at least 0).</param>
    /// <exception cref="TensorShapeException">The ranks are not 4, the channels differ, the bias is not [O], or the kernel does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The stride is below 1 or the padding negative.</exception>
    /// <example>
    /// <code>
    /// var x = Tensor.RandomNormal(new[] { 32, 1, 28, 28 }, seed: 1);
    /// var w = Tensor.RandomNormal(new[] { 8, 1, 3, 3 }, seed: 2).Tracked();
    /// var b = Tensor.Zeros(8).Tracked();
    /// var y = x.Conv2d(w, b);            // [32, 8, 26, 26]
    /// </code>
    /// </example>
    public Tensor Conv2d(Tensor filters, Tensor? bias = null, int stride = 1, int padding = 0) =>
        Conv2d(filters, bias, (stride, stride), (padding, padding));

    /// <summary>
    /// 2-D convolution with separate vertical and horizontal stride and padding; see
    /// <see cref="Conv2d(Tensor, Tensor?, int, int)"/>.
    /// </summary>
    /// <param name="filters">The filters, [out channels, in channels, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O].</param>
    /// <param name="stride">(vertical, horizontal) steps, each at least 1.</param>
    /// <param name="padding">(vertical, horizontal) zero padding on each side, each at least 0.</param>
    /// <exception cref="TensorShapeException">The ranks are not 4, the channels differ, the bias is not [O], or the kernel does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A stride is below 1 or a padding negative.</exception>
    public Tensor Conv2d(Tensor filters, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (Rank != 4 || filters.Rank != 4)
            throw new TensorShapeException(
                $"conv2d: needs input [N,C,H,W] and filters [O,C,KH,KW], got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(filters._shape)}");
        if (filters._shape[1] != _shape[1])
            throw new TensorShapeException(
                $"conv2d: input {ShapeUtil.Format(_shape)} has {_shape[1]} channels but filters {ShapeUtil.Format(filters._shape)} expect {filters._shape[1]}");
        int o = filters._shape[0];
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != o))
            throw new TensorShapeException(
                $"conv2d: the bias must have shape [{o}] for filters {ShapeUtil.Format(filters._shape)}, got {ShapeUtil.Format(bias._shape)}");
        var w = MakeWindow("conv2d", filters._shape[2], filters._shape[3], stride, padding);
        int n = w.Batch, area = w.OutArea;

        // [O, C*KH*KW] · [C*KH*KW, N*OH*OW] (+ bias per row) = [O, N*OH*OW]: one GEMM for the batch
        var cols = Im2Col(w);
        var product = filters.Reshape(o, w.PatchSize).MatMul(cols, bias: bias?.Reshape(o, 1));
        return n == 1
            ? product.Reshape(1, o, w.OutHeight, w.OutWidth)
            : product.Reshape(o, n, w.OutHeight, w.OutWidth).Permute(1, 0, 2, 3);
    }

    /// <summary>Validates a rank-4 input against a kernel, stride and padding and returns the window geometry.</summary>
    internal Window2d MakeWindow(string op, int kh, int kw, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        if (Rank != 4)
            throw new TensorShapeException($"{op}: needs an input of shape [N,C,H,W], got {ShapeUtil.Format(_shape)}");
        if (kh < 1 || kw < 1)
            throw new ArgumentOutOfRangeException(nameof(kh), $"{op}: the kernel size must be at least 1, got {kh}x{kw}");
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: the stride must be at least 1, got ({stride.Height},{stride.Width})");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: the padding must not be negative, got ({padding.Height},{padding.Width})");
        var w = new Window2d(_shape[0], _shape[1], _shape[2], _shape[3], kh, kw, stride.Height, stride.Width, padding.Height, padding.Width);
        if (_shape[2] + 2 * padding.Height < kh || _shape[3] + 2 * padding.Width < kw)
            throw new TensorShapeException(
                $"{op}: the {kh}x{kw} kernel does not fit input {ShapeUtil.Format(_shape)} with padding ({padding.Height},{padding.Width})");
        return w;
    }

    /// <summary>im2col: the [C*KH*KW, N*OH*OW] matrix of all windows (see <see cref="ConvolutionKernels"/>); derivative col2im.</summary>
    internal Tensor Im2Col(Window2d w)
    {
        var data = new double[w.PatchSize * w.Batch * w.OutArea];
        ConvolutionKernels.Im2Col<double>(Data, w, data);
        return Result("im2col", data, new[] { w.PatchSize, w.Batch * w.OutArea }, this,
            (g, _, _, _) => g.Col2Im(w));
    }

    /// <summary>col2im: sums a [C*KH*KW, N*OH*OW] column matrix back into images [N, C, H, W]; derivative im2col.</summary>
    internal Tensor Col2Im(Window2d w)
    {
        var data = new double[w.Batch * w.Channels * w.Height * w.Width];
        ConvolutionKernels.Col2Im<double>(Data, w, data);
        return Result("col2im", data, new[] { w.Batch, w.Channels, w.Height, w.Width }, this,
            (g, _, _, _) => g.Im2Col(w));
    }
}
