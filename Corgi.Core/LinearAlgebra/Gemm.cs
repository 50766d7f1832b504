using System;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Row-major general matrix products: straight to OpenBLAS when <see cref="Blas"/> selected it,
/// otherwise through the active MathNet linear-algebra provider.
/// </summary>
/// <remarks>
/// MathNet stores matrices column-major, so a row-major m x n buffer is, without any copy, the
/// column-major n x m transpose. A row-major product C = op(A) op(B) is therefore computed as the
/// column-major product C^T = op(B)^T op(A)^T on the very same buffers. The OpenBLAS path calls
/// cblas_dgemm with CblasRowMajor on the pinned buffers, without any copy.
/// </remarks>
internal static class Gemm
{
    /// <summary>
    /// c = alpha * op(a) * op(b) + beta * c, all row-major; op(a) is m x k, op(b) is k x n, c is m x n.
    /// The spans must cover exactly their matrices.
    /// </summary>
    public static void RowMajor(
        bool transA, bool transB, int m, int n, int k, double alpha,
        double[] a, double[] b, double beta, double[] c)
    {
        if (Blas.UseNativeGemm)
        {
            RowMajorNative(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }

        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (beta == 0) Array.Clear(c);
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }
        LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(
            transB ? Transpose.Transpose : Transpose.DontTranspose,
            transA ? Transpose.Transpose : Transpose.DontTranspose,
            alpha,
            b, transB ? k : n, transB ? n : k,
            a, transA ? m : k, transA ? k : m,
            beta, c);
    }

    /// <summary>
    /// Span form of <see cref="RowMajor(bool,bool,int,int,int,double,double[],double[],double,double[])"/>
    /// for operands that are slices of larger buffers (batched products). With OpenBLAS it works in place;
    /// on the managed path it copies the slices into exact arrays, because MathNet's provider interface
    /// takes whole arrays.
    /// </summary>
    public static void RowMajor(
        bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        if (Blas.UseNativeGemm)
        {
            RowMajorNative(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }

        var aa = a.ToArray();
        var bb = b.ToArray();
        var cc = beta == 0 ? new double[c.Length] : c.ToArray();
        RowMajor(transA, transB, m, n, k, alpha, aa, bb, beta, cc);
        cc.CopyTo(c);
    }

    /// <summary>The OpenBLAS path: validates sizes, then one cblas_dgemm(CblasRowMajor) on the pinned spans.</summary>
    private static unsafe void RowMajorNative(
        bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix dimensions must be non-negative (m={m}, n={n}, k={k}).");
        }

        // Native code must never read or write outside the buffers, so check what MathNet would have.
        if ((long)m * k != a.Length || (long)k * n != b.Length || (long)m * n != c.Length)
        {
            throw new ArgumentException(
                $"GEMM buffer sizes do not match m={m}, n={n}, k={k}: a.Length={a.Length} (expected {(long)m * k}), "
                + $"b.Length={b.Length} (expected {(long)k * n}), c.Length={c.Length} (expected {(long)m * n}).");
        }

        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == 0)
        {
            if (beta == 0) c.Clear();
            else if (beta != 1) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }

        fixed (double* pa = a)
        fixed (double* pb = b)
        fixed (double* pc = c)
        {
            OpenBlasNative.Dgemm(OpenBlasNative.RowMajor,
                transA ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                transB ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                m, n, k, alpha,
                pa, transA ? m : k,
                pb, transB ? k : n,
                beta, pc, n);
        }
    }
}
