using System;
using System.Threading.Tasks;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Autodiff;

public class BackwardTests
{
    [Fact]
    public void SeedDynamicGraphExample()
    {
        var a = Tensor.Of(5.0).Tracked();
        var b = Tensor.Of(2.0).Tracked();
        var c = Tensor.Of(0.0).Tracked();
        for (int i = 0; i < 10; i++)
        {
            c = c + a * b;
            if (c[0] > 50.0) c = c * a;
        }
        // iterations 1-5 add ab = 10 (c = 50); from iteration 6 on c <- (c + 10) * 5:
        // 300, 1550, 7800, 39050, 195300
        Assert.Equal(Tensor.Of(195300.0), c);
        c.Backward();
        Assert.Equal(Tensor.Of(1.0), c.Gradient);
        // dc/db: 5a = 25 after 5 iterations, then d <- (d + a) a: 150, 775, 3900, 19525, 97650
        Assert.Equal(Tensor.Of(97650.0), b.Gradient);
        // dc/da: 5b = 10, then d <- (d + b) a + (c + ab): 120, 920, 6170, 38670, 232420
        Assert.Equal(Tensor.Of(232420.0), a.Gradient);
    }

    [Fact]
    public void TensorUsedByTwoConsumers_GradientsSummed()
    {
        var x = Tensor.Of(3).Tracked();
        var y = x * x + x;
        y.Backward();
        // d(x^2 + x)/dx = 2x + 1
        AssertClose(new double[] { 7 }, x.Gradient);
    }

    [Fact]
    public void Diamond_IntermediateCompleteBeforeItPropagates()
    {
        var a = Tensor.Of(2).Tracked();
        var b = (a * 2.0).RetainGradient();
        var c = (a * 3.0).RetainGradient();
        var d = b * c;
        d.Backward();
        // d = 6a^2: dd/da = 12a = 24; dd/db = c = 6; dd/dc = b = 4
        AssertClose(new double[] { 24 }, a.Gradient);
        AssertClose(new double[] { 6 }, b.Gradient);
        AssertClose(new double[] { 4 }, c.Gradient);
    }

    [Fact]
    public void IntermediateUsedTwiceDownstream()
    {
        // h = 2x is used by both y1 = h^2 and y2 = 3h; out = y1 + y2
        var x = Tensor.Of(1, 2).Tracked();
        var h = (x * 2.0).RetainGradient();
        var outp = (h.Square() + h * 3.0).Sum();
        outp.Backward();
        // dout/dh = 2h + 3 = [7, 11]; dout/dx = 2 (2h + 3) = [14, 22]
        AssertClose(new double[] { 7, 11 }, h.Gradient);
        AssertClose(new double[] { 14, 22 }, x.Gradient);
    }

    [Fact]
    public void GradientsAccumulateUntilClearedOrTaken()
    {
        var x = Tensor.Of(1, 2).Tracked();
        var y = x * 2.0;
        y.Backward();
        y.Backward();
        // two passes of d(2x)/dx = 2
        AssertClose(new double[] { 4, 4 }, x.Gradient);
        x.ClearGradient();
        Assert.Null(x.Gradient);
        (x * 3.0).Backward();
        AssertClose(new double[] { 3, 3 }, x.Gradient);
        var taken = x.TakeGradient();
        AssertClose(new double[] { 3, 3 }, taken);
        Assert.Null(x.Gradient);
        (x * 5.0).Backward();
        AssertClose(new double[] { 5, 5 }, x.Gradient);
        Assert.False(x.Gradient!.IsTracked);
    }

    [Fact]
    public void BackwardWithSeed()
    {
        var x = Tensor.Of(1, 2, 3).Tracked();
        var y = x * Tensor.Of(1, 2, 3);
        y.Backward(Tensor.Of(1, 10, 100));
        // seed * d(x*w)/dx = seed * w
        AssertClose(new double[] { 1, 20, 300 }, x.Gradient);
        AssertClose(new double[] { 1, 10, 100 }, y.Gradient);
    }

    [Fact]
    public void BackwardWithWrongSeedShape_Throws()
    {
        var y = Tensor.Ones(2, 3).Tracked() * 2.0;
        ThrowsShape(() => y.Backward(Tensor.Ones(3, 2)), "backward", "[3,2]", "[2,3]");
        ThrowsShape(() => y.Backward(Tensor.Ones(6)), "backward", "[6]", "[2,3]");
    }

    [Fact]
    public void BackwardOnUntracked_ThrowsInvalidOperation()
    {
        var y = Tensor.Ones(2, 3) * 2.0;
        Throws<InvalidOperationException>(() => y.Backward(), "backward", "[2,3]", "not tracked");
    }

    [Fact]
    public void BackwardOnTrackedLeaf_GivesOnes()
    {
        var x = Tensor.Ones(2).Tracked();
        x.Backward();
        AssertClose(new double[] { 1, 1 }, x.Gradient);
    }

    [Fact]
    public void UntrackedInputsGetNoGradient()
    {
        var x = Tensor.Of(2).Tracked();
        var w = Tensor.Of(3);
        var y = x * w + w;
        y.Backward();
        AssertClose(new double[] { 3 }, x.Gradient);
        Assert.Null(w.Gradient);
        Assert.False(w.IsTracked);
    }

    [Fact]
    public void OpsWithoutTrackedInputsRecordNoGraph()
    {
        var y = Tensor.Of(1, 2) * Tensor.Of(3, 4) + 1.0;
        Assert.False(y.IsTracked);
        Assert.True(y.IsLeaf);
    }

    [Fact]
    public void StartAndStopTracking_ReturnPreviousState()
    {
        var x = Tensor.Of(1);
        Assert.False(x.IsTracked);
        Assert.False(x.StartTracking());
        Assert.True(x.IsTracked);
        Assert.True(x.StartTracking());
        Assert.True(x.StopTracking());
        Assert.False(x.IsTracked);
        Assert.False(x.StopTracking());
    }

    [Fact]
    public void StartTracking_MakesLaterOpsRecord()
    {
        var x = Tensor.Of(4);
        Assert.False((x * 2.0).IsTracked);
        x.StartTracking();
        var y = x * 2.0;
        Assert.True(y.IsTracked);
        y.Backward();
        AssertClose(new double[] { 2 }, x.Gradient);
    }

    [Fact]
    public void StopTracking_InputIsConstantInLaterOps()
    {
        var x = Tensor.Of(2).Tracked();
        var w = Tensor.Of(3).Tracked();
        x.StopTracking();
        var y = x * w;
        y.Backward();
        Assert.Null(x.Gradient);
        AssertClose(new double[] { 2 }, w.Gradient);
    }

    [Fact]
    public void StopTracking_AnIntermediate_BackwardStopsThere()
    {
        var x = Tensor.Of(2).Tracked();
        var h = x * 3.0;
        var w = Tensor.Of(5).Tracked();
        var y = h * w;
        h.StopTracking();
        y.Backward();
        Assert.Null(x.Gradient);
        // dy/dw = h = 6
        AssertClose(new double[] { 6 }, w.Gradient);
    }

    [Fact]
    public void TrackedAndUntracked()
    {
        var x = Tensor.Of(1, 2);
        var t = x.Tracked();
        Assert.True(t.IsTracked);
        Assert.True(t.IsLeaf);
        Assert.False(x.IsTracked); // Tracked() returns a new marked tensor, x itself is unchanged
        Assert.Same(t, t.Tracked());
        var u = (t * 2.0).Untracked();
        Assert.False(u.IsTracked);
        Assert.True(u.IsLeaf);
        AssertClose(new double[] { 2, 4 }, u);
        Assert.Same(x, x.Untracked());
    }

    [Fact]
    public void NoGradScope_RecordsNothingAndNests()
    {
        var x = Tensor.Of(1).Tracked();
        Assert.True(Tensor.IsGradEnabled);
        using (Tensor.NoGrad())
        {
            Assert.False(Tensor.IsGradEnabled);
            var y = x * 2.0;
            Assert.False(y.IsTracked);
            Assert.True(y.IsLeaf);
            using (Tensor.NoGrad())
            {
                Assert.False(Tensor.IsGradEnabled);
                Assert.False((x + 1.0).IsTracked);
            }
            // still inside the outer scope
            Assert.False(Tensor.IsGradEnabled);
            Assert.False((x * x).IsTracked);
        }
        Assert.True(Tensor.IsGradEnabled);
        Assert.True((x * 2.0).IsTracked);
    }

    [Fact]
    public async Task NoGradScope_FlowsIntoAsyncCalls()
    {
        var x = Tensor.Of(1).Tracked();
        using (Tensor.NoGrad())
        {
            var tracked = await Task.Run(() => (x * 2.0).IsTracked);
            Assert.False(tracked);
        }
        Assert.True(await Task.Run(() => (x * 2.0).IsTracked));
    }

    [Fact]
    public void Detach_CutsTheGraph()
    {
        var x = Tensor.Of(3).Tracked();
        var d = (x * 2.0).Detach();
        Assert.False(d.IsTracked);
        Assert.True(d.IsLeaf);
        var y = d * x;
        Assert.Equal(18.0, y.Item());
        y.Backward();
        // d is a constant 6, so dy/dx = 6 (not 12 as for 2x^2)
        AssertClose(new double[] { 6 }, x.Gradient);
    }

    [Fact]
    public void RetainGradient_KeepsAnIntermediatesGradient()
    {
        var x = Tensor.Of(1, 2).Tracked();
        var h = x * 3.0;
        var k = (x * 4.0).RetainGradient();
        var y = (h * k).Sum();
        y.Backward();
        Assert.Null(h.Gradient);
        // dy/dk = h = 3x
        AssertClose(new double[] { 3, 6 }, k.Gradient);
        // y = 12 x^2: dy/dx = 24x
        AssertClose(new double[] { 24, 48 }, x.Gradient);
        AssertClose(Array.Empty<int>(), new double[] { 1 }, y.Gradient);
    }

    [Fact]
    public void NodeReceivingNoGradient_StillReleasesItsInputs()
    {
        // p = 2x feeds only a custom op that gives it no gradient; x is also used directly by q = 3x.
        // The engine must still count p's use of x as done, or x would wait for it forever.
        var x = Tensor.Of(1).Tracked();
        var p = x * 2.0;
        var blocked = Tensor.Custom("stop_gradient", new[] { p }, xs => xs[0], (xs, tracked, g) => new Tensor?[] { null });
        var q = x * 3.0;
        (blocked + q).Backward();
        AssertClose(new double[] { 3 }, x.Gradient);
    }

    [Fact]
    public void MillionChainedOps_NoStackOverflow()
    {
        var x = Tensor.Scalar(1).Tracked();
        var half = Tensor.Scalar(0.5);
        var y = x;
        for (int i = 0; i < 1_000_000; i++) y = y + half;
        Assert.Equal(500_001.0, y.Item());
        y.Backward();
        // d(x + 0.5 + ... + 0.5)/dx = 1
        AssertClose(Array.Empty<int>(), new double[] { 1 }, x.Gradient);
    }

    [Fact]
    public void SecondDerivativeOfCube_IsSixX()
    {
        var x = Tensor.Of(1, 2, -3).Tracked();
        x.Pow(3).Sum().Backward(createGraph: true);
        var g = x.TakeGradient()!;
        // d x^3/dx = 3x^2
        AssertClose(new double[] { 3, 12, 27 }, g);
        Assert.True(g.IsTracked);
        g.Sum().Backward();
        // d(3x^2)/dx = 6x
        AssertClose(new double[] { 6, 12, -18 }, x.Gradient);
    }

    [Fact]
    public void SecondDerivativeOfCube_WrittenAsProducts()
    {
        var x = Tensor.Of(2).Tracked();
        (x * x * x).Backward(createGraph: true);
        var g = x.TakeGradient()!;
        AssertClose(new double[] { 12 }, g);
        g.Backward();
        AssertClose(new double[] { 12 }, x.Gradient);
    }

    [Fact]
    public void WithoutCreateGraph_GradientIsNotTracked()
    {
        var x = Tensor.Of(2).Tracked();
        x.Pow(3).Backward();
        Assert.False(x.Gradient!.IsTracked);
    }

    [Fact]
    public void HessianVectorProduct_OfQuadraticForm()
    {
        // f(x) = x^T A x with A = [[2,1],[0,3]]: grad f = (A + A^T) x, Hessian H = A + A^T = [[4,1],[1,6]]
        var a = Tensor.From(new double[,] { { 2, 1 }, { 0, 3 } });
        var x = Tensor.Of(1, 2).Tracked();
        var f = x.MatMul(a.MatMul(x));
        // f = 2*1 + 1*1*2 + 0 + 3*4 = 16
        Assert.Equal(16.0, f.Item());
        f.Backward(createGraph: true);
        var g = x.TakeGradient()!;
        // H x = [4+2, 1+12]
        AssertClose(new double[] { 6, 13 }, g);
        var v = Tensor.Of(1, -1);
        (g * v).Sum().Backward();
        // H v = [4-1, 1-6]
        AssertClose(new double[] { 3, -5 }, x.Gradient);
    }

    [Fact]
    public void SecondOrder_ThroughBroadcastProduct()
    {
        // y = sum(w * x^2) with w broadcast [3] over x [2,3]: dy/dx = 2 w x, d(sum dy/dx)/dx = 2w per element
        var x = T(new[] { 2, 3 }, 1, 2, 3, 4, 5, 6).Tracked();
        var w = Tensor.Of(1, 10, 100);
        (x.Square() * w).Sum().Backward(createGraph: true);
        var g = x.TakeGradient()!;
        AssertClose(new double[] { 2, 40, 600, 8, 100, 1200 }, g);
        g.Sum().Backward();
        AssertClose(new double[] { 2, 20, 200, 2, 20, 200 }, x.Gradient);
    }
}
