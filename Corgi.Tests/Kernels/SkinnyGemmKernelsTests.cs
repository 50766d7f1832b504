using System;
using Corgi.Kernels;
using Corgi.LinearAlgebra;
using Xunit;

namespace Corgi.Tests.Kernels;

public class SkinnyGemmKernelsTests
{
    /// <summary>c[i, j] = Σ_p op(a)[i, p] op(b)[p, j] by the definition, then alpha · c + beta · c0.</summary>
    private static double[] Naive(bool transA, bool transB, int m, int n, int k, double alpha, double[] a, double[] b, double beta, double[] c0)
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += (transA ? a[p * m + i] : a[i * k + p]) * (transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * c0[i * n + j]);
            }
        return c;
    }

    private static double[] Random(int count, int seed)
    {
        var r = new Random(seed);
        var v = new double[count];
        for (int i = 0; i < count; i++) v[i] = r.NextDouble() * 2 - 1;
        return v;
    }

    private static void Close(double[] expected, double[] actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tol * (1 + Math.Abs(expected[i])), $"at {i}: expected {expected[i]}, got {actual[i]}");
    }

    [Fact]
    public void DotRowsByHandWithEdgesAndTail()
    {
        // a[i, p] = i + 1, b[j, p] = j + 1 (constant rows): a · bᵀ [i, j] = (i + 1)(j + 1) k. m = n = 5 leaves one
        // row and one column outside the 4 x 4 blocks; k = 11 leaves a tail after 8-wide (or 4-wide) vectors.
        // With alpha 2, beta 0.5 and c = 1 before: c[i, j] = 2 · 11 (i + 1)(j + 1) + 0.5.
        int m = 5, n = 5, k = 11;
        var a = new double[m * k];
        var b = new double[n * k];
        for (int i = 0; i < m; i++) a.AsSpan(i * k, k).Fill(i + 1);
        for (int j = 0; j < n; j++) b.AsSpan(j * k, k).Fill(j + 1);
        var c = new double[m * n];
        Array.Fill(c, 1.0);
        SkinnyGemmKernels.DotRows(m, n, k, 2.0, a, b, 0.5, c);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(22.0 * (i + 1) * (j + 1) + 0.5, c[i * n + j], 12);
    }

    [Fact]
    public void BroadcastRowsByHandBothLayoutsOfA()
    {
        // op(a)[i, p] = 1 for every entry, b[p, j] = p + 1: every entry of op(a) · b is Σ_p (p + 1) = k(k + 1)/2 = 45
        // for k = 9; m = 6 leaves two rows outside a block of 4; n = 37 leaves columns after the 32-wide
        // (or 16-wide) blocks and the 8-wide vectors. beta 0 with c full of NaN: c must not be read.
        int m = 6, n = 37, k = 9;
        var a = new double[m * k];
        Array.Fill(a, 1.0);
        var b = new double[k * n];
        for (int p = 0; p < k; p++) b.AsSpan(p * n, n).Fill(p + 1);
        foreach (bool transA in new[] { false, true })
        {
            var c = new double[m * n];
            Array.Fill(c, double.NaN);
            SkinnyGemmKernels.BroadcastRows(transA, m, n, k, 1.0, a, b, 0.0, c);
            Assert.All(c, v => Assert.Equal(45.0, v));
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 2, 7)]
    [InlineData(4, 4, 8)]
    [InlineData(7, 5, 33)]
    [InlineData(9, 10, 300)]
    [InlineData(33, 10, 5408)]
    [InlineData(5, 16, 1000)]
    public void DotRowsMatchesTheDefinition(int m, int n, int k)
    {
        var a = Random(m * k, 1);
        var b = Random(n * k, 2);
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-1.5, 1.0), (0.5, 0.25) })
        {
            var c0 = Random(m * n, 3);
            var c = (double[])c0.Clone();
            if (beta == 0) Array.Fill(c, double.NaN);
            SkinnyGemmKernels.DotRows(m, n, k, alpha, a, b, beta, c);
            Close(Naive(false, true, m, n, k, alpha, a, b, beta, c0), c);
        }
    }

    [Theory]
    [InlineData(1, 1, 1)]
    [InlineData(3, 9, 2)]
    [InlineData(4, 32, 10)]
    [InlineData(5, 41, 8)]
    [InlineData(10, 5408, 32)]
    [InlineData(32, 5408, 10)]
    [InlineData(7, 100, 33)]
    public void BroadcastRowsMatchesTheDefinition(int m, int n, int k)
    {
        var a = Random(m * k, 4);
        var b = Random(k * n, 5);
        foreach (bool transA in new[] { false, true })
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-1.5, 1.0), (0.5, 0.25) })
            {
                var c0 = Random(m * n, 6);
                var c = (double[])c0.Clone();
                if (beta == 0) Array.Fill(c, double.NaN);
                SkinnyGemmKernels.BroadcastRows(transA, m, n, k, alpha, a, b, beta, c);
                Close(Naive(transA, false, m, n, k, alpha, a, b, beta, c0), c);
            }
    }

    [Fact]
    public void GemmRoutesTheDenseLayerShapesOfW4AndNothingSquare()
    {
        // W4's dense layer: forward x[32, 5408] · W[10, 5408]ᵀ, input gradient g[32, 10] · W[10, 5408],
        // weight gradient gᵀ[10, 32] · x[32, 5408]
        Assert.True(Gemm.IsSkinny(false, true, 32, 10, 5408));
        Assert.True(Gemm.IsSkinny(false, false, 32, 5408, 10));
        Assert.True(Gemm.IsSkinny(true, false, 10, 5408, 32));
        // square, small, or transposed-A-with-transposed-B products stay with the provider
        Assert.False(Gemm.IsSkinny(false, false, 512, 512, 512));
        Assert.False(Gemm.IsSkinny(false, true, 8, 9, 676));
        Assert.False(Gemm.IsSkinny(true, true, 32, 10, 5408));
        Assert.False(Gemm.IsSkinny(false, true, 32, 0, 5408));
        Assert.False(Gemm.IsSkinny(false, false, 32, 5408, 0));
    }

    [Fact]
    public void GemmIsCorrectOnSkinnyShapesForEveryTransposeAndBeta()
    {
        // the routed shapes (and their neighbours with other flags, which go to the provider) against the definition
        foreach (var (m, n, k) in new[] { (32, 10, 5408), (32, 5408, 10), (10, 5408, 32), (33, 7, 4000) })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var beta in new[] { 0.0, 1.0, -0.5 })
                    {
                        var a = Random(m * k, 7);
                        var b = Random(k * n, 8);
                        var c0 = Random(m * n, 9);
                        var c = (double[])c0.Clone();
                        if (beta == 0) Array.Fill(c, double.NaN);
                        Gemm.RowMajor(transA, transB, m, n, k, 1.25, a, b, beta, c);
                        Close(Naive(transA, transB, m, n, k, 1.25, a, b, beta, c0), c, 1e-11);
                    }
    }

    [Fact]
    public void GemmChecksBufferSizesOnTheSkinnyPath()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.RowMajor(false, true, 32, 10, 5408, 1.0, new double[32 * 5408], new double[10 * 5407], 0.0, new double[320]));
        Assert.Contains("b.Length=54070", e.Message);
    }
}
