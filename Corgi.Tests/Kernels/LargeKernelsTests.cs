using System;
using Corgi.Kernels;
using Corgi.LinearAlgebra;
using Xunit;

namespace Corgi.Tests.Kernels;

public class LargeKernelsTests
{
    // Above the parallel threshold, with a length that does not split evenly.
    private const int Length = LargeKernels.MinParallelLength + 3;

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Fill_WritesEveryElement(int threads)
    {
        int previous = Blas.Threads;
        try
        {
            Blas.Threads = threads;
            var buffer = new double[Length];
            Array.Fill(buffer, double.NaN);
            LargeKernels.Fill(buffer, 2.5);
            Assert.All(buffer, v => Assert.Equal(2.5, v));
        }
        finally
        {
            Blas.Threads = previous;
        }
    }

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    public void Sum_IsExactOnIntegers(int threads)
    {
        int previous = Blas.Threads;
        try
        {
            Blas.Threads = threads;
            var buffer = new double[Length];
            long expected = 0;
            for (int i = 0; i < Length; i++)
            {
                buffer[i] = i % 7 - 3;
                expected += i % 7 - 3;
            }
            // every partial sum is a small integer, so any split and order of the additions is exact
            Assert.Equal((double)expected, LargeKernels.Sum(buffer));
            Assert.Equal(3.0, LargeKernels.Sum(new double[] { 1, 2 }));
        }
        finally
        {
            Blas.Threads = previous;
        }
    }

    [Fact]
    public void Sum_OfALargeTensor_AndTheFillOfItsGradient()
    {
        var x = Tensor.Ones(1024, 1025).Tracked(); // 1,049,600 elements: parallel when the BLAS has 2 threads
        var loss = (x * 0.5).Sum();
        Assert.Equal(1024 * 1025 * 0.5, loss.Item());
        loss.Backward();
        Assert.All(x.GradientSpan.ToArray(), v => Assert.Equal(0.5, v));
    }
}
