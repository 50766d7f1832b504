using System;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.Ops;

public abstract class PoolingTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : PoolingTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : PoolingTests(DType.Float32);

    private protected PoolingTests(DType dtype) : base(dtype) { }

    // [[1,3,2,0],[4,2,1,5],[0,1,7,2],[6,3,4,8]]: 2x2 windows (stride 2)
    // top-left {1,3,4,2}, top-right {2,0,1,5}, bottom-left {0,1,6,3}, bottom-right {7,2,4,8}
    private Tensor Grid => T(new[] { 1, 1, 4, 4 }, 1, 3, 2, 0, 4, 2, 1, 5, 0, 1, 7, 2, 6, 3, 4, 8);
    private Tensor Image3x3 => T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9);

    [Fact]
    public void MaxPoolValuesAndGradientRoutedToTheMaxima()
    {
        var x = Grid.Tracked();
        var y = x.MaxPool2d(2);
        // maxima 4 at (1,0), 5 at (1,3), 6 at (3,0), 8 at (3,3)
        Close(new[] { 1, 1, 2, 2 }, new double[] { 4, 5, 6, 8 }, y);
        y.Backward(T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4));
        Close(new double[] { 0, 0, 0, 0, 1, 0, 0, 2, 0, 0, 0, 0, 3, 0, 0, 4 }, x.Gradient!);
    }

    [Fact]
    public void MaxPoolOverlappingWindowsAddUp()
    {
        // kernel 2, stride 1 over [[1,2,1],[2,9,2],[1,2,1]]: all four windows pick the 9 in the centre
        var x = T(new[] { 1, 1, 3, 3 }, 1, 2, 1, 2, 9, 2, 1, 2, 1).Tracked();
        var y = x.MaxPool2d(2, stride: 1);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 9, 9, 9, 9 }, y);
        y.Sum().Backward();
        Close(new double[] { 0, 0, 0, 0, 4, 0, 0, 0, 0 }, x.Gradient!);
    }

    [Fact]
    public void MaxPoolPaddingNeverWins()
    {
        // padding 1, kernel 2, stride 2 over -[[1,2,3],[4,5,6],[7,8,9]]: windows {-1}, {-2,-3}, {-4,-7}, {-5,-6,-8,-9};
        // the zeros of the padding are ignored, so the maxima stay negative
        var x = Image3x3.Neg().Tracked();
        var y = x.MaxPool2d(2, stride: 2, padding: 1);
        Close(new[] { 1, 1, 2, 2 }, new double[] { -1, -2, -4, -5 }, y);
        y.Sum().Backward();
        Close(new double[] { 1, 1, 0, 1, 1, 0, 0, 0, 0 }, x.Gradient!);
    }

    [Fact]
    public void MaxPoolEachChannelAndImageSeparately()
    {
        // [2, 2, 2, 2] with a 2x2 window: one maximum per (image, channel)
        var x = T(new[] { 2, 2, 2, 2 }, 1, 5, 2, 3, -1, -2, -3, -4, 0, 0, 7, 0, 9, 8, 9, 1).Tracked();
        var y = x.MaxPool2d(2);
        Close(new[] { 2, 2, 1, 1 }, new double[] { 5, -1, 7, 9 }, y);
        y.Sum().Backward();
        // the first maximum wins a tie (the two 9s of the last channel)
        Close(new double[] { 0, 1, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 0, 0 }, x.Gradient!);
    }

    [Fact]
    public void AvgPoolValuesAndGradient()
    {
        var x = Grid.Tracked();
        var y = x.AvgPool2d(2);
        // (1+3+4+2)/4 = 2.5, (2+0+1+5)/4 = 2, (0+1+6+3)/4 = 2.5, (7+2+4+8)/4 = 5.25
        Close(new[] { 1, 1, 2, 2 }, new double[] { 2.5, 2, 2.5, 5.25 }, y);
        // each upstream value is spread as value/4 over its window
        y.Backward(T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4));
        Close(new double[] { .25, .25, .5, .5, .25, .25, .5, .5, .75, .75, 1, 1, .75, .75, 1, 1 }, x.Gradient!);
    }

    [Fact]
    public void AvgPoolWithPaddingCountsTheZeros()
    {
        // padding 1, kernel 2, stride 2 over 1..9: {1}/4, {2,3}/4, {4,7}/4, {5,6,8,9}/4
        var x = Image3x3.Tracked();
        var y = x.AvgPool2d(2, stride: 2, padding: 1);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 0.25, 1.25, 2.75, 7 }, y);
        y.Sum().Backward();
        Close(new double[] { .25, .25, .25, .25, .25, .25, .25, .25, .25 }, x.Gradient!);
    }

    [Fact]
    public void AvgPoolStrideOneOverlaps()
    {
        // kernel 2 stride 1 over 1..9: [[(1+2+4+5)/4, (2+3+5+6)/4], [(4+5+7+8)/4, (5+6+8+9)/4]] = [[3,4],[6,7]]
        // gradient of the sum: (windows containing the pixel)/4
        var x = Image3x3.Tracked();
        var y = x.AvgPool2d(2, stride: 1);
        Close(new[] { 1, 1, 2, 2 }, new double[] { 3, 4, 6, 7 }, y);
        y.Sum().Backward();
        Close(new double[] { .25, .5, .25, .5, 1, .5, .25, .5, .25 }, x.Gradient!);
    }

    [Fact]
    public void GradientsMatchFiniteDifferences()
    {
        var x = Tensor.RandomNormal(new[] { 2, 3, 5, 6 }, seed: 1, dtype: Dt);
        var weights = Tensor.RandomNormal(new[] { 2, 3, 3, 3 }, seed: 2, dtype: Dt);
        foreach (var max in new[] { true, false })
        {
            Tensor Pool(Tensor t) => max ? t.MaxPool2d(3, stride: 2, padding: 1) : t.AvgPool2d(3, stride: 2, padding: 1);
            var xt = x.Tracked();
            Pool(xt).Mul(weights).Sum().Backward();
            Close(NumericGradient(v => Pool(v).Mul(weights).Sum().Item(), x), xt.Gradient!, 1e-7);
        }
    }

    [Fact]
    public void SecondDerivatives()
    {
        // L = sum(pool(x)²): dL/dx = pool'ᵀ(2·pool(x)); differentiating v·dL/dx again gives the
        // Hessian-vector product pool'ᵀ(2·pool'(v)).
        // max: with the maxima of Grid at (1,0),(1,3),(3,0),(3,3), H·v = 2·v at those positions, 0 elsewhere
        var v = Tensor.Arange(16, Dt).Reshape(1, 1, 4, 4);
        var x = Grid.Tracked();
        x.MaxPool2d(2).Square().Sum().Backward(createGraph: true);
        var g = x.TakeGradient()!;
        g.Mul(v).Sum().Backward();
        Close(new double[] { 0, 0, 0, 0, 8, 0, 0, 14, 0, 0, 0, 0, 24, 0, 0, 30 }, x.Gradient!);

        // avg (kernel 2, stride 2): pool'(v) = window means of v = [2.5, 4.5, 10.5, 12.5]; spreading 2·mean/4
        // gives mean/2 on each pixel of the window
        var xa = Grid.Tracked();
        xa.AvgPool2d(2).Square().Sum().Backward(createGraph: true);
        var ga = xa.TakeGradient()!;
        ga.Mul(v).Sum().Backward();
        Close(new double[] { 1.25, 1.25, 2.25, 2.25, 1.25, 1.25, 2.25, 2.25, 5.25, 5.25, 6.25, 6.25, 5.25, 5.25, 6.25, 6.25 }, xa.Gradient!);
    }

    [Fact]
    public void Errors()
    {
        Assert.Contains("max_pool2d", Assert.Throws<TensorShapeException>(() => Tensor.Zeros(new[] { 4, 4 }, Dt).MaxPool2d(2)).Message);
        Assert.Throws<TensorShapeException>(() => Tensor.Zeros(new[] { 1, 1, 2, 2 }, Dt).AvgPool2d(3));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(new[] { 1, 1, 4, 4 }, Dt).MaxPool2d(2, padding: 2));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Zeros(new[] { 1, 1, 4, 4 }, Dt).AvgPool2d(2, stride: 0));
    }
}
