using System;
using System.Threading;
using System.Threading.Tasks;
using Xunit;

namespace Corgi.Tests.Autodiff;

/// <summary>
/// Backward passes on several threads over graphs that share tracked tensors: every contribution arrives
/// (compared with the sum a single thread gets), and no pass corrupts another's scratch state.
/// </summary>
public class ConcurrencyTests
{
    [Theory]
    [InlineData(DType.Float64)]
    [InlineData(DType.Float32)]
    public async Task ManyThreads_BackwardIntoOneSharedLeaf_LoseNoContribution(DType dtype)
    {
        // Each pass computes sum(w * x_k) for its own x_k = k + 1 (a whole number), so it adds x_k to w's
        // gradient. After R rounds on T threads w's gradient is R * sum over k of (k + 1) per element, an
        // integer small enough to be exact in float32 too (T = 8, R = 200: 200 * 36 = 7200).
        const int threads = 8, rounds = 200;
        var w = Tensor.Full(new[] { 64 }, 0.5, dtype).Tracked();
        using var start = new Barrier(threads);
        var tasks = new Task[threads];
        for (int k = 0; k < threads; k++)
        {
            double xk = k + 1;
            tasks[k] = Task.Factory.StartNew(() =>
            {
                var x = Tensor.Full(new[] { 64 }, xk, dtype);
                start.SignalAndWait();
                for (int r = 0; r < rounds; r++)
                {
                    // a graph of several ops in which w is used twice: the leaf collects two contributions per pass
                    var y = (w * x).Add(w * 0.0).Relu().Sum();
                    y.Backward();
                }
            }, TaskCreationOptions.LongRunning);
        }
        await Task.WhenAll(tasks);
        double expected = rounds * (threads * (threads + 1) / 2.0);
        var g = w.Gradient!;
        Assert.Equal(dtype, g.DType);
        foreach (var v in g.ToArray()) Assert.Equal(expected, v);
    }

    [Fact]
    public void Gradients_OnManyThreads_OverASharedLeaf_AreEachComplete()
    {
        // Tensor.Gradients collects instead of storing: each thread must get its own full gradient.
        const int threads = 6, rounds = 100;
        var w = Tensor.Of(1.0, 2.0, 3.0).Tracked();
        int failures = 0;
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, k =>
        {
            var x = Tensor.Of(k, k + 1, k + 2);
            for (int r = 0; r < rounds; r++)
            {
                var y = (w * w * x).Sum(); // dy/dw = 2 w x
                var g = Tensor.Gradients(y, new[] { w })[0];
                if (g is null) { Interlocked.Increment(ref failures); continue; }
                var a = g.ToArray();
                if (a[0] != 2 * 1 * k || a[1] != 2 * 2 * (k + 1) || a[2] != 2 * 3 * (k + 2)) Interlocked.Increment(ref failures);
            }
        });
        Assert.Equal(0, failures);
        Assert.Null(w.Gradient);
    }

    [Fact]
    public void SequentialPasses_StillWork_AfterConcurrentOnes()
    {
        var w = Tensor.Of(2.0).Tracked();
        Parallel.For(0, 4, _ => (w * 3.0).Sum().Backward());
        (w * w).Sum().Backward(); // + 2w = 4
        Assert.Equal(4 * 3.0 + 4, w.Gradient![0]);
    }
}
