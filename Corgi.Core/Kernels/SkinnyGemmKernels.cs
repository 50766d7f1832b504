using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace Corgi.Kernels;

/// <summary>
/// Row-major matrix products for skinny shapes, where a general BLAS GEMM spends more time packing its
/// operands into panels than multiplying: a product with few output columns and a long inner dimension
/// (C[m, n] = A[m, k] · B[n, k]ᵀ with n small: a dense layer's forward pass, a convolution's filter
/// gradient) and a product with a short inner dimension (C[m, n] = op(A)[m, k] · B[k, n] with k small:
/// a dense layer's input and weight gradients, a convolution's forward pass per image). Both read their
/// operands in place, in register blocks of 4 x 4 (rows x columns of C, or rows x vectors), so every
/// loaded vector of an operand serves four fused multiply-adds.
/// </summary>
/// <remarks>
/// Which shapes come here is decided by <see cref="LinearAlgebra.Gemm"/>. Edges that do not fill a block
/// run the same block with the missing rows or columns pointing at a valid one and their results dropped.
/// The kernels never read C when beta is 0 (result buffers may be uninitialised).
/// </remarks>
internal static class SkinnyGemmKernels
{
    /// <summary>
    /// c = alpha · a · bᵀ + beta · c, with a [m, k], b [n, k] and c [m, n] row-major: every c[i, j] is the
    /// dot product of row i of a and row j of b, four rows by four columns at a time.
    /// </summary>
    /// <remarks>
    /// The inner dimension is cut into chunks whose slices of all n rows of b and of four rows of a fit in
    /// L1 (32 KB), so b's chunk is read from L2 once and then serves every block of rows; without the
    /// chunks a long k streams all eight rows of a block from L2 for every block.
    /// </remarks>
    public static void DotRows(int m, int n, int k, double alpha, ReadOnlySpan<double> a, ReadOnlySpan<double> b,
        double beta, Span<double> c)
    {
        ref double a0 = ref MemoryMarshal.GetReference(a);
        ref double b0 = ref MemoryMarshal.GetReference(b);
        Span<double> block = stackalloc double[16];
        int chunk = Math.Max(64, L1Doubles / (n + 4) / 8 * 8);
        for (int p0 = 0; p0 < k || p0 == 0; p0 += chunk)
        {
            int kc = Math.Min(chunk, k - p0);
            // the first chunk applies beta, the later ones add to it
            double betaHere = p0 == 0 ? beta : 1.0;
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                // a missing row or column repeats the first of the block (its results are dropped)
                ref double ar0 = ref Unsafe.Add(ref a0, (nint)i * k + p0);
                ref double ar1 = ref Unsafe.Add(ref a0, (nint)(rows > 1 ? i + 1 : i) * k + p0);
                ref double ar2 = ref Unsafe.Add(ref a0, (nint)(rows > 2 ? i + 2 : i) * k + p0);
                ref double ar3 = ref Unsafe.Add(ref a0, (nint)(rows > 3 ? i + 3 : i) * k + p0);
                for (int j = 0; j < n; j += 4)
                {
                    int cols = Math.Min(4, n - j);
                    ref double br0 = ref Unsafe.Add(ref b0, (nint)j * k + p0);
                    ref double br1 = ref Unsafe.Add(ref b0, (nint)(cols > 1 ? j + 1 : j) * k + p0);
                    ref double br2 = ref Unsafe.Add(ref b0, (nint)(cols > 2 ? j + 2 : j) * k + p0);
                    ref double br3 = ref Unsafe.Add(ref b0, (nint)(cols > 3 ? j + 3 : j) * k + p0);
                    Dot4x4(kc, ref ar0, ref ar1, ref ar2, ref ar3, ref br0, ref br1, ref br2, ref br3, block);
                    for (int r = 0; r < rows; r++)
                        for (int s = 0; s < cols; s++)
                        {
                            ref double cij = ref c[(i + r) * n + j + s];
                            cij = betaHere == 0 ? alpha * block[r * 4 + s] : alpha * block[r * 4 + s] + betaHere * cij;
                        }
                }
            }
        }
    }

    /// <summary>Doubles in the 32 KB of L1 a chunk of <see cref="DotRows"/> may fill.</summary>
    private const int L1Doubles = 32 * 1024 / sizeof(double);

    /// <summary>The 16 dot products of rows a0..a3 with rows b0..b3 (length k) into block[r * 4 + s].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4x4(int k, ref double a0, ref double a1, ref double a2, ref double a3,
        ref double b0, ref double b1, ref double b2, ref double b3, Span<double> block)
    {
        int p = 0;
        if (Vector512.IsHardwareAccelerated && k >= Vector512<double>.Count)
        {
            Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector512<double> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector512<double> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector512<double> c30 = default, c31 = default, c32 = default, c33 = default;
            for (; p <= k - Vector512<double>.Count; p += Vector512<double>.Count)
            {
                var y0 = Vector512.LoadUnsafe(ref b0, (nuint)p);
                var y1 = Vector512.LoadUnsafe(ref b1, (nuint)p);
                var y2 = Vector512.LoadUnsafe(ref b2, (nuint)p);
                var y3 = Vector512.LoadUnsafe(ref b3, (nuint)p);
                var x = Vector512.LoadUnsafe(ref a0, (nuint)p);
                c00 = Vector512.FusedMultiplyAdd(x, y0, c00); c01 = Vector512.FusedMultiplyAdd(x, y1, c01);
                c02 = Vector512.FusedMultiplyAdd(x, y2, c02); c03 = Vector512.FusedMultiplyAdd(x, y3, c03);
                x = Vector512.LoadUnsafe(ref a1, (nuint)p);
                c10 = Vector512.FusedMultiplyAdd(x, y0, c10); c11 = Vector512.FusedMultiplyAdd(x, y1, c11);
                c12 = Vector512.FusedMultiplyAdd(x, y2, c12); c13 = Vector512.FusedMultiplyAdd(x, y3, c13);
                x = Vector512.LoadUnsafe(ref a2, (nuint)p);
                c20 = Vector512.FusedMultiplyAdd(x, y0, c20); c21 = Vector512.FusedMultiplyAdd(x, y1, c21);
                c22 = Vector512.FusedMultiplyAdd(x, y2, c22); c23 = Vector512.FusedMultiplyAdd(x, y3, c23);
                x = Vector512.LoadUnsafe(ref a3, (nuint)p);
                c30 = Vector512.FusedMultiplyAdd(x, y0, c30); c31 = Vector512.FusedMultiplyAdd(x, y1, c31);
                c32 = Vector512.FusedMultiplyAdd(x, y2, c32); c33 = Vector512.FusedMultiplyAdd(x, y3, c33);
            }
            block[0] = Vector512.Sum(c00); block[1] = Vector512.Sum(c01); block[2] = Vector512.Sum(c02); block[3] = Vector512.Sum(c03);
            block[4] = Vector512.Sum(c10); block[5] = Vector512.Sum(c11); block[6] = Vector512.Sum(c12); block[7] = Vector512.Sum(c13);
            block[8] = Vector512.Sum(c20); block[9] = Vector512.Sum(c21); block[10] = Vector512.Sum(c22); block[11] = Vector512.Sum(c23);
            block[12] = Vector512.Sum(c30); block[13] = Vector512.Sum(c31); block[14] = Vector512.Sum(c32); block[15] = Vector512.Sum(c33);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<double>.Count)
        {
            Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
            for (; p <= k - Vector256<double>.Count; p += Vector256<double>.Count)
            {
                var y0 = Vector256.LoadUnsafe(ref b0, (nuint)p);
                var y1 = Vector256.LoadUnsafe(ref b1, (nuint)p);
                var y2 = Vector256.LoadUnsafe(ref b2, (nuint)p);
                var y3 = Vector256.LoadUnsafe(ref b3, (nuint)p);
                var x = Vector256.LoadUnsafe(ref a0, (nuint)p);
                c00 = Vector256.FusedMultiplyAdd(x, y0, c00); c01 = Vector256.FusedMultiplyAdd(x, y1, c01);
                c02 = Vector256.FusedMultiplyAdd(x, y2, c02); c03 = Vector256.FusedMultiplyAdd(x, y3, c03);
                x = Vector256.LoadUnsafe(ref a1, (nuint)p);
                c10 = Vector256.FusedMultiplyAdd(x, y0, c10); c11 = Vector256.FusedMultiplyAdd(x, y1, c11);
                c12 = Vector256.FusedMultiplyAdd(x, y2, c12); c13 = Vector256.FusedMultiplyAdd(x, y3, c13);
                x = Vector256.LoadUnsafe(ref a2, (nuint)p);
                c20 = Vector256.FusedMultiplyAdd(x, y0, c20); c21 = Vector256.FusedMultiplyAdd(x, y1, c21);
                c22 = Vector256.FusedMultiplyAdd(x, y2, c22); c23 = Vector256.FusedMultiplyAdd(x, y3, c23);
                x = Vector256.LoadUnsafe(ref a3, (nuint)p);
                c30 = Vector256.FusedMultiplyAdd(x, y0, c30); c31 = Vector256.FusedMultiplyAdd(x, y1, c31);
                c32 = Vector256.FusedMultiplyAdd(x, y2, c32); c33 = Vector256.FusedMultiplyAdd(x, y3, c33);
            }
            block[0] = Vector256.Sum(c00); block[1] = Vector256.Sum(c01); block[2] = Vector256.Sum(c02); block[3] = Vector256.Sum(c03);
            block[4] = Vector256.Sum(c10); block[5] = Vector256.Sum(c11); block[6] = Vector256.Sum(c12); block[7] = Vector256.Sum(c13);
            block[8] = Vector256.Sum(c20); block[9] = Vector256.Sum(c21); block[10] = Vector256.Sum(c22); block[11] = Vector256.Sum(c23);
            block[12] = Vector256.Sum(c30); block[13] = Vector256.Sum(c31); block[14] = Vector256.Sum(c32); block[15] = Vector256.Sum(c33);
        }
        else block.Clear();
        // the tail of k (and all of it without SIMD)
        for (; p < k; p++)
        {
            double x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p), x2 = Unsafe.Add(ref a2, p), x3 = Unsafe.Add(ref a3, p);
            double y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p), y2 = Unsafe.Add(ref b2, p), y3 = Unsafe.Add(ref b3, p);
            block[0] += x0 * y0; block[1] += x0 * y1; block[2] += x0 * y2; block[3] += x0 * y3;
            block[4] += x1 * y0; block[5] += x1 * y1; block[6] += x1 * y2; block[7] += x1 * y3;
            block[8] += x2 * y0; block[9] += x2 * y1; block[10] += x2 * y2; block[11] += x2 * y3;
            block[12] += x3 * y0; block[13] += x3 * y1; block[14] += x3 * y2; block[15] += x3 * y3;
        }
    }

    /// <summary>
    /// c = alpha · op(a) · b + beta · c, with op(a) [m, k] (a stored [m, k], or [k, m] when
    /// <paramref name="transA"/>), b [k, n] and c [m, n] row-major: row i of c is the sum over p of
    /// op(a)[i, p] times row p of b, for four rows of c and four vectors of columns at a time.
    /// </summary>
    public static void BroadcastRows(bool transA, int m, int n, int k, double alpha, ReadOnlySpan<double> a,
        ReadOnlySpan<double> b, double beta, Span<double> c)
    {
        // op(a)[i, p] is a[i * rowStride + p * colStride]
        int rowStride = transA ? 1 : k, colStride = transA ? m : 1;
        ref double a0 = ref MemoryMarshal.GetReference(a);
        ref double b0 = ref MemoryMarshal.GetReference(b);
        ref double c0 = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            const int V = 8;
            for (; j <= n - 4 * V; j += 4 * V)
                for (int i = 0; i < m; i += 4)
                    Broadcast4x4Vector512(m, n, k, i, j, rowStride, colStride, alpha, beta, ref a0, ref b0, ref c0);
            for (; j <= n - V; j += V)
                for (int i = 0; i < m; i++)
                {
                    var s = Vector512<double>.Zero;
                    for (int p = 0; p < k; p++)
                        s = Vector512.FusedMultiplyAdd(Vector512.Create(Unsafe.Add(ref a0, i * rowStride + p * colStride)),
                            Vector512.LoadUnsafe(ref b0, (nuint)(p * n + j)), s);
                    Store(ref Unsafe.Add(ref c0, i * n + j), s, alpha, beta);
                }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            const int V = 4;
            for (; j <= n - 4 * V; j += 4 * V)
                for (int i = 0; i < m; i += 4)
                    Broadcast4x4Vector256(m, n, k, i, j, rowStride, colStride, alpha, beta, ref a0, ref b0, ref c0);
            for (; j <= n - V; j += V)
                for (int i = 0; i < m; i++)
                {
                    var s = Vector256<double>.Zero;
                    for (int p = 0; p < k; p++)
                        s = Vector256.FusedMultiplyAdd(Vector256.Create(Unsafe.Add(ref a0, i * rowStride + p * colStride)),
                            Vector256.LoadUnsafe(ref b0, (nuint)(p * n + j)), s);
                    Store(ref Unsafe.Add(ref c0, i * n + j), s, alpha, beta);
                }
        }
        // the last columns (and all of them without SIMD)
        for (; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                double s = 0;
                for (int p = 0; p < k; p++) s += Unsafe.Add(ref a0, i * rowStride + p * colStride) * Unsafe.Add(ref b0, p * n + j);
                ref double cij = ref Unsafe.Add(ref c0, i * n + j);
                cij = beta == 0 ? alpha * s : alpha * s + beta * cij;
            }
    }

    /// <summary>Rows i..i+3 (those below m) of c, columns j..j+31: 16 accumulators of 8.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4x4Vector512(int m, int n, int k, int i, int j, int rowStride, int colStride,
        double alpha, double beta, ref double a0, ref double b0, ref double c0)
    {
        const int V = 8;
        int rows = Math.Min(4, m - i);
        // a missing row repeats row i (its results are dropped)
        ref double r0 = ref Unsafe.Add(ref a0, i * rowStride);
        ref double r1 = ref Unsafe.Add(ref a0, (rows > 1 ? i + 1 : i) * rowStride);
        ref double r2 = ref Unsafe.Add(ref a0, (rows > 2 ? i + 2 : i) * rowStride);
        ref double r3 = ref Unsafe.Add(ref a0, (rows > 3 ? i + 3 : i) * rowStride);
        Vector512<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<double> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<double> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int p = 0; p < k; p++)
        {
            nuint at = (nuint)(p * n + j);
            var y0 = Vector512.LoadUnsafe(ref b0, at);
            var y1 = Vector512.LoadUnsafe(ref b0, at + V);
            var y2 = Vector512.LoadUnsafe(ref b0, at + 2 * V);
            var y3 = Vector512.LoadUnsafe(ref b0, at + 3 * V);
            int q = p * colStride;
            var x = Vector512.Create(Unsafe.Add(ref r0, q));
            c00 = Vector512.FusedMultiplyAdd(x, y0, c00); c01 = Vector512.FusedMultiplyAdd(x, y1, c01);
            c02 = Vector512.FusedMultiplyAdd(x, y2, c02); c03 = Vector512.FusedMultiplyAdd(x, y3, c03);
            x = Vector512.Create(Unsafe.Add(ref r1, q));
            c10 = Vector512.FusedMultiplyAdd(x, y0, c10); c11 = Vector512.FusedMultiplyAdd(x, y1, c11);
            c12 = Vector512.FusedMultiplyAdd(x, y2, c12); c13 = Vector512.FusedMultiplyAdd(x, y3, c13);
            x = Vector512.Create(Unsafe.Add(ref r2, q));
            c20 = Vector512.FusedMultiplyAdd(x, y0, c20); c21 = Vector512.FusedMultiplyAdd(x, y1, c21);
            c22 = Vector512.FusedMultiplyAdd(x, y2, c22); c23 = Vector512.FusedMultiplyAdd(x, y3, c23);
            x = Vector512.Create(Unsafe.Add(ref r3, q));
            c30 = Vector512.FusedMultiplyAdd(x, y0, c30); c31 = Vector512.FusedMultiplyAdd(x, y1, c31);
            c32 = Vector512.FusedMultiplyAdd(x, y2, c32); c33 = Vector512.FusedMultiplyAdd(x, y3, c33);
        }
        ref double d = ref Unsafe.Add(ref c0, i * n + j);
        Store(ref d, c00, alpha, beta); Store(ref Unsafe.Add(ref d, V), c01, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c02, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c03, alpha, beta);
        if (rows < 2) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c10, alpha, beta); Store(ref Unsafe.Add(ref d, V), c11, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c12, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c13, alpha, beta);
        if (rows < 3) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c20, alpha, beta); Store(ref Unsafe.Add(ref d, V), c21, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c22, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c23, alpha, beta);
        if (rows < 4) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c30, alpha, beta); Store(ref Unsafe.Add(ref d, V), c31, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c32, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c33, alpha, beta);
    }

    /// <summary>Rows i..i+3 (those below m) of c, columns j..j+15: 16 accumulators of 4.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4x4Vector256(int m, int n, int k, int i, int j, int rowStride, int colStride,
        double alpha, double beta, ref double a0, ref double b0, ref double c0)
    {
        const int V = 4;
        int rows = Math.Min(4, m - i);
        ref double r0 = ref Unsafe.Add(ref a0, i * rowStride);
        ref double r1 = ref Unsafe.Add(ref a0, (rows > 1 ? i + 1 : i) * rowStride);
        ref double r2 = ref Unsafe.Add(ref a0, (rows > 2 ? i + 2 : i) * rowStride);
        ref double r3 = ref Unsafe.Add(ref a0, (rows > 3 ? i + 3 : i) * rowStride);
        Vector256<double> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<double> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<double> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<double> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int p = 0; p < k; p++)
        {
            nuint at = (nuint)(p * n + j);
            var y0 = Vector256.LoadUnsafe(ref b0, at);
            var y1 = Vector256.LoadUnsafe(ref b0, at + V);
            var y2 = Vector256.LoadUnsafe(ref b0, at + 2 * V);
            var y3 = Vector256.LoadUnsafe(ref b0, at + 3 * V);
            int q = p * colStride;
            var x = Vector256.Create(Unsafe.Add(ref r0, q));
            c00 = Vector256.FusedMultiplyAdd(x, y0, c00); c01 = Vector256.FusedMultiplyAdd(x, y1, c01);
            c02 = Vector256.FusedMultiplyAdd(x, y2, c02); c03 = Vector256.FusedMultiplyAdd(x, y3, c03);
            x = Vector256.Create(Unsafe.Add(ref r1, q));
            c10 = Vector256.FusedMultiplyAdd(x, y0, c10); c11 = Vector256.FusedMultiplyAdd(x, y1, c11);
            c12 = Vector256.FusedMultiplyAdd(x, y2, c12); c13 = Vector256.FusedMultiplyAdd(x, y3, c13);
            x = Vector256.Create(Unsafe.Add(ref r2, q));
            c20 = Vector256.FusedMultiplyAdd(x, y0, c20); c21 = Vector256.FusedMultiplyAdd(x, y1, c21);
            c22 = Vector256.FusedMultiplyAdd(x, y2, c22); c23 = Vector256.FusedMultiplyAdd(x, y3, c23);
            x = Vector256.Create(Unsafe.Add(ref r3, q));
            c30 = Vector256.FusedMultiplyAdd(x, y0, c30); c31 = Vector256.FusedMultiplyAdd(x, y1, c31);
            c32 = Vector256.FusedMultiplyAdd(x, y2, c32); c33 = Vector256.FusedMultiplyAdd(x, y3, c33);
        }
        ref double d = ref Unsafe.Add(ref c0, i * n + j);
        Store(ref d, c00, alpha, beta); Store(ref Unsafe.Add(ref d, V), c01, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c02, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c03, alpha, beta);
        if (rows < 2) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c10, alpha, beta); Store(ref Unsafe.Add(ref d, V), c11, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c12, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c13, alpha, beta);
        if (rows < 3) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c20, alpha, beta); Store(ref Unsafe.Add(ref d, V), c21, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c22, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c23, alpha, beta);
        if (rows < 4) return;
        d = ref Unsafe.Add(ref d, n);
        Store(ref d, c30, alpha, beta); Store(ref Unsafe.Add(ref d, V), c31, alpha, beta);
        Store(ref Unsafe.Add(ref d, 2 * V), c32, alpha, beta); Store(ref Unsafe.Add(ref d, 3 * V), c33, alpha, beta);
    }

    /// <summary>d = alpha · s + beta · d (d not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double d, Vector512<double> s, double alpha, double beta)
    {
        var v = s * alpha;
        if (beta != 0) v = Vector512.FusedMultiplyAdd(Vector512.LoadUnsafe(ref d), Vector512.Create(beta), v);
        v.StoreUnsafe(ref d);
    }

    /// <summary>d = alpha · s + beta · d (d not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store(ref double d, Vector256<double> s, double alpha, double beta)
    {
        var v = s * alpha;
        if (beta != 0) v = Vector256.FusedMultiplyAdd(Vector256.LoadUnsafe(ref d), Vector256.Create(beta), v);
        v.StoreUnsafe(ref d);
    }
}
