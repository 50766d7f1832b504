using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using System.Runtime.Intrinsics.X86;
using System.Threading.Tasks;
using Corgi.Kernels;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Corgi's own GEMM in managed code, laid out like BLIS (Van Zee and van de Geijn, "BLIS: A Framework for
/// Rapidly Instantiating BLAS Functionality"): C = alpha · op(A) · op(B) + beta · C, row-major, float or double.
/// </summary>
/// <remarks>
/// <para>Five loops around a register-blocked micro-kernel (<see cref="GemmMicroKernels"/>):</para>
/// <code>
/// for jc in n step NC            B block (KC x NC) lives in L3
///   for pc in k step KC          pack op(B)[pc.., jc..] into panels of NR columns
///     for ic in m step MC        pack op(A)[ic.., pc..] into panels of MR rows; A block (MC x KC) lives in L2
///       for jr in nc step NR     one B micro-panel (KC x NR) lives in L1
///         for ir in mc step MR   micro-kernel: MR x NR tile of C in registers
/// </code>
/// <para>MR x NR is 12 rows x 2 vectors with AVX-512 (12 x 16 doubles, 12 x 32 floats: 24 accumulators
/// in the 32 zmm registers), 6 rows x 2 vectors with AVX2 (16 ymm registers). The packing folds the
/// transposes in, so the micro-kernel sees one layout; partial panels are padded with zeros. Tails cost
/// only their own tiles: a bottom-edge tile stores just its rows (and when at most 6 rows are left of a
/// 12-row tiling, they run the 6-row kernel), a right-edge tile runs the same kernel into a small buffer whose
/// valid part is then copied. KC = 256 keeps the B micro-panel (KC x NR: 32 KB with AVX-512, 16 KB with AVX2)
/// in L1 and MC = 192 the A block (384 KB of doubles) in L2; NC = 2048 bounds the packed B block (4 MB).
/// Small products skip packing where it cannot pay: with at most <see cref="DirectA"/> (256) columns the full
/// panels of op(A) are read in place by strided micro-kernels (each panel serves only ceil(n / NR) tiles), and
/// with at most <see cref="DirectB"/> (256) columns so are the full panels of an untransposed B; only the edge
/// panels are packed (zero padding). A transposed float B is packed by 8 x 8 register transposes.
/// Very thin products (a·bᵀ with at most 16 columns, an inner dimension of at most 16) never come here:
/// <see cref="Gemm"/> gives them to the skinny kernels, which need no packing.</para>
/// <para>Threads: <see cref="Blas.Threads"/> (Math.NET's <c>Control.MaxDegreeOfParallelism</c>). Products
/// of at least <see cref="ParallelThreshold"/> multiply-adds are cut into that many contiguous slabs of
/// C's columns (or rows, when C is taller than wide), each computed by one <see cref="Parallel.For(int, int, ParallelOptions, Action{int})"/>
/// worker with its own packing buffers (the thread pool, the calling thread included; no pool of its own).</para>
/// </remarks>
internal static unsafe class ManagedGemm
{
    /// <summary>Depth of a packed panel (the inner-dimension block); <c>CORGI_GEMM_KC</c> overrides it, for tuning.</summary>
    internal static readonly int KC = Setting("CORGI_GEMM_KC", 256, 1);

    /// <summary>Rows of op(A) packed at a time (a multiple of both tile heights, 12 and 6); <c>CORGI_GEMM_MC</c> overrides it, for tuning.</summary>
    internal static readonly int MC = Setting("CORGI_GEMM_MC", 192, 12);

    /// <summary>
    /// Products with at most this many columns read full panels of op(A) in place instead of packing them
    /// (each panel serves only ceil(n / NR) tiles); <c>CORGI_GEMM_DIRECT_A</c> overrides it, and tests set it
    /// (0: always pack, <see cref="int.MaxValue"/>: never) to run both paths.
    /// </summary>
    internal static int DirectA { get; set; } = Setting("CORGI_GEMM_DIRECT_A", 256, 0);

    /// <summary>
    /// Products with at most this many columns read full panels of an untransposed B in place instead of packing
    /// them (besides products of at most two tiles' rows, which always do); <c>CORGI_GEMM_DIRECT_B</c> overrides it, and tests set it.
    /// </summary>
    internal static int DirectB { get; set; } = Setting("CORGI_GEMM_DIRECT_B", 256, 0);

    /// <summary>Columns of op(B) packed at a time (a multiple of every tile width).</summary>
    internal const int NC = 2048;

    /// <summary>Products smaller than this many multiply-adds (m·n·k) run on the calling thread alone.</summary>
    internal const long ParallelThreshold = 1L << 20;

    /// <summary>The environment variable that forces a vector width: <c>512</c>, <c>256</c> or <c>128</c>.</summary>
    internal const string VectorEnvironmentVariable = "CORGI_GEMM_VECTOR";

    private static int s_vectorBits = DefaultVectorBits();

    /// <summary>
    /// The widest vector width the hardware accelerates with FMA: 512 (AVX-512), 256 (AVX2 + FMA) or 128
    /// (SSE, NEON), unless <c>CORGI_GEMM_VECTOR</c> asks for a narrower one.
    /// </summary>
    internal static int HardwareVectorBits =>
        Vector512.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? 512
        : Vector256.IsHardwareAccelerated && System.Runtime.Intrinsics.X86.Fma.IsSupported ? 256
        : 128;

    /// <summary>
    /// The vector width the kernels use: 512, 256 or 128. Settable (tests force 256 to run the AVX2 kernels
    /// on AVX-512 hardware); a width the hardware lacks is rejected.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">Not 128, 256 or 512, or wider than the hardware's.</exception>
    internal static int VectorBits
    {
        get => s_vectorBits;
        set
        {
            if (value is not (128 or 256 or 512) || value > HardwareVectorBits)
                throw new ArgumentOutOfRangeException(nameof(value), value, $"Vector width must be 128, 256 or 512 bits and at most the hardware's {HardwareVectorBits}.");
            s_vectorBits = value;
        }
    }

    /// <summary>"AVX-512", "AVX2" or "128-bit vectors": the instruction set the kernels run on, for <see cref="Blas.Summary"/>.</summary>
    internal static string VectorName => s_vectorBits switch
    {
        512 => "AVX-512",
        256 => System.Runtime.Intrinsics.X86.Avx2.IsSupported ? "AVX2" : "256-bit vectors",
        _ => System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported ? "NEON" : "128-bit vectors",
    };

    /// <summary>The register tile, rows x columns of C per element type: "12x16 double, 12x32 float" with AVX-512.</summary>
    internal static string TileDescription
    {
        get
        {
            int rows = s_vectorBits == 512 ? 12 : 6, doubles = 2 * s_vectorBits / 64;
            return $"{rows}x{doubles} double, {rows}x{2 * doubles} float";
        }
    }

    private static int Setting(string name, int value, int multiple) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int v) && v >= Math.Max(multiple, 0) ? v / Math.Max(multiple, 1) * Math.Max(multiple, 1) : value;

    private static int DefaultVectorBits()
    {
        int hardware = HardwareVectorBits;
        var setting = Environment.GetEnvironmentVariable(VectorEnvironmentVariable)?.Trim();
        return int.TryParse(setting, out int bits) && bits is 128 or 256 or 512 && bits <= hardware ? bits : hardware;
    }

    /// <summary>
    /// c = alpha · op(a) · op(b) + beta · c, all row-major and exactly their matrices (lda = columns of the
    /// stored a, and so on); op(a) is m x k, op(b) is k x n. C is never read when beta is 0.
    /// </summary>
    /// <exception cref="ArgumentException">A buffer's length does not match the dimensions.</exception>
    public static void RowMajor<T>(
        bool transA, bool transB, int m, int n, int k, T alpha,
        ReadOnlySpan<T> a, ReadOnlySpan<T> b, T beta, Span<T> c) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        if (m < 0 || n < 0 || k < 0)
            throw new ArgumentOutOfRangeException(nameof(m), $"Matrix dimensions must be non-negative (m={m}, n={n}, k={k}).");
        if ((long)m * k != a.Length || (long)k * n != b.Length || (long)m * n != c.Length)
        {
            throw new ArgumentException(
                $"GEMM buffer sizes do not match m={m}, n={n}, k={k}: a.Length={a.Length} (expected {(long)m * k}), "
                + $"b.Length={b.Length} (expected {(long)k * n}), c.Length={c.Length} (expected {(long)m * n}).");
        }

        if (m == 0 || n == 0) return;
        if (k == 0 || alpha == T.Zero)
        {
            if (beta == T.Zero) c.Clear();
            else if (beta != T.One) System.Numerics.Tensors.TensorPrimitives.Multiply(c, beta, c);
            return;
        }

        fixed (T* pa = a)
        fixed (T* pb = b)
        fixed (T* pc = c)
        {
            var p = new Problem<T>
            {
                TransA = transA, TransB = transB, M = m, N = n, K = k, Alpha = alpha, Beta = beta,
                A = pa, Lda = transA ? m : k, B = pb, Ldb = transB ? k : n, C = pc, Ldc = n,
            };
            switch (s_vectorBits)
            {
                case 512: Run<T, Vector512<T>, GemmVector512<T>>(p); break;
                case 256: Run<T, Vector256<T>, GemmVector256<T>>(p); break;
                default: Run<T, Vector128<T>, GemmVector128<T>>(p); break;
            }
        }
    }

    /// <summary>One product: the operands as pointers and leading dimensions (row strides), row-major.</summary>
    private struct Problem<T> where T : unmanaged
    {
        public bool TransA, TransB;
        public int M, N, K;
        public T Alpha, Beta;
        public T* A, B, C;
        public nint Lda, Ldb, Ldc;

        /// <summary>The sub-product for rows [i0, i0 + rows) of C.</summary>
        public readonly Problem<T> Rows(int i0, int rows)
        {
            var p = this;
            p.M = rows;
            p.A = TransA ? A + i0 : A + i0 * Lda;
            p.C = C + i0 * Ldc;
            return p;
        }

        /// <summary>The sub-product for columns [j0, j0 + columns) of C.</summary>
        public readonly Problem<T> Columns(int j0, int columns)
        {
            var p = this;
            p.N = columns;
            p.B = TransB ? B + j0 * Ldb : B + j0;
            p.C = C + j0;
            return p;
        }
    }

    private static void Run<T, TV, TOps>(Problem<T> p)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TOps : struct, IGemmVector<TV, T>
    {
        int threads = Math.Max(1, MathNet.Numerics.Control.MaxDegreeOfParallelism);
        if (threads == 1 || (long)p.M * p.N * p.K < ParallelThreshold)
        {
            Serial<T, TV, TOps>(p);
            return;
        }

        // Cut C into one slab per thread along its longer side, in whole tiles.
        bool byColumns = p.N >= p.M;
        int extent = byColumns ? p.N : p.M;
        int unit = byColumns ? 2 * TOps.Count : TOps.Rows;
        int units = (extent + unit - 1) / unit;
        int slabs = Math.Min(threads, units);
        if (slabs <= 1)
        {
            Serial<T, TV, TOps>(p);
            return;
        }

        var options = new ParallelOptions { MaxDegreeOfParallelism = slabs };
        Parallel.For(0, slabs, options, s =>
        {
            int first = (int)((long)units * s / slabs) * unit;
            int last = Math.Min(extent, (int)((long)units * (s + 1) / slabs) * unit);
            if (last <= first) return;
            Serial<T, TV, TOps>(byColumns ? p.Columns(first, last - first) : p.Rows(first, last - first));
        });
    }

    /// <summary>The five loops on the calling thread, with this thread's packing buffers.</summary>
    [SkipLocalsInit]
    private static void Serial<T, TV, TOps>(Problem<T> p)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TOps : struct, IGemmVector<TV, T>
    {
        int mr = TOps.Rows, nr = 2 * TOps.Count;
        T* packA = PackBuffers<T>.A(MC * KC);
        T* packB = PackBuffers<T>.B(KC * Math.Min(NC, RoundUp(p.N, nr)));
        T* edge = stackalloc T[12 * 2 * 64 / sizeof(T)];
        bool directB = !p.TransB && (p.M <= 2 * mr || p.N <= DirectB);
        // A small product's A panels serve few B panels (ceil(n / NR)): read in place, not packed.
        bool directA = p.N <= DirectA;
        nint rsa = p.TransA ? 1 : p.Lda, csa = p.TransA ? p.Lda : 1;
        for (int jc = 0; jc < p.N; jc += NC)
        {
            int nc = Math.Min(NC, p.N - jc);
            for (int pc = 0; pc < p.K; pc += KC)
            {
                int kc = Math.Min(KC, p.K - pc);
                // beta applies once, with the first panel of the inner dimension; later panels add to C.
                T beta = pc == 0 ? p.Beta : T.One;
                int mode = beta == T.Zero ? GemmMicroKernels.Overwrite : beta == T.One ? GemmMicroKernels.Accumulate : GemmMicroKernels.Scale;
                // A B panel serves ceil(m / MR) tiles: for one or two, packing costs more than it saves, so full
                // panels of an untransposed B are read in place and only the right-edge panel is packed.
                int lastPanel = nc / nr * nr;
                if (!directB) PackB<T, TV, TOps>(p.TransB, p.B, p.Ldb, pc, kc, jc, nc, packB, nr);
                else if (lastPanel < nc) PackB<T, TV, TOps>(p.TransB, p.B, p.Ldb, pc, kc, jc + lastPanel, nc - lastPanel, packB + (nint)lastPanel * kc, nr);
                for (int ic = 0; ic < p.M; ic += MC)
                {
                    int mc = Math.Min(MC, p.M - ic);
                    // Full A panels read in place (small products); the rest, with a bottom-edge panel, packed.
                    int direct = directA ? mc / mr * mr : 0;
                    if (direct < mc) PackA(p.TransA, p.A, p.Lda, ic + direct, mc - direct, pc, kc, packA, mr);
                    for (int jr = 0; jr < nc; jr += nr)
                    {
                        int cols = Math.Min(nr, nc - jr);
                        bool inPlace = directB && cols == nr;
                        ref T b = ref Unsafe.AsRef<T>(inPlace ? p.B + pc * p.Ldb + jc + jr : packB + (nint)jr * kc);
                        nint ldb = inPlace ? p.Ldb : nr;
                        T* c = p.C + (ic * p.Ldc) + jc + jr;
                        for (int ir = 0; ir < mc; ir += mr)
                        {
                            int rows = Math.Min(mr, mc - ir);
                            T* cTile = c + ir * p.Ldc;
                            if (ir < direct)
                            {
                                ref T ad = ref Unsafe.AsRef<T>(p.TransA ? p.A + pc * p.Lda + ic + ir : p.A + (ic + ir) * p.Lda + pc);
                                if (cols == nr)
                                {
                                    GemmMicroKernels.TileStrided<T, TV, TOps>(kc, ref ad, rsa, csa, ref b, ldb, ref Unsafe.AsRef<T>(cTile), p.Ldc, p.Alpha, beta, mode, rows);
                                }
                                else
                                {
                                    GemmMicroKernels.TileStrided<T, TV, TOps>(kc, ref ad, rsa, csa, ref b, ldb, ref Unsafe.AsRef<T>(edge), nr, T.One, T.Zero, GemmMicroKernels.Overwrite, rows);
                                    MergeEdge(edge, nr, cTile, p.Ldc, rows, cols, p.Alpha, beta, mode);
                                }

                                continue;
                            }

                            ref T a = ref Unsafe.AsRef<T>(packA + (nint)(ir - direct) * kc);
                            bool half = rows <= mr / 2 && mr == 12;
                            if (cols == nr)
                            {
                                // Rows past the end of C are computed (from zero padding) but not stored.
                                if (half) GemmMicroKernels.HalfTile<T, TV, TOps>(kc, ref a, ref b, ldb, ref Unsafe.AsRef<T>(cTile), p.Ldc, p.Alpha, beta, mode, rows);
                                else GemmMicroKernels.Tile<T, TV, TOps>(kc, ref a, ref b, ldb, ref Unsafe.AsRef<T>(cTile), p.Ldc, p.Alpha, beta, mode, rows);
                            }
                            else
                            {
                                // A right-edge tile: the whole tile into the buffer, then its valid part into C.
                                if (half) GemmMicroKernels.HalfTile<T, TV, TOps>(kc, ref a, ref b, ldb, ref Unsafe.AsRef<T>(edge), nr, T.One, T.Zero, GemmMicroKernels.Overwrite, rows);
                                else GemmMicroKernels.Tile<T, TV, TOps>(kc, ref a, ref b, ldb, ref Unsafe.AsRef<T>(edge), nr, T.One, T.Zero, GemmMicroKernels.Overwrite, rows);
                                MergeEdge(edge, nr, cTile, p.Ldc, rows, cols, p.Alpha, beta, mode);
                            }
                        }
                    }
                }
            }
        }
    }

    private static int RoundUp(int x, int unit) => (x + unit - 1) / unit * unit;

    private static void MergeEdge<T>(T* tile, int ldt, T* c, nint ldc, int rows, int cols, T alpha, T beta, int mode)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        for (int i = 0; i < rows; i++)
        {
            T* t = tile + i * ldt;
            T* ci = c + i * ldc;
            for (int j = 0; j < cols; j++)
            {
                ci[j] = mode switch
                {
                    GemmMicroKernels.Overwrite => alpha * t[j],
                    GemmMicroKernels.Accumulate => T.FusedMultiplyAdd(alpha, t[j], ci[j]),
                    _ => T.FusedMultiplyAdd(alpha, t[j], beta * ci[j]),
                };
            }
        }
    }

    /// <summary>
    /// Packs op(A)[i0 .. i0 + mc, p0 .. p0 + kc] into panels of <paramref name="mr"/> rows: panel r holds,
    /// for each step p of the inner dimension, the mr elements of column p side by side; rows past the end are zeros.
    /// </summary>
    private static void PackA<T>(bool transA, T* a, nint lda, int i0, int mc, int p0, int kc, T* dst, int mr)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        int fullRows = mr;
        for (int ir = 0; ir < mc; ir += fullRows)
        {
            int rows = Math.Min(fullRows, mc - ir);
            T* d = dst + ir * kc;
            // the last rows of a 12-row tiling, if at most 6, go to the 6-row kernel: a panel 6 wide
            mr = rows <= fullRows / 2 && fullRows == 12 ? fullRows / 2 : fullRows;
            if (transA)
            {
                // op(A)[i, p] = A[p, i]: each step's rows are contiguous in A.
                for (int p = 0; p < kc; p++)
                {
                    T* src = a + (p0 + p) * lda + i0 + ir;
                    T* dp = d + p * mr;
                    int i = 0;
                    for (; i < rows; i++) dp[i] = src[i];
                    for (; i < mr; i++) dp[i] = T.Zero;
                }
            }
            else if (rows == mr && mr == 12)
            {
                // a full 12-row panel: step by step, twelve loads from twelve rows and contiguous stores
                T* src = a + (i0 + ir) * lda + p0;
                for (int p = 0; p < kc; p++)
                {
                    T* s0 = src + p;
                    T* dp = d + p * 12;
                    dp[0] = s0[0]; dp[1] = s0[lda]; dp[2] = s0[2 * lda]; dp[3] = s0[3 * lda];
                    dp[4] = s0[4 * lda]; dp[5] = s0[5 * lda]; dp[6] = s0[6 * lda]; dp[7] = s0[7 * lda];
                    dp[8] = s0[8 * lda]; dp[9] = s0[9 * lda]; dp[10] = s0[10 * lda]; dp[11] = s0[11 * lda];
                }
            }
            else if (rows == mr && mr == 6)
            {
                T* src = a + (i0 + ir) * lda + p0;
                for (int p = 0; p < kc; p++)
                {
                    T* s0 = src + p;
                    T* dp = d + p * 6;
                    dp[0] = s0[0]; dp[1] = s0[lda]; dp[2] = s0[2 * lda]; dp[3] = s0[3 * lda]; dp[4] = s0[4 * lda]; dp[5] = s0[5 * lda];
                }
            }
            else
            {
                for (int i = 0; i < rows; i++)
                {
                    T* src = a + (i0 + ir + i) * lda + p0;
                    T* dp = d + i;
                    for (int p = 0; p < kc; p++) dp[p * mr] = src[p];
                }

                for (int i = rows; i < mr; i++)
                {
                    for (int p = 0; p < kc; p++) d[p * mr + i] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Packs op(B)[p0 .. p0 + kc, j0 .. j0 + nc] into panels of <paramref name="nr"/> columns: panel j holds,
    /// for each step p of the inner dimension, its nr elements of row p; columns past the end are zeros.
    /// </summary>
    private static void PackB<T, TV, TOps>(bool transB, T* b, nint ldb, int p0, int kc, int j0, int nc, T* dst, int nr)
        where T : unmanaged, System.Numerics.IFloatingPointIeee754<T> where TOps : struct, IGemmVector<TV, T>
    {
        for (int jr = 0; jr < nc; jr += nr)
        {
            int cols = Math.Min(nr, nc - jr);
            T* d = dst + jr * kc;
            if (!transB && cols == nr)
            {
                // a full panel: two vectors per row, no call per row (small products pay for packing)
                nint w = TOps.Count;
                for (int p = 0; p < kc; p++)
                {
                    T* src = b + (p0 + p) * ldb + j0 + jr;
                    T* dp = d + p * nr;
                    TOps.Store(ref *dp, TOps.Load(ref *src));
                    TOps.Store(ref dp[w], TOps.Load(ref src[w]));
                }
            }
            else if (!transB)
            {
                for (int p = 0; p < kc; p++)
                {
                    T* src = b + (p0 + p) * ldb + j0 + jr;
                    new ReadOnlySpan<T>(src, cols).CopyTo(new Span<T>(d + p * nr, cols));
                    if (cols < nr) new Span<T>(d + p * nr + cols, nr - cols).Clear();
                }
            }
            else if (cols == nr && typeof(T) == typeof(float) && Avx.IsSupported && nr % 8 == 0)
            {
                // op(B)[p, j] = B[j, p], floats: 8 x 8 blocks transposed in registers, the steps past a multiple of 8 one by one
                int kc8 = kc & ~7;
                for (int j = 0; j < nr; j += 8)
                {
                    float* src = (float*)(b + (j0 + jr + j) * ldb + p0);
                    float* dj = (float*)(d + j);
                    for (int p = 0; p < kc8; p += 8) Transpose8x8(src + p, ldb, dj + p * nr, nr);
                    for (int p = kc8; p < kc; p++)
                    {
                        for (int jj = 0; jj < 8; jj++) dj[p * nr + jj] = src[jj * ldb + p];
                    }
                }
            }
            else if (cols == nr)
            {
                // op(B)[p, j] = B[j, p]: step by step, nr loads from nr rows of B (each cache line serves
                // several steps) and contiguous stores
                T* src = b + (j0 + jr) * ldb + p0;
                for (int p = 0; p < kc; p++)
                {
                    T* s0 = src + p;
                    T* dp = d + p * nr;
                    for (int j = 0; j < nr; j++) dp[j] = s0[j * ldb];
                }
            }
            else
            {
                // op(B)[p, j] = B[j, p]: each column of the panel is a contiguous row of B.
                for (int j = 0; j < cols; j++)
                {
                    T* src = b + (j0 + jr + j) * ldb + p0;
                    T* dj = d + j;
                    for (int p = 0; p < kc; p++) dj[p * nr] = src[p];
                }

                for (int j = cols; j < nr; j++)
                {
                    for (int p = 0; p < kc; p++) d[p * nr + j] = T.Zero;
                }
            }
        }
    }

    /// <summary>
    /// Stores the transpose of the 8 x 8 block of floats at <paramref name="src"/> (row stride <paramref name="lds"/>)
    /// at <paramref name="dst"/> (row stride <paramref name="ldd"/>): dst[q, r] = src[r, q]. Unpack, shuffle and
    /// 128-bit lane permutes, 24 shuffles for 64 elements instead of 64 scalar loads and stores.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Transpose8x8(float* src, nint lds, float* dst, nint ldd)
    {
        Vector256<float> r0 = Avx.LoadVector256(src), r1 = Avx.LoadVector256(src + lds), r2 = Avx.LoadVector256(src + 2 * lds), r3 = Avx.LoadVector256(src + 3 * lds);
        Vector256<float> r4 = Avx.LoadVector256(src + 4 * lds), r5 = Avx.LoadVector256(src + 5 * lds), r6 = Avx.LoadVector256(src + 6 * lds), r7 = Avx.LoadVector256(src + 7 * lds);
        Vector256<float> t0 = Avx.UnpackLow(r0, r1), t1 = Avx.UnpackHigh(r0, r1), t2 = Avx.UnpackLow(r2, r3), t3 = Avx.UnpackHigh(r2, r3);
        Vector256<float> t4 = Avx.UnpackLow(r4, r5), t5 = Avx.UnpackHigh(r4, r5), t6 = Avx.UnpackLow(r6, r7), t7 = Avx.UnpackHigh(r6, r7);
        Vector256<float> s0 = Avx.Shuffle(t0, t2, 0x44), s1 = Avx.Shuffle(t0, t2, 0xEE), s2 = Avx.Shuffle(t1, t3, 0x44), s3 = Avx.Shuffle(t1, t3, 0xEE);
        Vector256<float> s4 = Avx.Shuffle(t4, t6, 0x44), s5 = Avx.Shuffle(t4, t6, 0xEE), s6 = Avx.Shuffle(t5, t7, 0x44), s7 = Avx.Shuffle(t5, t7, 0xEE);
        Avx.Store(dst, Avx.Permute2x128(s0, s4, 0x20));
        Avx.Store(dst + ldd, Avx.Permute2x128(s1, s5, 0x20));
        Avx.Store(dst + 2 * ldd, Avx.Permute2x128(s2, s6, 0x20));
        Avx.Store(dst + 3 * ldd, Avx.Permute2x128(s3, s7, 0x20));
        Avx.Store(dst + 4 * ldd, Avx.Permute2x128(s0, s4, 0x31));
        Avx.Store(dst + 5 * ldd, Avx.Permute2x128(s1, s5, 0x31));
        Avx.Store(dst + 6 * ldd, Avx.Permute2x128(s2, s6, 0x31));
        Avx.Store(dst + 7 * ldd, Avx.Permute2x128(s3, s7, 0x31));
    }

    /// <summary>
    /// Each thread's packing buffers, grown on demand and kept: pinned (on the pinned object heap, so the
    /// pointers stay valid) and aligned to 64 bytes, so the micro-kernel's loads of B never straddle cache lines.
    /// </summary>
    private static class PackBuffers<T> where T : unmanaged
    {
        [ThreadStatic] private static T[]? t_a;
        [ThreadStatic] private static T[]? t_b;

        public static T* A(int length) => Aligned(ref t_a, length);

        public static T* B(int length) => Aligned(ref t_b, length);

        private static T* Aligned(ref T[]? buffer, int length)
        {
            int pad = 64 / sizeof(T);
            if (buffer == null || buffer.Length < length + pad)
                buffer = GC.AllocateUninitializedArray<T>(length + pad, pinned: true);
            nint address = (nint)Unsafe.AsPointer(ref buffer[0]);
            return (T*)((address + 63) & ~(nint)63);
        }
    }
}
