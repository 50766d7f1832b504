using System;
using System.Collections.Generic;
using System.Threading.Tasks;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.TestUtil;

namespace Corgi.Tests.Autodiff;

/// <summary>
/// Adversarial cases for the buffer cache's ownership rules (review): gradients that share a buffer with
/// another tensor's gradient, tied parameters, custom ops that keep or pass on their upstream, exceptions
/// in the middle of a pass, threads. Tensors have 89 x 103 = 9167 elements (above the 8192 threshold, a
/// length no other test uses), so spent buffers really are reused; the CORGI_BUFFER_CACHE_CHECK=1 run
/// poisons returned buffers with NaN on top.
/// </summary>
[Collection(nameof(BufferCacheCollection))]
public class BufferCacheReviewTests() : RampTests(89, 103) // 9167 elements
{
    /// <summary>Makes results of the cached length, so that any buffer handed back is overwritten.</summary>
    private void Churn()
    {
        for (int i = 0; i < 3; i++)
        {
            _ = Ramp(3) * 2.0 + Ramp(5);
            var other = Ramp(7).Tracked();
            (other * other).Sum().Backward();
            other.ClearGradient();
        }
    }

    [Fact]
    public void ARetainedGradientPassedOnUnchanged_IsAlsoTheInputsGradient_ClearingItKeepsTheInputs()
    {
        // h = x + 1: the add hands dh on to x as it is, so x.Gradient and h.Gradient are one buffer.
        // d/dh sum(h^2) = 2h = 2(x + 1) = d/dx.
        var x = Ramp().Tracked();
        var h = (x + 1.0).RetainGradient();
        (h * h).Sum().Backward();
        h.ClearGradient(); // nobody read h's gradient, but x's gradient is the same buffer
        Churn();
        AssertClose(Expected(v => 2 * (v + 1)), x.Gradient);

        // a view: flatten's derivative reshapes dh, sharing its buffer; d/dx sum(3 flatten(z)) = 3
        var z = Ramp().Tracked();
        var flat = z.Flatten().RetainGradient();
        (flat * 3.0).Sum().Backward();
        flat.ClearGradient();
        Churn();
        AssertClose(Expected(_ => 3.0), z.Gradient);
    }

    [Fact]
    public void BackwardTwice_ThroughARetainedIntermediatePassedOnUnchanged_SumsBothPasses()
    {
        // per pass: dh = dx = 2(x + 1) (as above); two passes accumulate 4(x + 1) in both
        var x = Ramp().Tracked();
        var h = (x + 1.0).RetainGradient();
        var loss = (h * h).Sum();
        loss.Backward();
        loss.Backward();
        AssertClose(Expected(v => 4 * (v + 1)), h.Gradient);
        AssertClose(Expected(v => 4 * (v + 1)), x.Gradient);
    }

    [Fact]
    public void TiedParameters_BothGetTheSharedGradientsUpdate()
    {
        // two parameter slots around one tensor (weight tying): d/dw sum(2w) = 2 for both slots,
        // so each new value is 1 - 0.5 * 2 = 0 (as before the cache: the gradient is read for each slot)
        var w = Tensor.Ones(Rows, Cols).Tracked();
        var a = new Parameter("a", w);
        var b = new Parameter("b", w);
        (w * 2.0).Sum().Backward();
        new GradientDescent(0.5).Update(new[] { a, b });
        AssertClose(new double[Rows * Cols], a.Value);
        AssertClose(new double[Rows * Cols], b.Value);
        Assert.False(w.HasGradient);
        Assert.Equal(1.0, w[0, 0]); // the old value is untouched
    }

    [Fact]
    public void ACustomOpThatReturnsItsUpstream_AsItsInputsGradient_IsNotSummedIntoInPlace()
    {
        // the custom op keeps its upstream and returns a view of it; x's other uses send gradients that
        // the engine sums in place, which must not write into the kept upstream.
        // loss = sum(5 y + x*x + 3x) with y = x: dy = 5, dx = 5 + 2x + 3
        var kept = new List<Tensor>();
        var x = Ramp().Tracked();
        var y = Tensor.Custom("pass_on", new[] { x }, xs => xs[0] * 1.0, (xs, tracked, g) =>
        {
            kept.Add(g);
            return new Tensor?[] { g.Reshape(Rows * Cols).Reshape(Rows, Cols) };
        });
        (y * 5.0 + x * x + x * 3.0).Sum().Backward();
        Churn();
        Assert.Single(kept);
        AssertClose(Expected(_ => 5.0), kept[0]);
        AssertClose(Expected(v => 2 * v + 8), x.Gradient);
    }

    [Fact]
    public void APassThatThrows_LeavesNoGradient_AndLaterPassesAndKeptValuesAreRight()
    {
        var x = Ramp().Tracked();
        var twice = x * 2.0;
        var boom = Tensor.Custom("boom", new[] { twice }, xs => xs[0] * 1.0,
            (xs, tracked, g) => throw new InvalidOperationException("boom: backward failed"));
        var loss = (boom + x * x).Sum();
        Throws<InvalidOperationException>(() => loss.Backward(), "boom");
        Assert.False(x.HasGradient); // x's gradient is complete only after the custom op's: never stored
        Churn();
        AssertClose(Expected(v => 2 * v), twice);
        (x * x * x).Sum().Backward(); // 3x^2
        AssertClose(Expected(v => 3 * v * v), x.Gradient);
    }

    [Fact]
    public void GradientsWithCreateGraph_ThenAPlainPassThroughThem_KeepTheFirstGradients()
    {
        // g = d/dx sum(x^3) = 3x^2 (tracked); d/dx sum(g^2) = d/dx sum(9x^4) = 36x^3
        var x = Ramp().Tracked();
        var g = Tensor.Gradients((x * x * x).Sum(), new[] { x }, createGraph: true)[0]!;
        (g * g).Sum().Backward();
        Churn();
        AssertClose(Expected(v => 3 * v * v), g);
        AssertClose(Expected(v => 36 * v * v * v), x.Gradient);
    }

    [Fact]
    public void PassesOnSeveralThreads_EachOwnTheirBuffers()
    {
        // each thread: d/dx sum(x*x + x) = 2x + 1 with x = s * ramp, 20 passes reading the gradient through
        // GradientSpan and clearing it (so every pass recycles buffers)
        var failures = new string?[4];
        Parallel.For(0, 4, new ParallelOptions { MaxDegreeOfParallelism = 4 }, t =>
        {
            double s = t + 1;
            var expected = Expected(v => 2 * v + 1, s);
            var x = Ramp(s).Tracked();
            for (int step = 0; step < 20 && failures[t] is null; step++)
            {
                (x * x + x).Sum().Backward();
                var got = x.GradientSpan;
                for (int i = 0; i < got.Length; i++)
                    if (got[i] != expected[i]) { failures[t] = $"thread {t} step {step} value {i}: {got[i]} != {expected[i]}"; break; }
                x.ClearGradient();
            }
        });
        Assert.Equal(new string?[4], failures);
    }

    [Fact]
    public void ABackwardPassInsideACustomBackward_OverASharedLeaf_LeavesTheOuterPassItsGradients()
    {
        // reg = sum(w^2) is built outside; the custom op's backward runs reg.Backward() (dw += 2w) while
        // the outer pass over loss = sum(3 y + w), y = w, is collecting dw = 3 + 1 (its partial 1 from the
        // add is pending when the custom op runs): w.Gradient = 2w + 4
        var w = Ramp().Tracked();
        var reg = (w * w).Sum();
        var y = Tensor.Custom("with_regularizer", new[] { w }, xs => xs[0] * 1.0, (xs, tracked, g) =>
        {
            reg.Backward();
            return new Tensor?[] { g };
        });
        (y * 3.0 + w).Sum().Backward();
        Churn();
        AssertClose(Expected(v => 2 * v + 4), w.Gradient);
    }
}
