using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Corgi.Kernels;

/// <summary>
/// The vector operations a GEMM micro-kernel needs, implemented once per vector width
/// (<see cref="GemmVector512{T}"/>, <see cref="GemmVector256{T}"/>, <see cref="GemmVector128{T}"/>), so the
/// kernels are written once and the JIT compiles one specialised copy per width and element type (the
/// static abstract calls on a struct type parameter are resolved and inlined at compile time).
/// </summary>
/// <typeparam name="TV">The vector type, e.g. <c>Vector512&lt;double&gt;</c>.</typeparam>
/// <typeparam name="T">The element type, float or double.</typeparam>
internal interface IGemmVector<TV, T> where T : unmanaged
{
    /// <summary>Elements per vector.</summary>
    static abstract int Count { get; }

    /// <summary>
    /// Rows of C in the micro-kernel's register tile (the tile is Rows x 2 vectors): 12 with 32 vector
    /// registers (24 accumulators, 2 B vectors, 1 broadcast), 6 with 16 (AVX2: 12 + 2 + 1).
    /// </summary>
    static abstract int Rows { get; }

    /// <summary>A vector of zeros.</summary>
    static abstract TV Zero { get; }

    /// <summary>Loads a vector (unaligned).</summary>
    static abstract TV Load(ref T source);

    /// <summary>Stores a vector (unaligned).</summary>
    static abstract void Store(ref T destination, TV value);

    /// <summary>Broadcasts one element to every lane.</summary>
    static abstract TV Splat(T value);

    /// <summary>a · b + c with one rounding (FMA).</summary>
    static abstract TV Fma(TV a, TV b, TV c);

    /// <summary>a · b.</summary>
    static abstract TV Multiply(TV a, TV b);
}

/// <summary>AVX-512: 8 doubles or 16 floats per vector, 32 registers, so a 12-row tile.</summary>
internal readonly struct GemmVector512<T> : IGemmVector<Vector512<T>, T> where T : unmanaged
{
    public static int Count => Vector512<T>.Count;
    public static int Rows => 12;
    public static Vector512<T> Zero => Vector512<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Load(ref T source) => Vector512.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref T destination, Vector512<T> value) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Splat(T value) => Vector512.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Multiply(Vector512<T> a, Vector512<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<T> Fma(Vector512<T> a, Vector512<T> b, Vector512<T> c)
    {
        if (typeof(T) == typeof(double)) return Vector512.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector512.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }
}

/// <summary>AVX2 + FMA: 4 doubles or 8 floats per vector, 16 registers, so a 6-row tile.</summary>
internal readonly struct GemmVector256<T> : IGemmVector<Vector256<T>, T> where T : unmanaged
{
    public static int Count => Vector256<T>.Count;
    public static int Rows => 6;
    public static Vector256<T> Zero => Vector256<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Load(ref T source) => Vector256.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref T destination, Vector256<T> value) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Splat(T value) => Vector256.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Multiply(Vector256<T> a, Vector256<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<T> Fma(Vector256<T> a, Vector256<T> b, Vector256<T> c)
    {
        if (typeof(T) == typeof(double)) return Vector256.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector256.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }
}

/// <summary>SSE / Arm64 NEON: 2 doubles or 4 floats per vector; a 6-row tile (NEON has 32 registers, SSE 16).</summary>
internal readonly struct GemmVector128<T> : IGemmVector<Vector128<T>, T> where T : unmanaged
{
    public static int Count => Vector128<T>.Count;
    public static int Rows => 6;
    public static Vector128<T> Zero => Vector128<T>.Zero;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Load(ref T source) => Vector128.LoadUnsafe(ref source);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(ref T destination, Vector128<T> value) => value.StoreUnsafe(ref destination);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Splat(T value) => Vector128.Create(value);
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Multiply(Vector128<T> a, Vector128<T> b) => a * b;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<T> Fma(Vector128<T> a, Vector128<T> b, Vector128<T> c)
    {
        if (typeof(T) == typeof(double)) return Vector128.FusedMultiplyAdd(a.AsDouble(), b.AsDouble(), c.AsDouble()).As<double, T>();
        if (typeof(T) == typeof(float)) return Vector128.FusedMultiplyAdd(a.AsSingle(), b.AsSingle(), c.AsSingle()).As<float, T>();
        return a * b + c;
    }
}

/// <summary>
/// The register-blocked micro-kernels of <see cref="LinearAlgebra.ManagedGemm"/>: one tile of C,
/// <c>TOps.Rows</c> rows by two vectors of columns, from a packed panel of op(A) (<c>kc x Rows</c>,
/// the rows of one step of the inner dimension side by side) and a packed panel of op(B)
/// (<c>kc x 2 vectors</c>). Every step loads two vectors of B and broadcasts each element of A once:
/// 2 · Rows FMAs per Rows + 2 loads, all accumulators in registers (BLIS's micro-kernel, with C row-major
/// so the vectors run along C's rows).
/// </summary>
internal static class GemmMicroKernels
{
    /// <summary>How a tile is written back: C = alpha·acc (beta 0, C never read), C = alpha·acc + C, or C = alpha·acc + beta·C.</summary>
    public const int Overwrite = 0, Accumulate = 1, Scale = 2;

    /// <summary>
    /// One tile: c[rows, 2·Count] (row stride <paramref name="ldc"/>) = alpha · a · b + beta · c, as
    /// <paramref name="mode"/> says (<see cref="Overwrite"/>, <see cref="Accumulate"/> or <see cref="Scale"/>),
    /// from an a panel of <c>TOps.Rows</c> rows of which the first <paramref name="rows"/> are stored, and
    /// 2 vectors of b per step, <paramref name="ldb"/> elements apart (2·Count when packed, B's row stride when
    /// B is read in place).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Tile<T, TV, TOps>(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        if (TOps.Rows == 12) Kernel12<T, TV, TOps>(kc, ref a, ref b, ldb, ref c, ldc, alpha, beta, mode, rows);
        else Kernel6<T, TV, TOps>(kc, ref a, ref b, ldb, ref c, ldc, alpha, beta, mode, rows);
    }

    /// <summary>
    /// <see cref="Tile{T, TV, TOps}"/> with the 6-row kernel whatever the width: for the last rows of C when at
    /// most 6 are left of a 12-row tiling (their a panel is packed 6 rows wide), so they do not pay for 12.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void HalfTile<T, TV, TOps>(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
        => Kernel6<T, TV, TOps>(kc, ref a, ref b, ldb, ref c, ldc, alpha, beta, mode, rows);

    /// <summary>
    /// <see cref="Tile{T, TV, TOps}"/> with op(A) read in place instead of packed: element (i, p) of the tile's
    /// rows at <c>a[i · rsa + p · csa]</c>; all <c>TOps.Rows</c> rows must exist (the bottom-edge tile is packed).
    /// For small products, whose A panels serve too few B panels to repay packing.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void TileStrided<T, TV, TOps>(int kc, ref T a, nint rsa, nint csa, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        if (TOps.Rows == 12) Kernel12Strided<T, TV, TOps>(kc, ref a, rsa, csa, ref b, ldb, ref c, ldc, alpha, beta, mode, rows);
        else Kernel6Strided<T, TV, TOps>(kc, ref a, rsa, csa, ref b, ldb, ref c, ldc, alpha, beta, mode, rows);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Update<T, TV, TOps>(ref T c, TV x, TV y, TV alpha, TV beta, int mode)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        ref T c1 = ref Unsafe.Add(ref c, TOps.Count);
        if (mode == Overwrite)
        {
            TOps.Store(ref c, TOps.Multiply(alpha, x));
            TOps.Store(ref c1, TOps.Multiply(alpha, y));
        }
        else if (mode == Accumulate)
        {
            TOps.Store(ref c, TOps.Fma(alpha, x, TOps.Load(ref c)));
            TOps.Store(ref c1, TOps.Fma(alpha, y, TOps.Load(ref c1)));
        }
        else
        {
            TOps.Store(ref c, TOps.Fma(alpha, x, TOps.Multiply(beta, TOps.Load(ref c))));
            TOps.Store(ref c1, TOps.Fma(alpha, y, TOps.Multiply(beta, TOps.Load(ref c1))));
        }
    }

    /// <summary>
    /// The 12-row micro-kernel: c[12, 2 vectors] = alpha · (packed a panel [kc, 12]) · (packed b panel [kc, 2 vectors]) + beta · c,
    /// the 24 accumulators held in registers through the whole inner dimension.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12<T, TV, TOps>(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        nint w = TOps.Count;
        TV c0x = TOps.Zero, c0y = TOps.Zero, c1x = TOps.Zero, c1y = TOps.Zero, c2x = TOps.Zero, c2y = TOps.Zero, c3x = TOps.Zero, c3y = TOps.Zero, c4x = TOps.Zero, c4y = TOps.Zero, c5x = TOps.Zero, c5y = TOps.Zero, c6x = TOps.Zero, c6y = TOps.Zero, c7x = TOps.Zero, c7y = TOps.Zero, c8x = TOps.Zero, c8y = TOps.Zero, c9x = TOps.Zero, c9y = TOps.Zero, c10x = TOps.Zero, c10y = TOps.Zero, c11x = TOps.Zero, c11y = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV bx = TOps.Load(ref b), by = TOps.Load(ref Unsafe.Add(ref b, w));
            TV a0 = TOps.Splat(a); c0x = TOps.Fma(a0, bx, c0x); c0y = TOps.Fma(a0, by, c0y);
            TV a1 = TOps.Splat(Unsafe.Add(ref a, 1)); c1x = TOps.Fma(a1, bx, c1x); c1y = TOps.Fma(a1, by, c1y);
            TV a2 = TOps.Splat(Unsafe.Add(ref a, 2)); c2x = TOps.Fma(a2, bx, c2x); c2y = TOps.Fma(a2, by, c2y);
            TV a3 = TOps.Splat(Unsafe.Add(ref a, 3)); c3x = TOps.Fma(a3, bx, c3x); c3y = TOps.Fma(a3, by, c3y);
            TV a4 = TOps.Splat(Unsafe.Add(ref a, 4)); c4x = TOps.Fma(a4, bx, c4x); c4y = TOps.Fma(a4, by, c4y);
            TV a5 = TOps.Splat(Unsafe.Add(ref a, 5)); c5x = TOps.Fma(a5, bx, c5x); c5y = TOps.Fma(a5, by, c5y);
            TV a6 = TOps.Splat(Unsafe.Add(ref a, 6)); c6x = TOps.Fma(a6, bx, c6x); c6y = TOps.Fma(a6, by, c6y);
            TV a7 = TOps.Splat(Unsafe.Add(ref a, 7)); c7x = TOps.Fma(a7, bx, c7x); c7y = TOps.Fma(a7, by, c7y);
            TV a8 = TOps.Splat(Unsafe.Add(ref a, 8)); c8x = TOps.Fma(a8, bx, c8x); c8y = TOps.Fma(a8, by, c8y);
            TV a9 = TOps.Splat(Unsafe.Add(ref a, 9)); c9x = TOps.Fma(a9, bx, c9x); c9y = TOps.Fma(a9, by, c9y);
            TV a10 = TOps.Splat(Unsafe.Add(ref a, 10)); c10x = TOps.Fma(a10, bx, c10x); c10y = TOps.Fma(a10, by, c10y);
            TV a11 = TOps.Splat(Unsafe.Add(ref a, 11)); c11x = TOps.Fma(a11, bx, c11x); c11y = TOps.Fma(a11, by, c11y);
            a = ref Unsafe.Add(ref a, 12);
            b = ref Unsafe.Add(ref b, ldb);
        }

        TV va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        Update<T, TV, TOps>(ref c, c0x, c0y, va, vb, mode);
        if (rows > 1) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 1 * ldc), c1x, c1y, va, vb, mode);
        if (rows > 2) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 2 * ldc), c2x, c2y, va, vb, mode);
        if (rows > 3) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 3 * ldc), c3x, c3y, va, vb, mode);
        if (rows > 4) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 4 * ldc), c4x, c4y, va, vb, mode);
        if (rows > 5) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 5 * ldc), c5x, c5y, va, vb, mode);
        if (rows > 6) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 6 * ldc), c6x, c6y, va, vb, mode);
        if (rows > 7) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 7 * ldc), c7x, c7y, va, vb, mode);
        if (rows > 8) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 8 * ldc), c8x, c8y, va, vb, mode);
        if (rows > 9) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 9 * ldc), c9x, c9y, va, vb, mode);
        if (rows > 10) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 10 * ldc), c10x, c10y, va, vb, mode);
        if (rows > 11) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 11 * ldc), c11x, c11y, va, vb, mode);
    }

    /// <summary>
    /// The 6-row micro-kernel: c[6, 2 vectors] = alpha · (packed a panel [kc, 6]) · (packed b panel [kc, 2 vectors]) + beta · c,
    /// the 12 accumulators held in registers through the whole inner dimension.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6<T, TV, TOps>(int kc, ref T a, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        nint w = TOps.Count;
        TV c0x = TOps.Zero, c0y = TOps.Zero, c1x = TOps.Zero, c1y = TOps.Zero, c2x = TOps.Zero, c2y = TOps.Zero, c3x = TOps.Zero, c3y = TOps.Zero, c4x = TOps.Zero, c4y = TOps.Zero, c5x = TOps.Zero, c5y = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV bx = TOps.Load(ref b), by = TOps.Load(ref Unsafe.Add(ref b, w));
            TV a0 = TOps.Splat(a); c0x = TOps.Fma(a0, bx, c0x); c0y = TOps.Fma(a0, by, c0y);
            TV a1 = TOps.Splat(Unsafe.Add(ref a, 1)); c1x = TOps.Fma(a1, bx, c1x); c1y = TOps.Fma(a1, by, c1y);
            TV a2 = TOps.Splat(Unsafe.Add(ref a, 2)); c2x = TOps.Fma(a2, bx, c2x); c2y = TOps.Fma(a2, by, c2y);
            TV a3 = TOps.Splat(Unsafe.Add(ref a, 3)); c3x = TOps.Fma(a3, bx, c3x); c3y = TOps.Fma(a3, by, c3y);
            TV a4 = TOps.Splat(Unsafe.Add(ref a, 4)); c4x = TOps.Fma(a4, bx, c4x); c4y = TOps.Fma(a4, by, c4y);
            TV a5 = TOps.Splat(Unsafe.Add(ref a, 5)); c5x = TOps.Fma(a5, bx, c5x); c5y = TOps.Fma(a5, by, c5y);
            a = ref Unsafe.Add(ref a, 6);
            b = ref Unsafe.Add(ref b, ldb);
        }

        TV va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        Update<T, TV, TOps>(ref c, c0x, c0y, va, vb, mode);
        if (rows > 1) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 1 * ldc), c1x, c1y, va, vb, mode);
        if (rows > 2) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 2 * ldc), c2x, c2y, va, vb, mode);
        if (rows > 3) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 3 * ldc), c3x, c3y, va, vb, mode);
        if (rows > 4) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 4 * ldc), c4x, c4y, va, vb, mode);
        if (rows > 5) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 5 * ldc), c5x, c5y, va, vb, mode);
    }

    /// <summary>
    /// <see cref="Kernel12{T, TV, TOps}"/> reading op(A) in place: element (i, p) of the tile's rows is
    /// <c>a[i · rsa + p · csa]</c> (rsa = lda, csa = 1 for an untransposed A; rsa = 1, csa = lda for a transposed one).
    /// All 12 rows must exist.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel12Strided<T, TV, TOps>(int kc, ref T a, nint rsa, nint csa, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        nint w = TOps.Count;
        TV c0x = TOps.Zero, c0y = TOps.Zero, c1x = TOps.Zero, c1y = TOps.Zero, c2x = TOps.Zero, c2y = TOps.Zero, c3x = TOps.Zero, c3y = TOps.Zero, c4x = TOps.Zero, c4y = TOps.Zero, c5x = TOps.Zero, c5y = TOps.Zero, c6x = TOps.Zero, c6y = TOps.Zero, c7x = TOps.Zero, c7y = TOps.Zero, c8x = TOps.Zero, c8y = TOps.Zero, c9x = TOps.Zero, c9y = TOps.Zero, c10x = TOps.Zero, c10y = TOps.Zero, c11x = TOps.Zero, c11y = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV bx = TOps.Load(ref b), by = TOps.Load(ref Unsafe.Add(ref b, w));
            TV a0 = TOps.Splat(a); c0x = TOps.Fma(a0, bx, c0x); c0y = TOps.Fma(a0, by, c0y);
            TV a1 = TOps.Splat(Unsafe.Add(ref a, 1 * rsa)); c1x = TOps.Fma(a1, bx, c1x); c1y = TOps.Fma(a1, by, c1y);
            TV a2 = TOps.Splat(Unsafe.Add(ref a, 2 * rsa)); c2x = TOps.Fma(a2, bx, c2x); c2y = TOps.Fma(a2, by, c2y);
            TV a3 = TOps.Splat(Unsafe.Add(ref a, 3 * rsa)); c3x = TOps.Fma(a3, bx, c3x); c3y = TOps.Fma(a3, by, c3y);
            TV a4 = TOps.Splat(Unsafe.Add(ref a, 4 * rsa)); c4x = TOps.Fma(a4, bx, c4x); c4y = TOps.Fma(a4, by, c4y);
            TV a5 = TOps.Splat(Unsafe.Add(ref a, 5 * rsa)); c5x = TOps.Fma(a5, bx, c5x); c5y = TOps.Fma(a5, by, c5y);
            TV a6 = TOps.Splat(Unsafe.Add(ref a, 6 * rsa)); c6x = TOps.Fma(a6, bx, c6x); c6y = TOps.Fma(a6, by, c6y);
            TV a7 = TOps.Splat(Unsafe.Add(ref a, 7 * rsa)); c7x = TOps.Fma(a7, bx, c7x); c7y = TOps.Fma(a7, by, c7y);
            TV a8 = TOps.Splat(Unsafe.Add(ref a, 8 * rsa)); c8x = TOps.Fma(a8, bx, c8x); c8y = TOps.Fma(a8, by, c8y);
            TV a9 = TOps.Splat(Unsafe.Add(ref a, 9 * rsa)); c9x = TOps.Fma(a9, bx, c9x); c9y = TOps.Fma(a9, by, c9y);
            TV a10 = TOps.Splat(Unsafe.Add(ref a, 10 * rsa)); c10x = TOps.Fma(a10, bx, c10x); c10y = TOps.Fma(a10, by, c10y);
            TV a11 = TOps.Splat(Unsafe.Add(ref a, 11 * rsa)); c11x = TOps.Fma(a11, bx, c11x); c11y = TOps.Fma(a11, by, c11y);
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, ldb);
        }

        TV va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        Update<T, TV, TOps>(ref c, c0x, c0y, va, vb, mode);
        if (rows > 1) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 1 * ldc), c1x, c1y, va, vb, mode);
        if (rows > 2) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 2 * ldc), c2x, c2y, va, vb, mode);
        if (rows > 3) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 3 * ldc), c3x, c3y, va, vb, mode);
        if (rows > 4) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 4 * ldc), c4x, c4y, va, vb, mode);
        if (rows > 5) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 5 * ldc), c5x, c5y, va, vb, mode);
        if (rows > 6) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 6 * ldc), c6x, c6y, va, vb, mode);
        if (rows > 7) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 7 * ldc), c7x, c7y, va, vb, mode);
        if (rows > 8) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 8 * ldc), c8x, c8y, va, vb, mode);
        if (rows > 9) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 9 * ldc), c9x, c9y, va, vb, mode);
        if (rows > 10) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 10 * ldc), c10x, c10y, va, vb, mode);
        if (rows > 11) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 11 * ldc), c11x, c11y, va, vb, mode);
    }

    /// <summary>
    /// <see cref="Kernel6{T, TV, TOps}"/> reading op(A) in place, element (i, p) at <c>a[i · rsa + p · csa]</c>. All 6 rows must exist.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Kernel6Strided<T, TV, TOps>(int kc, ref T a, nint rsa, nint csa, ref T b, nint ldb, ref T c, nint ldc, T alpha, T beta, int mode, int rows)
        where T : unmanaged where TOps : struct, IGemmVector<TV, T>
    {
        nint w = TOps.Count;
        TV c0x = TOps.Zero, c0y = TOps.Zero, c1x = TOps.Zero, c1y = TOps.Zero, c2x = TOps.Zero, c2y = TOps.Zero, c3x = TOps.Zero, c3y = TOps.Zero, c4x = TOps.Zero, c4y = TOps.Zero, c5x = TOps.Zero, c5y = TOps.Zero;
        for (int p = 0; p < kc; p++)
        {
            TV bx = TOps.Load(ref b), by = TOps.Load(ref Unsafe.Add(ref b, w));
            TV a0 = TOps.Splat(a); c0x = TOps.Fma(a0, bx, c0x); c0y = TOps.Fma(a0, by, c0y);
            TV a1 = TOps.Splat(Unsafe.Add(ref a, 1 * rsa)); c1x = TOps.Fma(a1, bx, c1x); c1y = TOps.Fma(a1, by, c1y);
            TV a2 = TOps.Splat(Unsafe.Add(ref a, 2 * rsa)); c2x = TOps.Fma(a2, bx, c2x); c2y = TOps.Fma(a2, by, c2y);
            TV a3 = TOps.Splat(Unsafe.Add(ref a, 3 * rsa)); c3x = TOps.Fma(a3, bx, c3x); c3y = TOps.Fma(a3, by, c3y);
            TV a4 = TOps.Splat(Unsafe.Add(ref a, 4 * rsa)); c4x = TOps.Fma(a4, bx, c4x); c4y = TOps.Fma(a4, by, c4y);
            TV a5 = TOps.Splat(Unsafe.Add(ref a, 5 * rsa)); c5x = TOps.Fma(a5, bx, c5x); c5y = TOps.Fma(a5, by, c5y);
            a = ref Unsafe.Add(ref a, csa);
            b = ref Unsafe.Add(ref b, ldb);
        }

        TV va = TOps.Splat(alpha), vb = TOps.Splat(beta);
        Update<T, TV, TOps>(ref c, c0x, c0y, va, vb, mode);
        if (rows > 1) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 1 * ldc), c1x, c1y, va, vb, mode);
        if (rows > 2) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 2 * ldc), c2x, c2y, va, vb, mode);
        if (rows > 3) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 3 * ldc), c3x, c3y, va, vb, mode);
        if (rows > 4) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 4 * ldc), c4x, c4y, va, vb, mode);
        if (rows > 5) Update<T, TV, TOps>(ref Unsafe.Add(ref c, 5 * ldc), c5x, c5y, va, vb, mode);
    }
}
