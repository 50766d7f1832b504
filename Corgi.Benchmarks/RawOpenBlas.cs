using System;
using System.Runtime.InteropServices;

namespace Corgi.Benchmarks;

/// <summary>
/// A direct P/Invoke of the system OpenBLAS (W5: the physical reference for the matrix products, cblas_dgemm and cblas_sgemm),
/// independent of any Corgi provider. Loaded on first use; <see cref="IsAvailable"/> is false when no
/// library loads.
/// </summary>
internal static unsafe class RawOpenBlas
{
    private const int CblasRowMajor = 101, CblasNoTrans = 111, CblasTrans = 112;

    // Debian's libopenblas0 / libopenblas0-pthread, then the development symlink; macOS and Windows names.
    private static readonly string[] s_names =
        { "libopenblas.so.0", "libopenblas.so", "libopenblas.dylib", "libopenblas.dll", "openblas" };

    private static readonly Lazy<Api?> s_api = new(Load);

    private sealed class Api
    {
        public required string Library;
        public delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> Dgemm;
        public delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> Sgemm;
        public delegate* unmanaged<int, void> SetNumThreads;
        public delegate* unmanaged<int> GetNumThreads;
        public delegate* unmanaged<byte*> GetConfig;
    }

    /// <summary>Whether the native library was found.</summary>
    public static bool IsAvailable => s_api.Value is not null;

    /// <summary>The library name that loaded, or null.</summary>
    public static string? Library => s_api.Value?.Library;

    /// <summary>openblas_get_config(), e.g. "OpenBLAS 0.3.21 DYNAMIC_ARCH NO_AFFINITY Haswell MAX_THREADS=64".</summary>
    public static string Config => s_api.Value is { } api ? Marshal.PtrToStringAnsi((IntPtr)api.GetConfig()) ?? "" : "";

    /// <summary>openblas_get_num_threads(), or 0 when the library is absent.</summary>
    public static int Threads => s_api.Value is { } api ? api.GetNumThreads() : 0;

    /// <summary>openblas_set_num_threads; does nothing when the library is absent.</summary>
    public static void SetThreads(int threads)
    {
        if (s_api.Value is { } api) api.SetNumThreads(threads);
    }

    /// <summary>C = A·B for row-major n x n matrices (cblas_dgemm, alpha 1, beta 0).</summary>
    public static void Dgemm(int n, double[] a, double[] b, double[] c) => Dgemm(n, false, false, a, b, c);

    /// <summary>C = op(A)·op(B) for row-major n x n matrices (cblas_dgemm, alpha 1, beta 0).</summary>
    public static void Dgemm(int n, bool transA, bool transB, double[] a, double[] b, double[] c)
    {
        var api = s_api.Value ?? throw new InvalidOperationException("openblas not installed");
        if (a.Length < n * n || b.Length < n * n || c.Length < n * n)
            throw new ArgumentException($"dgemm: buffers of {a.Length}, {b.Length}, {c.Length} are too small for {n}x{n}");
        fixed (double* pa = a, pb = b, pc = c)
            api.Dgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, n, n, n, 1.0, pa, n, pb, n, 0.0, pc, n);
    }

    /// <summary>C = op(A)·op(B) for row-major n x n matrices of float or double (cblas_sgemm or cblas_dgemm, alpha 1, beta 0).</summary>
    public static void Gemm<T>(int n, bool transA, bool transB, T[] a, T[] b, T[] c) where T : unmanaged
    {
        if (typeof(T) == typeof(double))
        {
            Dgemm(n, transA, transB, (double[])(object)a, (double[])(object)b, (double[])(object)c);
            return;
        }
        var api = s_api.Value ?? throw new InvalidOperationException("openblas not installed");
        var (fa, fb, fc) = ((float[])(object)a, (float[])(object)b, (float[])(object)c);
        if (fa.Length < n * n || fb.Length < n * n || fc.Length < n * n)
            throw new ArgumentException($"sgemm: buffers of {fa.Length}, {fb.Length}, {fc.Length} are too small for {n}x{n}");
        fixed (float* pa = fa, pb = fb, pc = fc)
            api.Sgemm(CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans, n, n, n, 1f, pa, n, pb, n, 0f, pc, n);
    }

    private static Api? Load()
    {
        foreach (var name in s_names)
        {
            if (!NativeLibrary.TryLoad(name, out var handle)) continue;
            if (NativeLibrary.TryGetExport(handle, "cblas_dgemm", out var dgemm)
                && NativeLibrary.TryGetExport(handle, "cblas_sgemm", out var sgemm)
                && NativeLibrary.TryGetExport(handle, "openblas_set_num_threads", out var set)
                && NativeLibrary.TryGetExport(handle, "openblas_get_num_threads", out var get)
                && NativeLibrary.TryGetExport(handle, "openblas_get_config", out var config))
            {
                return new Api
                {
                    Library = name,
                    Dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)dgemm,
                    Sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm,
                    SetNumThreads = (delegate* unmanaged<int, void>)set,
                    GetNumThreads = (delegate* unmanaged<int>)get,
                    GetConfig = (delegate* unmanaged<byte*>)config,
                };
            }
            NativeLibrary.Free(handle);
        }
        return null;
    }
}
