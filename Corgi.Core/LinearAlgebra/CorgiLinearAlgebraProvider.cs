using System;
using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// A Math.NET Numerics linear-algebra provider in managed code whose double and single precision matrix
/// products (GEMM) run in Corgi's own blocked, vectorised GEMM (AVX-512 or AVX2 with FMA, chosen at run time;
/// multithreaded over <see cref="Blas.Threads"/>), and which delegates everything else (vector kernels,
/// complex types, factorizations, solvers, norms, point-wise operations) to
/// <see cref="ManagedLinearAlgebraProvider.Instance"/>.
/// </summary>
/// <remarks>
/// <para>Fast products without any native library: several times Math.NET's managed provider, and within
/// reach of OpenBLAS (the figures are in docs/performance.md). <see cref="Blas"/> selects it when OpenBLAS
/// is not installed, or runs a generic kernel on a CPU with AVX2/AVX-512.</para>
/// <para>All matrices are column-major, as everywhere in Math.NET; a column-major product is the
/// row-major product of the transposes with the operands swapped, which is how it reaches the row-major kernels
/// without a copy. Install it process-wide with <see cref="Blas.UseCorgi"/> (preferred: it also switches
/// Corgi's own row-major GEMM) or directly through <see cref="LinearAlgebraControl.Provider"/>:</para>
/// <code>
/// LinearAlgebraControl.Provider = new CorgiLinearAlgebraProvider();
/// var c = Matrix&lt;double&gt;.Build.Random(512, 512) * Matrix&lt;double&gt;.Build.Random(512, 512);
/// </code>
/// </remarks>
public sealed class CorgiLinearAlgebraProvider : ManagedFallbackLinearAlgebraProvider
{
    /// <summary>Creates the provider (cheap: it holds no state of its own).</summary>
    public CorgiLinearAlgebraProvider()
    {
    }

    /// <summary>Always true: the provider needs no native library.</summary>
    /// <returns>True.</returns>
    public override bool IsAvailable() => true;

    /// <summary>Nothing to verify: the provider is managed code.</summary>
    public override void InitializeVerify()
    {
    }

    /// <summary>A short description: provider name and vector width, e.g. <c>Corgi managed GEMM (AVX-512, 12x2-vector tile)</c>.</summary>
    /// <returns>The description.</returns>
    public override string ToString() => Describe();

    internal static string Describe() =>
        "Corgi managed GEMM (" + ManagedGemm.VectorName + ", " + ManagedGemm.TileDescription + " tile)";

    private static void CheckMatrixMultiply(
        Transpose transposeA, Transpose transposeB, Array? a, int rowsA, int columnsA,
        Array? b, int rowsB, int columnsB, Array? c,
        out int m, out int n, out int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);

        // Same validation as ManagedLinearAlgebraProvider: rows/columns describe the STORED matrices; op() swaps them.
        bool ta = transposeA != Transpose.DontTranspose, tb = transposeB != Transpose.DontTranspose;
        m = ta ? columnsA : rowsA;
        k = ta ? rowsA : columnsA;
        int kb = tb ? columnsB : rowsB;
        n = tb ? rowsB : columnsB;
        if (rowsA < 0 || columnsA < 0 || rowsB < 0 || columnsB < 0)
            throw new ArgumentOutOfRangeException(nameof(rowsA), "Matrix dimensions must be non-negative.");
        if (k != kb)
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"columnsA ({k}) != rowsB ({kb})"));
        if ((long)m * k != a.Length)
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsA ({m}) * columnsA ({k}) != a.Length ({a.Length})"));
        if ((long)kb * n != b.Length)
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsB ({kb}) * columnsB ({n}) != b.Length ({b.Length})"));
        if ((long)m * n != c.Length)
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsA ({m}) * columnsB ({n}) != c.Length ({c.Length})"));
    }

    /// <summary>
    /// The column-major GEMM as a row-major one: column-major C (m x n) is row-major Cᵀ (n x m) = op(B)ᵀ · op(A)ᵀ,
    /// and a stored column-major B is row-major Bᵀ, so op(B)ᵀ is the stored b transposed exactly when op transposes b.
    /// </summary>
    private static void Multiply<T>(Transpose transposeA, Transpose transposeB, T alpha,
        T[] a, int rowsA, int columnsA, T[] b, int rowsB, int columnsB, T beta, T[] c)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        CheckMatrixMultiply(transposeA, transposeB, a, rowsA, columnsA, b, rowsB, columnsB, c, out int m, out int n, out int k);
        ManagedGemm.RowMajor(transposeB != Transpose.DontTranspose, transposeA != Transpose.DontTranspose,
            n, m, k, alpha, (ReadOnlySpan<T>)b, a, beta, (Span<T>)c);
    }

    // ---- double and float GEMM: Corgi's managed kernels ----

    /// <summary>Multiplies two column-major matrices: <c>result = x*y</c>.</summary>
    /// <param name="x">The x matrix.</param>
    /// <param name="rowsX">The number of rows in <paramref name="x"/>.</param>
    /// <param name="columnsX">The number of columns in <paramref name="x"/>.</param>
    /// <param name="y">The y matrix.</param>
    /// <param name="rowsY">The number of rows in <paramref name="y"/>.</param>
    /// <param name="columnsY">The number of columns in <paramref name="y"/>.</param>
    /// <param name="result">The rowsX x columnsY result.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The dimensions do not match the arrays or each other.</exception>
    public override void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result)
        => Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    /// <summary>
    /// Multiplies two column-major matrices and updates a third: <c>c = alpha*op(a)*op(b) + beta*c</c> (BLAS GEMM).
    /// When <paramref name="beta"/> is 0, c's old content is never read (NaN there does not propagate).
    /// </summary>
    /// <param name="transposeA">How to transpose <paramref name="a"/>.</param>
    /// <param name="transposeB">How to transpose <paramref name="b"/>.</param>
    /// <param name="alpha">The scale of the product.</param>
    /// <param name="a">The stored a matrix.</param>
    /// <param name="rowsA">The number of rows of the stored <paramref name="a"/> (before transposition).</param>
    /// <param name="columnsA">The number of columns of the stored <paramref name="a"/>.</param>
    /// <param name="b">The stored b matrix.</param>
    /// <param name="rowsB">The number of rows of the stored <paramref name="b"/> (before transposition).</param>
    /// <param name="columnsB">The number of columns of the stored <paramref name="b"/>.</param>
    /// <param name="beta">The scale of the previous <paramref name="c"/>; when 0, c's old content is ignored.</param>
    /// <param name="c">The op(a)-rows x op(b)-columns result.</param>
    /// <exception cref="ArgumentNullException">An array is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The dimensions do not match the arrays or each other.</exception>
    public override void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha,
        double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
        => Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc cref="MatrixMultiply(double[], int, int, double[], int, int, double[])"/>
    public override void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
        => Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <inheritdoc cref="MatrixMultiplyWithUpdate(Transpose, Transpose, double, double[], int, int, double[], int, int, double, double[])"/>
    public override void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha,
        float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
        => Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    // ---- double and float vector kernels: delegated to the managed provider ----

    // ---- double: delegated to the managed provider ----
    // ---- float: delegated to the managed provider ----
    // ---- Complex: delegated to the managed provider ----
    // ---- Complex32: delegated to the managed provider ----
}
