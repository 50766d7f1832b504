using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class ShapeTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ShapeTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ShapeTests(DType.Float32);

    private protected ShapeTests(DType dtype) : base(dtype) { }

    private Tensor A23() => T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();

    // ---------------------------------------------------------------- reshape family

    [Fact]
    public void Reshape_KeepsRowMajorOrder_GradientReshapedBack()
    {
        var a = A23();
        var r = a.Reshape(3, 2);
        AssertClose(new[] { 3, 2 }, new double[] { 1, 2, 3, 4, 5, 6 }, r);
        Assert.Equal(3.0, r[1, 0]);
        r.Backward(T(new[] { 3, 2 }, 10, 20, 30, 40, 50, 60));
        AssertClose(new[] { 2, 3 }, new double[] { 10, 20, 30, 40, 50, 60 }, a.Gradient);
    }

    [Fact]
    public void Reshape_InfersMinusOne()
    {
        var a = Tensor.Arange(12, Dt);
        AssertShape(new[] { 3, 4 }, a.Reshape(-1, 4));
        AssertShape(new[] { 2, 6 }, a.Reshape(2, -1));
        AssertShape(new[] { 2, 3, 2 }, a.Reshape(2, -1, 2));
        AssertShape(new[] { 12 }, a.Reshape(-1));
        AssertShape(new[] { 0, 3 }, Tensor.Zeros(new[] { 0 }, Dt).Reshape(-1, 3));
        AssertShape(Array.Empty<int>(), Of(7).Reshape());
    }

    [Fact]
    public void Reshape_Errors()
    {
        var a = Tensor.Ones(new[] { 2, 3 }, Dt);
        ThrowsShape(() => a.Reshape(4), "reshape", "[2,3]", "[4]");
        ThrowsShape(() => a.Reshape(-1, 4), "reshape", "[2,3]", "[-1,4]");
        ThrowsShape(() => a.Reshape(-1, -1), "reshape", "[-1,-1]");
        ThrowsShape(() => a.Reshape(-2, -3), "reshape", "[-2,-3]");
    }

    [Fact]
    public void Flatten()
    {
        var x = Tensor.Arange(24, Dt).Reshape(2, 3, 4).Tracked();
        AssertShape(new[] { 24 }, x.Flatten());
        AssertShape(new[] { 2, 12 }, x.Flatten(1));
        AssertShape(new[] { 6, 4 }, x.Flatten(0, 1));
        AssertShape(new[] { 2, 3, 4 }, x.Flatten(1, 1));
        AssertShape(new[] { 1 }, Tensor.Scalar(3, Dt).Flatten(0));
        var f = x.Flatten(0, 1);
        Assert.Equal(13.0, f[3, 1]);
        f.Backward();
        AssertShape(new[] { 2, 3, 4 }, x.Gradient!);
        Throws<ArgumentException>(() => x.Flatten(2, 1), "flatten", "[2,3,4]");
        Throws<ArgumentOutOfRangeException>(() => x.Flatten(3), "flatten", "[2,3,4]");
    }

    [Fact]
    public void SqueezeAndUnsqueeze()
    {
        var x = T(new[] { 1, 3, 1 }, 1, 2, 3).Tracked();
        AssertShape(new[] { 3 }, x.Squeeze());
        AssertShape(new[] { 3, 1 }, x.Squeeze(0));
        AssertShape(new[] { 1, 3 }, x.Squeeze(-1));
        Assert.Same(x, x.Squeeze(1)); // size 3: left as it is
        var v = Of(1, 2, 3);
        AssertShape(new[] { 1, 3 }, v.Unsqueeze(0));
        AssertShape(new[] { 3, 1 }, v.Unsqueeze(1));
        AssertShape(new[] { 3, 1 }, v.Unsqueeze(-1));
        AssertShape(new[] { 1 }, Tensor.Scalar(1, Dt).Unsqueeze(0));
        var s = x.Squeeze();
        s.Backward(Of(4, 5, 6));
        AssertClose(new[] { 1, 3, 1 }, new double[] { 4, 5, 6 }, x.Gradient);
        Throws<ArgumentOutOfRangeException>(() => x.Squeeze(3), "squeeze", "[1,3,1]");
        Throws<ArgumentOutOfRangeException>(() => v.Unsqueeze(2), "unsqueeze", "[3]");
    }

    // ---------------------------------------------------------------- permute / transpose

    [Fact]
    public void Permute_ValuesAndGradient()
    {
        var x = Tensor.Arange(24, Dt).Reshape(2, 3, 4).Tracked();
        var p = x.Permute(2, 0, 1);
        AssertShape(new[] { 4, 2, 3 }, p);
        // p[k,i,j] = x[i,j,k] = 12i + 4j + k
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(12 * i + 4 * j + k, p[k, i, j]);
        var seed = Tensor.Arange(24, Dt).Reshape(4, 2, 3);
        p.Backward(seed);
        // grad x[i,j,k] = seed[k,i,j] = 6k + 3i + j
        var g = Grad(x);
        AssertShape(new[] { 2, 3, 4 }, g);
        for (int i = 0; i < 2; i++)
            for (int j = 0; j < 3; j++)
                for (int k = 0; k < 4; k++)
                    Assert.Equal(6 * k + 3 * i + j, g[i, j, k]);
    }

    [Fact]
    public void TransposeAndT()
    {
        var a = A23();
        var t = a.Transpose(0, 1);
        AssertClose(new[] { 3, 2 }, new double[] { 1, 4, 2, 5, 3, 6 }, t);
        AssertClose(new[] { 3, 2 }, new double[] { 1, 4, 2, 5, 3, 6 }, a.T);
        t.Backward(T(new[] { 3, 2 }, 1, 4, 2, 5, 3, 6));
        // transposing the seed back
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, a.Gradient);
        // batched T swaps the last two dimensions
        AssertShape(new[] { 5, 3, 2 }, Tensor.Zeros(new[] { 5, 2, 3 }, Dt).T);
        Assert.Equal(new[] { 4 }, Tensor.Zeros(new[] { 4 }, Dt).T.Shape);
    }

    [Fact]
    public void Permute_Errors()
    {
        var x = Tensor.Zeros(new[] { 2, 3, 4 }, Dt);
        Throws<ArgumentException>(() => x.Permute(0, 1), "permute", "[2,3,4]");
        Throws<ArgumentException>(() => x.Permute(0, 1, 1), "permute", "repeated", "[2,3,4]");
        Throws<ArgumentOutOfRangeException>(() => x.Permute(0, 1, 3), "permute", "[2,3,4]");
        Throws<ArgumentOutOfRangeException>(() => x.Transpose(0, 3), "transpose", "[2,3,4]");
    }

    // ---------------------------------------------------------------- broadcast

    [Fact]
    public void BroadcastTo_GradientSumsBack()
    {
        var v = Of(1, 2, 3).Tracked();
        var b = v.BroadcastTo(2, 3);
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 1, 2, 3 }, b);
        b.Backward(T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6));
        // summed over the new leading dimension
        AssertClose(new[] { 3 }, new double[] { 5, 7, 9 }, v.Gradient);

        var c = T(new[] { 3, 1 }, 1, 2, 3).Tracked();
        var e = c.Expand(3, 4);
        AssertClose(new[] { 3, 4 }, new double[] { 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3 }, e);
        e.Backward();
        AssertClose(new[] { 3, 1 }, new double[] { 4, 4, 4 }, c.Gradient);
        AssertClose(new[] { 2, 2 }, new double[] { 7, 7, 7, 7 }, Tensor.Scalar(7, Dt).BroadcastTo(2, 2));
        ThrowsShape(() => v.BroadcastTo(2, 4), "broadcast_to", "[3]", "[2,4]");
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 3 }, Dt).BroadcastTo(3), "broadcast_to", "[2,3]", "[3]");
    }

    // ---------------------------------------------------------------- narrow / slice

    [Fact]
    public void Narrow_GradientEmbedsIntoZeros()
    {
        var x = Tensor.Arange(8, Dt).Reshape(2, 4).Tracked();
        var n = x.Narrow(1, 1, 2);
        AssertClose(new[] { 2, 2 }, new double[] { 1, 2, 5, 6 }, n);
        n.Backward(T(new[] { 2, 2 }, 10, 20, 30, 40));
        AssertClose(new[] { 2, 4 }, new double[] { 0, 10, 20, 0, 0, 30, 40, 0 }, x.Gradient);
        AssertClose(new[] { 1, 4 }, new double[] { 4, 5, 6, 7 }, x.Narrow(0, 1, 1));
        AssertClose(new[] { 2, 1 }, new double[] { 3, 7 }, x.Narrow(-1, -1, 1));
    }

    [Fact]
    public void Narrow_OutOfRange_Throws()
    {
        var x = Tensor.Zeros(new[] { 2, 4 }, Dt);
        Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 3, 2), "narrow", "[2,4]");
        Throws<ArgumentOutOfRangeException>(() => x.Narrow(1, 0, -1), "narrow", "[2,4]");
        Throws<ArgumentOutOfRangeException>(() => x.Narrow(2, 0, 1), "narrow", "[2,4]");
    }

    [Fact]
    public void Slice_NegativeAndClampedBounds()
    {
        var x = Tensor.Arange(8, Dt).Reshape(2, 4).Tracked();
        var s = x.Slice(1, -3, -1);
        AssertClose(new[] { 2, 2 }, new double[] { 1, 2, 5, 6 }, s);
        AssertClose(new[] { 2, 2 }, new double[] { 2, 3, 6, 7 }, x.Slice(1, 2, 100));
        AssertShape(new[] { 2, 0 }, x.Slice(1, 3, 1));
        s.Backward();
        AssertClose(new double[] { 0, 1, 1, 0, 0, 1, 1, 0 }, x.Gradient);
        Throws<ArgumentOutOfRangeException>(() => x.Slice(2, 0, 1), "slice", "[2,4]");
    }

    [Fact]
    public void NarrowGradient_IsDifferentiableAgain()
    {
        // y = sum(narrow(x)^2): dy/dx = 2x inside the window, 0 outside; d(sum of that)/dx = 2 inside
        var x = Of(1, 2, 3, 4).Tracked();
        x.Narrow(0, 1, 2).Square().Sum().Backward(createGraph: true);
        var g = x.TakeGradient()!;
        AssertClose(new double[] { 0, 4, 6, 0 }, g);
        g.Sum().Backward();
        AssertClose(new double[] { 0, 2, 2, 0 }, x.Gradient);
    }

    // ---------------------------------------------------------------- index_select

    [Fact]
    public void IndexSelect_RepeatedIndexAccumulates()
    {
        var x = T(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6).Tracked();
        var s = x.IndexSelect(0, 2, 0, 2);
        AssertClose(new[] { 3, 2 }, new double[] { 5, 6, 1, 2, 5, 6 }, s);
        s.Backward(T(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6));
        // row 0 gets seed row 1; row 1 nothing; row 2 gets seed rows 0 + 2
        AssertClose(new[] { 3, 2 }, new double[] { 3, 4, 0, 0, 6, 8 }, x.Gradient);
    }

    [Fact]
    public void IndexSelect_AlongDimOne_NegativeIndex()
    {
        var x = T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();
        var s = x.IndexSelect(1, -1, 1, 1);
        AssertClose(new[] { 2, 3 }, new double[] { 3, 2, 2, 6, 5, 5 }, s);
        s.Backward();
        AssertClose(new[] { 2, 3 }, new double[] { 0, 2, 1, 0, 2, 1 }, x.Gradient);
    }

    [Fact]
    public void IndexSelect_BadIndex_Throws()
    {
        var x = Tensor.Zeros(new[] { 3, 2 }, Dt);
        Throws<IndexOutOfRangeException>(() => x.IndexSelect(0, 0, 3), "index_select", "3", "[3,2]");
        Throws<IndexOutOfRangeException>(() => x.IndexSelect(1, -3), "index_select", "-3", "[3,2]");
        Throws<ArgumentOutOfRangeException>(() => x.IndexSelect(2, 0), "index_select", "[3,2]");
    }

    // ---------------------------------------------------------------- concat / stack

    [Fact]
    public void Concat_AlongDimOne_GradientSplitsBack()
    {
        var a = T(new[] { 2, 2 }, 1, 2, 4, 5).Tracked();
        var b = T(new[] { 2, 1 }, 3, 6).Tracked();
        var c = Tensor.Concat(new[] { a, b }, 1);
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, c);
        c.Backward(T(new[] { 2, 3 }, 10, 20, 30, 40, 50, 60));
        AssertClose(new[] { 2, 2 }, new double[] { 10, 20, 40, 50 }, a.Gradient);
        AssertClose(new[] { 2, 1 }, new double[] { 30, 60 }, b.Gradient);
    }

    [Fact]
    public void Concat_AlongDimZero_WithAnUntrackedInput()
    {
        var a = Of(1, 2).Tracked();
        var b = Of(3);
        var c = Of(4, 5, 6).Tracked();
        var r = Tensor.Concat(new[] { a, b, c });
        AssertClose(new[] { 6 }, new double[] { 1, 2, 3, 4, 5, 6 }, r);
        r.Backward(Of(1, 2, 3, 4, 5, 6));
        AssertClose(new double[] { 1, 2 }, a.Gradient);
        Assert.Null(b.Gradient);
        AssertClose(new double[] { 4, 5, 6 }, c.Gradient);
    }

    [Fact]
    public void Concat_Errors()
    {
        ThrowsShape(() => Tensor.Concat(new[] { Tensor.Zeros(new[] { 2, 2 }, Dt), Tensor.Zeros(new[] { 3, 3 }, Dt) }, 0), "concat", "[2,2]", "[3,3]");
        ThrowsShape(() => Tensor.Concat(new[] { Tensor.Zeros(new[] { 2, 2 }, Dt), Tensor.Zeros(new[] { 2 }, Dt) }, 0), "concat", "[2,2]", "[2]");
        ThrowsShape(() => Tensor.Concat(Array.Empty<Tensor>()), "concat");
        ThrowsShape(() => Tensor.Concat(new[] { Tensor.Scalar(1, Dt) }), "concat");
        Throws<ArgumentOutOfRangeException>(() => Tensor.Concat(new[] { Tensor.Zeros(new[] { 2, 2 }, Dt) }, 2), "concat", "[2,2]");
    }

    [Fact]
    public void Stack_NewLeadingAndTrailingDimension()
    {
        var a = Of(1, 2).Tracked();
        var b = Of(3, 4).Tracked();
        var s0 = Tensor.Stack(new[] { a, b });
        AssertClose(new[] { 2, 2 }, new double[] { 1, 2, 3, 4 }, s0);
        var s1 = Tensor.Stack(new[] { a, b }, 1);
        AssertClose(new[] { 2, 2 }, new double[] { 1, 3, 2, 4 }, s1);
        s1.Backward(T(new[] { 2, 2 }, 10, 20, 30, 40));
        // s1[i, k] = input k at i: a gets column 0, b column 1
        AssertClose(new[] { 2 }, new double[] { 10, 30 }, a.Gradient);
        AssertClose(new[] { 2 }, new double[] { 20, 40 }, b.Gradient);
        ThrowsShape(() => Tensor.Stack(new[] { Tensor.Zeros(new[] { 2 }, Dt), Tensor.Zeros(new[] { 3 }, Dt) }), "stack", "[2]", "[3]");
        ThrowsShape(() => Tensor.Stack(Array.Empty<Tensor>()), "stack");
    }
}
