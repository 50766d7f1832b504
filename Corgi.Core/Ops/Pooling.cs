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
        if (_dtype == DType.Float32) { var d = new float[index.Length]; ConvolutionKernels.Gather<float>(F32, index, d); data = d; }
        else { var d = new double[index.Length]; ConvolutionKernels.Gather<double>(F64, index, d); data = d; }
        var fromShape = _shape;
        return Result("gather", data, shape, this, (g, _, _, _) => g.ScatterFlat(index, fromShape));
    }
}
