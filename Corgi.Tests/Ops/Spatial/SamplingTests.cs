using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>Pooling variants (1-D, adaptive) and upsampling.</summary>
public abstract class SamplingTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : SamplingTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : SamplingTests(DType.Float32);

    private protected SamplingTests(DType dtype) : base(dtype) { }

    // the 3x3 image 1..9
    private Tensor Image3() => T(new[] { 1, 1, 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9).Tracked();

    [Fact]
    public void MaxPool1d_AvgPool1d()
    {
        var x = T(new[] { 1, 1, 6 }, 1, 5, 2, 4, 3, 0).Tracked();
        var m = x.MaxPool1d(2);                  // windows (1,5) (2,4) (3,0)
        AssertClose(new[] { 1, 1, 3 }, new double[] { 5, 4, 3 }, m);
        m.Backward(Of(10, 20, 30).Reshape(1, 1, 3));
        AssertClose(new double[] { 0, 10, 0, 20, 30, 0 }, x.Gradient);
        AssertClose(new double[] { 3, 3, 1.5 }, x.AvgPool1d(2));
        AssertClose(new double[] { 2, 3 }, T(new[] { 1, 1, 4 }, 1, 2, 3, 4).AvgPool1d(3, 1)); // (1+2+3)/3, (2+3+4)/3
        // padding 1 counts in the divisor: (0+1)/2, (5+2)/2, (4+3)/2, (0+0)... windows at -1, 1, 3, 5: [0,1] [5,2] [4,3] [0,0]
        AssertClose(new double[] { 0.5, 3.5, 3.5, 0 }, x.AvgPool1d(2, 2, 1));
        ThrowsShape(() => Image3().MaxPool1d(2), "max_pool1d", "[1,1,3,3]");
    }

    [Fact]
    public void AdaptiveAvgPool2d_OverlappingCells_And_Global()
    {
        var x = Image3();
        // 3 -> 2: cells [0,2) and [1,3) in both directions: means of {1,2,4,5}, {2,3,5,6}, {4,5,7,8}, {5,6,8,9}
        AssertClose(new[] { 1, 1, 2, 2 }, new double[] { 3, 4, 6, 7 }, x.AdaptiveAvgPool2d(2, 2));
        var g = x.AdaptiveAvgPool2d(1, 1);       // global mean, 5
        AssertClose(new[] { 1, 1, 1, 1 }, new double[] { 5 }, g);
        g.Backward(Tensor.Ones(new[] { 1, 1, 1, 1 }, Dt));
        AssertClose(new double[] { 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9, 1.0 / 9 }, x.Gradient);
        // 3 rows -> 1 row, 3 columns kept: column means 4, 5, 6
        AssertClose(new[] { 1, 1, 1, 3 }, new double[] { 4, 5, 6 }, Image3().AdaptiveAvgPool2d(1, 3));
        Throws<ArgumentOutOfRangeException>(() => x.AdaptiveAvgPool2d(0, 1), "adaptive_avg_pool2d", "0x1");
    }

    [Fact]
    public void AdaptiveMaxPool2d()
    {
        var x = Image3();
        var y = x.AdaptiveMaxPool2d(2, 2);       // maxima of the same cells: 5, 6, 8, 9
        AssertClose(new[] { 1, 1, 2, 2 }, new double[] { 5, 6, 8, 9 }, y);
        y.Backward(T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4));
        AssertClose(new double[] { 0, 0, 0, 0, 1, 2, 0, 3, 4 }, x.Gradient);
        AssertClose(new double[] { 9 }, Image3().AdaptiveMaxPool2d(1, 1));
        ThrowsShape(() => Of(1, 2).AdaptiveMaxPool2d(1, 1), "adaptive_max_pool2d", "[2]");
    }

    [Fact]
    public void UpsampleNearest2d()
    {
        var x = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        var y = x.UpsampleNearest2d(2);
        AssertClose(new[] { 1, 1, 4, 4 }, new double[] { 1, 1, 2, 2, 1, 1, 2, 2, 3, 3, 4, 4, 3, 3, 4, 4 }, y);
        y.Backward(Tensor.Ones(new[] { 1, 1, 4, 4 }, Dt));
        AssertClose(new double[] { 4, 4, 4, 4 }, x.Gradient);
        // 2 -> 3 columns: source ⌊i·2/3⌋ = 0, 0, 1
        AssertClose(new[] { 1, 1, 2, 3 }, new double[] { 1, 1, 2, 3, 3, 4 }, x.UpsampleNearest2d(2, 3));
    }

    [Fact]
    public void UpsampleBilinear2d_AlignCornersFalse_AsPyTorch()
    {
        var x = T(new[] { 1, 1, 2, 2 }, 1, 2, 3, 4).Tracked();
        // 2 -> 4 samples at (i + 0.5)/2 - 0.5 = -0.25 (clamped to 0), 0.25, 0.75, 1.25 (clamped to the last sample):
        // [1, 2] -> [1, 1.25, 1.75, 2]; rows likewise, weights 1, (0.75, 0.25), (0.25, 0.75), 1
        var y = x.UpsampleBilinear2d(2);
        AssertClose(new[] { 1, 1, 4, 4 }, new double[]
        {
            1, 1.25, 1.75, 2,
            1.5, 1.75, 2.25, 2.5,
            2.5, 2.75, 3.25, 3.5,
            3, 3.25, 3.75, 4,
        }, y);
        y.Backward(Tensor.Ones(new[] { 1, 1, 4, 4 }, Dt));
        // each input's weights sum to 1 + 0.75 + 0.25 = 2 per direction
        AssertClose(new double[] { 4, 4, 4, 4 }, x.Gradient);
        // align corners: samples at i/3: [1, 4/3, 5/3, 2]
        AssertClose(new double[] { 1, 4.0 / 3, 5.0 / 3, 2 }, T(new[] { 1, 1, 1, 2 }, 1, 2).UpsampleBilinear2d(1, 4, alignCorners: true), 1e-12);
        ThrowsShape(() => Of(1, 2).UpsampleBilinear2d(2), "upsample_bilinear2d", "[2]");
    }
}
