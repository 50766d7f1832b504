using System;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Row-major general matrix products routed through the active MathNet linear-algebra provider.
/// </summary>
/// <remarks>
/// MathNet stores matrices column-major, so a row-major m x n buffer is, without any copy, the
/// column-major n x m transpose. A row-major product C = op(A) op(B) is therefore computed as the
/// column-major product C^T = op(B)^T op(A)^T on the very same buffers.
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
    /// for operands that are slices of larger buffers (batched products). Copies the slices into exact
    /// arrays, because MathNet's provider interface takes whole arrays.
    /// </summary>
    public static void RowMajor(
        bool transA, bool transB, int m, int n, int k, double alpha,
        ReadOnlySpan<double> a, ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        var aa = a.ToArray();
        var bb = b.ToArray();
        var cc = beta == 0 ? new double[c.Length] : c.ToArray();
        RowMajor(transA, transB, m, n, k, alpha, aa, bb, beta, cc);
        cc.CopyTo(c);
    }
}
