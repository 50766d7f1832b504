using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class IndexingTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : IndexingTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : IndexingTests(DType.Float32);

    private protected IndexingTests(DType dtype) : base(dtype) { }

    // x = [[1, 2, 3], [4, 5, 6]]
    private Tensor A23() => T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();

    [Fact]
    public void Gather_AlongColumns_GradientAddsBack()
    {
        var x = A23();
        // out[i,j] = x[i, index[i,j]]: row 0 picks columns 2, 0 -> 3, 1; row 1 picks 1, 1 -> 5, 5
        var y = x.Gather(1, T(new[] { 2, 2 }, 2, 0, 1, 1));
        AssertClose(new[] { 2, 2 }, new double[] { 3, 1, 5, 5 }, y);
        // backward of the upstream [[10, 20], [30, 40]]: x[0,2] += 10, x[0,0] += 20, x[1,1] += 30 + 40
        y.Backward(T(new[] { 2, 2 }, 10, 20, 30, 40));
        AssertClose(new[] { 2, 3 }, new double[] { 20, 0, 10, 0, 70, 0 }, x.Gradient);
    }

    [Fact]
    public void Gather_AlongRows_SmallerIndex()
    {
        // out[i,j] = x[index[i,j], j] with index [[1, 0]] (1x2, smaller than x in dimension 1): x[1,0] = 4, x[0,1] = 2
        AssertClose(new[] { 1, 2 }, new double[] { 4, 2 }, A23().Gather(0, T(new[] { 1, 2 }, 1, 0)));
    }

    [Fact]
    public void Gather_Errors_NameOpPositionAndValue()
    {
        var x = A23();
        Throws<ArgumentException>(() => x.Gather(1, T(new[] { 2, 1 }, 0, 1.5)), "gather", "index[1,0]", "1.5", "whole");
        Throws<ArgumentException>(() => x.Gather(1, T(new[] { 2, 1 }, 0, 3)), "gather", "index[1,0]", "3", "[0, 3)", "[2,3]");
        Throws<ArgumentException>(() => x.Gather(1, T(new[] { 2, 1 }, -1, 0)), "gather", "index[0,0]", "-1");
        ThrowsShape(() => x.Gather(1, T(new[] { 2 }, 0, 0)), "gather", "[2,3]", "[2]");
        ThrowsShape(() => x.Gather(1, T(new[] { 3, 1 }, 0, 0, 0)), "gather", "[3,1]", "[2,3]");
    }

    [Fact]
    public void Scatter_WritesSource_LastWriteWins_Gradients()
    {
        var x = A23();
        var src = T(new[] { 2, 2 }, 10, 20, 30, 40).Tracked();
        // row 0: out[0, 2] = 10, out[0, 0] = 20; row 1: out[1, 1] = 30 then 40 (the last write wins)
        var y = x.Scatter(1, T(new[] { 2, 2 }, 2, 0, 1, 1), src);
        AssertClose(new[] { 2, 3 }, new double[] { 20, 2, 10, 4, 40, 6 }, y);
        y.Backward(T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6));
        // x keeps the upstream where nothing was written: positions (0,1), (1,0), (1,2)
        AssertClose(new double[] { 0, 2, 0, 4, 0, 6 }, x.Gradient);
        // src[i,j] gets the upstream at the position it wrote; src[1,0] was overwritten and gets 0
        AssertClose(new double[] { 3, 1, 0, 5 }, src.Gradient);
    }

    [Fact]
    public void Scatter_Value_And_LargerSource()
    {
        // a value: positions (0,1) and (1,0) become -1
        AssertClose(new double[] { 1, -1, 3, -1, 5, 6 }, A23().Scatter(1, T(new[] { 2, 1 }, 1, 0), -1.0));
        // source [2,3] but index [1,2]: only source[0,0] = 7 and source[0,1] = 8 are used, at rows 1 and 0
        var y = Tensor.Zeros(new[] { 2, 2 }, Dt).Scatter(0, T(new[] { 1, 2 }, 1, 0), T(new[] { 2, 3 }, 7, 8, 9, 10, 11, 12));
        AssertClose(new double[] { 0, 8, 7, 0 }, y);
    }

    [Fact]
    public void ScatterAdd_Accumulates()
    {
        var x = Tensor.Zeros(new[] { 3 }, Dt).Tracked();
        var src = Of(1, 2, 3).Tracked();
        // out[0] = 1 + 3, out[2] = 2
        var y = x.ScatterAdd(0, Of(0, 2, 0), src);
        AssertClose(new double[] { 4, 0, 2 }, y);
        y.Backward(Of(10, 20, 30));
        AssertClose(new double[] { 10, 20, 30 }, x.Gradient);
        AssertClose(new double[] { 10, 30, 10 }, src.Gradient); // upstream gathered at 0, 2, 0
    }

    [Fact]
    public void IndexAdd_AddsSlices_WithAlpha()
    {
        var x = A23();
        var src = T(new[] { 2, 2 }, 1, 2, 3, 4).Tracked();
        // columns of src added at columns 2 and 0, times 2: col 2 += 2·[1, 3], col 0 += 2·[2, 4]
        var y = x.IndexAdd(1, Of(2, 0), src, alpha: 2);
        AssertClose(new[] { 2, 3 }, new double[] { 5, 2, 5, 12, 5, 12 }, y);
        y.Backward(T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6));
        AssertClose(new double[] { 1, 2, 3, 4, 5, 6 }, x.Gradient);
        // src column j gets 2 · upstream column index[j]: column 0 <- 2·[3, 6], column 1 <- 2·[1, 4]
        AssertClose(new double[] { 6, 2, 12, 8 }, src.Gradient);
        ThrowsShape(() => x.IndexAdd(1, Of(0), src), "index_add", "[2,2]", "[2,3]");
        Throws<ArgumentException>(() => x.IndexAdd(1, Of(0, 5), src), "index_add", "index[1]", "5");
    }

    [Fact]
    public void TakeAlongDim_BroadcastsAndFlattens()
    {
        var x = A23();
        // indices [1,1] = [[2]] broadcast over both rows: x[0,2] = 3, x[1,2] = 6
        AssertClose(new[] { 2, 1 }, new double[] { 3, 6 }, x.TakeAlongDim(T(new[] { 1, 1 }, 2), 1));
        // no dim: flat positions 5 and 0
        AssertClose(new[] { 2 }, new double[] { 6, 1 }, x.TakeAlongDim(Of(5, 0)));
        ThrowsShape(() => x.TakeAlongDim(T(new[] { 3, 1 }, 0, 0, 0), 1), "take_along_dim", "[2,3]", "[3,1]");
    }

    [Fact]
    public void OneHot_ClassesLastDimension()
    {
        var y = Tensor.OneHot(Of(2, 0));
        AssertClose(new[] { 2, 3 }, new double[] { 0, 0, 1, 1, 0, 0 }, y);
        AssertShape(new[] { 2, 1, 4 }, Tensor.OneHot(T(new[] { 2, 1 }, 1, 3), 4));
        Throws<ArgumentException>(() => Tensor.OneHot(Of(1, 3), 3), "one_hot", "index[1]", "3");
        Throws<ArgumentException>(() => Tensor.OneHot(Of(0.5)), "one_hot", "0.5");
    }
}
