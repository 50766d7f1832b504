using System;
using System.Threading;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Autodiff;

/// <summary>
/// Dispose scopes: what they dispose, what survives, and that a buffer goes back to the cache only when no
/// surviving tensor can read it. Tensors are [83,107] (8881 elements: cached, a length no other test uses)
/// ramps with exact integer values, so every expected value below is exact.
/// </summary>
[Collection(nameof(BufferCacheCollection))]
public class DisposeScopeTests() : RampTests(83, 107) // 8881 elements
{
    /// <summary>Steps in scopes that make and dispose results of the cached length, so that any buffer a scope
    /// handed back while still readable is overwritten.</summary>
    private void ChurnInScopes()
    {
        for (int i = 0; i < 3; i++)
            using (Tensor.NewDisposeScope()) _ = (Ramp(7) * 3.0).Exp() + Ramp(9);
    }

    [Fact]
    public void TensorsMadeInTheScope_AreDisposed_AndSayWhyWhenRead()
    {
        var x = Ramp();
        Tensor y;
        using (Tensor.NewDisposeScope())
        {
            y = x * 2.0;
            Assert.False(y.IsDisposed);
        }
        Assert.True(y.IsDisposed);
        Assert.False(x.IsDisposed); // made before the scope
        Assert.Equal(new[] { Rows, Cols }, y.Shape); // the shape stays readable
        Assert.Equal(Rows * Cols, y.Count);
        var e = Assert.Throws<ObjectDisposedException>(() => y.ToArray());
        Assert.Contains("[83,107]", e.Message);
        Assert.Contains("DisposeScope", e.Message);
        Assert.Throws<ObjectDisposedException>(() => y + 1.0);
        Assert.Equal("tensor(disposed, shape=[83,107])", y.ToString());
        AssertClose(Expected(v => v), x); // the input is untouched
    }

    [Fact]
    public void TheBufferOfADisposedResult_IsReusedByTheNextStep()
    {
        var x = Ramp();
        using (Tensor.NewDisposeScope()) _ = x * 3.0;
        var before = BufferCache.Statistics;
        Tensor z;
        using (Tensor.NewDisposeScope()) z = (x * 5.0).DetachFromDisposeScope();
        var after = BufferCache.Statistics;
        Assert.True(after.Hits > before.Hits, $"expected the disposed buffer to be rented again: {before} -> {after}");
        AssertClose(Expected(v => 5 * v), z);
    }

    [Fact]
    public void GradientsStoredInTheScope_SurviveIt_WithTheirValues()
    {
        var a = Ramp().Tracked();
        var b = Ramp(2).Tracked();
        double loss;
        using (Tensor.NewDisposeScope())
        {
            var l = (a * b).Sum();
            l.Backward();
            loss = l.Item();
        }
        // d(sum a*b)/da = b, d/db = a; sum a*b = sum 2 v^2
        AssertClose(Expected(v => 2 * v), a.Gradient);
        AssertClose(Expected(v => v), b.Gradient);
        double sum = 0;
        foreach (var v in Expected(v => 2 * v * v)) sum += v;
        Assert.Equal(sum, loss);
        // more steps of the same size must not reuse the gradients' buffers
        ChurnInScopes();
        AssertClose(Expected(v => 2 * v), a.Gradient);
    }

    [Fact]
    public void AResultMovedOut_CanBeDifferentiatedAfterTheScope()
    {
        var x = Ramp().Tracked();
        Tensor loss;
        using (Tensor.NewDisposeScope())
        {
            var y = x * x;           // kept: loss's graph reaches it
            loss = (y * 3.0).Sum().MoveToOuterDisposeScope();
        }
        ChurnInScopes();
        Assert.False(loss.IsDisposed);
        loss.Backward();
        AssertClose(Expected(v => 6 * v), x.Gradient); // d(sum 3x^2)/dx = 6x
    }

    [Fact]
    public void NestedScopes_MoveToTheOuterScope_WhichDisposesAtItsEnd()
    {
        var x = Ramp();
        Tensor inner, outerOnly;
        using (Tensor.NewDisposeScope())
        {
            using (Tensor.NewDisposeScope())
            {
                inner = (x * 2.0).MoveToOuterDisposeScope();
                outerOnly = x * 3.0;
            }
            Assert.True(outerOnly.IsDisposed);
            Assert.False(inner.IsDisposed);
            AssertClose(Expected(v => 2 * v), inner);
        }
        Assert.True(inner.IsDisposed);
    }

    [Fact]
    public void MovingOutOfTheOutermostScope_Detaches()
    {
        Tensor y;
        using (Tensor.NewDisposeScope()) y = (Ramp() * 2.0).MoveToOuterDisposeScope();
        Assert.False(y.IsDisposed);
        ChurnInScopes();
        AssertClose(Expected(v => 2 * v), y);
    }

    [Fact]
    public void AViewThatSurvives_KeepsTheBufferItShares()
    {
        var x = Ramp();
        Tensor view;
        using (Tensor.NewDisposeScope())
        {
            var y = x * 2.0;                                 // disposed
            view = y.Reshape(Cols, Rows).DetachFromDisposeScope(); // shares y's buffer
        }
        ChurnInScopes();
        AssertClose(Expected(v => 2 * v), view);
    }

    [Fact]
    public void AViewOfATensorMadeOutside_IsDisposed_ButTheBufferStays()
    {
        var x = Ramp();
        using (Tensor.NewDisposeScope()) _ = x.Reshape(Cols, Rows);
        ChurnInScopes();
        AssertClose(Expected(v => v), x);
    }

    [Fact]
    public void AViewDetachedInAnInnerScope_KeepsTheBufferOfATensorOfTheOuterScope()
    {
        var x = Ramp();
        Tensor view;
        using (Tensor.NewDisposeScope())
        {
            var y = x * 2.0; // the outer scope's: it disposes y
            using (Tensor.NewDisposeScope())
                view = y.Reshape(Cols, Rows).DetachFromDisposeScope(); // shares y's buffer, outlives both scopes
        }
        ChurnInScopes();
        AssertClose(Expected(v => 2 * v), view);
    }

    [Fact]
    public void AParameterValueSetInAnInnerScope_KeepsTheBufferOfATensorOfTheOuterScope()
    {
        var p = new Parameter("weight", Ramp());
        using (Tensor.NewDisposeScope())
        {
            var y = Ramp() * 3.0; // the outer scope's, untracked: the value is a tracked leaf sharing its buffer
            using (Tensor.NewDisposeScope()) p.Value = y;
        }
        ChurnInScopes();
        AssertClose(Expected(v => 3 * v), p.Value);
    }

    [Fact]
    public void AResultDetachedInAnInnerScope_KeepsWhatItsGraphReachesInTheOuterScope()
    {
        var x = Ramp().Tracked();
        Tensor loss;
        using (Tensor.NewDisposeScope())
        {
            var y = x * 2.0; // the outer scope's; loss's backward reads it
            using (Tensor.NewDisposeScope()) loss = (y * y).Sum().DetachFromDisposeScope();
        }
        ChurnInScopes();
        loss.Backward();
        AssertClose(Expected(v => 8 * v), x.Gradient); // d(sum (2x)^2)/dx = 8x
    }

    [Fact]
    public void ASecondOrderGraphMovedOut_KeepsTheTensorsReluBackwardReads()
    {
        // relu's derivative, recorded with createGraph, reads its input h besides its own inputs: the penalty's
        // graph (sum(2 [h > 0] w), with h = 2x) never reaches h through the inputs, but its backward needs h.
        var x = Ramp().Tracked();
        var w = Ramp(0.5).Tracked();
        Tensor penalty;
        using (Tensor.NewDisposeScope())
        {
            var h = x * 2.0;
            var loss = (h.Relu() * w).Sum();
            var gx = Tensor.Gradients(loss, new[] { x }, createGraph: true)[0]!; // 2 [h > 0] w
            penalty = gx.Sum().MoveToOuterDisposeScope();
        }
        ChurnInScopes();
        penalty.Backward();
        AssertClose(Expected(v => v > 0 ? 2 : 0), w.Gradient); // d(sum 2 [2x > 0] w)/dw = 2 [x > 0]
    }

    [Fact]
    public void ASecondOrderConvolutionGraphMovedOut_KeepsItsGate()
    {
        // conv2d_relu with a 1x1 filter 2: y = relu(2x); the input gradient 2 [y > 0] c reads the gate y in its backward
        var x = Ramp().Reshape(1, 1, Rows, Cols).Tracked();
        var c = Ramp(0.5).Reshape(1, 1, Rows, Cols).Tracked();
        var filter = Tensor.FromArray(new[] { 1, 1, 1, 1 }, new[] { 2.0 });
        Tensor penalty;
        using (Tensor.NewDisposeScope())
        {
            var loss = (x.Conv2dRelu(filter) * c).Sum();
            var gx = Tensor.Gradients(loss, new[] { x }, createGraph: true)[0]!; // 2 [2x > 0] c
            penalty = gx.Sum().MoveToOuterDisposeScope();
        }
        ChurnInScopes();
        penalty.Backward();
        AssertClose(Expected(v => v > 0 ? 2 : 0), c.Gradient!.Reshape(Rows, Cols)); // d(sum 2 [x > 0] c)/dc
    }

    [Fact]
    public void ACustomOpMovedOut_KeepsTheTensorsItsBackwardCapturedInItsForward()
    {
        var x = Ramp().Tracked();
        Tensor loss;
        using (Tensor.NewDisposeScope())
        {
            Tensor? twice = null; // made by the forward, read by the backward
            var y = Tensor.Custom("twice_square", new[] { x },
                xs => (twice = xs[0] * 2.0) * xs[0],         // 2x^2
                (xs, tracked, g) => new Tensor?[] { g * twice! * 2.0 }); // 4x
            loss = y.Sum().MoveToOuterDisposeScope();
        }
        ChurnInScopes();
        loss.Backward();
        AssertClose(Expected(v => 4 * v), x.Gradient);
    }

    [Fact]
    public void AnOptimizerStepInTheScope_KeepsTheNewParameterValues()
    {
        var dense = new Dense(Cols, 3);
        var x = Ramp(0.01);
        var before = dense.Weights.Value.ToArray();
        var optimizer = new GradientDescent(0.1);
        using (Tensor.NewDisposeScope())
        {
            var loss = dense.Forward(x).Sum();
            loss.Backward();
            optimizer.Update(dense.Parameters);
        }
        Assert.False(dense.Weights.Value.IsDisposed);
        Assert.False(dense.Bias!.Value.IsDisposed);
        // d(sum (x W^T + b))/dW[o, i] = sum over rows of x[r, i]; W' = W - 0.1 * that
        var columnSums = new double[Cols];
        var xs = x.ToArray();
        for (int r = 0; r < Rows; r++)
            for (int i = 0; i < Cols; i++) columnSums[i] += xs[r * Cols + i];
        var expected = new double[before.Length];
        for (int o = 0; o < 3; o++)
            for (int i = 0; i < Cols; i++) expected[o * Cols + i] = before[o * Cols + i] - 0.1 * columnSums[i];
        AssertClose(expected, dense.Weights.Value, 1e-12);
        using (Tensor.NewDisposeScope()) _ = dense.Forward(x); // the updated values are usable
    }

    [Fact]
    public void ScopesEndInnermostFirst_AndTwiceIsHarmless()
    {
        var outer = Tensor.NewDisposeScope();
        var inner = Tensor.NewDisposeScope();
        Assert.Same(inner, DisposeScope.Current);
        var e = Assert.Throws<InvalidOperationException>(() => outer.Dispose());
        Assert.Contains("innermost first", e.Message);
        inner.Dispose();
        inner.Dispose();
        Assert.Same(outer, DisposeScope.Current);
        outer.Dispose();
        Assert.Null(DisposeScope.Current);
    }

    [Fact]
    public void AScopeBelongsToItsThread()
    {
        var x = Ramp();
        Tensor? other = null;
        using (Tensor.NewDisposeScope())
        {
            // a tensor made on another thread is not in this thread's scope
            var thread = new Thread(() => other = x * 2.0);
            thread.Start();
            thread.Join();
            Assert.Equal(0, DisposeScope.Current!.Count);
        }
        Assert.False(other!.IsDisposed);
    }

    [Fact]
    public void Count_IsWhatTheScopeWillDispose()
    {
        using var scope = Tensor.NewDisposeScope();
        var a = Tensor.Of(1.0, 2.0);
        var b = a.Exp();
        Assert.Equal(2, scope.Count);
        b.DetachFromDisposeScope();
        Assert.Equal(1, scope.Count);
    }
}
