using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

/// <summary>The shape ops of issue 11 (Shape.cs and Padding.cs): strided slice, split, chunk, flip, roll, repeat,
/// tile, repeat_interleave, tril, triu, diag, diagonal, trace, movedim, unflatten, pad.</summary>
public abstract class ShapeOpSetTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : ShapeOpSetTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : ShapeOpSetTests(DType.Float32);

    private protected ShapeOpSetTests(DType dtype) : base(dtype) { }

    // [[1, 2, 3], [4, 5, 6]]
    private Tensor A23() => T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();

    [Fact]
    public void Slice_WithStep()
    {
        var x = Tensor.Arange(7, Dt).Tracked();
        var y = x.Slice(0, 1, 7, 3);             // 1, 4 (7 is excluded)
        AssertClose(new double[] { 1, 4 }, y);
        y.Backward(Of(10, 20));
        AssertClose(new double[] { 0, 10, 0, 0, 20, 0, 0 }, x.Gradient);
        AssertClose(new double[] { 0, 2, 4 }, Tensor.Arange(7, Dt).Slice(0, -7, -2, 2)); // 0..4 by 2
        AssertShape(new[] { 0 }, Tensor.Arange(7, Dt).Slice(0, 5, 2, 2));
        AssertClose(new double[] { 3, 6 }, A23().Slice(1, 2, 3, 5));
        Throws<ArgumentOutOfRangeException>(() => x.Slice(0, 0, 3, 0), "slice", "step", "[7]");
    }

    [Fact]
    public void Split_And_Chunk()
    {
        var x = Tensor.Arange(5, Dt);
        var parts = x.Split(2);
        Assert.Equal(3, parts.Length);
        AssertClose(new double[] { 4 }, parts[2]);
        var sized = x.Split(new[] { 1, 4 });
        AssertClose(new double[] { 1, 2, 3, 4 }, sized[1]);
        // chunk(3) of 5: pieces of ⌈5/3⌉ = 2 -> 2, 2, 1
        Assert.Equal(new[] { 2, 2, 1 }, Array.ConvertAll(x.Chunk(3), p => p.Size(0)));
        // chunk(4) of 6: pieces of 2 -> only 3 pieces, as in PyTorch
        Assert.Equal(3, Tensor.Arange(6, Dt).Chunk(4).Length);
        ThrowsShape(() => x.Split(new[] { 1, 3 }), "split", "[1,3]", "[5]");
    }

    [Fact]
    public void Flip_And_Roll()
    {
        var x = A23();
        var f = x.Flip(0, 1);                   // both reversed: [[6,5,4],[3,2,1]]
        AssertClose(new double[] { 6, 5, 4, 3, 2, 1 }, f);
        f.Backward(T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6));
        AssertClose(new double[] { 6, 5, 4, 3, 2, 1 }, x.Gradient);
        AssertClose(new double[] { 3, 1, 2, 6, 4, 5 }, A23().Roll(1, 1));     // each row shifted right by 1
        AssertClose(new double[] { 2, 3, 1, 5, 6, 4 }, A23().Roll(-1, 1));
        AssertClose(new double[] { 6, 1, 2, 3, 4, 5 }, A23().Roll(1));        // flattened
        AssertClose(new double[] { 6, 4, 5, 3, 1, 2 }, A23().Roll(new[] { 1, 4 }, new[] { 0, 1 })); // rows swapped, columns by 4 = 1
    }

    [Fact]
    public void Repeat_Tile_RepeatInterleave()
    {
        var x = Of(1, 2).Tracked();
        var r = x.Repeat(2, 2);                  // [[1,2,1,2],[1,2,1,2]]
        AssertClose(new[] { 2, 4 }, new double[] { 1, 2, 1, 2, 1, 2, 1, 2 }, r);
        r.Backward(Tensor.Ones(new[] { 2, 4 }, Dt));
        AssertClose(new double[] { 4, 4 }, x.Gradient); // four copies of each
        AssertShape(new[] { 2, 6 }, Tensor.Ones(new[] { 2, 3 }, Dt).Tile(2));
        AssertShape(new[] { 4, 3 }, Tensor.Ones(new[] { 2, 3 }, Dt).Tile(2, 1));
        AssertClose(new[] { 4 }, new double[] { 1, 1, 2, 2 }, Of(1, 2).RepeatInterleave(2));
        AssertClose(new[] { 2, 5 }, new double[] { 1, 2, 2, 3, 3, 4, 5, 5, 6, 6 }, A23().RepeatInterleave(new[] { 1, 2, 2 }, 1));
        ThrowsShape(() => A23().Repeat(2), "repeat", "[2,3]");
    }

    [Fact]
    public void Tril_Triu()
    {
        var m = T(new[] { 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9).Tracked();
        var l = m.Tril();
        AssertClose(new double[] { 1, 0, 0, 4, 5, 0, 7, 8, 9 }, l);
        l.Backward(Tensor.Ones(new[] { 3, 3 }, Dt));
        AssertClose(new double[] { 1, 0, 0, 1, 1, 0, 1, 1, 1 }, m.Gradient);
        AssertClose(new double[] { 0, 2, 3, 0, 0, 6, 0, 0, 0 }, m.Triu(1));
        AssertClose(new double[] { 1, 2, 0, 4, 5, 6, 7, 8, 9 }, m.Tril(1));
        ThrowsShape(() => Of(1).Triu(), "triu", "[1]");
    }

    [Fact]
    public void Diag_Diagonal_Trace()
    {
        var v = Of(1, 2).Tracked();
        var d = v.Diag(1);                       // 3x3 with 1, 2 above the main diagonal
        AssertClose(new[] { 3, 3 }, new double[] { 0, 1, 0, 0, 0, 2, 0, 0, 0 }, d);
        d.Backward(T(new[] { 3, 3 }, 1, 2, 3, 4, 5, 6, 7, 8, 9));
        AssertClose(new double[] { 2, 6 }, v.Gradient);
        AssertClose(new double[] { 0, 0, 0, 1, 0, 0, 0, 2, 0 }, Of(1, 2).Diag(-1));
        var m = A23();
        AssertClose(new double[] { 1, 5 }, m.Diag());
        AssertClose(new double[] { 2, 6 }, m.Diagonal(1));
        AssertClose(new double[] { 4 }, m.Diagonal(-1));
        // [2,2,2] with x[i,j,k] = 4i + 2j + k: diagonal over dims 0, 2 -> shape [2 (j), 2 (diag)]: x[d, j, d] = 5d + 2j
        var b = Tensor.Arange(8, Dt).Reshape(2, 2, 2);
        AssertClose(new[] { 2, 2 }, new double[] { 0, 5, 2, 7 }, b.Diagonal(0, 0, 2));
        var sq = T(new[] { 2, 2 }, 1, 2, 3, 4).Tracked();
        var tr = sq.Trace();
        AssertClose(Array.Empty<int>(), new double[] { 5 }, tr);
        tr.Backward();
        AssertClose(new double[] { 1, 0, 0, 1 }, sq.Gradient);
        ThrowsShape(() => b.Trace(), "trace", "[2,2,2]");
    }

    [Fact]
    public void Movedim_Unflatten()
    {
        var x = Tensor.Zeros(new[] { 2, 3, 4, 5 }, Dt);
        AssertShape(new[] { 3, 4, 2, 5 }, x.Movedim(0, 2));
        AssertShape(new[] { 5, 2, 3, 4 }, x.Movedim(-1, 0));
        AssertShape(new[] { 4, 5, 2, 3 }, x.Movedim(new[] { 2, 3 }, new[] { 0, 1 }));
        AssertClose(new double[] { 1, 4, 2, 5, 3, 6 }, A23().Movedim(1, 0));
        AssertShape(new[] { 2, 3, 4 }, Tensor.Zeros(new[] { 2, 12 }, Dt).Unflatten(1, 3, -1));
        ThrowsShape(() => Tensor.Zeros(new[] { 2, 12 }, Dt).Unflatten(1, 5, -1), "unflatten", "[5,-1]", "[2,12]");
    }

    [Fact]
    public void Pad_Modes()
    {
        var x = Of(1, 2, 3).Tracked();
        var p = x.Pad(new[] { 2, 1 });
        AssertClose(new double[] { 0, 0, 1, 2, 3, 0 }, p);
        AssertClose(new double[] { 9, 1, 2, 3, 9 }, Of(1, 2, 3).Pad(new[] { 1, 1 }, value: 9));
        AssertClose(new double[] { 2 }, Of(1, 2, 3).Pad(new[] { -1, -1 })); // negative constant padding crops
        var r = x.Pad(new[] { 2, 1 }, PaddingMode.Reflect);   // [3, 2, | 1, 2, 3 |, 2]
        AssertClose(new double[] { 3, 2, 1, 2, 3, 2 }, r);
        AssertClose(new double[] { 1, 1, 1, 2, 3, 3 }, Of(1, 2, 3).Pad(new[] { 2, 1 }, PaddingMode.Replicate));
        AssertClose(new double[] { 2, 3, 1, 2, 3, 1 }, Of(1, 2, 3).Pad(new[] { 2, 1 }, PaddingMode.Circular));
        // the reflected gradient: positions read 1 (x0), 2 (x1) twice, 3 (x2) twice
        r.Backward(Tensor.Ones(new[] { 6 }, Dt));
        AssertClose(new double[] { 1, 3, 2 }, x.Gradient);
        // last dimension first: (1, 0) pads columns, (0, 1) pads rows
        AssertClose(new[] { 3, 4 }, new double[] { 0, 1, 2, 3, 0, 4, 5, 6, 0, 0, 0, 0 }, A23().Pad(new[] { 1, 0, 0, 1 }));
        ThrowsShape(() => Of(1, 2, 3).Pad(new[] { 3, 0 }, PaddingMode.Reflect), "pad (reflect)", "(3, 0)", "[3]");
        ThrowsShape(() => Of(1, 2, 3).Pad(new[] { 1 }), "pad", "[1]", "[3]");
    }
}
