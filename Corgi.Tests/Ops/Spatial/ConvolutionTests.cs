using System;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.Ops;

public abstract class ConvolutionTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ConvolutionTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ConvolutionTests(DType.Float32);

    private protected ConvolutionTests(DType dtype) : base(dtype) { }

    private Tensor Image3x3 => T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    [Fact]
    public void SingleChannelNoPaddingValuesAndGradients()
    {
        // x = [[1,2,3],[4,5,6],[7,8,9]], w = [[1,2],[3,4]]:
        // y[0,0] = 1·1 + 2·2 + 4·3 + 5·4 = 37, y[0,1] = 2+6+15+24 = 47, y[1,0] = 4+10+21+32 = 67, y[1,1] = 5+12+24+36 = 77
        var x = Image3x3.Tracked();
        var w = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        var y = x.Conv2d(w);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 37, 47, 67, 77 }, y);

        // L = sum(y): dL/dw[a,b] = sum of the inputs under kernel position (a,b) = the 2x2 blocks' sums
        // w00: 1+2+4+5 = 12, w01: 2+3+5+6 = 16, w10: 4+5+7+8 = 24, w11: 5+6+8+9 = 28
        // dL/dx[p,q] = sum of the weights that touch (p,q): corners 1,2,3,4; edges 1+2, 1+3, 2+4, 3+4; centre 10
        y.Sum().Backward();
        Close(new double[] { 12, 16, 24, 28 }, w.Gradient!);
        Close(new double[] { 1, 3, 2, 4, 10, 6, 3, 7, 4 }, x.Gradient!);
    }

    [Fact]
    public void StrideAndPaddingValuesAndGradients()
    {
        // padding 1 makes the image 5x5 (zeros around), stride 2 gives OH = (3 + 2 - 2)/2 + 1 = 2. Windows
        // cover input rows/cols {-1,0} and {1,2}:
        // (0,0): only x[0,0]=1 under w11=4 -> 4;  (0,1): x[0,1]=2·w10=3, x[0,2]=3·w11=4 -> 6+12 = 18
        // (1,0): x[1,0]=4·w01=2, x[2,0]=7·w11=4 -> 8+28 = 36;  (1,1): 5·1 + 6·2 + 8·3 + 9·4 = 77
        var x = Image3x3.Tracked();
        var w = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        var y = x.Conv2d(w, stride: 2, padding: 1);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 4, 18, 36, 77 }, y);

        // dL/dw[a,b] sums the input under (a,b) in each window (padding contributes 0):
        // w00: x[1,1]=5; w01: x[1,0]+x[1,2] = 10; w10: x[0,1]+x[2,1] = 10; w11: x[0,0]+x[0,2]+x[2,0]+x[2,2] = 20
        // each input lies in exactly one window: rows 0,2 meet kernel row 1 and row 1 meets kernel row 0 (same for cols)
        y.Sum().Backward();
        Close(new double[] { 5, 10, 10, 20 }, w.Gradient!);
        Close(new double[] { 4, 3, 4, 2, 1, 2, 4, 3, 4 }, x.Gradient!);
    }

    [Fact]
    public void SeveralChannelsFiltersBatchAndBias()
    {
        // batch 2, 2 channels, 2x3 images; 2 filters 2x2 with bias [0.5, -1] -> output [2, 2, 1, 2]
        var x = T(new[] { 2, 2, 2, 3 },
            1, 2, 3, 4, 5, 6, /* n0 c1 */ 1, 0, 1, 0, 1, 0,
            0, 0, 0, 1, 1, 1, /* n1 c1 */ 2, 0, 2, 0, 2, 0).Tracked();
        // filter 0 reads x[c0][i,j] + x[c0][i+1,j+1]; filter 1 sums the channel-1 window
        var w = T(new[] { 2, 2, 2, 2 },
            1, 0, 0, 1, 0, 0, 0, 0,
            0, 0, 0, 0, 1, 1, 1, 1).Tracked();
        var b = Of(0.5, -1).Tracked();
        var y = x.Conv2d(w, b);
        // n0 o0: [1+5, 2+6] + 0.5 = [6.5, 8.5]; n0 o1: [1+0+0+1, 0+1+1+0] - 1 = [1, 1]
        // n1 o0: [0+1, 0+1] + 0.5 = [1.5, 1.5]; n1 o1: [2+0+0+2, 0+2+2+0] - 1 = [3, 3]
        Close(new[] { 2, 2, 1, 2 }, new double[] { 6.5, 8.5, 1, 1, 1.5, 1.5, 3, 3 }, y);

        y.Sum().Backward();
        // db[o] = number of output positions per filter = batch 2 · 1 · 2 = 4
        Close(new double[] { 4, 4 }, b.Gradient!);
        // dw[o,c,a,b] = sum over n and j of x[n,c,a,j+b], the same for both filters:
        // c0: (0,0) 1+2+0+0 = 3, (0,1) 2+3 = 5, (1,0) 4+5+1+1 = 11, (1,1) 5+6+1+1 = 13; c1: every entry 1+2 = 3
        Close(new double[] { 3, 5, 11, 13, 3, 3, 3, 3, 3, 5, 11, 13, 3, 3, 3, 3 }, w.Gradient!);
        // dx[c0] = windows of filter-0's channel-0 kernel [[1,0],[0,1]]: row 0 [1,1,0], row 1 [0,1,1]
        // dx[c1] = window counts of the ones kernel: [[1,2,1],[1,2,1]]; the same for both images
        Close(new double[] { 1, 1, 0, 0, 1, 1, 1, 2, 1, 1, 2, 1, 1, 1, 0, 0, 1, 1, 1, 2, 1, 1, 2, 1 }, x.Gradient!);
    }

    [Fact]
    public void MatchesTheDefinitionOnRandomInputs()
    {
        // direct evaluation of y[n,o,i,j] = b[o] + sum_{c,a,b} w[o,c,a,b] · xpad[n,c,i·s+a,j·s+b]
        var x = Tensor.RandomNormal(new[] { 3, 2, 5, 6 }, seed: 1, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 4, 2, 3, 2 }, seed: 2, dtype: Dt);
        var b = Tensor.RandomNormal(new[] { 4 }, seed: 3, dtype: Dt);
        foreach (var (s, p) in new[] { (1, 0), (2, 1), (3, 2), (1, 1) })
        {
            var y = x.Conv2d(w, b, s, p);
            int oh = (5 + 2 * p - 3) / s + 1, ow = (6 + 2 * p - 2) / s + 1;
            Assert.Equal(new[] { 3, 4, oh, ow }, y.Shape);
            for (int n = 0; n < 3; n++)
                for (int o = 0; o < 4; o++)
                    for (int i = 0; i < oh; i++)
                        for (int j = 0; j < ow; j++)
                        {
                            double sum = b[o];
                            for (int c = 0; c < 2; c++)
                                for (int ka = 0; ka < 3; ka++)
                                    for (int kb = 0; kb < 2; kb++)
                                    {
                                        int r = i * s + ka - p, q = j * s + kb - p;
                                        if (r >= 0 && r < 5 && q >= 0 && q < 6) sum += w[o, c, ka, kb] * x[n, c, r, q];
                                    }
                            Assert.Equal(sum, y[n, o, i, j], Digits(12));
                        }
        }
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var x = Tensor.RandomNormal(new[] { 2, 3, 5, 4 }, seed: 4, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 2, 3, 3, 3 }, seed: 5, dtype: Dt);
        var b = Tensor.RandomNormal(new[] { 2 }, seed: 6, dtype: Dt);
        var weights = Tensor.RandomNormal(new[] { 2, 2, 3, 2 }, seed: 7, dtype: Dt); // a weighted sum makes every output count differently
        double Loss(Tensor xx, Tensor ww, Tensor bb) => xx.Conv2d(ww, bb, stride: 2, padding: 1).Mul(weights).Sum().Item();

        var xt = x.Tracked(); var wt = w.Tracked(); var bt = b.Tracked();
        xt.Conv2d(wt, bt, stride: 2, padding: 1).Mul(weights).Sum().Backward();
        Close(NumericGradient(v => Loss(v, w, b), x), xt.Gradient!, 1e-7);
        Close(NumericGradient(v => Loss(x, v, b), w), wt.Gradient!, 1e-7);
        Close(NumericGradient(v => Loss(x, w, v), b), bt.Gradient!, 1e-7);
    }

    [Fact]
    public void SecondDerivativeThroughTheGradient()
    {
        // L = sum(conv(x, w)²); g = dL/dw is built from differentiable ops (conv2d's gradient ops),
        // so v·g can be differentiated again: d(v·g)/dw is a Hessian-vector product. Check it against
        // finite differences of the first gradient.
        var x = Tensor.RandomNormal(new[] { 2, 2, 4, 4 }, seed: 8, dtype: Dt);
        var w0 = Tensor.RandomNormal(new[] { 3, 2, 2, 2 }, seed: 9, dtype: Dt);
        var v = Tensor.RandomNormal(new[] { 3, 2, 2, 2 }, seed: 10, dtype: Dt);
        var w1 = w0.Tracked();
        x.Conv2d(w1, padding: 1).Square().Sum().Backward(createGraph: true);
        var g = w1.TakeGradient()!;
        Assert.True(g.IsTracked);
        g.Mul(v).Sum().Backward();
        // the finite differences run on the float64 twin (float32 differences would be noise)
        double h = 1e-5;
        var (x64, w64, v64) = (x.Float64(), w0.Float64(), v.Float64());
        Tensor Gradient64(Tensor w)
        {
            var wt = w.Tracked();
            x64.Conv2d(wt, padding: 1).Square().Sum().Backward();
            return wt.Gradient!;
        }
        var up = Gradient64(w64.Add(v64.Mul(Tensor.Scalar(h))));
        var down = Gradient64(w64.Sub(v64.Mul(Tensor.Scalar(h))));
        Close(up.Sub(down).Div(Tensor.Scalar(2 * h)).ToArray(), w1.Gradient!, 1e-6);
    }

    [Fact]
    public void SecondOrderInEveryInputWithStrideAndPadding()
    {
        // H·v of f(x, w, b) = Σ weights · conv(x, w, b)² in all three inputs at once: the mixed terms go through
        // the derivatives of conv2d_input_grad and conv2d_filter_grad (checked against central differences).
        var x = Tensor.RandomNormal(new[] { 2, 2, 5, 4 }, seed: 11, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 3, 2, 3, 2 }, seed: 12, dtype: Dt);
        var b = Tensor.RandomNormal(new[] { 3 }, seed: 13, dtype: Dt);
        var weights = Tensor.RandomNormal(new[] { 2, 3, 3, 3 }, seed: 14, dtype: Dt);
        var report = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => t[0].Conv2d(t[1], t[2], stride: 2, padding: 1).Square().Mul(weights).Sum(), new[] { x, w, b });
        Assert.True(report.Passed, report.Summary);
    }

    [Fact]
    public void TheGradientOpsHaveDifferentiableDerivatives()
    {
        // conv2d's derivatives are two ops of their own; differentiate each twice (second-order checks of
        // Σ weights · op(a, b)²), which runs the derivatives of their derivatives (third order of conv2d).
        var x = Tensor.RandomNormal(new[] { 2, 2, 5, 5 }, seed: 15, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 3, 2, 3, 3 }, seed: 16, dtype: Dt);
        var window = x.MakeWindow("test", 3, 3, (2, 2), (1, 1));
        var g = Tensor.RandomNormal(new[] { 2, 3, window.OutHeight, window.OutWidth }, seed: 17, dtype: Dt);
        var inputWeights = Tensor.RandomNormal(x.Shape, seed: 18, dtype: Dt);
        var filterWeights = Tensor.RandomNormal(w.Shape, seed: 19, dtype: Dt);
        var input = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => Tensor.ConvolveInputGradient(t[0], t[1], window).Square().Mul(inputWeights).Sum(), new[] { g, w });
        Assert.True(input.Passed, input.Summary);
        var filter = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => Tensor.ConvolveFilterGradient(t[0], t[1], window).Square().Mul(filterWeights).Sum(), new[] { x, g });
        Assert.True(filter.Passed, filter.Summary);
    }

    [Fact]
    public void GradientOpsAreTheAdjointsOfTheConvolution()
    {
        // <conv(x, w), g> = <x, input_grad(g, w)> = <w, filter_grad(x, g)>: the three are one trilinear form.
        var x = Tensor.RandomNormal(new[] { 3, 2, 6, 5 }, seed: 20, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 4, 2, 2, 3 }, seed: 21, dtype: Dt);
        var window = x.MakeWindow("test", 2, 3, (1, 2), (1, 0));
        var y = x.Conv2d(w, null, (1, 2), (1, 0));
        var g = Tensor.RandomNormal(y.Shape, seed: 22, dtype: Dt);
        double t = y.Mul(g).Sum().Item();
        Assert.Equal(t, x.Mul(Tensor.ConvolveInputGradient(g, w, window)).Sum().Item(), Digits(10));
        Assert.Equal(t, w.Mul(Tensor.ConvolveFilterGradient(x, g, window)).Sum().Item(), Digits(10));
    }

    [Fact]
    public void PointwiseKernelUsesTheImageAsItsColumns()
    {
        // a 1x1 kernel, stride 1, no padding is a per-pixel product over channels:
        // y[n,o,p] = Σ_c w[o,c] x[n,c,p] (+ b[o]); its gradients by the same sums (checked by finite differences)
        var x = Tensor.RandomNormal(new[] { 2, 3, 2, 2 }, seed: 23, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 2, 3, 1, 1 }, seed: 24, dtype: Dt);
        var b = Of(0.5, -1);
        var y = x.Conv2d(w, b);
        for (int n = 0; n < 2; n++)
            for (int o = 0; o < 2; o++)
                for (int i = 0; i < 2; i++)
                    for (int j = 0; j < 2; j++)
                    {
                        double sum = b[o];
                        for (int c = 0; c < 3; c++) sum += w[o, c, 0, 0] * x[n, c, i, j];
                        Assert.Equal(sum, y[n, o, i, j], Digits(12));
                    }
        var report = Corgi.Verification.GradientChecker.CheckSecondOrder(t => t[0].Conv2d(t[1], t[2]).Square().Sum(), new[] { x, w, b });
        Assert.True(report.Passed, report.Summary);
    }

    [Fact]
    public void ShapeErrorsNameTheOpAndShapes()
    {
        var x = Tensor.Zeros(new[] { 1, 2, 4, 4 }, Dt);
        var e = Assert.Throws<TensorShapeException>(() => x.Conv2d(Tensor.Zeros(new[] { 3, 1, 2, 2 }, Dt)));
        Assert.Contains("conv2d", e.Message);
        Assert.Contains("[1,2,4,4]", e.Message);
        Assert.Contains("[3,1,2,2]", e.Message);
        Assert.Throws<TensorShapeException>(() => Tensor.Zeros(new[] { 2, 4, 4 }, Dt).Conv2d(Tensor.Zeros(new[] { 1, 2, 2, 2 }, Dt)));
        Assert.Contains("bias", Assert.Throws<TensorShapeException>(() => x.Conv2d(Tensor.Zeros(new[] { 3, 2, 2, 2 }, Dt), Tensor.Zeros(new[] { 2 }, Dt))).Message);
        Assert.Contains("does not fit", Assert.Throws<TensorShapeException>(() => x.Conv2d(Tensor.Zeros(new[] { 3, 2, 5, 5 }, Dt))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(Tensor.Zeros(new[] { 3, 2, 2, 2 }, Dt), stride: 0));
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2d(Tensor.Zeros(new[] { 3, 2, 2, 2 }, Dt), padding: -1));
    }

    [Fact]
    public void UntrackedInputsRecordNothing()
    {
        var y = Image3x3.Conv2d(T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4));
        Assert.False(y.IsTracked);
    }
    // ------------------------------------------------------------------ conv2d_relu (the fused rectifier)

    [Fact]
    public void ConvReluSingleChannelValuesAndGradients()
    {
        // conv of Image3x3 with w = [[1,2],[3,4]] is [37, 47, 67, 77] (see above); bias -50 gives
        // z = [-13, -3, 17, 27], so y = relu(z) = [0, 0, 17, 27]: only the bottom windows (1,0) and (1,1) pass.
        var x = Image3x3.Tracked();
        var w = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        var b = Of(-50).Tracked();
        var y = x.Conv2dRelu(w, b);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 0, 0, 17, 27 }, y);

        // L = sum(y): the upstream is 1 on the two active positions and 0 elsewhere.
        // dL/db = 2 (two active positions); dL/dw[a,b] = sum of the inputs under (a,b) in the active windows
        // [[4,5],[7,8]] and [[5,6],[8,9]]: w00 4+5 = 9, w01 5+6 = 11, w10 7+8 = 15, w11 8+9 = 17.
        // dL/dx: window (1,0) adds w at x[1..2, 0..1], window (1,1) at x[1..2, 1..2]:
        // row 0 [0,0,0], row 1 [1, 2+1, 2], row 2 [3, 4+3, 4]
        y.Sum().Backward();
        Close(new double[] { 2 }, b.Gradient!);
        Close(new double[] { 9, 11, 15, 17 }, w.Gradient!);
        Close(new double[] { 0, 0, 0, 1, 3, 2, 3, 7, 4 }, x.Gradient!);
    }

    [Fact]
    public void ConvReluBatchChannelsAndAZeroPreActivation()
    {
        // the case of SeveralChannelsFiltersBatchAndBias with bias [-7, -2] instead of [0.5, -1]:
        // pre-activations n0 o0 [6-7, 8-7] = [-1, 1]; n0 o1 [2-2, 2-2] = [0, 0]; n1 o0 [1-7, 1-7] = [-6, -6];
        // n1 o1 [4-2, 4-2] = [2, 2]. relu'(0) = 0, so the two exact zeros of n0 o1 pass no gradient.
        var x = T(new[] { 2, 2, 2, 3 },
            1, 2, 3, 4, 5, 6, /* n0 c1 */ 1, 0, 1, 0, 1, 0,
            0, 0, 0, 1, 1, 1, /* n1 c1 */ 2, 0, 2, 0, 2, 0).Tracked();
        var w = T(new[] { 2, 2, 2, 2 },
            1, 0, 0, 1, 0, 0, 0, 0,
            0, 0, 0, 0, 1, 1, 1, 1).Tracked();
        var b = Of(-7, -2).Tracked();
        var y = x.Conv2dRelu(w, b);
        Close(new[] { 2, 2, 1, 2 }, new double[] { 0, 1, 0, 0, 0, 0, 2, 2 }, y);

        y.Sum().Backward();
        // db: o0 is active once (n0, j=1), o1 twice (n1, j=0 and 1)
        Close(new double[] { 1, 2 }, b.Gradient!);
        // dw[0] = x[n0] under window j=1: c0 [[2,3],[5,6]], c1 [[0,1],[1,0]];
        // dw[1] = x[n1] under windows j=0 and j=1: c0 [[0,0],[1,1]] twice, c1 [[2,0],[0,2]] + [[0,2],[2,0]]
        Close(new double[] { 2, 3, 5, 6, 0, 1, 1, 0, 0, 0, 2, 2, 2, 2, 2, 2 }, w.Gradient!);
        // dx[n0]: filter 0 ([[1,0],[0,1]] on c0, zeros on c1) placed at column 1; dx[n1]: filter 1 (ones on c1)
        // at columns 0 and 1, so c1 gets the window counts [[1,2,1],[1,2,1]]
        Close(new double[] { 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 1, 1, 2, 1 }, x.Gradient!);
    }

    [Fact]
    public void ConvReluEqualsConvThenReluWithStrideAndPadding()
    {
        // the fused op and the composition compute the same products in the same order: equal values and
        // gradients (up to the order of the bias gradient's sum)
        var x = Tensor.RandomNormal(new[] { 3, 2, 6, 5 }, seed: 30, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 4, 2, 3, 2 }, seed: 31, dtype: Dt);
        var b = Tensor.RandomNormal(new[] { 4 }, seed: 32, dtype: Dt);
        var weights = Tensor.RandomNormal(new[] { 3, 4, 3, 3 }, seed: 33, dtype: Dt);
        var (xf, wf, bf) = (x.Tracked(), w.Tracked(), b.Tracked());
        var fused = xf.Conv2dRelu(wf, bf, (2, 2), (1, 1));
        fused.Mul(weights).Sum().Backward();
        var (xp, wp, bp) = (x.Tracked(), w.Tracked(), b.Tracked());
        var plain = xp.Conv2d(wp, bp, (2, 2), (1, 1)).Relu();
        plain.Mul(weights).Sum().Backward();
        Assert.Equal(plain.ToArray(), fused.ToArray());
        Assert.Contains(0.0, fused.ToArray()); // some outputs are rectified
        Close(xp.Gradient!.ToArray(), xf.Gradient!, 1e-12);
        Close(wp.Gradient!.ToArray(), wf.Gradient!, 1e-12);
        Close(bp.Gradient!.ToArray(), bf.Gradient!, 1e-12);
    }

    [Fact]
    public void ConvReluSecondAndThirdOrder()
    {
        // H·v of Σ weights · conv2d_relu(x, w, b)² in all three inputs (central differences; the pre-activations
        // of these seeds are at least 1e-3 away from 0, so the steps never cross the kink): runs the gated
        // input, filter and bias gradient ops and their derivatives.
        var x = Tensor.RandomNormal(new[] { 2, 2, 5, 4 }, seed: 11, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 3, 2, 3, 2 }, seed: 12, dtype: Dt);
        var b = Tensor.RandomNormal(new[] { 3 }, seed: 13, dtype: Dt);
        var weights = Tensor.RandomNormal(new[] { 2, 3, 3, 3 }, seed: 14, dtype: Dt);
        var z = x.Conv2d(w, b, stride: 2, padding: 1).Abs().Min().Item();
        Assert.True(z > 1e-3, $"a pre-activation is {z}");
        var report = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => t[0].Conv2dRelu(t[1], t[2], stride: 2, padding: 1).Square().Mul(weights).Sum(), new[] { x, w, b });
        Assert.True(report.Passed, report.Summary);

        // the gated gradient ops differentiated twice (third order of conv2d_relu), gate = a relu output
        var window = x.MakeWindow("test", 3, 2, (2, 2), (1, 1));
        var gate = x.Conv2dRelu(w, b, stride: 2, padding: 1);
        var g = Tensor.RandomNormal(gate.Shape, seed: 15, dtype: Dt);
        var inputWeights = Tensor.RandomNormal(x.Shape, seed: 16, dtype: Dt);
        var filterWeights = Tensor.RandomNormal(w.Shape, seed: 17, dtype: Dt);
        var input = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => Tensor.ConvolveInputGradient(t[0], t[1], window, gate).Square().Mul(inputWeights).Sum(), new[] { g, w });
        Assert.True(input.Passed, input.Summary);
        var filter = Corgi.Verification.GradientChecker.CheckSecondOrder(
            t => Tensor.ConvolveFilterGradient(t[0], t[1], window, gate).Square().Mul(filterWeights).Sum(), new[] { x, g });
        Assert.True(filter.Passed, filter.Summary);
    }

    [Fact]
    public void GatedGradientOpsAreTheAdjointsOfTheGatedConvolution()
    {
        // with M = [gate > 0]: <M ⊙ conv(x, w), g> = <x, input_grad(g, w; M)> = <w, filter_grad(x, g; M)>
        var x = Tensor.RandomNormal(new[] { 3, 2, 6, 5 }, seed: 20, dtype: Dt);
        var w = Tensor.RandomNormal(new[] { 4, 2, 2, 3 }, seed: 21, dtype: Dt);
        var window = x.MakeWindow("test", 2, 3, (1, 2), (1, 0));
        var y = x.Conv2d(w, null, (1, 2), (1, 0));
        var gate = Tensor.RandomNormal(y.Shape, seed: 23, dtype: Dt);
        var g = Tensor.RandomNormal(y.Shape, seed: 22, dtype: Dt);
        var mask = gate.Sign().Relu(); // 1 where gate > 0, else 0
        double t = y.Mul(mask).Mul(g).Sum().Item();
        Assert.Equal(t, x.Mul(Tensor.ConvolveInputGradient(g, w, window, gate)).Sum().Item(), Digits(10));
        Assert.Equal(t, w.Mul(Tensor.ConvolveFilterGradient(x, g, window, gate)).Sum().Item(), Digits(10));
        // the pointwise path (1x1 kernel, stride 1, no padding) gates the same way
        var w1 = Tensor.RandomNormal(new[] { 4, 2, 1, 1 }, seed: 24, dtype: Dt);
        var window1 = x.MakeWindow("test", 1, 1, (1, 1), (0, 0));
        var y1 = x.Conv2d(w1);
        var gate1 = Tensor.RandomNormal(y1.Shape, seed: 25, dtype: Dt);
        var g1 = Tensor.RandomNormal(y1.Shape, seed: 26, dtype: Dt);
        double t1 = y1.Mul(gate1.Sign().Relu()).Mul(g1).Sum().Item();
        Assert.Equal(t1, x.Mul(Tensor.ConvolveInputGradient(g1, w1, window1, gate1)).Sum().Item(), Digits(10));
        Assert.Equal(t1, w1.Mul(Tensor.ConvolveFilterGradient(x, g1, window1, gate1)).Sum().Item(), Digits(10));
    }

    [Fact]
    public void ConvReluErrorsNameTheOpAndShapes()
    {
        var x = Tensor.Zeros(new[] { 1, 2, 4, 4 }, Dt);
        var e = Assert.Throws<TensorShapeException>(() => x.Conv2dRelu(Tensor.Zeros(new[] { 3, 1, 2, 2 }, Dt)));
        Assert.Contains("conv2d_relu", e.Message);
        Assert.Contains("[1,2,4,4]", e.Message);
        Assert.Contains("[3,1,2,2]", e.Message);
        Assert.Contains("conv2d_relu", Assert.Throws<TensorShapeException>(() => x.Conv2dRelu(Tensor.Zeros(new[] { 3, 2, 5, 5 }, Dt))).Message);
        Assert.Contains("bias", Assert.Throws<TensorShapeException>(() => x.Conv2dRelu(Tensor.Zeros(new[] { 3, 2, 2, 2 }, Dt), Tensor.Zeros(new[] { 2 }, Dt))).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => x.Conv2dRelu(Tensor.Zeros(new[] { 3, 2, 2, 2 }, Dt), stride: 0));
        Assert.Throws<ArgumentNullException>(() => x.Conv2dRelu(null!));
        Assert.False(Image3x3.Conv2dRelu(T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4)).IsTracked);
    }
}
