using System;
using System.Numerics;
using Corgi.Kernels;
using Corgi.LinearAlgebra;
using Xunit;

namespace Corgi.Tests.Kernels;

/// <summary>
/// The skinny kernels in float64 and float32 (one generic implementation) against the definition of the
/// product, evaluated in double from the very same operand values.
/// </summary>
public class SkinnyGemmKernelsTests
{
    /// <summary>c[i, j] = Σ_p op(a)[i, p] op(b)[p, j] by the definition (in double), then alpha · c + beta · c0.</summary>
    private static double[] Naive<T>(bool transA, bool transB, int m, int n, int k, double alpha, T[] a, T[] b, double beta, T[] c0)
        where T : INumberBase<T>
    {
        var c = new double[m * n];
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
            {
                double s = 0;
                for (int p = 0; p < k; p++)
                    s += double.CreateTruncating(transA ? a[p * m + i] : a[i * k + p])
                        * double.CreateTruncating(transB ? b[j * k + p] : b[p * n + j]);
                c[i * n + j] = alpha * s + (beta == 0 ? 0 : beta * double.CreateTruncating(c0[i * n + j]));
            }
        return c;
    }

    /// <summary>Uniform values in [-1, 1), drawn in double and rounded once to <typeparamref name="T"/>.</summary>
    private static T[] Random<T>(int count, int seed) where T : INumberBase<T>
    {
        var r = new Random(seed);
        var v = new T[count];
        for (int i = 0; i < count; i++) v[i] = T.CreateTruncating(r.NextDouble() * 2 - 1);
        return v;
    }

    private static T[] Filled<T>(int count, double value) where T : INumberBase<T>
    {
        var v = new T[count];
        Array.Fill(v, T.CreateTruncating(value));
        return v;
    }

    /// <summary>
    /// Every operand lies in [-1, 1], so each of the k products is at most 1 in size and a sum of them, rounded at
    /// every step in <typeparamref name="T"/>, is off by at most about k · ε · k; random rounding errors stay
    /// near ε · k (they partly cancel), so the bound used is 2 (k + 2) ε (|alpha| + |beta|), with ε the
    /// machine epsilon of <typeparamref name="T"/> (2.2e-16 for double, 1.2e-7 for float). A dropped or
    /// repeated term (size about 1/4) exceeds it for every k of these tests.
    /// </summary>
    private static void Close<T>(double[] expected, T[] actual, int k, double alpha, double beta) where T : IFloatingPointIeee754<T>
    {
        double tol = 2 * (k + 2) * double.CreateTruncating(Epsilon<T>()) * (Math.Abs(alpha) + Math.Abs(beta));
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double got = double.CreateTruncating(actual[i]);
            Assert.True(Math.Abs(expected[i] - got) <= tol,
                $"{typeof(T).Name} at {i}: expected {expected[i]}, got {got} (tolerance {tol})");
        }
    }

    /// <summary>The machine epsilon (the gap between 1 and the next value), not T.Epsilon (the smallest subnormal).</summary>
    private static T Epsilon<T>() where T : IFloatingPointIeee754<T> => T.BitIncrement(T.One) - T.One;

    [Fact]
    public void DotRowsByHandWithEdgesAndTail()
    {
        DotRowsByHand<double>();
        DotRowsByHand<float>();
    }

    private static void DotRowsByHand<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        // a[i, p] = i + 1, b[j, p] = j + 1 (constant rows): a · bᵀ [i, j] = (i + 1)(j + 1) k. m = n = 5 leaves one
        // row and one column outside the 4 x 4 blocks; k = 19 leaves a tail after 16-wide float (or 8-wide
        // double) vectors. With alpha 2, beta 0.5 and c = 1 before: c[i, j] = 2 · 19 (i + 1)(j + 1) + 0.5
        // (integers and halves: exact in both types).
        int m = 5, n = 5, k = 19;
        var a = new T[m * k];
        var b = new T[n * k];
        for (int i = 0; i < m; i++) a.AsSpan(i * k, k).Fill(T.CreateTruncating(i + 1));
        for (int j = 0; j < n; j++) b.AsSpan(j * k, k).Fill(T.CreateTruncating(j + 1));
        var c = Filled<T>(m * n, 1.0);
        SkinnyGemmKernels.DotRows(m, n, k, T.CreateTruncating(2.0), a, b, T.CreateTruncating(0.5), c);
        for (int i = 0; i < m; i++)
            for (int j = 0; j < n; j++)
                Assert.Equal(38.0 * (i + 1) * (j + 1) + 0.5, double.CreateTruncating(c[i * n + j]));
    }

    [Fact]
    public void BroadcastRowsByHandBothLayoutsOfA()
    {
        BroadcastRowsByHand<double>();
        BroadcastRowsByHand<float>();
    }

    private static void BroadcastRowsByHand<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        // op(a)[i, p] = 1 for every entry, b[p, j] = p + 1: every entry of op(a) · b is Σ_p (p + 1) = k(k + 1)/2 = 45
        // for k = 9; m = 6 leaves two rows outside a block of 4; n = 85 leaves, after the blocks of four
        // Vector512s (64 floats or 32 doubles), 16-wide float (8-wide double) vectors and 5 last columns.
        // beta 0 with c full of NaN: c must not be read.
        int m = 6, n = 85, k = 9;
        var a = Filled<T>(m * k, 1.0);
        var b = new T[k * n];
        for (int p = 0; p < k; p++) b.AsSpan(p * n, n).Fill(T.CreateTruncating(p + 1));
        foreach (bool transA in new[] { false, true })
        {
            var c = Filled<T>(m * n, double.NaN);
            SkinnyGemmKernels.BroadcastRows(transA, m, n, k, T.One, a, b, T.Zero, c);
            Assert.All(c, v => Assert.Equal(45.0, double.CreateTruncating(v)));
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
        DotRowsMatches<double>(m, n, k);
        DotRowsMatches<float>(m, n, k);
    }

    private static void DotRowsMatches<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Random<T>(m * k, 1);
        var b = Random<T>(n * k, 2);
        foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-1.5, 1.0), (0.5, 0.25) })
        {
            var c0 = Random<T>(m * n, 3);
            var c = beta == 0 ? Filled<T>(m * n, double.NaN) : (T[])c0.Clone();
            SkinnyGemmKernels.DotRows(m, n, k, T.CreateTruncating(alpha), a, b, T.CreateTruncating(beta), c);
            Close(Naive(false, true, m, n, k, alpha, a, b, beta, c0), c, k, alpha, beta);
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
        BroadcastRowsMatches<double>(m, n, k);
        BroadcastRowsMatches<float>(m, n, k);
    }

    private static void BroadcastRowsMatches<T>(int m, int n, int k) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var a = Random<T>(m * k, 4);
        var b = Random<T>(k * n, 5);
        foreach (bool transA in new[] { false, true })
            foreach (var (alpha, beta) in new[] { (1.0, 0.0), (-1.5, 1.0), (0.5, 0.25) })
            {
                var c0 = Random<T>(m * n, 6);
                var c = beta == 0 ? Filled<T>(m * n, double.NaN) : (T[])c0.Clone();
                SkinnyGemmKernels.BroadcastRows(transA, m, n, k, T.CreateTruncating(alpha), a, b, T.CreateTruncating(beta), c);
                Close(Naive(transA, false, m, n, k, alpha, a, b, beta, c0), c, k, alpha, beta);
            }
    }

    [Fact]
    public void GemmRoutesTheDenseLayerShapesOfW4AndNothingSquare()
    {
        // W4's dense layer: forward x[32, 5408] · W[10, 5408]ᵀ, input gradient g[32, 10] · W[10, 5408],
        // weight gradient gᵀ[10, 32] · x[32, 5408] (the rule is the same for float32 and float64)
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
        GemmIsCorrectOnSkinnyShapes<double>();
        GemmIsCorrectOnSkinnyShapes<float>();
    }

    private static void GemmIsCorrectOnSkinnyShapes<T>() where T : unmanaged, IFloatingPointIeee754<T>
    {
        // the routed shapes (and their neighbours with other flags, which go to the provider) against the definition
        foreach (var (m, n, k) in new[] { (32, 10, 5408), (32, 5408, 10), (10, 5408, 32), (33, 7, 4000) })
            foreach (bool transA in new[] { false, true })
                foreach (bool transB in new[] { false, true })
                    foreach (var beta in new[] { 0.0, 1.0, -0.5 })
                    {
                        var a = Random<T>(m * k, 7);
                        var b = Random<T>(k * n, 8);
                        var c0 = Random<T>(m * n, 9);
                        var c = beta == 0 ? Filled<T>(m * n, double.NaN) : (T[])c0.Clone();
                        Gemm.RowMajor(transA, transB, m, n, k, T.CreateTruncating(1.25), a, b, T.CreateTruncating(beta), c);
                        Close(Naive(transA, transB, m, n, k, 1.25, a, b, beta, c0), c, k, 1.25, beta);
                    }
    }

    [Fact]
    public void GemmChecksBufferSizesOnTheSkinnyPath()
    {
        var e = Assert.Throws<ArgumentException>(() =>
            Gemm.RowMajor(false, true, 32, 10, 5408, 1.0, new double[32 * 5408], new double[10 * 5407], 0.0, new double[320]));
        Assert.Contains("b.Length=54070", e.Message);
        e = Assert.Throws<ArgumentException>(() =>
            Gemm.RowMajor(false, true, 32, 10, 5408, 1f, new float[32 * 5408], new float[10 * 5407], 0f, new float[320]));
        Assert.Contains("b.Length=54070", e.Message);
    }
}
