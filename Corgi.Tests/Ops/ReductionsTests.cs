using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class ReductionsTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ReductionsTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ReductionsTests(DType.Float32);

    private protected ReductionsTests(DType dtype) : base(dtype) { }

    private Tensor A23() => T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();

    // x[i,j,k] = 6i + 2j + k
    private Tensor A232() => Tensor.Arange(12, Dt).Reshape(2, 3, 2).Tracked();

    [Fact]
    public void SumAll_IsScalarWithUnitGradient()
    {
        var a = A23();
        var s = a.Sum();
        AssertClose(Array.Empty<int>(), new double[] { 21 }, s);
        s.Backward();
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 1, 1, 1 }, a.Gradient);
    }

    [Fact]
    public void SumDim0_GradientBroadcastsSeedOverRows()
    {
        var a = A23();
        var s = a.Sum(0);
        AssertClose(new[] { 3 }, new double[] { 5, 7, 9 }, s);
        s.Backward(Of(1, 2, 3));
        // grad a[i,j] = seed[j]
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 1, 2, 3 }, a.Gradient);
    }

    [Fact]
    public void SumDim1KeepDim()
    {
        var a = A23();
        var s = a.Sum(1, keepDim: true);
        AssertClose(new[] { 2, 1 }, new double[] { 6, 15 }, s);
        s.Backward(T(new[] { 2, 1 }, 1, 2));
        // grad a[i,j] = seed[i]
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 2, 2, 2 }, a.Gradient);
    }

    [Fact]
    public void SumNegativeDim()
    {
        AssertClose(new[] { 2 }, new double[] { 6, 15 }, A23().Sum(-1));
    }

    [Fact]
    public void SumTwoDims()
    {
        var x = A232();
        var s = x.Sum(new[] { 0, 2 });
        // sum over i,k of 6i + 2j + k = 6*2 + 8j + 2 = 14 + 8j
        AssertClose(new[] { 3 }, new double[] { 14, 22, 30 }, s);
        s.Backward(Of(1, 10, 100));
        // grad x[i,j,k] = seed[j]
        AssertClose(new[] { 2, 3, 2 }, new double[] { 1, 1, 10, 10, 100, 100, 1, 1, 10, 10, 100, 100 }, x.Gradient);
        AssertClose(new[] { 1, 3, 1 }, new double[] { 14, 22, 30 }, x.Sum(new[] { 2, 0 }, keepDim: true));
    }

    [Fact]
    public void SumLast_IsTheSeedsDimensionCountSum()
    {
        var x = A232();
        // the last two dimensions of x[i] hold 6i .. 6i+5: sums 15 and 51
        AssertClose(new[] { 2 }, new double[] { 15, 51 }, x.SumLast(2));
        AssertClose(Array.Empty<int>(), new double[] { 66 }, x.SumLast(3));
        AssertClose(new[] { 2, 3, 2 }, x.ToArray(), x.SumLast(0));
        var s = x.SumLast(1);
        // x[i,j,0] + x[i,j,1] = 12i + 4j + 1
        AssertClose(new[] { 2, 3 }, new double[] { 1, 5, 9, 13, 17, 21 }, s);
        s.Backward();
        AssertClose(new double[] { 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1 }, x.Gradient);
        Throws<ArgumentOutOfRangeException>(() => x.SumLast(4), "sum", "4", "[2,3,2]");
        Throws<ArgumentOutOfRangeException>(() => x.SumLast(-1), "sum", "[2,3,2]");
    }

    [Fact]
    public void MeanAll()
    {
        var a = A23();
        var m = a.Mean();
        AssertClose(Array.Empty<int>(), new[] { 3.5 }, m);
        m.Backward();
        // d mean/dx = 1/6
        AssertClose(new[] { 2, 3 }, new[] { 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0, 1 / 6.0 }, a.Gradient);
    }

    [Fact]
    public void MeanDim()
    {
        var a = A23();
        var m = a.Mean(1);
        AssertClose(new[] { 2 }, new double[] { 2, 5 }, m);
        m.Backward(Of(3, 6));
        // grad a[i,j] = seed[i] / 3
        AssertClose(new double[] { 1, 1, 1, 2, 2, 2 }, a.Gradient);
        AssertClose(new[] { 1, 3, 1 }, new[] { 3.5, 5.5, 7.5 }, A232().Mean(new[] { 0, 2 }, keepDim: true));
    }

    [Fact]
    public void SumTo_ReducesBroadcastDimensions()
    {
        var a = A23();
        AssertClose(new[] { 1, 3 }, new double[] { 5, 7, 9 }, a.SumTo(1, 3));
        AssertClose(new[] { 3 }, new double[] { 5, 7, 9 }, a.SumTo(3));
        AssertClose(new[] { 2, 1 }, new double[] { 6, 15 }, a.SumTo(2, 1));
        AssertClose(Array.Empty<int>(), new double[] { 21 }, a.SumTo());
        var s = a.SumTo(2, 1);
        s.Backward(T(new[] { 2, 1 }, 1, 2));
        AssertClose(new double[] { 1, 1, 1, 2, 2, 2 }, a.Gradient);
        ThrowsShape(() => a.SumTo(2), "sum_to", "[2,3]", "[2]");
    }

    [Fact]
    public void MaxAll_GradientToFirstArgPosition()
    {
        var a = T(new[] { 2, 3 }, 1, 7, 3, 7, 2, 0).Tracked();
        var m = a.Max();
        AssertClose(Array.Empty<int>(), new double[] { 7 }, m);
        m.Backward();
        // the maximum 7 first appears at flat position 1
        AssertClose(new double[] { 0, 1, 0, 0, 0, 0 }, a.Gradient);
    }

    [Fact]
    public void MinAll_GradientToArgPosition()
    {
        var a = T(new[] { 2, 3 }, 1, 7, 3, 7, 2, 0).Tracked();
        var m = a.Min();
        AssertClose(Array.Empty<int>(), new double[] { 0 }, m);
        m.Backward(Tensor.Scalar(5, Dt));
        AssertClose(new double[] { 0, 0, 0, 0, 0, 5 }, a.Gradient);
        Throws<InvalidOperationException>(() => Tensor.Zeros(new[] { 0, 2 }, Dt).Max(), "max", "[0,2]");
    }

    [Fact]
    public void MaxAlongDim_RoutesGradientToArgMax()
    {
        var a = T(new[] { 2, 3 }, 1, 5, 3, 4, 2, 6).Tracked();
        var m = a.Max(1);
        AssertClose(new[] { 2 }, new double[] { 5, 6 }, m);
        m.Backward(Of(10, 20));
        // row 0's max is at column 1, row 1's at column 2
        AssertClose(new[] { 2, 3 }, new double[] { 0, 10, 0, 0, 0, 20 }, a.Gradient);
        AssertIndices(new[] { 2 }, new double[] { 1, 2 }, a.ArgMax(1));
        Assert.False(a.ArgMax(1).IsTracked);
    }

    [Fact]
    public void MaxAlongDim0KeepDim()
    {
        var a = T(new[] { 2, 3 }, 1, 5, 3, 4, 2, 6).Tracked();
        var m = a.Max(0, keepDim: true);
        AssertClose(new[] { 1, 3 }, new double[] { 4, 5, 6 }, m);
        m.Backward();
        // column maxima at rows 1, 0, 1
        AssertClose(new double[] { 0, 1, 0, 1, 0, 1 }, a.Gradient);
        AssertIndices(new[] { 1, 3 }, new double[] { 1, 0, 1 }, a.ArgMax(0, keepDim: true));
    }

    [Fact]
    public void MinAlongDim_RoutesGradientToArgMin()
    {
        var a = T(new[] { 2, 3 }, 1, 5, 3, 4, 2, 6).Tracked();
        var m = a.Min(-1);
        AssertClose(new[] { 2 }, new double[] { 1, 2 }, m);
        m.Backward(Of(10, 20));
        AssertClose(new double[] { 10, 0, 0, 0, 20, 0 }, a.Gradient);
        AssertIndices(new[] { 2 }, new double[] { 0, 1 }, a.ArgMin(1));
    }

    [Fact]
    public void MaxAlongMiddleDim_OfRank3()
    {
        // x[i,j,k] = 6i + 2j + k: the max over j is always at j = 2
        var x = A232();
        var (values, indices) = x.MaxWithIndices(1);
        AssertClose(new[] { 2, 2 }, new double[] { 4, 5, 10, 11 }, values);
        AssertIndices(new[] { 2, 2 }, new double[] { 2, 2, 2, 2 }, indices);
        values.Backward(T(new[] { 2, 2 }, 1, 2, 3, 4));
        AssertClose(new double[] { 0, 0, 0, 0, 1, 2, 0, 0, 0, 0, 3, 4 }, x.Gradient);
        var (minValues, minIndices) = x.MinWithIndices(1, keepDim: true);
        AssertClose(new[] { 2, 1, 2 }, new double[] { 0, 1, 6, 7 }, minValues);
        AssertIndices(new[] { 2, 1, 2 }, new double[] { 0, 0, 0, 0 }, minIndices);
    }

    [Fact]
    public void ArgMax_TiesGoToFirstPosition()
    {
        var a = T(new[] { 1, 4 }, 3, 1, 3, 2).Tracked();
        AssertIndices(new[] { 1 }, new double[] { 0 }, a.ArgMax(1));
        var m = a.Max(1);
        m.Backward();
        AssertClose(new double[] { 1, 0, 0, 0 }, a.Gradient);
    }

    [Fact]
    public void BadDimensions_Throw()
    {
        var a = Tensor.Ones(new[] { 2, 3 }, Dt);
        Throws<ArgumentOutOfRangeException>(() => a.Sum(2), "sum", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.Sum(new[] { 0, -3 }), "sum", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.Mean(5), "mean", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.Max(2), "max", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.Min(-3), "min", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.ArgMax(2), "argmax", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => a.ArgMin(2), "argmin", "[2,3]");
        Throws<ArgumentException>(() => a.Sum(new[] { 1, -1 }), "sum", "repeated", "[2,3]");
        Throws<InvalidOperationException>(() => Tensor.Zeros(new[] { 2, 0 }, Dt).Max(1), "max", "[2,0]");
    }
}
