using System;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Ops;

public abstract class CustomTests : DTypeTestBase
{
    /// <summary>The cases in float64.</summary>
    public sealed class Float64() : CustomTests(DType.Float64);

    /// <summary>The cases in float32.</summary>
    public sealed class Float32() : CustomTests(DType.Float32);

    private protected CustomTests(DType dtype) : base(dtype) { }

    private static Tensor Cube(Tensor x) =>
        Tensor.Custom("cube", new[] { x },
            xs => xs[0] * xs[0] * xs[0],
            (xs, tracked, g) => new Tensor?[] { g * 3.0 * xs[0] * xs[0] });

    [Fact]
    public void Custom_ForwardAndBackward()
    {
        var x = Of(1, 2, -1).Tracked();
        var y = Cube(x);
        Assert.True(y.IsTracked);
        Assert.False(y.IsLeaf);
        AssertClose(new double[] { 1, 8, -1 }, y);
        y.Backward(Of(1, 1, 2));
        // d x^3/dx = 3x^2 = [3, 12, 3], times the seed [1, 1, 2]
        AssertClose(new double[] { 3, 12, 6 }, x.Gradient);
    }

    [Fact]
    public void Custom_UntrackedInputs_ResultUntrackedAndBackwardNeverCalled()
    {
        bool called = false;
        var y = Tensor.Custom("f", new[] { Of(2) },
            xs => xs[0] * 2.0,
            (xs, tracked, g) => { called = true; return new Tensor?[] { g }; });
        AssertClose(new double[] { 4 }, y);
        Assert.False(y.IsTracked);
        Assert.Throws<InvalidOperationException>(() => y.Backward());
        Assert.False(called);
    }

    [Fact]
    public void Custom_ForwardRecordsNothingInside()
    {
        var x = Of(3).Tracked();
        Tensor? inner = null;
        var y = Tensor.Custom("id", new[] { x },
            xs => { inner = xs[0] * 1.0; return inner; },
            (xs, tracked, g) => new Tensor?[] { g });
        Assert.NotNull(inner);
        Assert.False(inner!.IsTracked);
        Assert.True(y.IsTracked);
    }

    [Fact]
    public void Custom_TrackedFlagsAndNullGradients()
    {
        var a = Of(2).Tracked();
        var b = Of(5);
        var c = Of(7).Tracked();
        bool[]? seen = null;
        var y = Tensor.Custom("weighted", new[] { a, b, c },
            xs => xs[0] * xs[1] + xs[2],
            (xs, tracked, g) =>
            {
                seen = tracked;
                // a gets g*b; b is untracked; c deliberately gets no gradient
                return new Tensor?[] { g * xs[1], tracked[1] ? g * xs[0] : null, null };
            });
        AssertClose(new double[] { 17 }, y);
        y.Backward();
        Assert.Equal(new[] { true, false, true }, seen);
        AssertClose(new double[] { 5 }, a.Gradient);
        Assert.Null(b.Gradient);
        Assert.Null(c.Gradient);
    }

    [Fact]
    public void Custom_BroadcastGradientIsReducedByTheEngine()
    {
        var a = Tensor.Ones(new[] { 2, 3 }, Dt).Tracked();
        var bias = Of(1, 2, 3).Tracked();
        var y = Tensor.Custom("add_bias", new[] { a, bias },
            xs => xs[0] + xs[1],
            // both gradients in the result's shape [2,3]; the engine sums bias's to [3]
            (xs, tracked, g) => new Tensor?[] { g, g });
        y.Backward();
        AssertClose(new[] { 3 }, new double[] { 2, 2, 2 }, bias.Gradient);
        AssertClose(new[] { 2, 3 }, new double[] { 1, 1, 1, 1, 1, 1 }, a.Gradient);
    }

    [Fact]
    public void Custom_WrongNumberOfGradients_ThrowsNamingTheOp()
    {
        var x = Of(1).Tracked();
        var y = Tensor.Custom("broken", new[] { x }, xs => xs[0], (xs, tracked, g) => new Tensor?[] { g, g });
        Throws<ArgumentException>(() => y.Backward(), "broken", "2", "1");
    }

    [Fact]
    public void Custom_GradientOfWrongShape_ThrowsNamingOpAndShapes()
    {
        var x = Tensor.Ones(new[] { 2, 3 }, Dt).Tracked();
        var y = Tensor.Custom("bad_shape", new[] { x }, xs => xs[0], (xs, tracked, g) => new Tensor?[] { Tensor.Ones(new[] { 4 }, Dt) });
        Throws<InvalidOperationException>(() => y.Backward(), "bad_shape", "[4]", "[2,3]");
        // a failed pass leaves no partial state behind: a fresh pass over x works
        (x * 2.0).Sum().Backward();
        AssertClose(new double[] { 2, 2, 2, 2, 2, 2 }, x.Gradient);
    }

    [Fact]
    public void Custom_ForwardReturningNull_ThrowsNamingTheOp()
    {
        Throws<InvalidOperationException>(
            () => Tensor.Custom("nothing", new[] { Of(1) }, xs => null!, (xs, t, g) => new Tensor?[] { g }),
            "nothing");
    }

    [Fact]
    public void Custom_BackwardInTensorOps_IsDifferentiableAgain()
    {
        var x = Of(1, 2).Tracked();
        Cube(x).Sum().Backward(createGraph: true);
        var g = x.TakeGradient()!;
        // 3x^2
        AssertClose(new double[] { 3, 12 }, g);
        Assert.True(g.IsTracked);
        g.Sum().Backward();
        // d(3x^2)/dx = 6x
        AssertClose(new double[] { 6, 12 }, x.Gradient);
    }

    [Fact]
    public void Custom_InsideNoGrad_RecordsNothing()
    {
        var x = Of(1).Tracked();
        using (Tensor.NoGrad())
        {
            Assert.False(Cube(x).IsTracked);
        }
    }
}
