using System;
using System.Collections.Generic;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Autodiff;

/// <summary>The cache's counters are global: these tests run alone, not beside other test classes.</summary>
[CollectionDefinition(nameof(BufferCacheCollection), DisableParallelization = true)]
public class BufferCacheCollection;

/// <summary>
/// The backward engine gives spent gradient buffers back to the cache, and a cleared, never-read gradient
/// gives its buffer back. Every test uses tensors above the cache's 8192-element threshold, and checks the
/// values that must not change: a buffer handed back while still reachable would show here (and in
/// scripts/test.sh's CORGI_BUFFER_CACHE_CHECK=1 run, which poisons returned buffers with NaN).
/// </summary>
[Collection(nameof(BufferCacheCollection))]
public class BufferCacheTests() : RampTests(97, 101) // 9797 elements
{
    private static double[] Filled(int n, double value)
    {
        var values = new double[n];
        Array.Fill(values, value);
        return values;
    }

    [Fact]
    public void Backward_GivesTheIntermediateGradientBuffersBack()
    {
        var x = Ramp().Tracked();
        var before = BufferCache.Statistics;
        // sum(3x): the ones [97,101] broadcast from the sum is spent once mul has used it
        (x * 3.0).Sum().Backward();
        var after = BufferCache.Statistics;
        Assert.True(after.Returns + after.Dropped > before.Returns + before.Dropped,
            $"expected a spent buffer back: {before} -> {after}");
        AssertClose(Filled(Rows * Cols, 3), x.Gradient);
    }

    [Fact]
    public void AClearedGradientNobodyRead_IsReused_AndTheNextPassIsRight()
    {
        var x = Ramp().Tracked();
        (x * 2.0).Sum().Backward();
        var before = BufferCache.Statistics;
        x.ClearGradient(); // never read: its buffer goes back
        var after = BufferCache.Statistics;
        Assert.True(after.Returns + after.Dropped > before.Returns + before.Dropped, $"{before} -> {after}");

        (x * 7.0).Sum().Backward();
        AssertClose(Filled(Rows * Cols, 7), x.Gradient);
    }

    [Fact]
    public void AGradientTheUserRead_KeepsItsValuesAfterClearAndLaterPasses()
    {
        var x = Ramp().Tracked();
        (x * x).Sum().Backward();
        var kept = x.Gradient; // d(sum x^2)/dx = 2x
        x.ClearGradient();
        for (int i = 0; i < 3; i++)
        {
            (x * 5.0).Sum().Backward();
            x.ClearGradient();
            _ = (Ramp(4) * 2.0).Exp(); // more results of the same size
        }
        AssertClose(Expected(v => 2 * v), kept);
    }

    [Fact]
    public void AccumulatingPasses_ReplaceTheUnreadGradient_AndSumCorrectly()
    {
        var x = Ramp().Tracked();
        (x * x).Sum().Backward();   // 2x
        (x * 3.0).Sum().Backward(); // + 3
        (x * x).Sum().Backward();   // + 2x
        AssertClose(Expected(v => 4 * v + 3), x.Gradient);
    }

    [Fact]
    public void ATensorUsedTwice_AndViewsOfGradients_GetTheSumOfAllUses()
    {
        var x = Ramp().Tracked();
        // y = x + x = 2x; d(sum y^2)/dx = 2y * 2 = 8x
        var y = x + x;
        (y * y).Sum().Backward();
        AssertClose(Expected(v => 8 * v), x.Gradient);

        // reshapes share their gradient's buffer: d/dx sum(2 reshape(x) + x + x*x) = 3 + 2x
        var z = Ramp().Tracked();
        var w = (z.Reshape(Rows * Cols) * 2.0).Reshape(Rows, Cols) + z + z * z;
        w.Sum().Backward();
        AssertClose(Expected(v => 3 + 2 * v), z.Gradient);
    }

    [Fact]
    public void BroadcastInputs_GetTheirReducedGradients()
    {
        var x = Ramp().Tracked();
        var row = Tensor.Ones(1, Cols).Tracked();
        var col = Tensor.Ones(Rows, 1).Tracked();
        // d/d row sum(2 (x + row) * col) = 2 * Rows per element; d/d col = 2 * sum_j (x + 1)[i, j]
        ((x + row) * col * 2.0).Sum().Backward();
        AssertClose(Filled(Cols, 2.0 * Rows), row.Gradient);
        var colExpected = new double[Rows];
        for (int i = 0; i < Rows; i++)
            for (int j = 0; j < Cols; j++) colExpected[i] += 2 * (((i * Cols + j) % 13) - 6 + 1);
        AssertClose(colExpected, col.Gradient);
        AssertClose(Filled(Rows * Cols, 2), x.Gradient);
    }

    [Fact]
    public void RetainedIntermediateGradients_AndGradientsResults_AreNotReused()
    {
        var x = Ramp().Tracked();
        var h = (x * 2.0).RetainGradient();
        (h * h).Sum().Backward(); // dh = 2h = 4x, dx = 8x
        var fromGradients = Tensor.Gradients((x * x * x).Sum(), new[] { x })[0]; // 3x^2

        for (int i = 0; i < 3; i++)
        {
            var other = Ramp(3).Tracked();
            (other * other).Sum().Backward();
            other.ClearGradient();
        }
        AssertClose(Expected(v => 4 * v), h.Gradient);
        AssertClose(Expected(v => 8 * v), x.Gradient);
        AssertClose(Expected(v => 3 * v * v), fromGradients);
    }

    [Fact]
    public void ACustomOpThatKeepsItsUpstreamGradient_KeepsItsValues()
    {
        var kept = new List<Tensor>();
        var x = Ramp().Tracked();
        var y = Tensor.Custom("keep_upstream", new[] { x }, xs => xs[0] * 1.0, (xs, tracked, g) =>
        {
            kept.Add(g);
            return new Tensor?[] { g * 2.0 };
        });
        (y * 5.0).Sum().Backward(); // upstream of y: 5 everywhere; dx = 10
        for (int i = 0; i < 3; i++)
        {
            var other = Ramp(2).Tracked();
            (other * 4.0).Sum().Backward();
            other.ClearGradient();
        }
        Assert.Single(kept);
        AssertClose(Filled(Rows * Cols, 5), kept[0]);
        AssertClose(Filled(Rows * Cols, 10), x.Gradient);
    }

    [Fact]
    public void TheLimit_CanBeSetAndRejectsNegatives()
    {
        long previous = BufferCache.LimitBytes;
        try
        {
            BufferCache.LimitBytes = 0;
            Assert.Equal(0, BufferCache.CachedBytes);
            var x = Ramp().Tracked();
            (x * 3.0).Sum().Backward();
            Assert.Equal(0, BufferCache.CachedBytes); // nothing kept: everything was dropped
            AssertClose(Filled(Rows * Cols, 3), x.Gradient);
            Throws<ArgumentOutOfRangeException>(() => BufferCache.LimitBytes = -1, "buffer cache", "-1");
        }
        finally
        {
            BufferCache.LimitBytes = previous;
        }
        BufferCache.Clear();
        Assert.Equal(0, BufferCache.CachedBytes);
    }

    [Fact]
    public void GradientSpan_ReadsTheValuesWithoutTakingTheGradient()
    {
        var x = Ramp().Tracked();
        Assert.False(x.HasGradient);
        Assert.True(x.GradientSpan.IsEmpty);
        (x * 3.0).Sum().Backward();
        Assert.True(x.HasGradient);
        Assert.Equal(Filled(Rows * Cols, 3), x.GradientSpan.ToArray());
        var before = BufferCache.Statistics;
        x.ClearGradient(); // read only through the span: the buffer goes back
        var after = BufferCache.Statistics;
        Assert.True(after.Returns + after.Dropped > before.Returns + before.Dropped, $"{before} -> {after}");
        Assert.False(x.HasGradient);
        Assert.True(x.GradientSpan.IsEmpty);
    }

    [Fact]
    public void ModelUpdate_GivesTheGradientBuffersBack_AndAGradientTheUserTookIsIntact()
    {
        // Dense(100 -> 100): weights of 10000 elements, above the cache threshold
        var input = Tensor.Ones(4, 100);
        var target = Tensor.Zeros(4, 100);
        var dense = new Dense(100, 100, Initializer.Constant(0.01), biasInitializer: Initializer.Zeros());
        var model = new Model(new ILayer[] { dense }, new GradientDescent(0.5), Cost.Mse());

        model.Forward(input);
        model.Backward(target);
        var before = BufferCache.Statistics;
        model.Update(); // nobody read the weights' gradient: its buffer comes back
        var after = BufferCache.Statistics;
        Assert.True(after.Returns + after.Dropped > before.Returns + before.Dropped, $"{before} -> {after}");

        model.Forward(input);
        model.Backward(target);
        var taken = dense.Weights.Gradient!;
        var copy = taken.ToArray();
        model.Update();
        for (int i = 0; i < 3; i++)
        {
            model.Forward(input);
            model.Backward(target);
            model.Update();
        }
        Assert.Equal(copy, taken.ToArray());
    }
}
