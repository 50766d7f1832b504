using System;
using System.Collections.Generic;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests;

public class TensorTests
{
    // ---------------------------------------------------------------- construction

    [Fact]
    public void Constructor_CopiesValues()
    {
        var values = new double[] { 1, 2, 3, 4, 5, 6 };
        var shape = new[] { 2, 3 };
        var t = new Tensor(shape, values);
        values[0] = 100;
        shape[0] = 100;
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(2, t.Rank);
        Assert.Equal(6, t.Count);
        Assert.Equal(1.0, t[0, 0]);
        Assert.False(t.IsTracked);
        Assert.True(t.IsLeaf);
        Assert.Null(t.Gradient);
    }

    [Fact]
    public void Constructor_ValidationErrors()
    {
        var ex = ThrowsShape(() => new Tensor(new[] { 2, 3 }, new double[5]), "tensor", "[2,3]", "6", "5");
        Assert.IsAssignableFrom<ArgumentException>(ex);
        ThrowsShape(() => new Tensor(new[] { 2, -1 }, new double[2]), "tensor", "[2,-1]", "negative");
        Assert.Throws<ArgumentNullException>(() => new Tensor(null!, new double[1]));
        Assert.Throws<ArgumentNullException>(() => new Tensor(new[] { 1 }, (double[])null!));
        Assert.Throws<ArgumentNullException>(() => new Tensor(new[] { 1 }, (float[])null!));
        ThrowsShape(() => Tensor.FromArray(new[] { 4 }, new double[3]), "tensor", "[4]");
        ThrowsShape(() => Tensor.Zeros(2, -3), "full", "[2,-3]");
    }

    [Fact]
    public void EmptyAndScalarShapes()
    {
        var empty = new Tensor(new[] { 0, 3 }, Array.Empty<double>());
        Assert.Equal(0, empty.Count);
        Assert.Equal(new[] { 0, 3 }, empty.Shape);
        var s = Tensor.Scalar(4.5);
        Assert.Equal(0, s.Rank);
        Assert.Equal(1, s.Count);
        Assert.Empty(s.Shape);
        Assert.Equal(4.5, s.Item());
        Assert.Equal(4.5, s[Array.Empty<int>()]);
        var viaCtor = new Tensor(Array.Empty<int>(), new double[] { 2 });
        Assert.Equal(2.0, viaCtor.Item());
    }

    [Fact]
    public void FromArrays()
    {
        AssertClose(new[] { 3 }, new double[] { 1, 2, 3 }, Tensor.Of(1, 2, 3));
        AssertClose(new[] { 3 }, new double[] { 1, 2, 3 }, Tensor.From(new double[] { 1, 2, 3 }));
        AssertClose(new[] { 2, 3 }, new double[] { 1, 2, 3, 4, 5, 6 }, Tensor.From(new double[,] { { 1, 2, 3 }, { 4, 5, 6 } }));
        var r3 = Tensor.From(new double[,,] { { { 1, 2 }, { 3, 4 } }, { { 5, 6 }, { 7, 8 } } });
        AssertClose(new[] { 2, 2, 2 }, new double[] { 1, 2, 3, 4, 5, 6, 7, 8 }, r3);
        Assert.Equal(7.0, r3[1, 1, 0]);
        var jagged = new[] { new double[] { 1, 2 }, new double[] { 3, 4 }, new double[] { 5, 6 } };
        var j = Tensor.From(jagged);
        jagged[0][0] = 99;
        AssertClose(new[] { 3, 2 }, new double[] { 1, 2, 3, 4, 5, 6 }, j);
        ThrowsShape(() => Tensor.From(new[] { new double[] { 1, 2 }, new double[] { 3 } }), "tensor", "row 1");
    }

    [Fact]
    public void Factories()
    {
        AssertClose(new[] { 2, 2 }, new double[4], Tensor.Zeros(2, 2));
        AssertClose(new[] { 3 }, new double[] { 1, 1, 1 }, Tensor.Ones(3));
        AssertClose(new[] { 1, 2 }, new double[] { 7, 7 }, Tensor.Full(new[] { 1, 2 }, 7));
        AssertClose(new[] { 2, 3 }, new double[6], Tensor.ZerosLike(Tensor.Ones(2, 3)));
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 1, 1, 1 }, Tensor.OnesLike(Tensor.Zeros(2, 3)));
        AssertClose(new[] { 4 }, new[] { 0, 0.25, 0.5, 0.75 }, Tensor.Arange(0, 1, 0.25));
        AssertClose(new[] { 5 }, new double[] { 0, 1, 2, 3, 4 }, Tensor.Arange(5));
        AssertClose(new[] { 3 }, new double[] { 5, 3, 1 }, Tensor.Arange(5, 0, -2));
        AssertClose(new[] { 0 }, Array.Empty<double>(), Tensor.Arange(3, 1));
        AssertClose(new[] { 5 }, new[] { 0, 0.25, 0.5, 0.75, 1 }, Tensor.Linspace(0, 1, 5));
        AssertClose(new[] { 1 }, new double[] { 2 }, Tensor.Linspace(2, 3, 1));
        AssertClose(new[] { 3, 3 }, new double[] { 1, 0, 0, 0, 1, 0, 0, 0, 1 }, Tensor.Eye(3));
        Throws<ArgumentException>(() => Tensor.Arange(0, 1, 0), "arange");
        Throws<ArgumentOutOfRangeException>(() => Tensor.Linspace(0, 1, -1), "linspace", "-1");
        Throws<ArgumentOutOfRangeException>(() => Tensor.Eye(-2), "eye", "-2");
    }

    [Fact]
    public void RandomFactories_AreReproducibleAndInRange()
    {
        var u1 = Tensor.RandomUniform(new[] { 100, 10 }, seed: 42, low: -2, high: 3);
        var u2 = Tensor.RandomUniform(new[] { 100, 10 }, new Random(42), -2, 3);
        Assert.Equal(u1, u2);
        Assert.Equal(new[] { 100, 10 }, u1.Shape);
        foreach (var v in u1.AsSpan()) Assert.InRange(v, -2.0, 3.0);
        Assert.NotEqual(u1, Tensor.RandomUniform(new[] { 100, 10 }, seed: 43, low: -2, high: 3));

        var n = Tensor.RandomNormal(new[] { 20001 }, seed: 7, mean: 3, std: 2);
        Assert.Equal(n, Tensor.RandomNormal(new[] { 20001 }, seed: 7, mean: 3, std: 2));
        // sample mean and standard deviation of 20001 draws: within ~5 standard errors (2/sqrt(20001) = 0.014)
        double mean = n.Mean().Item();
        double sd = Math.Sqrt((n - mean).Square().Mean().Item());
        Assert.InRange(mean, 2.93, 3.07);
        Assert.InRange(sd, 1.93, 2.07);
        ThrowsShape(() => Tensor.RandomNormal(new[] { -1 }, seed: 1), "random_normal", "[-1]");
    }

    // ---------------------------------------------------------------- reading

    [Fact]
    public void Indexers()
    {
        var t = T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6);
        Assert.Equal(6.0, t[1, 2]);
        Assert.Equal(2.0, t[0, 1]);
        Assert.Equal(6.0, t[-1, -1]);
        Assert.Equal(4.0, t[-1, 0]);
        Assert.Equal(5.0, t.GetFlat(4));
        Assert.Equal(3, t.Size(1));
        Assert.Equal(2, t.Size(-2));
        Throws<ArgumentException>(() => _ = t[1], "index", "1 indices", "[2,3]");
        Throws<IndexOutOfRangeException>(() => _ = t[2, 0], "index", "2", "[2,3]");
        Throws<IndexOutOfRangeException>(() => _ = t[0, -4], "index", "-4", "[2,3]");
        Throws<IndexOutOfRangeException>(() => t.GetFlat(6), "index", "6", "[2,3]");
        Throws<IndexOutOfRangeException>(() => t.GetFlat(-1), "index", "[2,3]");
        Throws<ArgumentOutOfRangeException>(() => t.Size(2), "size", "[2,3]");
    }

    [Fact]
    public void Item()
    {
        Assert.Equal(3.0, Tensor.Of(3).Item());
        Assert.Equal(3.0, T(new[] { 1, 1 }, 3).Item());
        Throws<InvalidOperationException>(() => Tensor.Of(1, 2).Item(), "item", "[2]");
        Throws<InvalidOperationException>(() => Tensor.Zeros(0).Item(), "item", "[0]");
    }

    [Fact]
    public void ToArrayAndShape_AreCopies()
    {
        var t = Tensor.Of(1, 2, 3);
        var arr = t.ToArray();
        arr[0] = 100;
        var shape = t.Shape;
        shape[0] = 100;
        Assert.Equal(1.0, t[0]);
        Assert.Equal(new[] { 3 }, t.Shape);
        Assert.Equal(new double[] { 1, 2, 3 }, t.AsSpan().ToArray());
        Assert.Equal(new[] { 3 }, t.ShapeSpan.ToArray());
    }

    // ---------------------------------------------------------------- immutability

    public static IEnumerable<object[]> Ops()
    {
        // each op is applied to a = [[1,2,3],[4,5,6]] (tracked) and b = [[0.5, 2, 1.5]] (tracked)
        var ops = new Dictionary<string, Func<Tensor, Tensor, Tensor>>
        {
            ["add"] = (a, b) => a + b,
            ["sub"] = (a, b) => a - b,
            ["mul"] = (a, b) => a * b,
            ["div"] = (a, b) => a / b,
            ["pow_tensor"] = (a, b) => a.Pow(b),
            ["maximum"] = (a, b) => a.Maximum(b),
            ["minimum"] = (a, b) => a.Minimum(b),
            ["axpy"] = (a, b) => Tensor.Axpy(2, a, b),
            ["scalar_ops"] = (a, b) => 2.0 - a * 3.0 / 4.0 + 1.0 - (-a),
            ["neg"] = (a, b) => a.Neg(),
            ["reciprocal"] = (a, b) => a.Reciprocal(),
            ["pow"] = (a, b) => a.Pow(3),
            ["pow_half"] = (a, b) => a.Pow(0.5),
            ["square"] = (a, b) => a.Square(),
            ["exp"] = (a, b) => a.Exp(),
            ["log"] = (a, b) => a.Log(),
            ["sqrt"] = (a, b) => a.Sqrt(),
            ["abs"] = (a, b) => a.Abs(),
            ["clamp"] = (a, b) => a.Clamp(2, 5),
            ["relu"] = (a, b) => (a - 3.0).Relu(),
            ["leaky_relu"] = (a, b) => (a - 3.0).LeakyRelu(0.1),
            ["sigmoid"] = (a, b) => a.Sigmoid(),
            ["tanh"] = (a, b) => a.Tanh(),
            ["softmax"] = (a, b) => a.Softmax(),
            ["softmax0"] = (a, b) => a.Softmax(0),
            ["log_softmax"] = (a, b) => a.LogSoftmax(),
            ["sum"] = (a, b) => a.Sum(),
            ["sum_dims"] = (a, b) => a.Sum(new[] { 0 }, keepDim: true),
            ["sum_last"] = (a, b) => a.SumLast(1),
            ["mean"] = (a, b) => a.Mean(1),
            ["sum_to"] = (a, b) => a.SumTo(1, 3),
            ["max"] = (a, b) => a.Max(),
            ["max_dim"] = (a, b) => a.Max(1),
            ["min_dim"] = (a, b) => a.Min(0),
            ["reshape"] = (a, b) => a.Reshape(3, 2),
            ["flatten"] = (a, b) => a.Flatten(),
            ["squeeze"] = (a, b) => b.Squeeze(),
            ["unsqueeze"] = (a, b) => a.Unsqueeze(1),
            ["permute"] = (a, b) => a.Permute(1, 0),
            ["transpose"] = (a, b) => a.T,
            ["broadcast_to"] = (a, b) => b.BroadcastTo(4, 3),
            ["narrow"] = (a, b) => a.Narrow(1, 1, 2),
            ["slice"] = (a, b) => a.Slice(0, 1, 2),
            ["index_select"] = (a, b) => a.IndexSelect(1, 2, 2, 0),
            ["concat"] = (a, b) => Tensor.Concat(new[] { a, b }),
            ["stack"] = (a, b) => Tensor.Stack(new[] { a, a }),
            ["matmul"] = (a, b) => a.MatMul(a, transposeOther: true, bias: Tensor.Of(1, 2)),
            ["matmul_batch"] = (a, b) => a.Reshape(1, 2, 3).MatMul(a.T),
            ["outer"] = (a, b) => b.Flatten().Outer(b.Flatten()),
            ["dot"] = (a, b) => b.Flatten().Dot(b.Flatten()),
            ["custom"] = (a, b) => Tensor.Custom("twice", new[] { a }, xs => xs[0] * 2.0, (xs, t, g) => new Tensor?[] { g * 2.0 }),
        };
        foreach (var name in ops.Keys) yield return new object[] { name, ops[name] };
    }

    [Theory]
    [MemberData(nameof(Ops))]
    public void EveryOp_LeavesItsInputsUnchanged(string name, Func<Tensor, Tensor, Tensor> op)
    {
        var aValues = new double[] { 1, 2, 3, 4, 5, 6 };
        var bValues = new[] { 0.5, 2, 1.5 };
        var a = T(new[] { 2, 3 }, aValues).Tracked();
        var b = T(new[] { 1, 3 }, bValues).Tracked();
        var r = op(a, b);
        var before = r.ToArray();
        Assert.True(r.IsTracked, name);
        r.Backward(Tensor.Full(r.Shape, 0.5));
        r.Backward(Tensor.Full(r.Shape, 0.5), createGraph: true);
        Assert.Equal(aValues, a.ToArray());
        Assert.Equal(bValues, b.ToArray());
        Assert.Equal(new[] { 2, 3 }, a.Shape);
        Assert.Equal(new[] { 1, 3 }, b.Shape);
        Assert.Equal(before, r.ToArray());
        // a gradient never aliases the values it was computed from
        if (a.Gradient is not null) Assert.Equal(new[] { 2, 3 }, a.Gradient.Shape);
    }

    // ---------------------------------------------------------------- equality

    [Fact]
    public void Equality()
    {
        var a = T(new[] { 2, 2 }, 1, 2, 3, 4);
        var b = T(new[] { 2, 2 }, 1, 2, 3, 4);
        Assert.Equal(a, b);
        Assert.True(a.Equals(b));
        Assert.Equal(a.GetHashCode(), b.GetHashCode());
        Assert.Equal(a, b.Tracked()); // tracking is not part of the value
        Assert.NotEqual(a, T(new[] { 4 }, 1, 2, 3, 4));
        Assert.NotEqual(a, T(new[] { 2, 2 }, 1, 2, 3, 4.000001));
        Assert.False(a.Equals(null));
        Assert.False(a.Equals("tensor"));
        Assert.Equal(Tensor.Of(double.NaN), Tensor.Of(double.NaN));
    }

    [Fact]
    public void AllClose()
    {
        var a = Tensor.Of(1, 100);
        Assert.True(a.AllClose(Tensor.Of(1 + 1e-9, 100 + 1e-4)));     // |d| <= 1e-8 + 1e-5 |b|
        Assert.False(a.AllClose(Tensor.Of(1 + 1e-4, 100)));
        Assert.True(a.AllClose(Tensor.Of(1.05, 100), rtol: 0.1));
        Assert.True(a.AllClose(Tensor.Of(1.5, 100.5), rtol: 0, atol: 0.5));
        Assert.False(a.AllClose(Tensor.Of(1, 100, 3)));
        Assert.False(a.AllClose(T(new[] { 2, 1 }, 1, 100)));
        Assert.False(Tensor.Of(double.NaN).AllClose(Tensor.Of(double.NaN)));
    }

    // ---------------------------------------------------------------- printing

    [Fact]
    public void ToString_MatrixLikePyTorch()
    {
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", T(new[] { 2, 2 }, 1, 2, 3, 4).ToString());
    }

    [Fact]
    public void ToString_VectorsScalarsAndDecimals()
    {
        Assert.Equal("tensor([1., 2., 3.])", Tensor.Of(1, 2, 3).ToString());
        Assert.Equal("tensor(3.)", Tensor.Scalar(3).ToString());
        Assert.Equal("tensor([1.5000, 2.2500])", Tensor.Of(1.5, 2.25).ToString());
        Assert.Equal("tensor([-1., 10.])", Tensor.Of(-1, 10).ToString());
        Assert.Equal("tensor([ 0.5000, -2.0000])", Tensor.Of(0.5, -2).ToString());
        Assert.Equal("tensor([nan, inf])", Tensor.Of(double.NaN, double.PositiveInfinity).ToString());
        Assert.Equal("tensor([], shape=[0])", Tensor.Zeros(0).ToString());
    }

    [Fact]
    public void ToString_Rank3_BlankLineBetweenMatrices()
    {
        var t = Tensor.Arange(8).Reshape(2, 2, 2);
        Assert.Equal(
            "tensor([[[0., 1.],\n         [2., 3.]],\n\n        [[4., 5.],\n         [6., 7.]]])",
            t.ToString());
    }

    [Fact]
    public void ToString_MarksTrackedTensors()
    {
        var x = Tensor.Of(1, 2).Tracked();
        Assert.Equal("tensor([1., 2.], tracked)", x.ToString());
        (x * 2.0).Backward();
        Assert.Equal("tensor([1., 2.], tracked, has gradient)", x.ToString());
    }

    [Fact]
    public void ToString_ElidesLargeVectors()
    {
        // 2000 elements > the default threshold of 1000: three at each end
        var s = Tensor.Arange(2000).ToString();
        Assert.Equal("tensor([   0.,    1.,    2., ..., 1997., 1998., 1999.], shape=[2000])", s);
    }

    [Fact]
    public void ToString_ElidesLargeMatrices()
    {
        var s = Tensor.Arange(10000).Reshape(100, 100).ToString();
        var lines = s.Split('\n');
        // three rows, an ellipsis row, three rows
        Assert.Equal(7, lines.Length);
        Assert.StartsWith("tensor([[   0.,    1.,    2., ...,   97.,   98.,   99.],", lines[0]);
        Assert.Equal("        ...,", lines[3]);
        Assert.EndsWith("[9900., 9901., 9902., ..., 9997., 9998., 9999.]], shape=[100,100])", lines[6]);
        Assert.DoesNotContain("5000.", s);
    }
}
