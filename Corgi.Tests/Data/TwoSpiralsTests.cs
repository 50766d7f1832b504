using System;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public class TwoSpiralsTests
{
    [Fact]
    public void ShapesLabelsAndRadii()
    {
        var d = TwoSpirals.Generate(pointsPerClass: 5, seed: 1);
        Assert.Equal(new[] { 10, 2 }, d.Inputs.Shape);
        Assert.Equal(new double[] { 0, 0, 0, 0, 0, 1, 1, 1, 1, 1 }, d.Labels.ToArray());
        Assert.Equal(2, d.Classes);
        // the noise only moves the angle: point i of an arm lies at radius i/(n-1) = 0, 0.25, 0.5, 0.75, 1
        for (int row = 0; row < 10; row++)
        {
            double r = Math.Sqrt(d.Inputs[row, 0] * d.Inputs[row, 0] + d.Inputs[row, 1] * d.Inputs[row, 1]);
            Assert.Equal((row % 5) * 0.25, r, 12);
        }
        Assert.Equal(new[] { 10, 2 }, d.OneHotLabels().Shape);
    }

    [Fact]
    public void WithoutNoiseTheArmsFollowTheFormula()
    {
        // class 1, last point: r = 1, θ = 4·1 + 4·1 = 8 -> (sin 8, cos 8)
        var d = TwoSpirals.Generate(pointsPerClass: 3, seed: 1, noise: 0);
        Assert.Equal(Math.Sin(8), d.Inputs[5, 0], 12);
        Assert.Equal(Math.Cos(8), d.Inputs[5, 1], 12);
        // class 0, middle point: r = 0.5, θ = 2
        Assert.Equal(0.5 * Math.Sin(2), d.Inputs[1, 0], 12);
    }

    [Fact]
    public void ReproducibleFromTheSeed()
    {
        Assert.Equal(TwoSpirals.Generate(50, seed: 4).Inputs.ToArray(), TwoSpirals.Generate(50, seed: 4).Inputs.ToArray());
        Assert.NotEqual(TwoSpirals.Generate(50, seed: 4).Inputs.ToArray(), TwoSpirals.Generate(50, seed: 5).Inputs.ToArray());
        Assert.Equal(new[] { 150, 2 }, TwoSpirals.Generate(50, seed: 4, classes: 3).Inputs.Shape);
    }

    [Fact]
    public void Float32PointsAreTheFloat64PointsRounded()
    {
        var a = TwoSpirals.Generate(20, seed: 5, dtype: DType.Float64);
        var b = TwoSpirals.Generate(20, seed: 5, dtype: DType.Float32);
        Assert.Equal(DType.Float32, b.Inputs.DType);
        Assert.Equal(DType.Float32, b.Labels.DType);
        Assert.Equal(DType.Float32, b.OneHotLabels().DType);
        Assert.Equal(Array.ConvertAll(a.Inputs.ToArray(), v => (float)v), b.Inputs.ToArray<float>());
        Assert.Equal(a.Labels.ToArray(), b.Labels.ToArray());
        using (Tensor.DefaultDTypeScope(DType.Float32)) Assert.Equal(DType.Float32, TwoSpirals.Generate(2, 1).Inputs.DType);
    }
}
