using System;
using System.Linq;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.NN;

public class InitializerTests
{
    private static (double Min, double Max, double Mean, double Std) Stats(Tensor t)
    {
        double min = double.MaxValue, max = double.MinValue, sum = 0, sq = 0;
        foreach (var v in t.AsSpan()) { min = Math.Min(min, v); max = Math.Max(max, v); sum += v; sq += v * v; }
        double mean = sum / t.Count;
        return (min, max, mean, Math.Sqrt(sq / t.Count - mean * mean));
    }

    [Fact]
    public void HeIsUniformInPlusMinusSqrtTwoOverFanIn()
    {
        // fan-in 200: bound sqrt(2/200) = 0.1; a uniform(-a, a) has standard deviation a/sqrt(3)
        var s = Stats(Initializer.He(seed: 1).Create(new[] { 100, 200 }, 200, 100));
        Assert.InRange(s.Min, -0.1, -0.099);
        Assert.InRange(s.Max, 0.099, 0.1);
        Assert.InRange(s.Std, 0.1 / Math.Sqrt(3) * 0.97, 0.1 / Math.Sqrt(3) * 1.03);
    }

    [Fact]
    public void NormalInitializersHaveTheirStandardDeviation()
    {
        // He normal: sqrt(2/200) = 0.1; Xavier normal: sqrt(2/(200+300)) = 0.0632...
        var he = Stats(Initializer.HeNormal(seed: 2).Create(new[] { 100, 200 }, 200, 300));
        Assert.InRange(he.Std, 0.097, 0.103);
        Assert.InRange(he.Mean, -0.003, 0.003);
        var xavier = Stats(Initializer.XavierNormal(seed: 3).Create(new[] { 100, 200 }, 200, 300));
        Assert.InRange(xavier.Std, Math.Sqrt(2.0 / 500) * 0.97, Math.Sqrt(2.0 / 500) * 1.03);
    }

    [Fact]
    public void XavierUniformBound()
    {
        // bound sqrt(6/(fan_in + fan_out)) = sqrt(6/600) = 0.1
        var s = Stats(Initializer.XavierUniform(seed: 4).Create(new[] { 100, 200 }, 200, 400));
        Assert.InRange(s.Min, -0.1, -0.099);
        Assert.InRange(s.Max, 0.099, 0.1);
    }

    [Fact]
    public void ConstantAndZeros()
    {
        Assert.Equal(new double[] { 0.5, 0.5, 0.5 }, Initializer.Constant(0.5).Create(new[] { 3 }, 1, 1).ToArray());
        Assert.Equal(new double[] { 0, 0 }, Initializer.Zeros().Create(new[] { 1, 2 }, 1, 1).ToArray());
    }

    [Fact]
    public void SeededInitializersAreReproducible()
    {
        foreach (var make in new Func<Initializer>[] { () => Initializer.He(9), () => Initializer.HeNormal(9), () => Initializer.XavierUniform(9), () => Initializer.XavierNormal(9) })
        {
            var a = make();
            var b = make();
            var a1 = a.Create(new[] { 4, 3 }, 3, 4);
            Assert.Equal(a1.ToArray(), b.Create(new[] { 4, 3 }, 3, 4).ToArray());
            // one initializer continues its sequence: the next tensor differs
            Assert.NotEqual(a1.ToArray(), a.Create(new[] { 4, 3 }, 3, 4).ToArray());
        }
    }

    [Fact]
    public void Float32ValuesAreTheFloat64ValuesRounded()
    {
        // the same seed draws the same random stream whatever the dtype
        foreach (var make in new Func<Initializer>[] { () => Initializer.He(7), () => Initializer.HeNormal(7), () => Initializer.XavierUniform(7), () => Initializer.XavierNormal(7) })
        {
            var a = make().Create(new[] { 4, 3 }, 3, 4, DType.Float64);
            var b = make().Create(new[] { 4, 3 }, 3, 4, DType.Float32);
            Assert.Equal(DType.Float64, a.DType);
            Assert.Equal(DType.Float32, b.DType);
            Assert.Equal(a.ToArray().Select(v => (float)v).ToArray(), b.ToArray<float>());
        }
        var c = Initializer.Constant(0.1).Create(new[] { 2 }, 1, 1, DType.Float32);
        Assert.Equal(new[] { 0.1f, 0.1f }, c.ToArray<float>());
    }

    private sealed class Threes : Initializer
    {
        public override Tensor Create(int[] shape, int fanIn, int fanOut) => Tensor.Full(shape, 3.0, DType.Float64);
    }

    [Fact]
    public void ACustomInitializerIsConvertedToTheRequestedDType()
    {
        var t = new Threes().Create(new[] { 2 }, 1, 1, DType.Float32);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 3f, 3f }, t.ToArray<float>());
        Assert.Equal(DType.Float32, new Dense(2, 2, new Threes(), dtype: DType.Float32).Weights.Value.DType);
    }
}
