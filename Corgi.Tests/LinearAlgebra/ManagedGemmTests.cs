using System;
using System.Collections.Generic;
using System.Numerics;
using Corgi.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Xunit;

namespace Corgi.Tests.LinearAlgebra;

/// <summary>
/// Corgi's managed GEMM against the definition, C[i, j] = alpha · Σ_p op(A)[i, p] · op(B)[p, j] + beta · C[i, j]
/// summed in double by naive loops, for all transposes, alpha and beta, tails of every size around the tiles
/// (1, 2, 7, 17, 63, 64, 65, 129, 1000 and non-square shapes), both dtypes and every vector width the CPU has
/// (on AVX-512 hardware the AVX2 and 128-bit kernels run too), on one thread and on two.
/// </summary>
[Collection("Blas")]
public sealed class ManagedGemmTests
{
    /// <summary>Restores the vector width and thread count.</summary>
    private sealed class WidthScope : IDisposable
    {
        private readonly int _bits = ManagedGemm.VectorBits;
        private readonly int _threads = MathNet.Numerics.Control.MaxDegreeOfParallelism;

        public WidthScope(int bits, int threads)
        {
            ManagedGemm.VectorBits = bits;
            MathNet.Numerics.Control.MaxDegreeOfParallelism = threads;
        }

        public void Dispose()
        {
            ManagedGemm.VectorBits = _bits;
            MathNet.Numerics.Control.MaxDegreeOfParallelism = _threads;
        }
    }

    public static IEnumerable<object[]> Widths()
    {
        foreach (int bits in new[] { 512, 256, 128 })
        {
            if (bits <= ManagedGemm.HardwareVectorBits) yield return new object[] { bits };
        }
    }

    private static readonly (double Alpha, double Beta)[] s_scalars = [(1, 0), (0.5, 0), (-1.5, 1), (2, -0.5)];

    private static readonly (int M, int N, int K)[] s_shapes =
    [
        (1, 1, 1), (2, 2, 2), (7, 7, 7), (17, 17, 17), (63, 63, 63), (64, 64, 64), (65, 65, 65), (129, 129, 129),
        (1, 17, 5), (17, 1, 9), (5, 3, 300), (13, 33, 1), (65, 7, 129), (7, 65, 257), (200, 37, 63), (31, 300, 17),
        (25, 49, 520),
    ];

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float64_MatchesNaiveLoops_AllTransposesAndScalars(int bits) => MatchesNaive<double>(bits, threads: 1, s_shapes, 1e-13);

    [Theory]
    [MemberData(nameof(Widths))]
    public void Float32_MatchesNaiveLoops_AllTransposesAndScalars(int bits) => MatchesNaive<float>(bits, threads: 1, s_shapes, 2e-6);

    [Theory]
    [MemberData(nameof(Widths))]
    public void TwoThreads_MatchNaiveLoops(int bits)
    {
        // large enough (m·n·k >= ManagedGemm.ParallelThreshold) to be split, in slabs of columns or of rows
        (int, int, int)[] shapes = [(129, 300, 65), (400, 129, 65), (97, 2100, 9), (260, 260, 260)];
        MatchesNaive<double>(bits, threads: 2, shapes, 1e-13);
        MatchesNaive<float>(bits, threads: 2, shapes, 2e-6);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Size1000_MatchesNaiveLoops(int bits)
    {
        // one square product past every block size (KC 256, MC 192), once per transpose pair, on two threads
        var rng = new Random(1000);
        const int n = 1000;
        var a = RandomArray(rng, n * n);
        var b = RandomArray(rng, n * n);
        using var scope = new WidthScope(bits, 2);
        foreach (var (ta, tb) in new[] { (false, false), (true, true) })
        {
            var (expected, scale) = Naive(ta, tb, n, n, n, 1.0, a, b, 0.0, new double[n * n]);
            var c = new double[n * n];
            Array.Fill(c, double.NaN);
            ManagedGemm.RowMajor(ta, tb, n, n, n, 1.0, a, b, 0.0, c);
            AssertClose(expected, c, scale, 1e-13, $"float64 {bits}-bit 1000^3 ta={ta} tb={tb}");

            var cf = new float[n * n];
            ManagedGemm.RowMajor(ta, tb, n, n, n, 1f, ToFloat(a), ToFloat(b), 0f, cf);
            AssertClose(expected, Array.ConvertAll(cf, x => (double)x), scale, 2e-6, $"float32 {bits}-bit 1000^3 ta={ta} tb={tb}");
        }
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void PackedAndInPlaceOperands_MatchNaiveLoops(int bits)
    {
        // ManagedGemm.DirectA / DirectB choose, by n, whether full panels of op(A) and of an untransposed B are
        // read in place or packed: both ways, on shapes past MC (192 rows) and KC (256 steps), with edge tiles
        (int, int, int)[] shapes = [(64, 64, 64), (96, 96, 96), (61, 70, 33), (400, 96, 300), (37, 256, 70), (200, 129, 257)];
        int savedA = ManagedGemm.DirectA, savedB = ManagedGemm.DirectB;
        try
        {
            foreach (var (directA, directB) in new[] { (0, 0), (int.MaxValue, 0), (0, int.MaxValue), (int.MaxValue, int.MaxValue) })
            {
                ManagedGemm.DirectA = directA;
                ManagedGemm.DirectB = directB;
                MatchesNaive<double>(bits, threads: 1, shapes, 1e-13);
                MatchesNaive<float>(bits, threads: 1, shapes, 2e-6);
            }
        }
        finally
        {
            ManagedGemm.DirectA = savedA;
            ManagedGemm.DirectB = savedB;
        }
    }

    [Fact]
    public void BetaZero_IgnoresNaNInC_AndAlphaZeroScalesC()
    {
        var a = new double[] { 1, 2, 3, 4 };
        var b = new double[] { 5, 6, 7, 8 };
        var c = new[] { double.NaN, double.PositiveInfinity, double.NaN, double.NaN };
        ManagedGemm.RowMajor(false, false, 2, 2, 2, 1.0, a, b, 0.0, c);
        Assert.Equal(new double[] { 19, 22, 43, 50 }, c); // [[1,2],[3,4]]·[[5,6],[7,8]]
        var d = new double[] { 1, 2, 3, 4 };
        ManagedGemm.RowMajor(false, false, 2, 2, 2, 0.0, a, b, 3.0, d);
        Assert.Equal(new double[] { 3, 6, 9, 12 }, d);
        var e = new[] { double.NaN, 1, 2, 3 };
        ManagedGemm.RowMajor(false, false, 2, 2, 0, 1.0, Array.Empty<double>(), Array.Empty<double>(), 0.0, e);
        Assert.Equal(new double[4], e);
    }

    [Fact]
    public void WrongBufferSizes_Throw()
    {
        var e = Assert.Throws<ArgumentException>(() => ManagedGemm.RowMajor(false, false, 2, 2, 2, 1.0, new double[3], new double[4], 0.0, new double[4]));
        Assert.Contains("a.Length=3", e.Message);
    }

    [Fact]
    public void Provider_MatchesMathNetManaged_ColumnMajor_AllTransposes()
    {
        var corgi = new CorgiLinearAlgebraProvider();
        var managed = ManagedLinearAlgebraProvider.Instance;
        var rng = new Random(7);
        const int m = 37, n = 70, k = 23;
        foreach (var ta in new[] { Transpose.DontTranspose, Transpose.Transpose })
        {
            foreach (var tb in new[] { Transpose.DontTranspose, Transpose.Transpose })
            {
                // stored column-major: a is m x k (or k x m when transposed), b is k x n (or n x k)
                int rowsA = ta == Transpose.Transpose ? k : m, colsA = ta == Transpose.Transpose ? m : k;
                int rowsB = tb == Transpose.Transpose ? n : k, colsB = tb == Transpose.Transpose ? k : n;
                var a = RandomArray(rng, m * k);
                var b = RandomArray(rng, k * n);
                var c0 = RandomArray(rng, m * n);
                var expected = (double[])c0.Clone();
                managed.MatrixMultiplyWithUpdate(ta, tb, 0.75, a, rowsA, colsA, b, rowsB, colsB, -2.0, expected);
                var actual = (double[])c0.Clone();
                corgi.MatrixMultiplyWithUpdate(ta, tb, 0.75, a, rowsA, colsA, b, rowsB, colsB, -2.0, actual);
                for (int i = 0; i < expected.Length; i++) Assert.Equal(expected[i], actual[i], 1e-12);

                var expectedF = ToFloat(c0);
                managed.MatrixMultiplyWithUpdate(ta, tb, 0.75f, ToFloat(a), rowsA, colsA, ToFloat(b), rowsB, colsB, -2f, expectedF);
                var actualF = ToFloat(c0);
                corgi.MatrixMultiplyWithUpdate(ta, tb, 0.75f, ToFloat(a), rowsA, colsA, ToFloat(b), rowsB, colsB, -2f, actualF);
                for (int i = 0; i < expectedF.Length; i++) Assert.Equal(expectedF[i], actualF[i], 1e-4f);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => corgi.MatrixMultiply(new double[6], 2, 3, new double[6], 2, 3, new double[4]));
        Assert.StartsWith("Corgi managed GEMM", corgi.ToString());
    }

    [Fact]
    public void Provider_DrivesMathNetMatrices()
    {
        var saved = LinearAlgebraControl.Provider;
        try
        {
            LinearAlgebraControl.Provider = new CorgiLinearAlgebraProvider();
            var a = Matrix<double>.Build.DenseOfArray(new double[,] { { 1, 2 }, { 3, 4 } });
            var b = Matrix<double>.Build.DenseOfArray(new double[,] { { 5, 6 }, { 7, 8 } });
            var c = a * b;
            Assert.Equal(19, c[0, 0]);
            Assert.Equal(22, c[0, 1]);
            Assert.Equal(43, c[1, 0]);
            Assert.Equal(50, c[1, 1]);
            Assert.Equal(-2.0, a.Determinant(), 12); // delegated to MathNet's managed LU
        }
        finally
        {
            LinearAlgebraControl.Provider = saved;
        }
    }

    private static void MatchesNaive<T>(int bits, int threads, (int M, int N, int K)[] shapes, double tolerance)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        var rng = new Random(bits + threads);
        using var scope = new WidthScope(bits, threads);
        foreach (var (m, n, k) in shapes)
        {
            var a = RandomArray(rng, m * k);
            var b = RandomArray(rng, k * n);
            var c0 = RandomArray(rng, m * n);
            foreach (var (ta, tb) in new[] { (false, false), (false, true), (true, false), (true, true) })
            {
                foreach (var (alpha, beta) in s_scalars)
                {
                    // the operands rounded to T first, so the reference is exact up to the summation
                    var at = Array.ConvertAll(a, x => T.CreateTruncating(x));
                    var bt = Array.ConvertAll(b, x => T.CreateTruncating(x));
                    var ct = Array.ConvertAll(c0, x => T.CreateTruncating(x));
                    // beta = 0: C's old content must not matter, not even NaN
                    if (beta == 0) Array.Fill(ct, T.NaN);
                    var (expected, scale) = Naive(ta, tb, m, n, k, alpha,
                        Array.ConvertAll(at, x => double.CreateTruncating(x)), Array.ConvertAll(bt, x => double.CreateTruncating(x)),
                        beta, Array.ConvertAll(ct, x => double.CreateTruncating(x)));
                    ManagedGemm.RowMajor(ta, tb, m, n, k, T.CreateTruncating(alpha), at, bt, T.CreateTruncating(beta), ct);
                    AssertClose(expected, Array.ConvertAll(ct, x => double.CreateTruncating(x)), scale, tolerance,
                        $"{typeof(T).Name} {bits}-bit threads={threads} m={m} n={n} k={k} ta={ta} tb={tb} alpha={alpha} beta={beta}");
                }
            }
        }
    }

    /// <summary>Row-major reference: the new C and, per element, Σ|alpha·a·b| + |beta·c| for a relative tolerance.</summary>
    private static (double[] Value, double[] Scale) Naive(bool ta, bool tb, int m, int n, int k, double alpha,
        double[] a, double[] b, double beta, double[] c)
    {
        var value = new double[m * n];
        var scale = new double[m * n];
        var row = new double[n];
        var mag = new double[n];
        for (int i = 0; i < m; i++)
        {
            Array.Clear(row);
            Array.Clear(mag);
            for (int p = 0; p < k; p++)
            {
                double av = ta ? a[p * m + i] : a[i * k + p];
                for (int j = 0; j < n; j++)
                {
                    double bv = tb ? b[j * k + p] : b[p * n + j];
                    row[j] += av * bv;
                    mag[j] += Math.Abs(av * bv);
                }
            }

            for (int j = 0; j < n; j++)
            {
                double old = beta == 0 ? 0 : beta * c[i * n + j];
                value[i * n + j] = alpha * row[j] + old;
                scale[i * n + j] = Math.Abs(alpha) * mag[j] + Math.Abs(old) + double.Epsilon;
            }
        }

        return (value, scale);
    }

    private static void AssertClose(double[] expected, double[] actual, double[] scale, double tolerance, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double error = Math.Abs(expected[i] - actual[i]);
            if (!(error <= tolerance * scale[i]))
                Assert.Fail($"{what}: element {i}: expected {expected[i]}, got {actual[i]} (error {error:G3}, allowed {tolerance * scale[i]:G3})");
        }
    }

    private static double[] RandomArray(Random rng, int length)
    {
        var x = new double[length];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }

    private static float[] ToFloat(double[] x) => Array.ConvertAll(x, v => (float)v);
}
