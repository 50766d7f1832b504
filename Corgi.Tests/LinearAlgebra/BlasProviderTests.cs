using System;
using System.Numerics;
using Corgi.LinearAlgebra;
using MathNet.Numerics.LinearAlgebra;
using MathNet.Numerics.Providers.LinearAlgebra;
using Xunit;
using Xunit.Abstractions;

namespace Corgi.Tests.LinearAlgebra;

/// <summary>Tests that switch the process-wide BLAS provider run alone, never in parallel with others.</summary>
[CollectionDefinition("Blas", DisableParallelization = true)]
public sealed class BlasCollection
{
}

/// <summary>Restores the provider and thread count that were active when it was created.</summary>
internal sealed class ProviderScope : IDisposable
{
    private readonly string _name = Blas.ProviderName;
    private readonly int _threads = Blas.Threads;

    public void Dispose()
    {
        if (_name == "openblas") Blas.UseOpenBlas();
        else if (_name == "corgi") Blas.UseCorgi();
        else Blas.UseManaged();
        Blas.Threads = _threads;
    }
}

[Collection("Blas")]
public sealed class BlasProviderTests
{
    private readonly ITestOutputHelper _output;
    private static readonly ManagedLinearAlgebraProvider Managed = ManagedLinearAlgebraProvider.Instance;

    public BlasProviderTests(ITestOutputHelper output) => _output = output;

    /// <summary>
    /// The provider under test: OpenBLAS when it loads; otherwise (no native library on this machine)
    /// the managed provider, so the comparisons still run against the naive reference.
    /// </summary>
    private ILinearAlgebraProvider Provider()
    {
        if (Blas.IsOpenBlasAvailable) return new OpenBlasLinearAlgebraProvider();
        _output.WriteLine("OpenBLAS is not available here; comparing the managed provider with the naive reference only.");
        return Managed;
    }

    private static double[] RandomArray(Random rng, int length)
    {
        var x = new double[length];
        for (int i = 0; i < x.Length; i++) x[i] = rng.NextDouble() * 2 - 1;
        return x;
    }

    private static float[] ToFloat(double[] x)
    {
        var y = new float[x.Length];
        for (int i = 0; i < x.Length; i++) y[i] = (float)x[i];
        return y;
    }

    /// <summary>Column-major reference: returns c_new and the magnitude scale used for relative tolerances.</summary>
    private static (double[] Value, double[] Scale) NaiveColumnMajor(
        bool ta, bool tb, double alpha, double[] a, int rowsA, int colsA, double[] b, int rowsB, int colsB, double beta, double[] c)
    {
        int m = ta ? colsA : rowsA, k = ta ? rowsA : colsA, n = tb ? rowsB : colsB;
        var value = new double[m * n];
        var scale = new double[m * n];
        for (int i = 0; i < m; i++)
        {
            for (int j = 0; j < n; j++)
            {
                double sum = 0, mag = 0;
                for (int l = 0; l < k; l++)
                {
                    double av = ta ? a[l + i * rowsA] : a[i + l * rowsA];
                    double bv = tb ? b[j + l * rowsB] : b[l + j * rowsB];
                    sum += av * bv;
                    mag += Math.Abs(av * bv);
                }

                double old = beta == 0 ? 0 : beta * c[i + j * m];
                value[i + j * m] = alpha * sum + old;
                scale[i + j * m] = Math.Abs(alpha) * mag + Math.Abs(old) + double.Epsilon;
            }
        }

        return (value, scale);
    }

    private static void AssertClose(double[] expected, double[] actual, double[] scale, double rel, string what)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            double err = Math.Abs(expected[i] - actual[i]);
            Assert.True(err <= rel * scale[i],
                $"{what}: element {i}: expected {expected[i]:R}, got {actual[i]:R} (error {err:E2}, allowed {rel * scale[i]:E2})");
        }
    }

    public static TheoryData<int> Seeds()
    {
        var data = new TheoryData<int>();
        for (int s = 0; s < 12; s++) data.Add(s);
        return data;
    }

    [Theory]
    [MemberData(nameof(Seeds))]
    public void MatrixMultiplyWithUpdate_MatchesManagedAndNaive(int seed)
    {
        var provider = Provider();
        var rng = new Random(1000 + seed);
        foreach (var (ta, tb) in new[] { (false, false), (true, false), (false, true), (true, true) })
        {
            // Seeds 0..2 cover degenerate shapes: 1 x N, N x 1 and inner dimension 1.
            int m = seed == 0 ? 1 : rng.Next(1, 40);
            int n = seed == 1 ? 1 : rng.Next(1, 40);
            int k = seed == 2 ? 1 : rng.Next(1, 40);
            int rowsA = ta ? k : m, colsA = ta ? m : k, rowsB = tb ? n : k, colsB = tb ? k : n;
            var a = RandomArray(rng, m * k);
            var b = RandomArray(rng, k * n);
            var c0 = RandomArray(rng, m * n);
            double alpha = seed % 3 == 0 ? 1.0 : rng.NextDouble() * 4 - 2;
            double beta = seed % 4 == 0 ? 0.0 : rng.NextDouble() * 4 - 2;
            var opA = ta ? Transpose.Transpose : Transpose.DontTranspose;
            var opB = tb ? Transpose.Transpose : Transpose.DontTranspose;

            var (naive, scale) = NaiveColumnMajor(ta, tb, alpha, a, rowsA, colsA, b, rowsB, colsB, beta, c0);
            var cManaged = (double[])c0.Clone();
            Managed.MatrixMultiplyWithUpdate(opA, opB, alpha, a, rowsA, colsA, b, rowsB, colsB, beta, cManaged);
            var cTest = (double[])c0.Clone();
            provider.MatrixMultiplyWithUpdate(opA, opB, alpha, a, rowsA, colsA, b, rowsB, colsB, beta, cTest);

            string what = $"dgemm m={m} n={n} k={k} ta={ta} tb={tb} alpha={alpha} beta={beta}";
            AssertClose(naive, cTest, scale, 1e-12, what + " vs naive");
            AssertClose(cManaged, cTest, scale, 1e-12, what + " vs managed");

            // Single precision, same shapes.
            var af = ToFloat(a);
            var bf = ToFloat(b);
            var cf = ToFloat(c0);
            var (naiveF, scaleF) = NaiveColumnMajor(ta, tb, (float)alpha, Array.ConvertAll(af, x => (double)x), rowsA, colsA,
                Array.ConvertAll(bf, x => (double)x), rowsB, colsB, (float)beta, Array.ConvertAll(cf, x => (double)x));
            provider.MatrixMultiplyWithUpdate(opA, opB, (float)alpha, af, rowsA, colsA, bf, rowsB, colsB, (float)beta, cf);
            AssertClose(naiveF, Array.ConvertAll(cf, x => (double)x), scaleF, 1e-5, what + " (float) vs naive");
        }
    }

    [Fact]
    public void MatrixMultiply_MatchesManaged()
    {
        var provider = Provider();
        var rng = new Random(7);
        foreach (var (m, k, n) in new[] { (1, 1, 1), (1, 17, 5), (9, 1, 4), (13, 8, 1), (31, 29, 23) })
        {
            var x = RandomArray(rng, m * k);
            var y = RandomArray(rng, k * n);
            var expected = new double[m * n];
            var actual = new double[m * n];
            Array.Fill(actual, double.NaN); // beta = 0: old contents must be ignored, even NaN
            Managed.MatrixMultiply(x, m, k, y, k, n, expected);
            provider.MatrixMultiply(x, m, k, y, k, n, actual);
            var (_, scale) = NaiveColumnMajor(false, false, 1, x, m, k, y, k, n, 0, new double[m * n]);
            AssertClose(expected, actual, scale, 1e-12, $"MatrixMultiply {m}x{k}x{n}");

            var actualF = new float[m * n];
            provider.MatrixMultiply(ToFloat(x), m, k, ToFloat(y), k, n, actualF);
            AssertClose(expected, Array.ConvertAll(actualF, v => (double)v), scale, 1e-5, $"MatrixMultiply float {m}x{k}x{n}");
        }
    }

    [Fact]
    public void MatrixMultiplyWithUpdate_ValidatesLikeManaged()
    {
        var provider = Provider();
        var a = new double[6];
        var b = new double[6];
        Assert.Throws<ArgumentNullException>(() => provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, null!, 2, 3, b, 3, 2, 0.0, new double[4]));
        Assert.Throws<ArgumentNullException>(() => provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, a, 2, 3, b, 3, 2, 0.0, null!));
        // inner dimensions differ
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, a, 2, 3, b, 2, 3, 0.0, new double[6]));
        // c has the wrong size
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, a, 2, 3, b, 3, 2, 0.0, new double[5]));
        // a has the wrong size
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, new double[5], 2, 3, b, 3, 2, 0.0, new double[4]));
        Assert.Throws<ArgumentOutOfRangeException>(() => provider.MatrixMultiply(new float[6], 2, 3, new float[6], 2, 3, new float[6]));
    }

    [Fact]
    public void MatrixMultiplyWithUpdate_ZeroInnerDimensionAndZeroAlphaOnlyScaleC()
    {
        var provider = Provider();
        var c = new[] { 1.0, 2.0, 3.0, 4.0 };
        provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 2.0, Array.Empty<double>(), 2, 0, Array.Empty<double>(), 0, 2, 0.5, c);
        Assert.Equal(new[] { 0.5, 1.0, 1.5, 2.0 }, c);
        var a = new[] { double.NaN, 1, 1, 1 };
        provider.MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 0.0, a, 2, 2, a, 2, 2, 2.0, c);
        Assert.Equal(new[] { 1.0, 2.0, 3.0, 4.0 }, c);
    }

    [Fact]
    public void ScaleArray_MatchesManaged()
    {
        var provider = Provider();
        var rng = new Random(3);
        foreach (int len in new[] { 0, 1, 7, 1000 })
        {
            var x = RandomArray(rng, len);
            if (len > 0) x[0] = double.NaN;
            foreach (double alpha in new[] { 0.0, 1.0, -2.5, 0.37 })
            {
                var expected = new double[len];
                var actual = new double[len];
                Managed.ScaleArray(alpha, x, expected);
                provider.ScaleArray(alpha, x, actual);
                Assert.Equal(expected, actual);

                var inPlace = (double[])x.Clone();
                provider.ScaleArray(alpha, inPlace, inPlace);
                Assert.Equal(expected, inPlace);

                var xf = ToFloat(x);
                var expectedF = new float[len];
                var actualF = new float[len];
                Managed.ScaleArray((float)alpha, xf, expectedF);
                provider.ScaleArray((float)alpha, xf, actualF);
                Assert.Equal(expectedF, actualF);
            }
        }

        Assert.Throws<ArgumentNullException>(() => provider.ScaleArray(2.0, null!, new double[1]));
        if (provider is OpenBlasLinearAlgebraProvider)
        {
            Assert.Throws<ArgumentException>(() => provider.ScaleArray(2.0, new double[3], new double[2]));
        }
    }

    [Fact]
    public void AddVectorToScaledVector_MatchesManaged_IncludingAliasing()
    {
        var provider = Provider();
        var rng = new Random(5);
        foreach (int len in new[] { 0, 1, 9, 513 })
        {
            foreach (double alpha in new[] { 0.0, 1.0, -0.75, 3.25 })
            {
                var y = RandomArray(rng, len);
                var x = RandomArray(rng, len);
                var expected = new double[len];
                Managed.AddVectorToScaledVector(y, alpha, x, expected);

                // OpenBLAS kernels may fuse alpha*x + y (FMA), so allow one rounding of difference.
                void Close(double[] want, double[] got, string what)
                {
                    for (int i = 0; i < len; i++)
                    {
                        Assert.True(Math.Abs(want[i] - got[i]) <= 1e-15 * (Math.Abs(y[i]) + Math.Abs(alpha * x[i]) + Math.Abs(alpha * y[i])),
                            $"{what} len={len} alpha={alpha} i={i}: {want[i]:R} vs {got[i]:R}");
                    }
                }

                var result = new double[len];
                provider.AddVectorToScaledVector(y, alpha, x, result);
                Close(expected, result, "result separate");

                var yy = (double[])y.Clone();
                provider.AddVectorToScaledVector(yy, alpha, x, yy); // result aliases y
                Close(expected, yy, "result aliases y");

                var xx = (double[])x.Clone();
                provider.AddVectorToScaledVector(y, alpha, xx, xx); // result aliases x
                Close(expected, xx, "result aliases x");

                var same = (double[])y.Clone();
                var expectedSame = new double[len];
                Managed.AddVectorToScaledVector(y, alpha, y, expectedSame);
                provider.AddVectorToScaledVector(same, alpha, same, same); // all three alias
                Close(expectedSame, same, "all alias");

                var resultF = new float[len];
                provider.AddVectorToScaledVector(ToFloat(y), (float)alpha, ToFloat(x), resultF);
                for (int i = 0; i < len; i++) Assert.Equal(expected[i], resultF[i], 1e-5);
            }
        }

        Assert.Throws<ArgumentException>(() => provider.AddVectorToScaledVector(new double[2], 1.0, new double[3], new double[2]));
        Assert.Throws<ArgumentNullException>(() => provider.AddVectorToScaledVector(null!, 1.0, new double[3], new double[3]));
    }

    [Fact]
    public void DotProduct_MatchesManaged()
    {
        var provider = Provider();
        var rng = new Random(11);
        foreach (int len in new[] { 0, 1, 3, 1001 })
        {
            var x = RandomArray(rng, len);
            var y = RandomArray(rng, len);
            double expected = Managed.DotProduct(x, y);
            double mag = 0;
            for (int i = 0; i < len; i++) mag += Math.Abs(x[i] * y[i]);
            Assert.True(Math.Abs(expected - provider.DotProduct(x, y)) <= 1e-12 * mag, $"ddot length {len}");
            Assert.True(Math.Abs(expected - provider.DotProduct(ToFloat(x), ToFloat(y))) <= 1e-5 * (mag + 1), $"sdot length {len}");
        }

        Assert.Throws<ArgumentException>(() => provider.DotProduct(new double[2], new double[3]));
        Assert.Throws<ArgumentNullException>(() => provider.DotProduct(null!, new double[3]));
    }

    [Fact]
    public void DelegatedOperations_MatchManaged()
    {
        var provider = Provider();
        // LU solve (double), delegated.
        var a = new[] { 4.0, 2.0, 1.0, 3.0 }; // column-major [[4,1],[2,3]]
        var b = new[] { 1.0, 2.0 };
        var b2 = (double[])b.Clone();
        provider.LUSolve(1, (double[])a.Clone(), 2, b);
        Managed.LUSolve(1, (double[])a.Clone(), 2, b2);
        Assert.Equal(b2, b);

        // Complex GEMM, delegated.
        var ca = new[] { new Complex(1, 2), new Complex(3, -1) };
        var cb = new[] { new Complex(0.5, 0.5), new Complex(-2, 1) };
        var cc = new Complex[4];
        var ccExpected = new Complex[4];
        provider.MatrixMultiply(ca, 2, 1, cb, 1, 2, cc);
        Managed.MatrixMultiply(ca, 2, 1, cb, 1, 2, ccExpected);
        Assert.Equal(ccExpected, cc);

        Assert.Equal(Managed.MatrixNorm(Norm.FrobeniusNorm, 2, 2, a), provider.MatrixNorm(Norm.FrobeniusNorm, 2, 2, a), 12);
    }

    [Fact]
    public void Gemm_RowMajor_MatchesNaive_OnBothProviders()
    {
        using var scope = new ProviderScope();
        var rng = new Random(99);
        foreach (bool native in new[] { false, true })
        {
            if (native)
            {
                if (!Blas.IsOpenBlasAvailable)
                {
                    _output.WriteLine("OpenBLAS not available: skipping the native Gemm path.");
                    continue;
                }

                Blas.UseOpenBlas();
            }
            else
            {
                Blas.UseManaged();
            }

            for (int trial = 0; trial < 24; trial++)
            {
                bool ta = (trial & 1) != 0, tb = (trial & 2) != 0;
                int m = trial == 4 ? 1 : rng.Next(1, 33), n = trial == 5 ? 1 : rng.Next(1, 33), k = trial == 6 ? 1 : rng.Next(1, 33);
                double alpha = rng.NextDouble() * 3 - 1.5, beta = trial % 3 == 0 ? 0 : rng.NextDouble() * 3 - 1.5;
                var a = RandomArray(rng, m * k);
                var b = RandomArray(rng, k * n);
                var c0 = RandomArray(rng, m * n);
                if (beta == 0) c0[0] = double.NaN; // must be ignored

                // Row-major naive reference; row-major data is the column-major transpose.
                var expected = new double[m * n];
                var scale = new double[m * n];
                for (int i = 0; i < m; i++)
                {
                    for (int j = 0; j < n; j++)
                    {
                        double s = 0, mag = 0;
                        for (int l = 0; l < k; l++)
                        {
                            double av = ta ? a[l * m + i] : a[i * k + l];
                            double bv = tb ? b[j * k + l] : b[l * n + j];
                            s += av * bv;
                            mag += Math.Abs(av * bv);
                        }

                        double old = beta == 0 ? 0 : beta * c0[i * n + j];
                        expected[i * n + j] = alpha * s + old;
                        scale[i * n + j] = Math.Abs(alpha) * mag + Math.Abs(old) + double.Epsilon;
                    }
                }

                var c = (double[])c0.Clone();
                Gemm.RowMajor(ta, tb, m, n, k, alpha, a, b, beta, c);
                string what = $"Gemm.RowMajor[{Blas.ProviderName}] m={m} n={n} k={k} ta={ta} tb={tb}";
                AssertClose(expected, c, scale, 1e-12, what);

                // Span overload on slices of bigger buffers: guards must stay untouched.
                var bigA = new double[a.Length + 6];
                var bigB = new double[b.Length + 6];
                var bigC = new double[c0.Length + 6];
                Array.Fill(bigC, -777.0);
                a.CopyTo(bigA, 3);
                b.CopyTo(bigB, 3);
                c0.CopyTo(bigC, 3);
                Gemm.RowMajor(ta, tb, m, n, k, alpha,
                    bigA.AsSpan(3, a.Length), bigB.AsSpan(3, b.Length), beta, bigC.AsSpan(3, c0.Length));
                AssertClose(expected, bigC.AsSpan(3, c0.Length).ToArray(), scale, 1e-12, what + " (span)");
                for (int g = 0; g < 3; g++)
                {
                    Assert.Equal(-777.0, bigC[g]);
                    Assert.Equal(-777.0, bigC[bigC.Length - 1 - g]);
                }
            }
        }
    }

    [Fact]
    public void Gemm_RowMajor_NativePath_RejectsWrongBufferSizes()
    {
        if (!Blas.IsOpenBlasAvailable)
        {
            _output.WriteLine("OpenBLAS not available: nothing to check.");
            return;
        }

        using var scope = new ProviderScope();
        Blas.UseOpenBlas();
        Assert.Throws<ArgumentException>(() => Gemm.RowMajor(false, false, 2, 2, 2, 1.0, new double[3], new double[4], 0.0, new double[4]));
        Assert.Throws<ArgumentException>(() => Gemm.RowMajor(false, false, 2, 2, 2, 1.0, new double[4], new double[4], 0.0, new double[5].AsSpan()));
    }

    [Fact]
    public void MathNetMatrices_GoThroughTheSelectedProvider()
    {
        using var scope = new ProviderScope();
        var rng = new Random(17);
        var x = Matrix<double>.Build.Dense(23, 31, (i, j) => rng.NextDouble() - 0.5);
        var y = Matrix<double>.Build.Dense(31, 19, (i, j) => rng.NextDouble() - 0.5);

        Blas.UseManaged();
        Assert.IsType<ManagedLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        var expected = x * y;

        if (!Blas.IsOpenBlasAvailable)
        {
            _output.WriteLine("OpenBLAS not available: only the managed half ran.");
            return;
        }

        Blas.UseOpenBlas();
        Assert.IsType<OpenBlasLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        var actual = x * y;
        for (int i = 0; i < expected.RowCount; i++)
        {
            for (int j = 0; j < expected.ColumnCount; j++) Assert.Equal(expected[i, j], actual[i, j], 1e-12);
        }
    }

    [Fact]
    public void Selection_UseManagedAndUseOpenBlas_SetProviderName()
    {
        using var scope = new ProviderScope();
        Blas.UseManaged();
        Assert.Equal("managed", Blas.ProviderName);
        Assert.StartsWith("managed", Blas.Description);

        if (Blas.IsOpenBlasAvailable)
        {
            Blas.UseOpenBlas();
            Assert.Equal("openblas", Blas.ProviderName);
            Assert.StartsWith("openblas", Blas.Description);
            _output.WriteLine(Blas.Description);
            // "linear algebra: OpenBLAS 0.3.21, Haswell kernel, 1 thread": version and kernel from the library
            Assert.StartsWith("linear algebra: OpenBLAS", Blas.Summary);
            if (OpenBlasNative.CoreName.Length > 0) Assert.Contains(OpenBlasNative.CoreName + " kernel", Blas.Summary);
            Assert.Matches(@", \d+ threads?", Blas.Summary);
            Blas.UseManaged();
            Assert.StartsWith("linear algebra: managed", Blas.Summary);
        }
        else
        {
            var e = Assert.Throws<InvalidOperationException>(Blas.UseOpenBlas);
            Assert.Contains("libopenblas", e.Message);
            Assert.Equal("managed", Blas.ProviderName);
        }
    }

    [Fact]
    public void Threads_RoundTrip()
    {
        using var scope = new ProviderScope();
        Blas.UseManaged();
        Blas.Threads = 3;
        Assert.Equal(3, Blas.Threads);
        Blas.Threads = 1;
        Assert.Equal(1, Blas.Threads);

        if (Blas.IsOpenBlasAvailable)
        {
            Blas.UseOpenBlas();
            Blas.Threads = 1;
            Assert.Equal(1, Blas.Threads);
            if (Environment.ProcessorCount >= 2)
            {
                Blas.Threads = 2;
                Assert.Equal(2, Blas.Threads);
            }
        }

        Assert.Throws<ArgumentOutOfRangeException>(() => Blas.Threads = 0);
    }

    [Theory]
    [InlineData(null, true, "Cooperlake", "openblas")]
    [InlineData("", true, "Haswell", "openblas")]
    [InlineData("auto", true, "SkylakeX", "openblas")]
    [InlineData(" AUTO ", false, "", "corgi")]
    [InlineData(null, false, "", "corgi")]
    [InlineData("managed", true, "SkylakeX", "managed")]
    [InlineData("Managed", false, "", "managed")]
    [InlineData("corgi", true, "SkylakeX", "corgi")]
    [InlineData("CORGI", false, "", "corgi")]
    [InlineData("openblas", true, "Prescott", "openblas")]
    [InlineData("OpenBLAS", true, "SkylakeX", "openblas")]
    public void EnvironmentSetting_SelectsProvider(string? setting, bool available, string core, string expected)
        => Assert.Equal(expected, Blas.Choose(setting, available, core).Name);

    [Fact]
    public void Auto_PrefersCorgi_WhenOpenBlasRunsAGenericKernelOnAModernCpu()
    {
        var (name, reason) = Blas.Choose(null, openBlasAvailable: true, "Prescott");
        if (System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported)
        {
            Assert.Equal("corgi", name);
            Assert.Contains("generic Prescott kernel", reason);
        }
        else
        {
            Assert.Equal("openblas", name);
        }

        Assert.Equal(("corgi", "OpenBLAS not installed"), Blas.Choose("auto", openBlasAvailable: false, ""));
        Assert.True(Blas.IsGenericCore("nehalem"));
        Assert.False(Blas.IsGenericCore("Cooperlake"));
    }

    [Fact]
    public void Selection_UseCorgi_SaysWhatAndWhy()
    {
        using var scope = new ProviderScope();
        Blas.UseCorgi();
        Blas.Threads = 1;
        Assert.Equal("corgi", Blas.ProviderName);
        Assert.IsType<CorgiLinearAlgebraProvider>(LinearAlgebraControl.Provider);
        // "linear algebra: Corgi managed GEMM (AVX-512, 1 thread): switched by UseCorgi()"
        Assert.Equal("linear algebra: Corgi managed GEMM (" + ManagedGemm.VectorName + ", 1 thread): switched by UseCorgi()", Blas.Summary);
        Assert.StartsWith("corgi: Corgi managed GEMM", Blas.Description);
        Assert.Equal("switched by UseCorgi()", Blas.Reason);

        // Corgi's own products go through it, spans included (no copies, guards untouched)
        var a = new double[] { -1, 1, 2, 3, 4, -1 };
        var b = new double[] { -1, 5, 6, 7, 8, -1 };
        var c = new double[] { -1, double.NaN, double.NaN, double.NaN, double.NaN, -1 };
        Gemm.RowMajor(false, false, 2, 2, 2, 1.0, a.AsSpan(1, 4), b.AsSpan(1, 4), 0.0, c.AsSpan(1, 4));
        Assert.Equal(new double[] { -1, 19, 22, 43, 50, -1 }, c);
    }

    [Fact]
    public void EnvironmentSetting_ErrorsAreClear()
    {
        var missing = Assert.Throws<InvalidOperationException>(() => Blas.Choose("openblas", openBlasAvailable: false, ""));
        Assert.Contains("libopenblas.", missing.Message);
        Assert.Contains("apt-get install libopenblas0", missing.Message);
        Assert.Contains("brew install openblas", missing.Message);

        var bogus = Assert.Throws<InvalidOperationException>(() => Blas.Choose("mkl", openBlasAvailable: true, "Haswell"));
        Assert.Contains("CORGI_BLAS", bogus.Message);
        Assert.Contains("'mkl'", bogus.Message);
        Assert.Contains("'corgi'", bogus.Message);
    }

    [Fact]
    public void OpenBlas_IsRequired_WhenCorgiRequireOpenBlasIsSet()
    {
        bool required = Environment.GetEnvironmentVariable("CORGI_REQUIRE_OPENBLAS") == "1";
        if (!required)
        {
            _output.WriteLine($"CORGI_REQUIRE_OPENBLAS is not 1; OpenBLAS available: {Blas.IsOpenBlasAvailable}.");
            return;
        }

        Assert.True(Blas.IsOpenBlasAvailable,
            "CORGI_REQUIRE_OPENBLAS=1 but OpenBLAS did not load: " + Blas.OpenBlasUnavailableException().Message);
        _output.WriteLine(new OpenBlasLinearAlgebraProvider().ToString());
    }
}
