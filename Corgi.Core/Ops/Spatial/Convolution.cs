using System;
using Corgi.Kernels;

namespace Corgi;

// 2-D convolution: per image, im2col into a scratch buffer and one matrix product written straight into
// the [N, O, OH, OW] result. Its derivatives are two sibling ops (input gradient, filter gradient) whose
// own derivatives are conv2d and each other, so higher-order gradients work (see Convolve below).
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
    public Tensor Conv2d(Tensor filters, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding) =>
        Convolve(this, filters, bias, ValidateConvolution("conv2d", filters, bias, stride, padding), relu: false, gate: null);

    /// <summary>
    /// relu(conv2d(x, filters) + bias) as one op: the rectifier is applied in the pass that writes the
    /// convolution's output, and its derivative (the upstream gradient where the output is positive) is
    /// applied inside the convolution's backward, one image at a time, so neither the pre-activation nor a
    /// masked gradient of the output's size is ever stored. Same values and gradients as
    /// <c>x.Conv2d(filters, bias, stride, padding).Relu()</c> (the derivative at 0 is 0, as <see cref="Relu"/>'s),
    /// differentiable to any order.
    /// </summary>
    /// <param name="filters">The filters, [out channels, in channels, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O], added before the rectifier.</param>
    /// <param name="stride">The step between windows, in both directions (at least 1).</param>
    /// <param name="padding">Zeros added on every side of each image (at least 0).</param>
    /// <exception cref="TensorShapeException">The ranks are not 4, the channels differ, the bias is not [O], or the kernel does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The stride is below 1 or the padding negative.</exception>
    /// <example>
    /// <code>
    /// var h = x.Conv2dRelu(w, b);        // [32, 8, 26, 26], equal to x.Conv2d(w, b).Relu()
    /// </code>
    /// </example>
    public Tensor Conv2dRelu(Tensor filters, Tensor? bias = null, int stride = 1, int padding = 0) =>
        Conv2dRelu(filters, bias, (stride, stride), (padding, padding));

    /// <summary>
    /// relu(conv2d(x, filters) + bias) as one op, with separate vertical and horizontal stride and padding;
    /// see <see cref="Conv2dRelu(Tensor, Tensor?, int, int)"/>.
    /// </summary>
    /// <param name="filters">The filters, [out channels, in channels, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O], added before the rectifier.</param>
    /// <param name="stride">(vertical, horizontal) steps, each at least 1.</param>
    /// <param name="padding">(vertical, horizontal) zero padding on each side, each at least 0.</param>
    /// <exception cref="TensorShapeException">The ranks are not 4, the channels differ, the bias is not [O], or the kernel does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A stride is below 1 or a padding negative.</exception>
    public Tensor Conv2dRelu(Tensor filters, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding) =>
        Convolve(this, filters, bias, ValidateConvolution("conv2d_relu", filters, bias, stride, padding), relu: true, gate: null);

    /// <summary>Checks the operands of a convolution (ranks, channels, bias, stride, padding) and returns its window.</summary>
    private Window2d ValidateConvolution(string op, Tensor filters, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (Rank != 4 || filters.Rank != 4)
            throw new TensorShapeException(
                $"{op}: needs input [N,C,H,W] and filters [O,C,KH,KW], got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(filters._shape)}");
        if (filters._shape[1] != _shape[1])
            throw new TensorShapeException(
                $"{op}: input {ShapeUtil.Format(_shape)} has {_shape[1]} channels but filters {ShapeUtil.Format(filters._shape)} expect {filters._shape[1]}");
        int o = filters._shape[0];
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != o))
            throw new TensorShapeException(
                $"{op}: the bias must have shape [{o}] for filters {ShapeUtil.Format(filters._shape)}, got {ShapeUtil.Format(bias._shape)}");
        return MakeWindow(op, filters._shape[2], filters._shape[3], stride, padding);
    }

    // The three products of one trilinear form T(x, W, g) = Σ g[n,o,p] · W[o,k] · cols(x)[n,k,p], with
    // cols = im2col (k = (c, ki, kj), p = output position):
    //   conv2d            y  = ∂T/∂g : y[n,o,p]  = Σ_k W[o,k] cols(x)[n,k,p]
    //   conv2d_input_grad dx = ∂T/∂x : col2im(Σ_o W[o,k] g[n,o,p])
    //   conv2d_filter_grad dW = ∂T/∂W : dW[o,k] = Σ_n,p g[n,o,p] cols(x)[n,k,p]
    // Each is linear in each of its two operands, so the derivative of each is one of the other two
    // (u is the upstream gradient): that closes the set under differentiation, and every derivative
    // of conv2d, of any order, is made of these three ops. The kernels build the column matrix of
    // one image at a time in a scratch buffer; no column matrix is kept or allocated per call.
    //
    // The fused rectifier: relu(z) = z ⊙ [z > 0], and the gate [z > 0] is piecewise constant (its
    // derivative is 0 wherever it exists), so conv2d_relu is conv2d followed by a constant diagonal
    // map M = [y > 0] (y the op's own output, positive exactly where z is). Each of the three ops takes
    // an optional gate tensor G, read as the constant M = [G > 0] and never differentiated:
    //   conv2d (gated)       y  = M ⊙ conv(x, W)      (G = y itself for conv2d_relu: relu in the same pass)
    //   conv2d_input_grad    dx = adjoint of conv applied to M ⊙ g
    //   conv2d_filter_grad   dW = Σ_n,p (M ⊙ g)[n,o,p] cols(x)[n,k,p]
    // which is T(x, W, M ⊙ g) in every slot, so the same closure holds with the gate carried along;
    // the kernels gate one image of g at a time into a scratch buffer. The bias gradient Σ_n,p M ⊙ g is
    // conv2d_bias_grad, whose derivative is the gate applied to the broadcast upstream.

    /// <summary>
    /// conv2d (+ bias) on validated operands, optionally rectified (<paramref name="relu"/>) or gated by
    /// [<paramref name="gate"/> &gt; 0]; the derivatives are conv2d_input_grad, conv2d_filter_grad and the
    /// bias gradient, each with the same gate.
    /// </summary>
    private static Tensor Convolve(Tensor x, Tensor filters, Tensor? bias, Window2d w, bool relu, Tensor? gate)
    {
        int o = filters._shape[0];
        var dt = bias is null ? ResultDType(x, filters) : ResultDType(new[] { x, filters, bias });
        int n = ShapeUtil.CountChecked("conv2d", new[] { w.Batch, o, w.OutHeight, w.OutWidth });
        Array data;
        if (dt == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(n);
            ConvolutionKernels.Convolve<float>(x.ValuesAs<float>(), filters.ValuesAs<float>(), bias is null ? default : bias.ValuesAs<float>(), w, o, relu,
                gate is null ? default : gate.ValuesAs<float>(), d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(n);
            ConvolutionKernels.Convolve<double>(x.ValuesAs<double>(), filters.ValuesAs<double>(), bias is null ? default : bias.ValuesAs<double>(), w, o, relu,
                gate is null ? default : gate.ValuesAs<double>(), d);
            data = d;
        }
        var inputs = bias is null ? new[] { x, filters } : new[] { x, filters, bias };
        string op = relu ? "conv2d_relu" : gate is null ? "conv2d" : "conv2d_gated";
        return Saving(Result(op, data, new[] { w.Batch, o, w.OutHeight, w.OutWidth }, inputs, (g, y, t, i) =>
        {
            // relu's gate is the op's own output, positive exactly where the pre-activation is
            var m = relu ? y : gate;
            return i switch
            {
                0 => ConvolveInputGradient(g, t[1], w, m),
                1 => ConvolveFilterGradient(t[0], g, w, m),
                _ => m is null ? g.Sum(s_batchAndSpace) : ConvolveBiasGradient(g, m),
            };
        }), gate);
    }

    private static readonly int[] s_batchAndSpace = { 0, 2, 3 };

    /// <summary>
    /// conv2d_input_grad: the gradient [N, C, H, W] of conv2d's input for the upstream g [N, O, OH, OW] and
    /// filters W, with g gated by [gate &gt; 0] when a gate is given.
    /// </summary>
    internal static Tensor ConvolveInputGradient(Tensor g, Tensor filters, Window2d w, Tensor? gate = null)
    {
        int count = ShapeUtil.CountChecked("conv2d_input_grad", new[] { w.Batch, w.Channels, w.Height, w.Width });
        Array data;
        if (ResultDType(g, filters) == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(count);
            ConvolutionKernels.ConvolveInputGradient<float>(g.ValuesAs<float>(), filters.ValuesAs<float>(), w, filters._shape[0], gate is null ? default : gate.ValuesAs<float>(), d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(count);
            ConvolutionKernels.ConvolveInputGradient<double>(g.ValuesAs<double>(), filters.ValuesAs<double>(), w, filters._shape[0], gate is null ? default : gate.ValuesAs<double>(), d);
            data = d;
        }
        return Saving(Result("conv2d_input_grad", data, new[] { w.Batch, w.Channels, w.Height, w.Width }, g, filters, (u, _, t, i) => i switch
        {
            // <u, dx(g, W)> = T(u, W, M ⊙ g)
            0 => Convolve(u, t[1], null, w, relu: false, gate),
            _ => ConvolveFilterGradient(u, t[0], w, gate),
        }), gate);
    }

    /// <summary>
    /// conv2d_filter_grad: the gradient [O, C, KH, KW] of conv2d's filters for the input x and the upstream
    /// g [N, O, OH, OW], with g gated by [gate &gt; 0] when a gate is given.
    /// </summary>
    internal static Tensor ConvolveFilterGradient(Tensor x, Tensor g, Window2d w, Tensor? gate = null)
    {
        int o = g._shape[1];
        Array data;
        if (ResultDType(x, g) == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(o * w.GroupPatchSize);
            ConvolutionKernels.ConvolveFilterGradient<float>(x.ValuesAs<float>(), g.ValuesAs<float>(), w, o, gate is null ? default : gate.ValuesAs<float>(), d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(o * w.GroupPatchSize);
            ConvolutionKernels.ConvolveFilterGradient<double>(x.ValuesAs<double>(), g.ValuesAs<double>(), w, o, gate is null ? default : gate.ValuesAs<double>(), d);
            data = d;
        }
        return Saving(Result("conv2d_filter_grad", data, new[] { o, w.Channels / w.Groups, w.KernelHeight, w.KernelWidth }, x, g, (u, _, t, i) => i switch
        {
            // <u, dW(x, g)> = T(x, u, M ⊙ g)
            0 => ConvolveInputGradient(t[1], u, w, gate),
            _ => Convolve(t[0], u, null, w, relu: false, gate),
        }), gate);
    }

    /// <summary>
    /// conv2d_bias_grad: Σ over batch and positions of g [N, O, OH, OW] where gate &gt; 0, a vector [O];
    /// its derivative is the upstream broadcast back to [N, O, OH, OW] and gated the same way.
    /// </summary>
    private static Tensor ConvolveBiasGradient(Tensor g, Tensor gate)
    {
        int n = g._shape[0], o = g._shape[1], area = g._shape[2] * g._shape[3];
        Array data;
        if (g._dtype == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(o);
            ConvolutionKernels.GatedChannelSum<float>(g.F32, gate.ValuesAs<float>(), n, o, area, d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(o);
            ConvolutionKernels.GatedChannelSum<double>(g.F64, gate.ValuesAs<double>(), n, o, area, d);
            data = d;
        }
        var shape = g._shape;
        return Saving(Result("conv2d_bias_grad", data, new[] { o }, g,
            (u, _, _, _) => u.Reshape(1, o, 1, 1).BroadcastTo(shape).KeepWherePositive(gate)), gate);
    }

    /// <summary>Validates a rank-4 input against a kernel, stride and padding and returns the window geometry.</summary>
    internal Window2d MakeWindow(string op, int kh, int kw, (int Height, int Width) stride, (int Height, int Width) padding,
        (int Height, int Width)? dilation = null)
    {
        var (dh, dw) = dilation ?? (1, 1);
        if (dh < 1 || dw < 1)
            throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: the dilation must be at least 1, got ({dh},{dw})");
        if (Rank != 4)
            throw new TensorShapeException($"{op}: needs an input of shape [N,C,H,W], got {ShapeUtil.Format(_shape)}");
        if (kh < 1 || kw < 1)
            throw new ArgumentOutOfRangeException(nameof(kh), $"{op}: the kernel size must be at least 1, got {kh}x{kw}");
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"{op}: the stride must be at least 1, got ({stride.Height},{stride.Width})");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"{op}: the padding must not be negative, got ({padding.Height},{padding.Width})");
        var w = new Window2d(_shape[0], _shape[1], _shape[2], _shape[3], kh, kw, stride.Height, stride.Width, padding.Height, padding.Width, dh, dw);
        if (_shape[2] + 2 * padding.Height < w.SpanHeight || _shape[3] + 2 * padding.Width < w.SpanWidth)
            throw new TensorShapeException(
                $"{op}: the {kh}x{kw} kernel{(dh == 1 && dw == 1 ? "" : $" dilated by ({dh},{dw})")} does not fit input {ShapeUtil.Format(_shape)} with padding ({padding.Height},{padding.Width})");
        return w;
    }
    /// <summary>
    /// 2-D convolution with dilation and groups, like <c>torch.nn.functional.conv2d</c>: input [N, C, H, W],
    /// filters [O, C/groups, KH, KW], optional bias [O]. Input channels are split into <paramref name="groups"/>
    /// groups, each convolved with its O/groups filters (groups = C with one filter per channel is a depthwise
    /// convolution), and the outputs are concatenated along the channels. A dilation d spaces the kernel's taps
    /// d apart (im2col reads the spaced taps); OH = (H + 2·padding - d·(KH-1) - 1) / stride + 1 (likewise OW).
    /// Per image, one im2col and one GEMM per group on the blocks of the column matrix, filters and output that
    /// belong to the group (no copies per group); the derivatives are conv2d's own, grouped the same way.
    /// </summary>
    /// <param name="filters">[out channels, in channels / groups, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O].</param>
    /// <param name="stride">(vertical, horizontal) steps, each at least 1.</param>
    /// <param name="padding">(vertical, horizontal) zero padding, each at least 0.</param>
    /// <param name="dilation">(vertical, horizontal) spacing of the kernel taps, each at least 1.</param>
    /// <param name="groups">The number of channel groups, dividing both C and O.</param>
    /// <example><code>
    /// var depthwise = x.Conv2d(w, null, (1, 1), (1, 1), (1, 1), groups: 8);   // x [N, 8, H, W], w [8, 1, 3, 3]
    /// </code></example>
    /// <exception cref="TensorShapeException">The ranks are not 4, groups does not divide the channels, the filters do not have C/groups input channels, the bias is not [O], or the kernel does not fit.</exception>
    /// <exception cref="ArgumentOutOfRangeException">groups, a stride or a dilation is below 1, or a padding negative.</exception>
    public Tensor Conv2d(Tensor filters, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding,
        (int Height, int Width) dilation, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(filters);
        CheckGroups("conv2d", filters, bias, dilation, groups, transposed: false);
        var w = MakeWindow("conv2d", filters._shape[2], filters._shape[3], stride, padding, dilation) with { Groups = groups };
        return Convolve(this, filters, bias, w, relu: false, gate: null);
    }

    /// <summary>
    /// 2-D convolution with the same stride, padding and dilation in both directions, and groups; see
    /// <see cref="Conv2d(Tensor, Tensor?, ValueTuple{int, int}, ValueTuple{int, int}, ValueTuple{int, int}, int)"/>.
    /// </summary>
    /// <param name="filters">[out channels, in channels / groups, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [O].</param>
    /// <param name="stride">The step, at least 1.</param>
    /// <param name="padding">Zero padding on every side.</param>
    /// <param name="dilation">The spacing of the kernel taps, at least 1.</param>
    /// <param name="groups">The number of channel groups.</param>
    public Tensor Conv2d(Tensor filters, Tensor? bias, int stride, int padding, int dilation, int groups = 1) =>
        Conv2d(filters, bias, (stride, stride), (padding, padding), (dilation, dilation), groups);

    /// <summary>
    /// 1-D convolution, like <c>torch.nn.functional.conv1d</c>: input [N, C, L], filters [O, C/groups, K], optional
    /// bias [O]; the result is [N, O, (L + 2·padding - dilation·(K-1) - 1) / stride + 1]. Runs as a 2-D convolution
    /// of height 1.
    /// </summary>
    /// <param name="filters">[out channels, in channels / groups, kernel size].</param>
    /// <param name="bias">Optional bias of shape [O].</param>
    /// <param name="stride">The step, at least 1.</param>
    /// <param name="padding">Zero padding on each end.</param>
    /// <param name="dilation">The spacing of the kernel taps, at least 1.</param>
    /// <param name="groups">The number of channel groups.</param>
    /// <exception cref="TensorShapeException">The ranks are not 3, or the channels, groups or bias do not match, or the kernel does not fit.</exception>
    public Tensor Conv1d(Tensor filters, Tensor? bias = null, int stride = 1, int padding = 0, int dilation = 1, int groups = 1)
    {
        ArgumentNullException.ThrowIfNull(filters);
        if (Rank != 3 || filters.Rank != 3)
            throw new TensorShapeException(
                $"conv1d: needs input [N,C,L] and filters [O,C/groups,K], got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(filters._shape)}");
        return Unsqueeze(2).Conv2d(filters.Unsqueeze(2), bias, (1, stride), (0, padding), (1, dilation), groups).Squeeze(2);
    }

    /// <summary>
    /// Transposed 2-D convolution, like <c>torch.nn.functional.conv_transpose2d</c>: input [N, Cin, H, W], weight
    /// [Cin, Cout/groups, KH, KW], optional bias [Cout]; the result is [N, Cout, OH, OW] with
    /// OH = (H - 1)·stride - 2·padding + dilation·(KH - 1) + outputPadding + 1 (likewise OW). It is the adjoint
    /// (input gradient) of conv2d with the same weight and geometry, run by the same col2im + GEMM kernel, and
    /// its derivatives are conv2d and conv2d's filter gradient.
    /// </summary>
    /// <param name="weight">[in channels, out channels / groups, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [Cout].</param>
    /// <param name="stride">(vertical, horizontal) steps, each at least 1.</param>
    /// <param name="padding">(vertical, horizontal) padding removed from the full output, each at least 0.</param>
    /// <param name="outputPadding">(vertical, horizontal) extra rows/columns added on one side, each below its stride
    /// (PyTorch also allows values below the dilation; Corgi requires below the stride).</param>
    /// <param name="groups">The number of channel groups, dividing Cin.</param>
    /// <param name="dilation">(vertical, horizontal) spacing of the kernel taps; null means 1.</param>
    /// <example><code>
    /// var up = x.ConvTranspose2d(w, b, (2, 2), (1, 1), (1, 1));   // x [N, 16, 8, 8], w [16, 8, 3, 3] → [N, 8, 16, 16]
    /// </code></example>
    /// <exception cref="TensorShapeException">The ranks are not 4, the channels, groups or bias do not match, or the output would be empty.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A stride, dilation or groups is below 1, a padding is negative, or an output padding is not below its stride.</exception>
    public Tensor ConvTranspose2d(Tensor weight, Tensor? bias, (int Height, int Width) stride, (int Height, int Width) padding,
        (int Height, int Width) outputPadding, int groups = 1, (int Height, int Width)? dilation = null)
    {
        ArgumentNullException.ThrowIfNull(weight);
        var dil = dilation ?? (1, 1);
        CheckGroups("conv_transpose2d", weight, bias, dil, groups, transposed: true);
        if (stride.Height < 1 || stride.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(stride), $"conv_transpose2d: the stride must be at least 1, got ({stride.Height},{stride.Width})");
        if (padding.Height < 0 || padding.Width < 0)
            throw new ArgumentOutOfRangeException(nameof(padding), $"conv_transpose2d: the padding must not be negative, got ({padding.Height},{padding.Width})");
        if (outputPadding.Height < 0 || outputPadding.Width < 0 || outputPadding.Height >= stride.Height || outputPadding.Width >= stride.Width)
            throw new ArgumentOutOfRangeException(nameof(outputPadding),
                $"conv_transpose2d: the output padding ({outputPadding.Height},{outputPadding.Width}) must be non-negative and below the stride ({stride.Height},{stride.Width})");
        int kh = weight._shape[2], kw = weight._shape[3];
        int oh = (_shape[2] - 1) * stride.Height - 2 * padding.Height + dil.Height * (kh - 1) + 1 + outputPadding.Height;
        int ow = (_shape[3] - 1) * stride.Width - 2 * padding.Width + dil.Width * (kw - 1) + 1 + outputPadding.Width;
        if (kh < 1 || kw < 1 || oh < 1 || ow < 1)
            throw new TensorShapeException(
                $"conv_transpose2d: input {ShapeUtil.Format(_shape)} with weight {ShapeUtil.Format(weight._shape)}, stride ({stride.Height},{stride.Width}) and padding ({padding.Height},{padding.Width}) gives an empty {oh}x{ow} output");
        // the geometry of the conv2d whose input gradient this is: its input is our output, its output our input
        var w = new Window2d(_shape[0], weight._shape[1] * groups, oh, ow, kh, kw, stride.Height, stride.Width,
            padding.Height, padding.Width, dil.Height, dil.Width, groups);
        var y = ConvolveInputGradient(this, weight, w);
        return bias is null ? y : y + bias.Reshape(1, -1, 1, 1);
    }

    /// <summary>
    /// Transposed 2-D convolution with the same stride, padding and output padding in both directions; see
    /// <see cref="ConvTranspose2d(Tensor, Tensor?, ValueTuple{int, int}, ValueTuple{int, int}, ValueTuple{int, int}, int, ValueTuple{int, int}?)"/>.
    /// </summary>
    /// <param name="weight">[in channels, out channels / groups, kernel height, kernel width].</param>
    /// <param name="bias">Optional bias of shape [Cout].</param>
    /// <param name="stride">The step, at least 1.</param>
    /// <param name="padding">Padding removed from each side of the full output.</param>
    /// <param name="outputPadding">Extra rows and columns on one side, below the stride.</param>
    /// <param name="groups">The number of channel groups.</param>
    /// <param name="dilation">The spacing of the kernel taps.</param>
    public Tensor ConvTranspose2d(Tensor weight, Tensor? bias = null, int stride = 1, int padding = 0, int outputPadding = 0, int groups = 1, int dilation = 1) =>
        ConvTranspose2d(weight, bias, (stride, stride), (padding, padding), (outputPadding, outputPadding), groups, (dilation, dilation));

    /// <summary>Checks ranks, groups, channels, bias and dilation of a grouped (transposed) convolution.</summary>
    private void CheckGroups(string op, Tensor filters, Tensor? bias, (int Height, int Width) dilation, int groups, bool transposed)
    {
        if (Rank != 4 || filters.Rank != 4)
            throw new TensorShapeException(
                $"{op}: needs input [N,C,H,W] and a 4-D weight, got {ShapeUtil.Format(_shape)} and {ShapeUtil.Format(filters._shape)}");
        if (groups < 1) throw new ArgumentOutOfRangeException(nameof(groups), $"{op}: groups must be at least 1, got {groups}");
        if (dilation.Height < 1 || dilation.Width < 1)
            throw new ArgumentOutOfRangeException(nameof(dilation), $"{op}: the dilation must be at least 1, got ({dilation.Height},{dilation.Width})");
        int c = _shape[1];
        int outChannels = transposed ? filters._shape[1] * groups : filters._shape[0];
        if (c % groups != 0 || (!transposed && outChannels % groups != 0))
            throw new TensorShapeException(
                $"{op}: {groups} groups must divide the input's {c} channels{(transposed ? "" : $" and the {outChannels} filters")} (input {ShapeUtil.Format(_shape)}, weight {ShapeUtil.Format(filters._shape)})");
        if (transposed ? filters._shape[0] != c : filters._shape[1] != c / groups)
            throw new TensorShapeException(transposed
                ? $"{op}: input {ShapeUtil.Format(_shape)} has {c} channels but weight {ShapeUtil.Format(filters._shape)} expects {filters._shape[0]}"
                : $"{op}: input {ShapeUtil.Format(_shape)} has {c} channels in {groups} groups of {c / groups}, but filters {ShapeUtil.Format(filters._shape)} expect {filters._shape[1]}");
        if (bias is not null && (bias.Rank != 1 || bias._shape[0] != outChannels))
            throw new TensorShapeException(
                $"{op}: the bias must have shape [{outChannels}] for weight {ShapeUtil.Format(filters._shape)}, got {ShapeUtil.Format(bias._shape)}");
    }
}
