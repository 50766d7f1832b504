using System;
using Corgi.Kernels;

namespace Corgi;

// 2-D pooling over [N, C, H, W]. Max pooling routes the gradient to the arg-max of each window (a
// scatter whose derivative is the matching gather); average pooling is linear, and its adjoint's
// derivative is average pooling again, so both differentiate to any order.
public sealed partial class Tensor
{
    /// <summary>
    /// Max pooling over windows of <paramref name="kernelSize"/>² (stride defaults to the kernel size;
    /// padding is ignored by the maximum). Input [N, C, H, W], output [N, C, OH, OW] with
    /// OH = (H + 2·padding - kernel) / stride + 1. The gradient flows to the first maximum of each window.
    /// </summary>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows; null means the kernel size.</param>
    /// <param name="padding">Padding on every side, at most half the kernel size.</param>
    /// <exception cref="TensorShapeException">The input is not rank 4, or the window does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is below 1, or the padding is negative or more than half the kernel.</exception>
    public Tensor MaxPool2d(int kernelSize, int? stride = null, int padding = 0) =>
        MaxPool2d((kernelSize, kernelSize), (stride ?? kernelSize, stride ?? kernelSize), (padding, padding));

    /// <summary>Max pooling with separate vertical and horizontal kernel, stride and padding; see <see cref="MaxPool2d(int, int?, int)"/>.</summary>
    /// <param name="kernelSize">(height, width) of the window.</param>
    /// <param name="stride">(vertical, horizontal) step.</param>
    /// <param name="padding">(vertical, horizontal) padding, each at most half the kernel's extent.</param>
    public Tensor MaxPool2d((int Height, int Width) kernelSize, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        var w = MakePoolWindow("max_pool2d", kernelSize, stride, padding);
        var outShape = new[] { w.Batch, w.Channels, w.OutHeight, w.OutWidth };
        int count = ShapeUtil.CountChecked("max_pool2d", outShape);
        var argmax = new int[count];
        Array data;
        if (_dtype == DType.Float32) { var d = new float[count]; ConvolutionKernels.MaxPool<float>(F32, w, d, argmax); data = d; }
        else { var d = new double[count]; ConvolutionKernels.MaxPool<double>(F64, w, d, argmax); data = d; }
        var inShape = _shape;
        return Result("max_pool2d", data, outShape, this, (g, _, _, _) => g.ScatterFlat(argmax, inShape));
    }

    /// <summary>
    /// Average pooling over windows of <paramref name="kernelSize"/>² (stride defaults to the kernel size).
    /// Zero padding counts in the divisor (every window divides by kernel²), as PyTorch does by default.
    /// </summary>
    /// <param name="kernelSize">The window's height and width.</param>
    /// <param name="stride">The step between windows; null means the kernel size.</param>
    /// <param name="padding">Zero padding on every side, at most half the kernel size.</param>
    /// <exception cref="TensorShapeException">The input is not rank 4, or the window does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The kernel or stride is below 1, or the padding is negative or more than half the kernel.</exception>
    public Tensor AvgPool2d(int kernelSize, int? stride = null, int padding = 0) =>
        AvgPool2d((kernelSize, kernelSize), (stride ?? kernelSize, stride ?? kernelSize), (padding, padding));

    /// <summary>Average pooling with separate vertical and horizontal kernel, stride and padding; see <see cref="AvgPool2d(int, int?, int)"/>.</summary>
    /// <param name="kernelSize">(height, width) of the window.</param>
    /// <param name="stride">(vertical, horizontal) step.</param>
    /// <param name="padding">(vertical, horizontal) padding, each at most half the kernel's extent.</param>
    public Tensor AvgPool2d((int Height, int Width) kernelSize, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        var w = MakePoolWindow("avg_pool2d", kernelSize, stride, padding);
        return AvgPoolCore(w);
    }

    private Window2d MakePoolWindow(string op, (int Height, int Width) kernel, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        var w = MakeWindow(op, kernel.Height, kernel.Width, stride, padding);
        if (2 * padding.Height > kernel.Height || 2 * padding.Width > kernel.Width)
            throw new ArgumentOutOfRangeException(nameof(padding),
                $"{op}: the padding ({padding.Height},{padding.Width}) must be at most half the kernel size {kernel.Height}x{kernel.Width}");
        return w;
    }

    private Tensor AvgPoolCore(Window2d w)
    {
        var outShape = new[] { w.Batch, w.Channels, w.OutHeight, w.OutWidth };
        int count = ShapeUtil.CountChecked("avg_pool2d", outShape);
        Array data;
        if (_dtype == DType.Float32) { var d = new float[count]; ConvolutionKernels.AvgPool<float>(F32, w, d); data = d; }
        else { var d = new double[count]; ConvolutionKernels.AvgPool<double>(F64, w, d); data = d; }
        return Result("avg_pool2d", data, outShape, this, (g, _, _, _) => g.AvgPoolAdjoint(w));
    }

    /// <summary>The adjoint of average pooling (spreads each value / kernel² over its window); derivative: average pooling.</summary>
    private Tensor AvgPoolAdjoint(Window2d w)
    {
        int count = w.Batch * w.Channels * w.Height * w.Width;
        Array data;
        if (_dtype == DType.Float32) { var d = Buffers.Zeroed<float>(count); ConvolutionKernels.AvgPoolAdjoint<float>(F32, w, d); data = d; }
        else { var d = Buffers.Zeroed<double>(count); ConvolutionKernels.AvgPoolAdjoint<double>(F64, w, d); data = d; }
        return Result("avg_pool2d_adjoint", data, new[] { w.Batch, w.Channels, w.Height, w.Width }, this,
            (g, _, _, _) => g.AvgPoolCore(w));
    }

    /// <summary>Zeros of <paramref name="shape"/> with this tensor's values added at flat positions <paramref name="index"/> (-1 skipped); derivative: the gather.</summary>
    internal Tensor ScatterFlat(int[] index, int[] shape)
    {
        int count = ShapeUtil.Count(shape);
        Array data;
        if (_dtype == DType.Float32) { var d = Buffers.Zeroed<float>(count); ConvolutionKernels.ScatterAdd<float>(F32, index, d); data = d; }
        else { var d = Buffers.Zeroed<double>(count); ConvolutionKernels.ScatterAdd<double>(F64, index, d); data = d; }
        var fromShape = _shape;
        return Result("scatter", data, shape, this, (g, _, _, _) => g.GatherFlat(index, fromShape));
    }

    /// <summary>The values at flat positions <paramref name="index"/> (0 for -1), shaped <paramref name="shape"/>; derivative: the scatter.</summary>
    internal Tensor GatherFlat(int[] index, int[] shape)
    {
        Array data;
        // the kernel writes every element, so the buffer may come from the pool uninitialized
        if (_dtype == DType.Float32) { var d = Buffers.Uninitialized<float>(index.Length); ConvolutionKernels.Gather<float>(F32, index, d); data = d; }
        else { var d = Buffers.Uninitialized<double>(index.Length); ConvolutionKernels.Gather<double>(F64, index, d); data = d; }
        var fromShape = _shape;
        return Result("gather", data, shape, this, (g, _, _, _) => g.ScatterFlat(index, fromShape));
    }
    /// <summary>
    /// 1-D max pooling, like <c>torch.nn.functional.max_pool1d</c>: input [N, C, L], output
    /// [N, C, (L + 2·padding - kernel) / stride + 1]; runs as 2-D max pooling of height 1.
    /// </summary>
    /// <param name="kernelSize">The window's length.</param>
    /// <param name="stride">The step between windows; null means the kernel size.</param>
    /// <param name="padding">Padding on each end, at most half the kernel size.</param>
    /// <exception cref="TensorShapeException">The input is not rank 3, or the window does not fit.</exception>
    public Tensor MaxPool1d(int kernelSize, int? stride = null, int padding = 0)
    {
        if (Rank != 3) throw new TensorShapeException($"max_pool1d: needs an input of shape [N,C,L], got {ShapeUtil.Format(_shape)}");
        return Unsqueeze(2).MaxPool2d((1, kernelSize), (1, stride ?? kernelSize), (0, padding)).Squeeze(2);
    }

    /// <summary>
    /// 1-D average pooling, like <c>torch.nn.functional.avg_pool1d</c> (zero padding counts in the divisor):
    /// input [N, C, L], output [N, C, (L + 2·padding - kernel) / stride + 1].
    /// </summary>
    /// <param name="kernelSize">The window's length.</param>
    /// <param name="stride">The step between windows; null means the kernel size.</param>
    /// <param name="padding">Zero padding on each end, at most half the kernel size.</param>
    /// <exception cref="TensorShapeException">The input is not rank 3, or the window does not fit.</exception>
    public Tensor AvgPool1d(int kernelSize, int? stride = null, int padding = 0)
    {
        if (Rank != 3) throw new TensorShapeException($"avg_pool1d: needs an input of shape [N,C,L], got {ShapeUtil.Format(_shape)}");
        return Unsqueeze(2).AvgPool2d((1, kernelSize), (1, stride ?? kernelSize), (0, padding)).Squeeze(2);
    }

    /// <summary>
    /// Adaptive average pooling, like <c>torch.nn.functional.adaptive_avg_pool2d</c>: input [N, C, H, W], output
    /// [N, C, outHeight, outWidth], where cell (i, j) averages rows [⌊i·H/OH⌋, ⌈(i+1)·H/OH⌉) and the columns
    /// likewise. (1, 1) is global average pooling. When the sizes divide evenly this is average pooling with
    /// kernel = stride = the cell; otherwise the (overlapping) cells are a linear, separable map, run as two matrix
    /// products with constant averaging matrices (P_h · X · P_wᵀ), whose gradient is the transposed products.
    /// </summary>
    /// <param name="outHeight">The output height, at least 1.</param>
    /// <param name="outWidth">The output width, at least 1.</param>
    /// <example><code>x.AdaptiveAvgPool2d(1, 1).Flatten(1)   // global average pooling, [N, C]</code></example>
    /// <exception cref="TensorShapeException">The input is not rank 4.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An output size is below 1.</exception>
    public Tensor AdaptiveAvgPool2d(int outHeight, int outWidth)
    {
        CheckAdaptive("adaptive_avg_pool2d", outHeight, outWidth);
        // cells of equal size that tile the image: plain average pooling with kernel = stride = the cell
        if (_shape[2] % outHeight == 0 && _shape[3] % outWidth == 0 && _shape[2] > 0 && _shape[3] > 0)
        {
            var cell = (_shape[2] / outHeight, _shape[3] / outWidth);
            return AvgPool2d(cell, cell, (0, 0));
        }
        double[] Averaging(int n, int m)
        {
            var p = new double[m * n];
            for (int i = 0; i < m; i++)
            {
                int lo = i * n / m, hi = ((i + 1) * n + m - 1) / m;
                for (int k = lo; k < hi; k++) p[i * n + k] = 1.0 / (hi - lo);
            }
            return p;
        }
        var ph = FromArray(new[] { outHeight, _shape[2] }, Averaging(_shape[2], outHeight), _dtype);
        var pw = FromArray(new[] { outWidth, _shape[3] }, Averaging(_shape[3], outWidth), _dtype);
        return ApplyAlongLastTwo(ph, pw);
    }

    /// <summary>
    /// Adaptive max pooling, like <c>torch.nn.functional.adaptive_max_pool2d</c>: the maximum over the same cells
    /// as <see cref="AdaptiveAvgPool2d"/>; the gradient flows to the first maximum of each cell. (1, 1) is global
    /// max pooling.
    /// </summary>
    /// <param name="outHeight">The output height, at least 1.</param>
    /// <param name="outWidth">The output width, at least 1.</param>
    /// <exception cref="TensorShapeException">The input is not rank 4, or has an empty plane.</exception>
    /// <exception cref="ArgumentOutOfRangeException">An output size is below 1.</exception>
    public Tensor AdaptiveMaxPool2d(int outHeight, int outWidth)
    {
        CheckAdaptive("adaptive_max_pool2d", outHeight, outWidth);
        if (_shape[2] == 0 || _shape[3] == 0)
            throw new TensorShapeException($"adaptive_max_pool2d: the input {ShapeUtil.Format(_shape)} has empty planes");
        int planes = _shape[0] * _shape[1];
        var argmax = new int[ShapeUtil.CountChecked("adaptive_max_pool2d", new[] { planes, outHeight, outWidth })];
        if (_dtype == DType.Float32) IndexKernels.AdaptiveArgMax<float>(F32, planes, _shape[2], _shape[3], outHeight, outWidth, argmax);
        else IndexKernels.AdaptiveArgMax<double>(F64, planes, _shape[2], _shape[3], outHeight, outWidth, argmax);
        return GatherFlat(argmax, new[] { _shape[0], _shape[1], outHeight, outWidth });
    }

    private void CheckAdaptive(string op, int outHeight, int outWidth)
    {
        if (Rank != 4) throw new TensorShapeException($"{op}: needs an input of shape [N,C,H,W], got {ShapeUtil.Format(_shape)}");
        if (outHeight < 1 || outWidth < 1)
            throw new ArgumentOutOfRangeException(nameof(outHeight), $"{op}: the output size must be at least 1x1, got {outHeight}x{outWidth} (input {ShapeUtil.Format(_shape)})");
    }

    /// <summary>
    /// rows · X · colsᵀ over the last two dimensions of this tensor (rows [OH, H], cols [OW, W]), as two tall
    /// matrix products: the batch of images times one matrix each time.
    /// </summary>
    internal Tensor ApplyAlongLastTwo(Tensor rows, Tensor cols)
    {
        var y = MatMul(cols, transposeOther: true);                 // [N, C, H, OW]
        return y.Transpose(-2, -1).MatMul(rows, transposeOther: true).Transpose(-2, -1); // [N, C, OH, OW]
    }
}
