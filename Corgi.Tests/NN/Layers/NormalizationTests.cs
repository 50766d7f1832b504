using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN.Layers;

public class NormalizationTests
{
    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LayerNormOfOneTwoThree(DType dtype)
    {
        // mean 2, biased variance ((−1)² + 0 + 1²)/3 = 2/3, so y = (x − 2)/sqrt(2/3) = [−1.22474, 0, 1.22474]
        var norm = new LayerNorm(new[] { 3 }, eps: 0, dtype: dtype);
        var y = norm.Forward(Tensor.Of(1, 2, 3).To(dtype));
        Assert.Equal(dtype, y.DType);
        Close(new[] { -1.224744871391589, 0, 1.224744871391589 }, y, dtype == DType.Float32 ? 1e-6 : 1e-12);
    }

    [Fact]
    public void LayerNormOverTwoDimsWithAffine()
    {
        // each sample [[1,2],[3,4]]: mean 2.5, variance (2.25+0.25+0.25+2.25)/4 = 1.25, sd 1.118034
        // x̂ = [−1.341641, −0.447214, 0.447214, 1.341641]; γ = [[2,1],[1,1]], β = [[0,0],[0,1]]
        var norm = new LayerNorm(new[] { 2, 2 }, eps: 0);
        norm.Weight!.Value = T(new[] { 2, 2 }, 2, 1, 1, 1);
        norm.Bias!.Value = T(new[] { 2, 2 }, 0, 0, 0, 1);
        var y = norm.Forward(T(new[] { 2, 2, 2 }, 1, 2, 3, 4, 10, 20, 30, 40));
        double a = 1.5 / Math.Sqrt(1.25), b = 0.5 / Math.Sqrt(1.25);
        Close(new[] { 2, 2, 2 }, new[] { -2 * a, -b, b, a + 1, -2 * a, -b, b, a + 1 }, y, 1e-12);
    }

    [Fact]
    public void LayerNormNamesItsShapes()
    {
        var e = Assert.Throws<TensorShapeException>(() => new LayerNorm(4).Forward(Tensor.Zeros(2, 3)));
        Assert.Contains("layer_norm", e.Message);
        Assert.Contains("[2,3]", e.Message);
        Assert.Contains("[4]", e.Message);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void RmsNormOfThreeFour(DType dtype)
    {
        // mean square (9 + 16)/2 = 12.5; y = [3, 4]/sqrt(12.5) = [0.848528, 1.131371]; γ = [1, 2] doubles the second
        var norm = new RmsNorm(2, eps: 0, dtype: dtype);
        norm.Weight!.Value = Tensor.Of(1, 2).To(dtype);
        var y = norm.Forward(Tensor.Of(3, 4).To(dtype));
        Close(new[] { 3 / Math.Sqrt(12.5), 8 / Math.Sqrt(12.5) }, y, dtype == DType.Float32 ? 1e-6 : 1e-12);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void BatchNorm1dNormalizesPerFeatureAndUpdatesRunningStatistics(DType dtype)
    {
        var bn = new BatchNorm1d(2, eps: 0, dtype: dtype);
        // feature 0: [1, 3], mean 2, biased var 1; feature 1: [10, 30], mean 20, biased var 100 -> [[-1,-1],[1,1]]
        var y = bn.Forward(T(new[] { 2, 2 }, 1, 10, 3, 30).To(dtype));
        Close(new double[] { -1, -1, 1, 1 }, y, 1e-6);
        // running mean 0.9·0 + 0.1·[2, 20]; running var with the unbiased variance [2, 200]: 0.9 + 0.1·[2, 200]
        Close(new[] { 0.2, 2.0 }, bn.RunningMean, 1e-6);
        Close(new[] { 1.1, 20.9 }, bn.RunningVar, 1e-6);
        Assert.False(bn.RunningMean.IsTracked);
        Assert.Equal(dtype, bn.RunningMean.DType);
        // evaluation uses the running statistics: (x − 0.2)/sqrt(1.1), (x − 2)/sqrt(20.9)
        bn.Training = false;
        var e = bn.Forward(T(new[] { 1, 2 }, 1.2, 2).To(dtype));
        Close(new[] { 1 / Math.Sqrt(1.1), 0 }, e, 1e-6);
        Assert.Equal(1, bn.BatchesTracked);
    }

    [Fact]
    public void BatchNormAffineGradientsAndNoGraphThroughTheStatistics()
    {
        var bn = new BatchNorm1d(1, eps: 0);
        var x = T(new[] { 2, 1 }, 1, 3).Tracked();
        var y = bn.Forward(x); // [-1, 1]
        (y * T(new[] { 2, 1 }, 1, 2)).Sum().Backward();
        // dL/dγ = Σ x̂·w = −1 + 2 = 1; dL/dβ = Σ w = 3
        Close(new double[] { 1 }, bn.Weight!.Gradient!);
        Close(new double[] { 3 }, bn.Bias!.Gradient!);
        // dL/dx = (γ/σ)(w − mean(w) − x̂·mean(w·x̂)) with σ = 1, mean(w) = 1.5, mean(w x̂) = 0.5:
        // x = 1: 1 − 1.5 − (−1)(0.5) = 0; x = 3: 2 − 1.5 − (1)(0.5) = 0 (w is affine in x̂ here, so no gradient)
        Close(new double[] { 0, 0 }, x.Gradient!);
    }

    [Fact]
    public void BatchNormCumulativeAverageWithoutMomentum()
    {
        var bn = new BatchNorm1d(1, momentum: null);
        bn.Forward(T(new[] { 2, 1 }, 0, 2));   // mean 1, unbiased var 2
        bn.Forward(T(new[] { 2, 1 }, 4, 6));   // mean 5, unbiased var 2
        // the average of the batches seen: mean (1 + 5)/2 = 3, var (2 + 2)/2 = 2 (the first batch replaces the initial values)
        Close(new double[] { 3 }, bn.RunningMean);
        Close(new double[] { 2 }, bn.RunningVar);
    }

    [Fact]
    public void BatchNorm2dPerChannelAndErrors()
    {
        var bn = new BatchNorm2d(1, eps: 0);
        // one channel over N = 2 images of 1x2: [1, 2, 3, 4], mean 2.5, biased var 1.25
        var y = bn.Forward(T(new[] { 2, 1, 1, 2 }, 1, 2, 3, 4));
        double s = Math.Sqrt(1.25);
        Close(new[] { 2, 1, 1, 2 }, new[] { -1.5 / s, -0.5 / s, 0.5 / s, 1.5 / s }, y);
        var e = Assert.Throws<TensorShapeException>(() => bn.Forward(Tensor.Zeros(2, 3, 4, 4)));
        Assert.Contains("batch_norm2d", e.Message);
        Assert.Contains("[2,3,4,4]", e.Message);
        Assert.Throws<TensorShapeException>(() => new BatchNorm1d(3).Forward(Tensor.Zeros(1, 3)));
    }

    [Fact]
    public void GroupNormNormalizesEachGroup()
    {
        // channels [1, 2 | 3, 4] of one sample in 2 groups: each group is [−1, 1] (mean ±0.5 away, var 0.25)
        var gn = new GroupNorm(2, 4, eps: 0);
        gn.Weight!.Value = Tensor.Of(1, 1, 2, 1);
        gn.Bias!.Value = Tensor.Of(0, 0, 0, 10);
        var y = gn.Forward(T(new[] { 1, 4, 1 }, 1, 2, 3, 4));
        Close(new[] { 1, 4, 1 }, new double[] { -1, 1, -2, 11 }, y);
        Assert.Throws<ArgumentOutOfRangeException>(() => new GroupNorm(3, 4));
    }

    public static TheoryData<DType, int> Cases => new() { { DType.Float64, 0 }, { DType.Float32, 0 }, { DType.Float64, 1 }, { DType.Float32, 1 },
        { DType.Float64, 2 }, { DType.Float32, 2 }, { DType.Float64, 3 }, { DType.Float32, 3 }, { DType.Float64, 4 }, { DType.Float32, 4 } };

    [Theory]
    [MemberData(nameof(Cases))]
    public void FiniteDifferences(DType dtype, int which)
    {
        ILayer layer = which switch
        {
            0 => new LayerNorm(new[] { 2, 3 }, dtype: dtype),
            1 => new RmsNorm(3, eps: 1e-5, dtype: dtype),
            2 => new BatchNorm1d(3, dtype: dtype),
            3 => new BatchNorm2d(2, dtype: dtype),
            _ => new GroupNorm(2, 4, dtype: dtype),
        };
        LayerCheck.Randomize(layer, 3);
        int[] shape = which switch { 0 => new[] { 2, 2, 3 }, 1 => new[] { 2, 3 }, 2 => new[] { 4, 3, 2 }, 3 => new[] { 2, 2, 2, 2 }, _ => new[] { 2, 4, 3 } };
        LayerCheck.Gradients(layer, Tensor.RandomNormal(shape, 11, dtype: dtype));
        if (layer is BatchNorm bn)
        {
            bn.Training = false;
            LayerCheck.Gradients(layer, Tensor.RandomNormal(shape, 12, dtype: dtype));
        }
    }
}
