using System;
using System.Runtime.InteropServices;
using Corgi.Kernels;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Row-major general matrix products: skinny shapes (<see cref="IsSkinny"/>) in Corgi's own kernels,
/// the rest straight to OpenBLAS or to Corgi's managed GEMM (<see cref="ManagedGemm"/>, on the spans, no copy)
/// when <see cref="Blas"/> selected one of them, otherwise through MathNet's managed provider.
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
    public static void RowMajor<T>(
        bool transA, bool transB, int m, int n, int k, T alpha,
        T[] a, T[] b, T beta, T[] c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (Blas.UseNativeGemm || Blas.UseCorgiGemm || IsSkinny(transA, transB, m, n, k))
        {
            RowMajor(transA, transB, m, n, k, alpha, (ReadOnlySpan<T>)a, b, beta, (Span<T>)c);
            return;
        }

        if (m == 0 || n == 0) return;
        if (k == 0)
        {
            if (beta == T.Zero) Array.Clear(c);
            else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }
        // Result buffers may come uninitialised (Buffers.Uninitialized); BLAS never reads C when beta is 0,
        // but a provider that scales C by beta first would turn garbage NaNs into NaNs.
        if (beta == T.Zero) Array.Clear(c);
        var ta = transB ? Transpose.Transpose : Transpose.DontTranspose;
        var tb = transA ? Transpose.Transpose : Transpose.DontTranspose;
        if (typeof(T) == typeof(float))
            LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(ta, tb, float.CreateTruncating(alpha),
                (float[])(object)b, transB ? k : n, transB ? n : k,
                (float[])(object)a, transA ? m : k, transA ? k : m,
                float.CreateTruncating(beta), (float[])(object)c);
        else
            LinearAlgebraControl.Provider.MatrixMultiplyWithUpdate(ta, tb, double.CreateTruncating(alpha),
                (double[])(object)b, transB ? k : n, transB ? n : k,
                (double[])(object)a, transA ? m : k, transA ? k : m,
                double.CreateTruncating(beta), (double[])(object)c);
    }

    /// <summary>
    /// Span form of the array form
    /// for operands that are slices of larger buffers (batched products). With OpenBLAS it works in place;
    /// on the managed path it copies the slices into exact arrays, because MathNet's provider interface
    /// takes whole arrays.
    /// </summary>
    public static void RowMajor<T>(
        bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, T beta, Span<T> c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (IsSkinny(transA, transB, m, n, k) || (Blas.UseCorgiGemm && IsSkinnyBeforeManaged(transA, transB, m, n, k)))
        {
            CheckSizes(m, n, k, a, b, c);
            if (transB) SkinnyGemmKernels.DotRows(m, n, k, alpha, a, b, beta, c);
            else SkinnyGemmKernels.BroadcastRows(transA, m, n, k, alpha, a, b, beta, c);
            return;
        }
        if (Blas.UseNativeGemm)
        {
            RowMajorNative(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }
        if (Blas.UseCorgiGemm)
        {
            ManagedGemm.RowMajor(transA, transB, m, n, k, alpha, a, b, beta, c);
            return;
        }

        var aa = a.ToArray();
        var bb = b.ToArray();
        var cc = beta == T.Zero ? new T[c.Length] : c.ToArray();
        RowMajor(transA, transB, m, n, k, alpha, aa, bb, beta, cc);
        cc.CopyTo(c);
    }

    /// <summary>
    /// The shapes that <see cref="SkinnyGemmKernels"/> computes faster than OpenBLAS's dgemm and sgemm
    /// (measured at 1 thread with AVX-512; the grid and figures are in docs/performance.md), in either
    /// element type:
    /// <list type="bullet">
    /// <item><description>a · bᵀ (transB, a not transposed) with at most 10 output columns, at least 32 rows
    /// and an a of at least 128 K elements (1 MB): a dense layer's forward pass on a wide input, where dgemm
    /// packs all of a for a handful of columns;</description></item>
    /// <item><description>op(a) · b (b not transposed) with an inner dimension of 8 to 32, at most 32 rows and
    /// at least 4096 columns: a dense layer's input and weight gradients on a wide input.</description></item>
    /// </list>
    /// Everything else goes to the provider (OpenBLAS wins on small and square products).
    /// </summary>
    internal static bool IsSkinny(bool transA, bool transB, int m, int n, int k) =>
        transB
            ? !transA && n >= 1 && n <= 10 && m >= 32 && (long)m * k >= 128 * 1024
            : k >= 8 && k <= 32 && m >= 1 && m <= 32 && n >= 4096;

    /// <summary>
    /// More shapes the skinny kernels compute faster than <see cref="ManagedGemm"/>, whose packing into
    /// 12 x 16 (or 12 x 32) tiles does not pay on a dimension of a few elements: a · bᵀ with at most 16
    /// output columns, and op(a) · b with an inner dimension of at most 16 (a convolution's products per
    /// image, a dense layer's last layer).
    /// </summary>
    internal static bool IsSkinnyBeforeManaged(bool transA, bool transB, int m, int n, int k) =>
        transB ? !transA && n >= 1 && n <= 16 : k >= 1 && k <= 16;

    /// <summary>Checks that the buffers hold exactly op(a) [m, k], op(b) [k, n] and c [m, n] (native code and the skinny kernels never check).</summary>
    private static void CheckSizes<T>(int m, int n, int k, ReadOnlySpan<T> a, ReadOnlySpan<T> b, Span<T> c)
    {
        if (m < 0 || n < 0 || k < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix dimensions must be non-negative (m={m}, n={n}, k={k}).");
        }

        if ((long)m * k != a.Length || (long)k * n != b.Length || (long)m * n != c.Length)
        {
            throw new ArgumentException(
                $"GEMM buffer sizes do not match m={m}, n={n}, k={k}: a.Length={a.Length} (expected {(long)m * k}), "
                + $"b.Length={b.Length} (expected {(long)k * n}), c.Length={c.Length} (expected {(long)m * n}).");
        }
    }

    /// <summary>The OpenBLAS path: validates sizes, then one cblas_dgemm(CblasRowMajor) on the pinned spans.</summary>
    private static unsafe void RowMajorNative<T>(
        bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, T beta, Span<T> c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        // Native code must never read or write outside the buffers, so check what MathNet would have.
        CheckSizes(m, n, k, a, b, c);
        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            if (beta == T.Zero) c.Clear();
            else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }

        if (typeof(T) == typeof(float))
        {
            fixed (float* pa = MemoryMarshal.Cast<T, float>(a))
            fixed (float* pb = MemoryMarshal.Cast<T, float>(b))
            fixed (float* pc = MemoryMarshal.Cast<T, float>(c))
            {
                OpenBlasNative.Sgemm(OpenBlasNative.RowMajor,
                    transA ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                    transB ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                    m, n, k, float.CreateTruncating(alpha),
                    pa, transA ? m : k,
                    pb, transB ? k : n,
                    float.CreateTruncating(beta), pc, n);
            }
            return;
        }

        fixed (double* pa = MemoryMarshal.Cast<T, double>(a))
        fixed (double* pb = MemoryMarshal.Cast<T, double>(b))
        fixed (double* pc = MemoryMarshal.Cast<T, double>(c))
        {
            OpenBlasNative.Dgemm(OpenBlasNative.RowMajor,
                transA ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                transB ? OpenBlasNative.Trans : OpenBlasNative.NoTrans,
                m, n, k, double.CreateTruncating(alpha),
                pa, transA ? m : k,
                pb, transB ? k : n,
                double.CreateTruncating(beta), pc, n);
        }
    }
}
