using System;
using System.Numerics;
using MathNet.Numerics;
using MathNet.Numerics.LinearAlgebra.Factorization;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// A Math.NET Numerics linear-algebra provider that runs the BLAS-level double and single
/// precision kernels (GEMM, AXPY, SCAL, DOT) in the system OpenBLAS library and delegates
/// everything else (all complex kernels, factorizations, solvers, norms and point-wise array
/// operations) to <see cref="ManagedLinearAlgebraProvider.Instance"/>.
/// </summary>
/// <remarks>
/// <para>All matrices are column-major, as everywhere in Math.NET. Argument validation follows the
/// managed provider: null checks, then dimension checks that throw
/// <see cref="ArgumentOutOfRangeException"/> (GEMM) or <see cref="ArgumentException"/> (vectors).
/// In addition the result arrays of <see cref="AddVectorToScaledVector(double[], double, double[], double[])"/>
/// and <see cref="ScaleArray(double, double[], double[])"/> must have the input's length, because
/// native code must never write past an array.</para>
/// <para>Install it process-wide with <see cref="Blas.UseOpenBlas"/> (preferred: it also switches
/// Corgi's own row-major GEMM) or directly through <see cref="LinearAlgebraControl.Provider"/>.</para>
/// </remarks>
public sealed unsafe class OpenBlasLinearAlgebraProvider : ManagedFallbackLinearAlgebraProvider
{
    /// <summary>
    /// Creates the provider. Construction never fails; use <see cref="IsAvailable"/> or
    /// <see cref="InitializeVerify"/> to find out whether the native library could be loaded.
    /// </summary>
    public OpenBlasLinearAlgebraProvider()
    {
    }

    /// <summary>True when the native OpenBLAS library was found and all required symbols resolved.</summary>
    /// <returns>Whether this provider can be used.</returns>
    public override bool IsAvailable() => OpenBlasNative.IsAvailable;

    /// <summary>
    /// Verifies that OpenBLAS is loaded; called by Math.NET when the provider is installed through
    /// <see cref="LinearAlgebraControl.Provider"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The native library is not available.</exception>
    public override void InitializeVerify()
    {
        if (!OpenBlasNative.IsAvailable) throw Blas.OpenBlasUnavailableException();
    }

    /// <summary>A short description: provider name and loaded library.</summary>
    /// <returns>The description.</returns>
    public override string ToString()
        => OpenBlasNative.IsAvailable
            ? "Corgi OpenBLAS provider (" + OpenBlasNative.LibraryName + (OpenBlasNative.Ilp64 ? ", ILP64" : "") + ")"
            : "Corgi OpenBLAS provider (native library not available)";

    private static void CheckMatrixMultiply(
        Transpose transposeA, Transpose transposeB, Array? a, int rowsA, int columnsA,
        Array? b, int rowsB, int columnsB, Array? c,
        out int m, out int n, out int k)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        ArgumentNullException.ThrowIfNull(c);

        // Same validation as ManagedLinearAlgebraProvider: rows/columns describe the STORED
        // matrices; op() swaps them.
        bool ta = transposeA != Transpose.DontTranspose, tb = transposeB != Transpose.DontTranspose;
        m = ta ? columnsA : rowsA;
        k = ta ? rowsA : columnsA;
        int kb = tb ? columnsB : rowsB;
        n = tb ? rowsB : columnsB;
        if (rowsA < 0 || columnsA < 0 || rowsB < 0 || columnsB < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(rowsA), "Matrix dimensions must be non-negative.");
        }

        if (k != kb)
        {
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"columnsA ({k}) != rowsB ({kb})"));
        }

        if ((long)m * k != a.Length)
        {
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsA ({m}) * columnsA ({k}) != a.Length ({a.Length})"));
        }

        if ((long)kb * n != b.Length)
        {
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsB ({kb}) * columnsB ({n}) != b.Length ({b.Length})"));
        }

        if ((long)m * n != c.Length)
        {
            throw new ArgumentOutOfRangeException(FormattableString.Invariant($"rowsA ({m}) * columnsB ({n}) != c.Length ({c.Length})"));
        }
    }

    private static void CheckSameLength(Array? y, Array? x, string yName, string xName)
    {
        if (y == null) throw new ArgumentNullException(yName);
        if (x == null) throw new ArgumentNullException(xName);
        if (y.Length != x.Length) throw new ArgumentException("All vectors must have the same dimensionality.");
    }

    private static void CheckResult(Array? result, int length)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.Length != length)
        {
            throw new ArgumentException(
                FormattableString.Invariant($"The result array has length {result.Length} but must have length {length}."),
                nameof(result));
        }
    }

    // ---- double: OpenBLAS ----

    /// <summary>Adds a scaled vector to another: <c>result = y + alpha*x</c> (BLAS AXPY).</summary>
    /// <param name="y">The vector to update.</param>
    /// <param name="alpha">The value to scale <paramref name="x"/> by.</param>
    /// <param name="x">The vector to add to <paramref name="y"/>.</param>
    /// <param name="result">The result of the addition; may be <paramref name="y"/> or <paramref name="x"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public override void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result)
    {
        CheckSameLength(y, x, nameof(y), nameof(x));
        CheckResult(result, y.Length);
        int n = y.Length;
        if (n == 0) return;
        if (alpha == 0.0)
        {
            if (!ReferenceEquals(y, result)) Array.Copy(y, result, n);
            return;
        }

        if (ReferenceEquals(result, x))
        {
            if (ReferenceEquals(x, y))
            {
                // result = x = y: y + alpha*y, element-wise, exactly like the managed provider.
                Managed.AddVectorToScaledVector(y, alpha, x, result);
                return;
            }

            // x := alpha*x, then x += y.
            fixed (double* px = x)
            fixed (double* py = y)
            {
                OpenBlasNative.Dscal(n, alpha, px);
                OpenBlasNative.Daxpy(n, 1.0, py, px);
            }

            return;
        }

        if (!ReferenceEquals(y, result)) Array.Copy(y, result, n);
        fixed (double* px = x)
        fixed (double* pr = result)
        {
            OpenBlasNative.Daxpy(n, alpha, px, pr);
        }
    }

    /// <summary>Scales an array: <c>result = alpha*x</c> (BLAS SCAL).</summary>
    /// <param name="alpha">The scalar.</param>
    /// <param name="x">The values to scale.</param>
    /// <param name="result">The result; may be <paramref name="x"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="result"/> has the wrong length.</exception>
    public override void ScaleArray(double alpha, double[] x, double[] result)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckResult(result, x.Length);
        int n = x.Length;
        if (alpha == 0.0)
        {
            // Like the managed provider: exact zeros, even where x holds NaN or infinity.
            Array.Clear(result);
            return;
        }

        if (!ReferenceEquals(x, result)) Array.Copy(x, result, n);
        if (alpha == 1.0 || n == 0) return;
        fixed (double* pr = result)
        {
            OpenBlasNative.Dscal(n, alpha, pr);
        }
    }

    /// <summary>Computes the dot product of <paramref name="x"/> and <paramref name="y"/> (BLAS DOT).</summary>
    /// <param name="x">The vector x.</param>
    /// <param name="y">The vector y.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public override double DotProduct(double[] x, double[] y)
    {
        CheckSameLength(y, x, nameof(y), nameof(x));
        if (x.Length == 0) return 0.0;
        fixed (double* px = x)
        fixed (double* py = y)
        {
            return OpenBlasNative.Ddot(x.Length, px, py);
        }
    }

    /// <summary>Multiplies two column-major matrices: <c>result = x * y</c> (BLAS GEMM, alpha 1, beta 0).</summary>
    /// <param name="x">The x matrix.</param>
    /// <param name="rowsX">The number of rows of x.</param>
    /// <param name="columnsX">The number of columns of x.</param>
    /// <param name="y">The y matrix.</param>
    /// <param name="rowsY">The number of rows of y.</param>
    /// <param name="columnsY">The number of columns of y.</param>
    /// <param name="result">Where to store the rowsX x columnsY product.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The dimensions do not match the arrays or each other.</exception>
    public override void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result)
        => MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1.0, x, rowsX, columnsX, y, rowsY, columnsY, 0.0, result);

    /// <summary>
    /// Multiplies two column-major matrices and updates a third: <c>c = alpha*op(a)*op(b) + beta*c</c> (BLAS GEMM).
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
    {
        CheckMatrixMultiply(transposeA, transposeB, a, rowsA, columnsA, b, rowsB, columnsB, c, out int m, out int n, out int k);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0.0)
        {
            ScaleArray(beta, c, c);
            return;
        }

        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
        {
            OpenBlasNative.Dgemm(OpenBlasNative.ColMajor,
                transposeA != Transpose.DontTranspose ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                transposeB != Transpose.DontTranspose ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                m, n, k, alpha, pa, rowsA, pb, rowsB, beta, pc, m);
        }
    }

    // ---- float: OpenBLAS ----

    /// <summary>Adds a scaled vector to another: <c>result = y + alpha*x</c> (BLAS AXPY).</summary>
    /// <param name="y">The vector to update.</param>
    /// <param name="alpha">The value to scale <paramref name="x"/> by.</param>
    /// <param name="x">The vector to add to <paramref name="y"/>.</param>
    /// <param name="result">The result of the addition; may be <paramref name="y"/> or <paramref name="x"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public override void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result)
    {
        CheckSameLength(y, x, nameof(y), nameof(x));
        CheckResult(result, y.Length);
        int n = y.Length;
        if (n == 0) return;
        if (alpha == 0f)
        {
            if (!ReferenceEquals(y, result)) Array.Copy(y, result, n);
            return;
        }

        if (ReferenceEquals(result, x))
        {
            if (ReferenceEquals(x, y))
            {
                // result = x = y: y + alpha*y, element-wise, exactly like the managed provider.
                Managed.AddVectorToScaledVector(y, alpha, x, result);
                return;
            }

            // x := alpha*x, then x += y.
            fixed (float* px = x)
            fixed (float* py = y)
            {
                OpenBlasNative.Sscal(n, alpha, px);
                OpenBlasNative.Saxpy(n, 1f, py, px);
            }

            return;
        }

        if (!ReferenceEquals(y, result)) Array.Copy(y, result, n);
        fixed (float* px = x)
        fixed (float* pr = result)
        {
            OpenBlasNative.Saxpy(n, alpha, px, pr);
        }
    }

    /// <summary>Scales an array: <c>result = alpha*x</c> (BLAS SCAL).</summary>
    /// <param name="alpha">The scalar.</param>
    /// <param name="x">The values to scale.</param>
    /// <param name="result">The result; may be <paramref name="x"/>.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException"><paramref name="result"/> has the wrong length.</exception>
    public override void ScaleArray(float alpha, float[] x, float[] result)
    {
        ArgumentNullException.ThrowIfNull(x);
        CheckResult(result, x.Length);
        int n = x.Length;
        if (alpha == 0f)
        {
            // Like the managed provider: exact zeros, even where x holds NaN or infinity.
            Array.Clear(result);
            return;
        }

        if (!ReferenceEquals(x, result)) Array.Copy(x, result, n);
        if (alpha == 1f || n == 0) return;
        fixed (float* pr = result)
        {
            OpenBlasNative.Sscal(n, alpha, pr);
        }
    }

    /// <summary>Computes the dot product of <paramref name="x"/> and <paramref name="y"/> (BLAS DOT).</summary>
    /// <param name="x">The vector x.</param>
    /// <param name="y">The vector y.</param>
    /// <returns>The dot product.</returns>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentException">The lengths differ.</exception>
    public override float DotProduct(float[] x, float[] y)
    {
        CheckSameLength(y, x, nameof(y), nameof(x));
        if (x.Length == 0) return 0f;
        fixed (float* px = x)
        fixed (float* py = y)
        {
            return OpenBlasNative.Sdot(x.Length, px, py);
        }
    }

    /// <summary>Multiplies two column-major matrices: <c>result = x * y</c> (BLAS GEMM, alpha 1, beta 0).</summary>
    /// <param name="x">The x matrix.</param>
    /// <param name="rowsX">The number of rows of x.</param>
    /// <param name="columnsX">The number of columns of x.</param>
    /// <param name="y">The y matrix.</param>
    /// <param name="rowsY">The number of rows of y.</param>
    /// <param name="columnsY">The number of columns of y.</param>
    /// <param name="result">Where to store the rowsX x columnsY product.</param>
    /// <exception cref="ArgumentNullException">An argument is null.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The dimensions do not match the arrays or each other.</exception>
    public override void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
        => MatrixMultiplyWithUpdate(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <summary>
    /// Multiplies two column-major matrices and updates a third: <c>c = alpha*op(a)*op(b) + beta*c</c> (BLAS GEMM).
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
    public override void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha,
        float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
    {
        CheckMatrixMultiply(transposeA, transposeB, a, rowsA, columnsA, b, rowsB, columnsB, c, out int m, out int n, out int k);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0f)
        {
            ScaleArray(beta, c, c);
            return;
        }

        fixed (float* pa = a)
        fixed (float* pb = b)
        fixed (float* pc = c)
        {
            OpenBlasNative.Sgemm(OpenBlasNative.ColMajor,
                transposeA != Transpose.DontTranspose ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                transposeB != Transpose.DontTranspose ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                m, n, k, alpha, pa, rowsA, pb, rowsB, beta, pc, m);
        }
    }

    // ---- double: delegated to the managed provider ----
    // ---- float: delegated to the managed provider ----
    // ---- Complex: delegated to the managed provider ----
    // ---- Complex32: delegated to the managed provider ----
}
