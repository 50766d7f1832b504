using System;
using System.Threading.Tasks;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests;

/// <summary>The dtype itself: creation, conversion and its gradient, promotion, typed access, printing.</summary>
public class DTypeTests
{
    [Fact]
    public void SeedExample_IsExactInFloat32()
    {
        // The seed's dynamic graph: c = c + a*b ten times, times a once c > 50. 195300, 97650 and 232420
        // are integers below 2^24, so float32 holds them (and every intermediate) exactly.
        var a = Tensor.Of(5f).Tracked();
        var b = Tensor.Of(2f).Tracked();
        var c = Tensor.Of(0f).Tracked();
        for (int i = 0; i < 10; i++)
        {
            c = c + a * b;
            if (c[0] > 50.0) c = c * a;
        }
        Assert.Equal(DType.Float32, c.DType);
        Assert.Equal(195300.0, c[0]);
        c.Backward();
        Assert.Equal(DType.Float32, a.Gradient!.DType);
        Assert.Equal(1.0, c.Gradient![0]);
        Assert.Equal(97650.0, b.Gradient![0]);
        Assert.Equal(232420.0, a.Gradient[0]);
    }

    [Fact]
    public void Factories_TakeADType_AndTheDefaultIsFloat64()
    {
        Assert.Equal(DType.Float64, Tensor.Zeros(2, 3).DType);
        Assert.Equal(DType.Float32, Tensor.Zeros(new[] { 2, 3 }, DType.Float32).DType);
        Assert.Equal(DType.Float32, Tensor.Of(1f, 2f).DType);
        Assert.Equal(DType.Float64, Tensor.Of(1.0, 2.0).DType);
        Assert.Equal(DType.Float32, new Tensor(new[] { 2 }, new[] { 1f, 2f }).DType);
        var r64 = Tensor.RandomNormal(new[] { 5 }, seed: 3);
        var r32 = Tensor.RandomNormal(new[] { 5 }, seed: 3, dtype: DType.Float32);
        // the same stream, rounded once
        for (int i = 0; i < 5; i++) Assert.Equal((double)(float)r64[i], r32[i]);
        Assert.Equal(new double[] { 0, 0.5, 1 }, Tensor.Linspace(0, 1, 3, DType.Float32).ToArray());
        Assert.Equal(DType.Float32, Tensor.Eye(2, DType.Float32).DType);
        Assert.Equal(DType.Float32, Tensor.ZerosLike(Tensor.Of(1f)).DType);
    }

    [Fact]
    public async Task DefaultDTypeScope_ChangesFactories_AndFlowsWithAwait()
    {
        using (Tensor.DefaultDTypeScope(DType.Float32))
        {
            Assert.Equal(DType.Float32, Tensor.DefaultDType);
            Assert.Equal(DType.Float32, Tensor.Ones(2).DType);
            Assert.Equal(DType.Float32, Tensor.Of(1, 2, 3).DType); // whole numbers take the default
            Assert.Equal(DType.Float32, await Task.Run(() => Tensor.Zeros(1).DType));
        }
        Assert.Equal(DType.Float64, Tensor.Ones(2).DType);
    }

    [Fact]
    public void To_ConvertsValues_AndTheGradientFlowsBackConverted()
    {
        var x = Tensor.Of(1.5f, -2f).Tracked();
        var y = x.Float64();
        Assert.Equal(DType.Float64, y.DType);
        Assert.Same(x, x.To(DType.Float32));
        // d/dx sum(3 * float64(x)) = 3, delivered to x in float32
        (y * 3.0).Sum().Backward();
        Assert.Equal(DType.Float32, x.Gradient!.DType);
        Assert.Equal(new double[] { 3, 3 }, x.Gradient.ToArray());
        // float64 -> float32 rounds to nearest: 0.1 becomes 0.100000001490116...
        Assert.Equal((double)0.1f, Tensor.Of(0.1).Float32()[0]);
    }

    [Fact]
    public void Promotion_FollowsPyTorch()
    {
        var f = Tensor.Of(1f, 2f);
        var d = Tensor.Of(1.0, 2.0);
        Assert.Equal(DType.Float64, (f + d).DType);                         // float32 with float64: float64
        Assert.Equal(DType.Float32, (f * 2.0).DType);                       // a C# number never widens
        Assert.Equal(DType.Float32, (2.0 - f).DType);
        Assert.Equal(DType.Float32, (f * Tensor.Scalar(2.0)).DType);        // a rank-0 tensor does not widen a dimensioned one
        Assert.Equal(DType.Float64, (Tensor.Scalar(1f, DType.Float32) * Tensor.Scalar(2.0)).DType); // two rank-0: widest
        Assert.Equal(DType.Float64, f.MatMul(d).DType);
        Assert.Equal(DType.Float64, Tensor.Concat(new[] { f, d }).DType);
        Assert.Equal(new double[] { 2, 4 }, (f + d).ToArray());
    }

    [Fact]
    public void MixedDTypes_GiveEachInputAGradientOfItsOwnDType()
    {
        var f = Tensor.Of(1f, 2f).Tracked();
        var d = Tensor.Of(3.0, 4.0).Tracked();
        (f * d).Sum().Backward();
        // d(f·d)/df = d, d(f·d)/dd = f
        Assert.Equal(DType.Float32, f.Gradient!.DType);
        Assert.Equal(DType.Float64, d.Gradient!.DType);
        Assert.Equal(new double[] { 3, 4 }, f.Gradient.ToArray());
        Assert.Equal(new double[] { 1, 2 }, d.Gradient.ToArray());
    }

    [Fact]
    public void BackwardSeed_OfAnotherDType_IsConverted()
    {
        var x = Tensor.Of(1f, 2f).Tracked();
        var y = x * 2.0;
        y.Backward(Tensor.Of(1.0, 0.5));
        Assert.Equal(DType.Float32, x.Gradient!.DType);
        Assert.Equal(new double[] { 2, 1 }, x.Gradient.ToArray());
    }

    [Fact]
    public void TypedAccess_ThrowsAClearErrorForTheWrongType()
    {
        var f = Tensor.Of(1f, 2f);
        Assert.Equal(new[] { 1f, 2f }, f.ToArray<float>());
        Assert.Equal(new[] { 1.0, 2.0 }, f.ToArray());
        Assert.Equal(2, f.AsSpan<float>().Length);
        var e = Assert.Throws<InvalidOperationException>(() => f.AsSpan<double>().ToArray());
        Assert.Contains("float32", e.Message);
        Assert.Contains("[2]", e.Message);
        Assert.Throws<InvalidOperationException>(() => f.AsSpan().ToArray());
        Assert.Throws<InvalidOperationException>(() => Tensor.Of(1.0).ToArray<float>());
        Assert.Equal(4L * 2, f.ByteCount);
    }

    [Fact]
    public void Printing_ShowsADTypeThatIsNotTheDefault()
    {
        Assert.Equal("tensor([1., 2.], dtype=float32)", Tensor.Of(1f, 2f).ToString());
        Assert.Equal("tensor([1., 2.])", Tensor.Of(1.0, 2.0).ToString());
        using (Tensor.DefaultDTypeScope(DType.Float32))
            Assert.Equal("tensor([1., 2.], dtype=float64)", Tensor.Of(1.0, 2.0).ToString());
    }

    [Fact]
    public void Equality_IncludesTheDType()
    {
        Assert.NotEqual(Tensor.Of(1f), Tensor.Of(1.0));
        Assert.Equal(Tensor.Of(1f), Tensor.Of(1f));
        Assert.True(Tensor.Of(1f).AllClose(Tensor.Of(1.0)));
    }

    [Fact]
    public void Float32Sum_IsAccurateOverManyElements()
    {
        // 2^20 copies of 0.1f: a naive float32 running sum drifts by about 1%; summing in double and
        // rounding once gives the float32 nearest to 2^20 * (double)0.1f.
        int n = 1 << 20;
        var x = Tensor.Full(new[] { n }, 0.1, DType.Float32);
        double exact = n * (double)0.1f;
        Assert.Equal((double)(float)exact, x.Sum().Item());
        Assert.Equal((double)(float)(exact / n), x.Mean().Item(), 1e-7);
    }

    [Fact]
    public void DTypeNames_ParseAndPrint()
    {
        Assert.Equal("float32", DType.Float32.Name());
        Assert.Equal(DType.Float64, DTypes.Parse("double"));
        Assert.Equal(DType.Float32, DTypes.Parse("F32"));
        Throws<ArgumentException>(() => DTypes.Parse("int8"), "dtype", "int8");
        Assert.Equal(DType.Float64, DTypes.Promote(DType.Float32, DType.Float64));
    }

    [Fact]
    public void SizeOverflow_IsAClearError()
    {
        ThrowsShape(() => Tensor.Zeros(65536, 65536, 65536, 65536), "full", "[65536,65536,65536,65536]");
        ThrowsShape(() => Tensor.Eye(65536), "eye");
    }
}
