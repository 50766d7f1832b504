using System;
using Xunit;

namespace Corgi.Tests.Ops;

public abstract class DropoutTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : DropoutTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : DropoutTests(DType.Float32);

    private protected DropoutTests(DType dtype) : base(dtype) { }

    [Fact]
    public void KeepsOrZeroesAndScalesTheKeptValues()
    {
        var x = Tensor.Full(new[] { 1000 }, 3.0).Tracked();
        var y = x.Dropout(0.25, new Random(1));
        int dropped = 0;
        foreach (var v in y.ToArray())
        {
            // kept values are scaled by 1/(1 - 0.25) = 4/3: 3 · 4/3 = 4
            Assert.True(v == 0 || Math.Abs(v - 4) < 1e-12, $"unexpected value {v}");
            if (v == 0) dropped++;
        }
        // 1000 Bernoulli(0.25) draws: mean 250, standard deviation ~13.7
        Assert.InRange(dropped, 200, 300);
        // the gradient is the mask: 4/3 where kept, 0 where dropped
        y.Sum().Backward();
        for (int i = 0; i < 1000; i++) Assert.Equal(y.GetFlat(i) == 0 ? 0 : 4.0 / 3, x.Gradient!.GetFlat(i), 12);
    }

    [Fact]
    public void SameSeedSameMask()
    {
        var x = Tensor.Ones(new[] { 50 }, Dt);
        Assert.Equal(x.Dropout(0.5, new Random(7)).ToArray(), x.Dropout(0.5, new Random(7)).ToArray());
    }

    [Fact]
    public void EvaluationAndZeroProbabilityPassThrough()
    {
        var x = Of(1, 2, 3);
        Assert.Same(x, x.Dropout(0.5, new Random(1), training: false));
        Assert.Same(x, x.Dropout(0, new Random(1)));
        Assert.Equal(new double[] { 0, 0, 0 }, x.Dropout(1, new Random(1)).ToArray());
    }

    [Fact]
    public void RejectsBadProbabilities()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Ones(new[] { 2 }, Dt).Dropout(1.5, new Random(1)));
        Assert.Throws<ArgumentOutOfRangeException>(() => Tensor.Ones(new[] { 2 }, Dt).Dropout(double.NaN, new Random(1)));
    }
}
