using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>conv1d, conv2d with dilation and groups, conv_transpose2d.</summary>
public abstract class ConvolutionVariantsTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ConvolutionVariantsTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ConvolutionVariantsTests(DType.Float32);

    private protected ConvolutionVariantsTests(DType dtype) : base(dtype) { }

    [Fact]
    public void Conv1d_StridePaddingDilation()
    {
        var x = T(new[] { 1, 1, 5 }, 1, 2, 3, 4, 5);
        var w = T(new[] { 1, 1, 2 }, 1, -1);
        // out[i] = x[i] - x[i+1]
        AssertClose(new[] { 1, 1, 4 }, new double[] { -1, -1, -1, -1 }, x.Conv1d(w));
        // padded [0,1,2,3,4,5,0], windows at 0, 2, 4: 0-1, 2-3, 4-5
        AssertClose(new[] { 1, 1, 3 }, new double[] { -1, -1, -1 }, x.Conv1d(w, stride: 2, padding: 1));
        // dilation 2: out[i] = x[i] - x[i+2]
        AssertClose(new[] { 1, 1, 3 }, new double[] { -2, -2, -2 }, x.Conv1d(w, dilation: 2));
        // bias 10 on the one channel
        AssertClose(new double[] { 9, 9, 9, 9 }, x.Conv1d(w, Of(10)));
        ThrowsShape(() => x.Conv1d(Tensor.Ones(new[] { 1, 1, 2, 2 }, Dt)), "conv1d", "[1,1,5]", "[1,1,2,2]");
    }

    [Fact]
    public void Conv2d_Groups_Depthwise()
    {
        // channel 0 = [1, 2], channel 1 = [3, 4] (1x2 images); one 1x1 filter per channel: 10 and 100
        var x = T(new[] { 1, 2, 1, 2 }, 1, 2, 3, 4).Tracked();
        var w = T(new[] { 2, 1, 1, 1 }, 10, 100).Tracked();
        var y = x.Conv2d(w, Of(1, 2), 1, 0, 1, groups: 2);
        AssertClose(new[] { 1, 2, 1, 2 }, new double[] { 11, 21, 302, 402 }, y);
        y.Backward(Tensor.Ones(new[] { 1, 2, 1, 2 }, Dt));
        AssertClose(new double[] { 3, 7 }, w.Gradient);         // Σ of each channel's inputs
        AssertClose(new double[] { 10, 10, 100, 100 }, x.Gradient);
        ThrowsShape(() => x.Conv2d(Tensor.Ones(new[] { 2, 2, 1, 1 }, Dt), null, 1, 0, 1, groups: 2), "conv2d", "2 groups", "[2,2,1,1]");
        ThrowsShape(() => x.Conv2d(Tensor.Ones(new[] { 3, 1, 1, 1 }, Dt), null, 1, 0, 1, groups: 2), "conv2d", "groups", "[3,1,1,1]");
    }

    [Fact]
    public void Conv2d_Groups_WiderKernel_And_ConvTranspose2d_Groups()
    {
        // channel 0 = [1, 2, 3] convolved with [1, 1] -> [3, 5]; channel 1 = [4, 5, 6] with [1, -1] -> [-1, -1]
        var x = T(new[] { 1, 2, 1, 3 }, 1, 2, 3, 4, 5, 6);
        var w = T(new[] { 2, 1, 1, 2 }, 1, 1, 1, -1);
        AssertClose(new[] { 1, 2, 1, 2 }, new double[] { 3, 5, -1, -1 }, x.Conv2d(w, null, 1, 0, 1, groups: 2));
        // transposed, 2 groups of one channel: 2 spread by [1, 1] -> [2, 2]; 3 spread by [1, -1] -> [3, -3]
        var p = T(new[] { 1, 2, 1, 1 }, 2, 3);
        AssertClose(new[] { 1, 2, 1, 2 }, new double[] { 2, 2, 3, -3 }, p.ConvTranspose2d(w, groups: 2));
    }

    [Fact]
    public void Conv2d_Dilation()
    {
        // 3x3 image 1..9, a 2x2 kernel of ones dilated by 2 reads the four corners: 1 + 3 + 7 + 9
        var x = T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9);
        AssertClose(new[] { 1, 1, 1, 1 }, new double[] { 20 }, x.Conv2d(Tensor.Ones(new[] { 1, 1, 2, 2 }, Dt), null, 1, 0, 2));
        Throws<ArgumentOutOfRangeException>(() => x.Conv2d(Tensor.Ones(new[] { 1, 1, 2, 2 }, Dt), null, 1, 0, 0), "conv2d", "dilation");
    }

    [Fact]
    public void ConvTranspose2d_SpreadsEachPixelOverTheKernel()
    {
        var x = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        var ones = Tensor.Ones(new[] { 1, 1, 2, 2 }, Dt);
        // stride 2: every pixel becomes a 2x2 block
        AssertClose(new[] { 1, 1, 4, 4 }, new double[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, x.ConvTranspose2d(ones, stride: 2));
        // stride 1: overlapping blocks add up: centre 1 + 2 + 3 + 4
        AssertClose(new[] { 1, 1, 3, 3 }, new double[] { 1, 3, 2, 4, 10, 6, 3, 7, 4 }, x.ConvTranspose2d(ones));
        // padding 1 crops one border: the centre
        AssertClose(new[] { 1, 1, 1, 1 }, new double[] { 10 }, x.ConvTranspose2d(ones, padding: 1));
        // stride 2, padding 1, output padding 1: the 4x4 result without its first row and column
        AssertClose(new[] { 1, 1, 3, 3 }, new double[] { 1, 2, 2, 3, 4, 4, 3, 4, 4 }, x.ConvTranspose2d(ones, stride: 2, padding: 1, outputPadding: 1));
        // bias on the output channel
        AssertClose(new double[] { 11 }, x.ConvTranspose2d(ones, Of(1), padding: 1));
        var y = x.ConvTranspose2d(ones, stride: 2);
        y.Backward(Tensor.Ones(new[] { 1, 1, 4, 4 }, Dt));
        AssertClose(new double[] { 4, 4, 4, 4 }, x.Gradient); // each pixel was copied 4 times
    }

    [Fact]
    public void ConvTranspose2d_Dilation_SpacesTheTaps()
    {
        // one pixel of 5 and a 2x2 kernel of ones dilated by 2: the taps land on the corners of a 3x3 output
        var x = T(new[] { 1, 1, 1, 1 }, 5);
        AssertClose(new[] { 1, 1, 3, 3 }, new double[] { 5, 0, 5, 0, 0, 0, 5, 0, 5 }, x.ConvTranspose2d(Tensor.Ones(new[] { 1, 1, 2, 2 }, Dt), dilation: 2));
    }

    [Fact]
    public void ConvTranspose2d_IsTheAdjointOfConv2d()
    {
        // <conv_transpose(x, w), y> = <x, conv2d(y, w)> for x [1,2,2,3], w [2,3,2,2] (2 in, 3 out), y [1,3,3,4]
        var x = Tensor.Arange(12, Dt).Reshape(1, 2, 2, 3) * 0.5;
        var w = Tensor.Arange(24, Dt).Reshape(2, 3, 2, 2) * 0.25 - 2.0;
        var y = Tensor.Arange(36, Dt).Reshape(1, 3, 3, 4) * 0.125 - 1.0;
        double left = Value((x.ConvTranspose2d(w) * y).Sum());
        double right = Value((x * y.Conv2d(w)).Sum());
        Assert.Equal(right, left, Digits(9));
    }

    [Fact]
    public void ConvTranspose2d_Errors()
    {
        var x = Tensor.Ones(new[] { 1, 2, 2, 2 }, Dt);
        ThrowsShape(() => x.ConvTranspose2d(Tensor.Ones(new[] { 3, 1, 2, 2 }, Dt)), "conv_transpose2d", "[1,2,2,2]", "[3,1,2,2]");
        Throws<ArgumentOutOfRangeException>(() => x.ConvTranspose2d(Tensor.Ones(new[] { 2, 1, 2, 2 }, Dt), stride: 2, outputPadding: 2), "conv_transpose2d", "output padding");
    }

    private static double Value(Tensor t) => t.DType == DType.Float32 ? t.ToArray<float>()[0] : t.ToArray<double>()[0];
}
