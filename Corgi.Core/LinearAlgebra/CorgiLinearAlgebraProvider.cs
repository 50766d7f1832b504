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
public sealed class CorgiLinearAlgebraProvider : ILinearAlgebraProvider
{
    private readonly ManagedLinearAlgebraProvider _managed = ManagedLinearAlgebraProvider.Instance;

    /// <summary>Creates the provider (cheap: it holds no state of its own).</summary>
    public CorgiLinearAlgebraProvider()
    {
    }

    /// <summary>Always true: the provider needs no native library.</summary>
    /// <returns>True.</returns>
    public bool IsAvailable() => true;

    /// <summary>Nothing to verify: the provider is managed code.</summary>
    public void InitializeVerify()
    {
    }

    /// <summary>Frees resources held by the delegated managed provider.</summary>
    public void FreeResources() => _managed.FreeResources();

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
    public void MatrixMultiply(double[] x, int rowsX, int columnsX, double[] y, int rowsY, int columnsY, double[] result)
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
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, double alpha,
        double[] a, int rowsA, int columnsA, double[] b, int rowsB, int columnsB, double beta, double[] c)
        => Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc cref="MatrixMultiply(double[], int, int, double[], int, int, double[])"/>
    public void MatrixMultiply(float[] x, int rowsX, int columnsX, float[] y, int rowsY, int columnsY, float[] result)
        => Multiply(Transpose.DontTranspose, Transpose.DontTranspose, 1f, x, rowsX, columnsX, y, rowsY, columnsY, 0f, result);

    /// <inheritdoc cref="MatrixMultiplyWithUpdate(Transpose, Transpose, double, double[], int, int, double[], int, int, double, double[])"/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, float alpha,
        float[] a, int rowsA, int columnsA, float[] b, int rowsB, int columnsB, float beta, float[] c)
        => Multiply(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    // ---- double and float vector kernels: delegated to the managed provider ----

    /// <inheritdoc/>
    public void AddVectorToScaledVector(double[] y, double alpha, double[] x, double[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(double alpha, double[] x, double[] result) => _managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public double DotProduct(double[] x, double[] y) => _managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddVectorToScaledVector(float[] y, float alpha, float[] x, float[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(float alpha, float[] x, float[] result) => _managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public float DotProduct(float[] x, float[] y) => _managed.DotProduct(x, y);

    // ---- double: delegated to the managed provider ----
    /// <inheritdoc/>
    public void ConjugateArray(double[] x, double[] result) => _managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public void AddArrays(double[] x, double[] y, double[] result) => _managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(double[] x, double[] y, double[] result) => _managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(double[] x, double[] y, double[] result) => _managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(double[] x, double[] y, double[] result) => _managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(double[] x, double[] y, double[] result) => _managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, double[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void LUFactor(double[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(double[] a, int order) => _managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(double[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, double[] a, int order, double[] b) => _managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, double[] a, int order, int[] ipiv, double[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(double[] a, int order) => _managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(double[] a, int orderA, double[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(double[] a, int orderA, double[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(double[] a, int rowsA, int columnsA, double[] q, double[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(double[] a, int rowsA, int columnsA, double[] r, double[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(double[] a, int rows, int columns, double[] b, int columnsB, double[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(double[] q, double[] r, int rowsA, int columnsA, double[] tau, double[] b, int columnsB, double[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, double[] a, int rowsA, int columnsA, double[] s, double[] u, double[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(double[] a, int rowsA, int columnsA, double[] b, int columnsB, double[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, double[] s, double[] u, double[] vt, double[] b, int columnsB, double[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, double[] matrix, double[] matrixEv, Complex[] vectorEv, double[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- float: delegated to the managed provider ----
    /// <inheritdoc/>
    public void ConjugateArray(float[] x, float[] result) => _managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public void AddArrays(float[] x, float[] y, float[] result) => _managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(float[] x, float[] y, float[] result) => _managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(float[] x, float[] y, float[] result) => _managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(float[] x, float[] y, float[] result) => _managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(float[] x, float[] y, float[] result) => _managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, float[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void LUFactor(float[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(float[] a, int order) => _managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(float[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, float[] a, int order, float[] b) => _managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, float[] a, int order, int[] ipiv, float[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(float[] a, int order) => _managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(float[] a, int orderA, float[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(float[] a, int rowsA, int columnsA, float[] q, float[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(float[] a, int rowsA, int columnsA, float[] r, float[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(float[] a, int rows, int columns, float[] b, int columnsB, float[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(float[] q, float[] r, int rowsA, int columnsA, float[] tau, float[] b, int columnsB, float[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, float[] a, int rowsA, int columnsA, float[] s, float[] u, float[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(float[] a, int rowsA, int columnsA, float[] b, int columnsB, float[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, float[] s, float[] u, float[] vt, float[] b, int columnsB, float[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, float[] matrix, float[] matrixEv, Complex[] vectorEv, float[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- Complex: delegated to the managed provider ----
    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex[] y, Complex alpha, Complex[] x, Complex[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(Complex alpha, Complex[] x, Complex[] result) => _managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(Complex[] x, Complex[] result) => _managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public Complex DotProduct(Complex[] x, Complex[] y) => _managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex[] x, Complex[] y, Complex[] result) => _managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void MatrixMultiply(Complex[] x, int rowsX, int columnsX, Complex[] y, int rowsY, int columnsY, Complex[] result) => _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex alpha, Complex[] a, int rowsA, int columnsA, Complex[] b, int rowsB, int columnsB, Complex beta, Complex[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc/>
    public void LUFactor(Complex[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(Complex[] a, int order) => _managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(Complex[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex[] a, int order, Complex[] b) => _managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex[] a, int order, int[] ipiv, Complex[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(Complex[] a, int order) => _managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex[] a, int orderA, Complex[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(Complex[] a, int rowsA, int columnsA, Complex[] q, Complex[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(Complex[] a, int rowsA, int columnsA, Complex[] r, Complex[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(Complex[] a, int rows, int columns, Complex[] b, int columnsB, Complex[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(Complex[] q, Complex[] r, int rowsA, int columnsA, Complex[] tau, Complex[] b, int columnsB, Complex[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex[] a, int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(Complex[] a, int rowsA, int columnsA, Complex[] b, int columnsB, Complex[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex[] s, Complex[] u, Complex[] vt, Complex[] b, int columnsB, Complex[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex[] matrix, Complex[] matrixEv, Complex[] vectorEv, Complex[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);

    // ---- Complex32: delegated to the managed provider ----
    /// <inheritdoc/>
    public void AddVectorToScaledVector(Complex32[] y, Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.AddVectorToScaledVector(y, alpha, x, result);

    /// <inheritdoc/>
    public void ScaleArray(Complex32 alpha, Complex32[] x, Complex32[] result) => _managed.ScaleArray(alpha, x, result);

    /// <inheritdoc/>
    public void ConjugateArray(Complex32[] x, Complex32[] result) => _managed.ConjugateArray(x, result);

    /// <inheritdoc/>
    public Complex32 DotProduct(Complex32[] x, Complex32[] y) => _managed.DotProduct(x, y);

    /// <inheritdoc/>
    public void AddArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.AddArrays(x, y, result);

    /// <inheritdoc/>
    public void SubtractArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.SubtractArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseMultiplyArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseMultiplyArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWiseDivideArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWiseDivideArrays(x, y, result);

    /// <inheritdoc/>
    public void PointWisePowerArrays(Complex32[] x, Complex32[] y, Complex32[] result) => _managed.PointWisePowerArrays(x, y, result);

    /// <inheritdoc/>
    public double MatrixNorm(Norm norm, int rows, int columns, Complex32[] matrix) => _managed.MatrixNorm(norm, rows, columns, matrix);

    /// <inheritdoc/>
    public void MatrixMultiply(Complex32[] x, int rowsX, int columnsX, Complex32[] y, int rowsY, int columnsY, Complex32[] result) => _managed.MatrixMultiply(x, rowsX, columnsX, y, rowsY, columnsY, result);

    /// <inheritdoc/>
    public void MatrixMultiplyWithUpdate(Transpose transposeA, Transpose transposeB, Complex32 alpha, Complex32[] a, int rowsA, int columnsA, Complex32[] b, int rowsB, int columnsB, Complex32 beta, Complex32[] c) => _managed.MatrixMultiplyWithUpdate(transposeA, transposeB, alpha, a, rowsA, columnsA, b, rowsB, columnsB, beta, c);

    /// <inheritdoc/>
    public void LUFactor(Complex32[] data, int order, int[] ipiv) => _managed.LUFactor(data, order, ipiv);

    /// <inheritdoc/>
    public void LUInverse(Complex32[] a, int order) => _managed.LUInverse(a, order);

    /// <inheritdoc/>
    public void LUInverseFactored(Complex32[] a, int order, int[] ipiv) => _managed.LUInverseFactored(a, order, ipiv);

    /// <inheritdoc/>
    public void LUSolve(int columnsOfB, Complex32[] a, int order, Complex32[] b) => _managed.LUSolve(columnsOfB, a, order, b);

    /// <inheritdoc/>
    public void LUSolveFactored(int columnsOfB, Complex32[] a, int order, int[] ipiv, Complex32[] b) => _managed.LUSolveFactored(columnsOfB, a, order, ipiv, b);

    /// <inheritdoc/>
    public void CholeskyFactor(Complex32[] a, int order) => _managed.CholeskyFactor(a, order);

    /// <inheritdoc/>
    public void CholeskySolve(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolve(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void CholeskySolveFactored(Complex32[] a, int orderA, Complex32[] b, int columnsB) => _managed.CholeskySolveFactored(a, orderA, b, columnsB);

    /// <inheritdoc/>
    public void QRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] q, Complex32[] tau) => _managed.QRFactor(a, rowsA, columnsA, q, tau);

    /// <inheritdoc/>
    public void ThinQRFactor(Complex32[] a, int rowsA, int columnsA, Complex32[] r, Complex32[] tau) => _managed.ThinQRFactor(a, rowsA, columnsA, r, tau);

    /// <inheritdoc/>
    public void QRSolve(Complex32[] a, int rows, int columns, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => _managed.QRSolve(a, rows, columns, b, columnsB, x, method);

    /// <inheritdoc/>
    public void QRSolveFactored(Complex32[] q, Complex32[] r, int rowsA, int columnsA, Complex32[] tau, Complex32[] b, int columnsB, Complex32[] x, QRMethod method) => _managed.QRSolveFactored(q, r, rowsA, columnsA, tau, b, columnsB, x, method);

    /// <inheritdoc/>
    public void SingularValueDecomposition(bool computeVectors, Complex32[] a, int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt) => _managed.SingularValueDecomposition(computeVectors, a, rowsA, columnsA, s, u, vt);

    /// <inheritdoc/>
    public void SvdSolve(Complex32[] a, int rowsA, int columnsA, Complex32[] b, int columnsB, Complex32[] x) => _managed.SvdSolve(a, rowsA, columnsA, b, columnsB, x);

    /// <inheritdoc/>
    public void SvdSolveFactored(int rowsA, int columnsA, Complex32[] s, Complex32[] u, Complex32[] vt, Complex32[] b, int columnsB, Complex32[] x) => _managed.SvdSolveFactored(rowsA, columnsA, s, u, vt, b, columnsB, x);

    /// <inheritdoc/>
    public void EigenDecomp(bool isSymmetric, int order, Complex32[] matrix, Complex32[] matrixEv, Complex[] vectorEv, Complex32[] matrixD) => _managed.EigenDecomp(isSymmetric, order, matrix, matrixEv, vectorEv, matrixD);
}
