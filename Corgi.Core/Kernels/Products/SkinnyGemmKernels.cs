using System;
using System.Numerics;
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
/// One implementation serves float32 and float64: the kernels are generic over the element type
/// <c>T</c>, so a Vector512&lt;T&gt; holds 16 floats or 8 doubles; the JIT compiles one specialised copy
/// per type and folds the <c>typeof(T)</c> tests of <see cref="Fma{T}(Vector512{T}, Vector512{T}, Vector512{T})"/> away.
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
    public static void DotRows<T>(int m, int n, int k, T alpha, ReadOnlySpan<T> a, ReadOnlySpan<T> b,
        T beta, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        Span<T> block = stackalloc T[16];
        // a multiple of 16 elements, so only the last chunk has a tail after whole vectors of either type
        int chunk = Math.Max(64, L1Bytes / Unsafe.SizeOf<T>() / (n + 4) / 16 * 16);
        for (int p0 = 0; p0 < k || p0 == 0; p0 += chunk)
        {
            int kc = Math.Min(chunk, k - p0);
            // the first chunk applies beta, the later ones add to it
            T betaHere = p0 == 0 ? beta : T.One;
            for (int i = 0; i < m; i += 4)
            {
                int rows = Math.Min(4, m - i);
                // a missing row or column repeats the first of the block (its results are dropped)
                ref T ar0 = ref Unsafe.Add(ref a0, (nint)i * k + p0);
                ref T ar1 = ref Unsafe.Add(ref a0, (nint)(rows > 1 ? i + 1 : i) * k + p0);
                ref T ar2 = ref Unsafe.Add(ref a0, (nint)(rows > 2 ? i + 2 : i) * k + p0);
                ref T ar3 = ref Unsafe.Add(ref a0, (nint)(rows > 3 ? i + 3 : i) * k + p0);
                for (int j = 0; j < n; j += 4)
                {
                    int cols = Math.Min(4, n - j);
                    ref T br0 = ref Unsafe.Add(ref b0, (nint)j * k + p0);
                    ref T br1 = ref Unsafe.Add(ref b0, (nint)(cols > 1 ? j + 1 : j) * k + p0);
                    ref T br2 = ref Unsafe.Add(ref b0, (nint)(cols > 2 ? j + 2 : j) * k + p0);
                    ref T br3 = ref Unsafe.Add(ref b0, (nint)(cols > 3 ? j + 3 : j) * k + p0);
                    Dot4x4(kc, ref ar0, ref ar1, ref ar2, ref ar3, ref br0, ref br1, ref br2, ref br3, block);
                    for (int r = 0; r < rows; r++)
                        for (int s = 0; s < cols; s++)
                        {
                            ref T cij = ref c[(i + r) * n + j + s];
                            cij = betaHere == T.Zero ? alpha * block[r * 4 + s] : alpha * block[r * 4 + s] + betaHere * cij;
                        }
                }
            }
        }
    }

    /// <summary>The bytes of L1 (32 KB) a chunk of <see cref="DotRows{T}"/> may fill.</summary>
    private const int L1Bytes = 32 * 1024;

    /// <summary>The 16 dot products of rows a0..a3 with rows b0..b3 (length k) into block[r * 4 + s].</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Dot4x4<T>(int k, ref T a0, ref T a1, ref T a2, ref T a3,
        ref T b0, ref T b1, ref T b2, ref T b3, Span<T> block) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int p = 0;
        if (Vector512.IsHardwareAccelerated && k >= Vector512<T>.Count)
        {
            Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
            for (; p <= k - Vector512<T>.Count; p += Vector512<T>.Count)
            {
                var y0 = Vector512.LoadUnsafe(ref b0, (nuint)p);
                var y1 = Vector512.LoadUnsafe(ref b1, (nuint)p);
                var y2 = Vector512.LoadUnsafe(ref b2, (nuint)p);
                var y3 = Vector512.LoadUnsafe(ref b3, (nuint)p);
                var x = Vector512.LoadUnsafe(ref a0, (nuint)p);
                c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01);
                c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
                x = Vector512.LoadUnsafe(ref a1, (nuint)p);
                c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11);
                c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
                x = Vector512.LoadUnsafe(ref a2, (nuint)p);
                c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21);
                c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
                x = Vector512.LoadUnsafe(ref a3, (nuint)p);
                c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31);
                c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
            }
            block[0] = Vector512.Sum(c00); block[1] = Vector512.Sum(c01); block[2] = Vector512.Sum(c02); block[3] = Vector512.Sum(c03);
            block[4] = Vector512.Sum(c10); block[5] = Vector512.Sum(c11); block[6] = Vector512.Sum(c12); block[7] = Vector512.Sum(c13);
            block[8] = Vector512.Sum(c20); block[9] = Vector512.Sum(c21); block[10] = Vector512.Sum(c22); block[11] = Vector512.Sum(c23);
            block[12] = Vector512.Sum(c30); block[13] = Vector512.Sum(c31); block[14] = Vector512.Sum(c32); block[15] = Vector512.Sum(c33);
        }
        else if (Vector256.IsHardwareAccelerated && k >= Vector256<T>.Count)
        {
            Vector256<T> c00 = default, c01 = default, c02 = default, c03 = default;
            Vector256<T> c10 = default, c11 = default, c12 = default, c13 = default;
            Vector256<T> c20 = default, c21 = default, c22 = default, c23 = default;
            Vector256<T> c30 = default, c31 = default, c32 = default, c33 = default;
            for (; p <= k - Vector256<T>.Count; p += Vector256<T>.Count)
            {
                var y0 = Vector256.LoadUnsafe(ref b0, (nuint)p);
                var y1 = Vector256.LoadUnsafe(ref b1, (nuint)p);
                var y2 = Vector256.LoadUnsafe(ref b2, (nuint)p);
                var y3 = Vector256.LoadUnsafe(ref b3, (nuint)p);
                var x = Vector256.LoadUnsafe(ref a0, (nuint)p);
                c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01);
                c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
                x = Vector256.LoadUnsafe(ref a1, (nuint)p);
                c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11);
                c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
                x = Vector256.LoadUnsafe(ref a2, (nuint)p);
                c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21);
                c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
                x = Vector256.LoadUnsafe(ref a3, (nuint)p);
                c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31);
                c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
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
            T x0 = Unsafe.Add(ref a0, p), x1 = Unsafe.Add(ref a1, p), x2 = Unsafe.Add(ref a2, p), x3 = Unsafe.Add(ref a3, p);
            T y0 = Unsafe.Add(ref b0, p), y1 = Unsafe.Add(ref b1, p), y2 = Unsafe.Add(ref b2, p), y3 = Unsafe.Add(ref b3, p);
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
    public static void BroadcastRows<T>(bool transA, int m, int n, int k, T alpha, ReadOnlySpan<T> a,
        ReadOnlySpan<T> b, T beta, Span<T> c) where T : unmanaged, IFloatingPointIeee754<T>
    {
        // op(a)[i, p] is a[i * rowStride + p * colStride]
        int rowStride = transA ? 1 : k, colStride = transA ? m : 1;
        ref T a0 = ref MemoryMarshal.GetReference(a);
        ref T b0 = ref MemoryMarshal.GetReference(b);
        ref T c0 = ref MemoryMarshal.GetReference(c);
        int j = 0;
        if (Vector512.IsHardwareAccelerated)
        {
            int V = Vector512<T>.Count;
            for (; j <= n - 4 * V; j += 4 * V)
                for (int i = 0; i < m; i += 4)
                    Broadcast4x4Vector512(m, n, k, i, j, rowStride, colStride, alpha, beta, ref a0, ref b0, ref c0);
            for (; j <= n - V; j += V)
                for (int i = 0; i < m; i++)
                {
                    var s = Vector512<T>.Zero;
                    for (int p = 0; p < k; p++)
                        s = Fma(Vector512.Create(Unsafe.Add(ref a0, i * rowStride + p * colStride)),
                            Vector512.LoadUnsafe(ref b0, (nuint)(p * n + j)), s);
                    Store(ref Unsafe.Add(ref c0, i * n + j), s, alpha, beta);
                }
        }
        else if (Vector256.IsHardwareAccelerated)
        {
            int V = Vector256<T>.Count;
            for (; j <= n - 4 * V; j += 4 * V)
                for (int i = 0; i < m; i += 4)
                    Broadcast4x4Vector256(m, n, k, i, j, rowStride, colStride, alpha, beta, ref a0, ref b0, ref c0);
            for (; j <= n - V; j += V)
                for (int i = 0; i < m; i++)
                {
                    var s = Vector256<T>.Zero;
                    for (int p = 0; p < k; p++)
                        s = Fma(Vector256.Create(Unsafe.Add(ref a0, i * rowStride + p * colStride)),
                            Vector256.LoadUnsafe(ref b0, (nuint)(p * n + j)), s);
                    Store(ref Unsafe.Add(ref c0, i * n + j), s, alpha, beta);
                }
        }
        // the last columns (and all of them without SIMD)
        for (; j < n; j++)
            for (int i = 0; i < m; i++)
            {
                T s = T.Zero;
                for (int p = 0; p < k; p++) s += Unsafe.Add(ref a0, i * rowStride + p * colStride) * Unsafe.Add(ref b0, p * n + j);
                ref T cij = ref Unsafe.Add(ref c0, i * n + j);
                cij = beta == T.Zero ? alpha * s : alpha * s + beta * cij;
            }
    }

    /// <summary>Rows i..i+3 (those below m) of c, four Vector512s of columns from j: 16 accumulators (64 columns of float, 32 of double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4x4Vector512<T>(int m, int n, int k, int i, int j, int rowStride, int colStride,
        T alpha, T beta, ref T a0, ref T b0, ref T c0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int V = Vector512<T>.Count;
        int rows = Math.Min(4, m - i);
        // a missing row repeats row i (its results are dropped)
        ref T r0 = ref Unsafe.Add(ref a0, i * rowStride);
        ref T r1 = ref Unsafe.Add(ref a0, (rows > 1 ? i + 1 : i) * rowStride);
        ref T r2 = ref Unsafe.Add(ref a0, (rows > 2 ? i + 2 : i) * rowStride);
        ref T r3 = ref Unsafe.Add(ref a0, (rows > 3 ? i + 3 : i) * rowStride);
        Vector512<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector512<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector512<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector512<T> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int p = 0; p < k; p++)
        {
            nuint at = (nuint)(p * n + j), v = (nuint)V;
            var y0 = Vector512.LoadUnsafe(ref b0, at);
            var y1 = Vector512.LoadUnsafe(ref b0, at + v);
            var y2 = Vector512.LoadUnsafe(ref b0, at + 2 * v);
            var y3 = Vector512.LoadUnsafe(ref b0, at + 3 * v);
            int q = p * colStride;
            var x = Vector512.Create(Unsafe.Add(ref r0, q));
            c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01);
            c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
            x = Vector512.Create(Unsafe.Add(ref r1, q));
            c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11);
            c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
            x = Vector512.Create(Unsafe.Add(ref r2, q));
            c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21);
            c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
            x = Vector512.Create(Unsafe.Add(ref r3, q));
            c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31);
            c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
        }
        ref T d = ref Unsafe.Add(ref c0, i * n + j);
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

    /// <summary>Rows i..i+3 (those below m) of c, four Vector256s of columns from j: 16 accumulators (32 columns of float, 16 of double).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Broadcast4x4Vector256<T>(int m, int n, int k, int i, int j, int rowStride, int colStride,
        T alpha, T beta, ref T a0, ref T b0, ref T c0) where T : unmanaged, IFloatingPointIeee754<T>
    {
        int V = Vector256<T>.Count;
        int rows = Math.Min(4, m - i);
        ref T r0 = ref Unsafe.Add(ref a0, i * rowStride);
        ref T r1 = ref Unsafe.Add(ref a0, (rows > 1 ? i + 1 : i) * rowStride);
        ref T r2 = ref Unsafe.Add(ref a0, (rows > 2 ? i + 2 : i) * rowStride);
        ref T r3 = ref Unsafe.Add(ref a0, (rows > 3 ? i + 3 : i) * rowStride);
        Vector256<T> c00 = default, c01 = default, c02 = default, c03 = default;
        Vector256<T> c10 = default, c11 = default, c12 = default, c13 = default;
        Vector256<T> c20 = default, c21 = default, c22 = default, c23 = default;
        Vector256<T> c30 = default, c31 = default, c32 = default, c33 = default;
        for (int p = 0; p < k; p++)
        {
            nuint at = (nuint)(p * n + j), v = (nuint)V;
            var y0 = Vector256.LoadUnsafe(ref b0, at);
            var y1 = Vector256.LoadUnsafe(ref b0, at + v);
            var y2 = Vector256.LoadUnsafe(ref b0, at + 2 * v);
            var y3 = Vector256.LoadUnsafe(ref b0, at + 3 * v);
            int q = p * colStride;
            var x = Vector256.Create(Unsafe.Add(ref r0, q));
            c00 = Fma(x, y0, c00); c01 = Fma(x, y1, c01);
            c02 = Fma(x, y2, c02); c03 = Fma(x, y3, c03);
            x = Vector256.Create(Unsafe.Add(ref r1, q));
            c10 = Fma(x, y0, c10); c11 = Fma(x, y1, c11);
            c12 = Fma(x, y2, c12); c13 = Fma(x, y3, c13);
            x = Vector256.Create(Unsafe.Add(ref r2, q));
            c20 = Fma(x, y0, c20); c21 = Fma(x, y1, c21);
            c22 = Fma(x, y2, c22); c23 = Fma(x, y3, c23);
            x = Vector256.Create(Unsafe.Add(ref r3, q));
            c30 = Fma(x, y0, c30); c31 = Fma(x, y1, c31);
            c32 = Fma(x, y2, c32); c33 = Fma(x, y3, c33);
        }
        ref T d = ref Unsafe.Add(ref c0, i * n + j);
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
    private static void Store<T>(ref T d, Vector512<T> s, T alpha, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = s * alpha;
        if (beta != T.Zero) v = Fma(Vector512.LoadUnsafe(ref d), Vector512.Create(beta), v);
        v.StoreUnsafe(ref d);
    }

    /// <summary>d = alpha · s + beta · d (d not read when beta is 0).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Store<T>(ref T d, Vector256<T> s, T alpha, T beta) where T : unmanaged, IFloatingPointIeee754<T>
    {
        var v = s * alpha;
        if (beta != T.Zero) v = Fma(Vector256.LoadUnsafe(ref d), Vector256.Create(beta), v);
        v.StoreUnsafe(ref d);
    }
    /// <summary>x · y + acc in one rounding: Vector512.FusedMultiplyAdd has overloads for float and double only, so pick one by T (the JIT folds the test).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<T> Fma<T>(Vector512<T> x, Vector512<T> y, Vector512<T> acc) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector512.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
        return Vector512.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();
    }

    /// <summary>x · y + acc in one rounding, for Vector256 (see the Vector512 overload).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector256<T> Fma<T>(Vector256<T> x, Vector256<T> y, Vector256<T> acc) where T : unmanaged
    {
        if (typeof(T) == typeof(float))
            return Vector256.FusedMultiplyAdd(x.As<T, float>(), y.As<T, float>(), acc.As<T, float>()).As<float, T>();
        return Vector256.FusedMultiplyAdd(x.As<T, double>(), y.As<T, double>(), acc.As<T, double>()).As<double, T>();
    }
}
