using System;
using System.Collections.Generic;
using System.Runtime.InteropServices;
using System.Text;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Late-bound entry points into the system OpenBLAS library (CBLAS interface plus the OpenBLAS
/// thread-control extensions), resolved with <see cref="NativeLibrary"/> into unmanaged function
/// pointers. Nothing here throws when the library is missing: <see cref="IsAvailable"/> is then
/// false and <see cref="LoadError"/> says why.
/// </summary>
/// <remarks>
/// Both the usual LP64 builds (32-bit integer arguments, plain symbol names) and ILP64 builds
/// (64-bit integer arguments; symbols either suffixed with <c>64_</c> or reported by
/// <c>openblas_get_config()</c> as <c>USE64BITINT</c>) are supported. The wrappers below take
/// <see cref="int"/> arguments and widen them when the loaded library is ILP64.
/// Callers must validate all sizes and buffer lengths before calling: these wrappers do not.
/// </remarks>
internal static unsafe class OpenBlasNative
{
    /// <summary>CBLAS_ORDER.CblasRowMajor.</summary>
    public const int RowMajor = 101;
    /// <summary>CBLAS_ORDER.CblasColMajor.</summary>
    public const int ColMajor = 102;
    /// <summary>CBLAS_TRANSPOSE.CblasNoTrans.</summary>
    public const int NoTrans = 111;
    /// <summary>CBLAS_TRANSPOSE.CblasTrans.</summary>
    public const int Trans = 112;

    /// <summary>Environment variable that may name an explicit OpenBLAS library path to try first.</summary>
    public const string PathEnvironmentVariable = "CORGI_OPENBLAS_PATH";

    /// <summary>True when the library was loaded and every required symbol was resolved.</summary>
    public static readonly bool IsAvailable;

    /// <summary>True when the loaded library uses 64-bit integers (ILP64).</summary>
    public static readonly bool Ilp64;

    /// <summary>The library name or path that was loaded, or null.</summary>
    public static readonly string? LibraryName;

    /// <summary>Why loading failed (null when <see cref="IsAvailable"/>).</summary>
    public static readonly string? LoadError;

    /// <summary>The library names and paths tried, in order, for error messages.</summary>
    public static readonly string[] CandidateNames;

    // LP64 entry points (blasint = int).
    private static readonly delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void> s_dgemm;
    private static readonly delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void> s_sgemm;
    private static readonly delegate* unmanaged<int, double, double*, int, double*, int, void> s_daxpy;
    private static readonly delegate* unmanaged<int, float, float*, int, float*, int, void> s_saxpy;
    private static readonly delegate* unmanaged<int, double, double*, int, void> s_dscal;
    private static readonly delegate* unmanaged<int, float, float*, int, void> s_sscal;
    private static readonly delegate* unmanaged<int, double*, int, double*, int, double> s_ddot;
    private static readonly delegate* unmanaged<int, float*, int, float*, int, float> s_sdot;

    // ILP64 entry points (blasint = int64). CBLAS enums stay C ints.
    private static readonly delegate* unmanaged<int, int, int, long, long, long, double, double*, long, double*, long, double, double*, long, void> s_dgemm64;
    private static readonly delegate* unmanaged<int, int, int, long, long, long, float, float*, long, float*, long, float, float*, long, void> s_sgemm64;
    private static readonly delegate* unmanaged<long, double, double*, long, double*, long, void> s_daxpy64;
    private static readonly delegate* unmanaged<long, float, float*, long, float*, long, void> s_saxpy64;
    private static readonly delegate* unmanaged<long, double, double*, long, void> s_dscal64;
    private static readonly delegate* unmanaged<long, float, float*, long, void> s_sscal64;
    private static readonly delegate* unmanaged<long, double*, long, double*, long, double> s_ddot64;
    private static readonly delegate* unmanaged<long, float*, long, float*, long, float> s_sdot64;

    // Thread control takes/returns a plain C int in both builds.
    private static readonly delegate* unmanaged<int, void> s_setNumThreads;
    private static readonly delegate* unmanaged<int> s_getNumThreads;
    private static readonly delegate* unmanaged<byte*> s_getConfig;
    private static readonly delegate* unmanaged<byte*> s_getCoreName;

    static OpenBlasNative()
    {
        CandidateNames = BuildCandidateNames();
        try
        {
            var errors = new StringBuilder();
            foreach (var name in CandidateNames)
            {
                if (!NativeLibrary.TryLoad(name, typeof(OpenBlasNative).Assembly, null, out var handle))
                {
                    continue;
                }

                // Plain names first (LP64, or ILP64 without suffix); then the "64_" suffixed ILP64 names.
                string suffix;
                if (NativeLibrary.TryGetExport(handle, "cblas_dgemm", out _)) suffix = "";
                else if (NativeLibrary.TryGetExport(handle, "cblas_dgemm64_", out _)) suffix = "64_";
                else
                {
                    errors.Append(name).Append(": loaded, but it exports neither cblas_dgemm nor cblas_dgemm64_. ");
                    NativeLibrary.Free(handle);
                    continue;
                }

                var missing = new List<string>();
                nint Get(string symbol)
                {
                    if (NativeLibrary.TryGetExport(handle, symbol + suffix, out var p)) return p;
                    missing.Add(symbol + suffix);
                    return 0;
                }
                nint Optional(string symbol)
                {
                    if (NativeLibrary.TryGetExport(handle, symbol + suffix, out var p)) return p;
                    return NativeLibrary.TryGetExport(handle, symbol, out p) ? p : 0;
                }

                nint dgemm = Get("cblas_dgemm"), sgemm = Get("cblas_sgemm");
                nint daxpy = Get("cblas_daxpy"), saxpy = Get("cblas_saxpy");
                nint dscal = Get("cblas_dscal"), sscal = Get("cblas_sscal");
                nint ddot = Get("cblas_ddot"), sdot = Get("cblas_sdot");
                nint setThreads = Get("openblas_set_num_threads"), getThreads = Get("openblas_get_num_threads");
                nint getConfig = Optional("openblas_get_config");
                nint getCoreName = Optional("openblas_get_corename");
                if (missing.Count > 0)
                {
                    errors.Append(name).Append(": loaded, but missing symbols ").Append(string.Join(", ", missing)).Append(". ");
                    NativeLibrary.Free(handle);
                    continue;
                }

                s_getConfig = (delegate* unmanaged<byte*>)getConfig;
                s_getCoreName = (delegate* unmanaged<byte*>)getCoreName;
                bool ilp64 = suffix.Length > 0 || ConfigOf(s_getConfig).Contains("USE64BITINT", StringComparison.Ordinal);
                if (ilp64)
                {
                    s_dgemm64 = (delegate* unmanaged<int, int, int, long, long, long, double, double*, long, double*, long, double, double*, long, void>)dgemm;
                    s_sgemm64 = (delegate* unmanaged<int, int, int, long, long, long, float, float*, long, float*, long, float, float*, long, void>)sgemm;
                    s_daxpy64 = (delegate* unmanaged<long, double, double*, long, double*, long, void>)daxpy;
                    s_saxpy64 = (delegate* unmanaged<long, float, float*, long, float*, long, void>)saxpy;
                    s_dscal64 = (delegate* unmanaged<long, double, double*, long, void>)dscal;
                    s_sscal64 = (delegate* unmanaged<long, float, float*, long, void>)sscal;
                    s_ddot64 = (delegate* unmanaged<long, double*, long, double*, long, double>)ddot;
                    s_sdot64 = (delegate* unmanaged<long, float*, long, float*, long, float>)sdot;
                }
                else
                {
                    s_dgemm = (delegate* unmanaged<int, int, int, int, int, int, double, double*, int, double*, int, double, double*, int, void>)dgemm;
                    s_sgemm = (delegate* unmanaged<int, int, int, int, int, int, float, float*, int, float*, int, float, float*, int, void>)sgemm;
                    s_daxpy = (delegate* unmanaged<int, double, double*, int, double*, int, void>)daxpy;
                    s_saxpy = (delegate* unmanaged<int, float, float*, int, float*, int, void>)saxpy;
                    s_dscal = (delegate* unmanaged<int, double, double*, int, void>)dscal;
                    s_sscal = (delegate* unmanaged<int, float, float*, int, void>)sscal;
                    s_ddot = (delegate* unmanaged<int, double*, int, double*, int, double>)ddot;
                    s_sdot = (delegate* unmanaged<int, float*, int, float*, int, float>)sdot;
                }

                s_setNumThreads = (delegate* unmanaged<int, void>)setThreads;
                s_getNumThreads = (delegate* unmanaged<int>)getThreads;
                Ilp64 = ilp64;
                LibraryName = name;
                IsAvailable = true;
                return;
            }

            LoadError = errors.Length > 0
                ? errors.ToString().TrimEnd()
                : "None of the candidate libraries could be loaded.";
        }
        catch (Exception e)
        {
            // Never let a loader problem escape the type initializer: just report "unavailable".
            IsAvailable = false;
            LoadError = "Loading OpenBLAS failed: " + e.GetType().Name + ": " + e.Message;
        }
    }

    private static string[] BuildCandidateNames()
    {
        var names = new List<string>();
        var explicitPath = Environment.GetEnvironmentVariable(PathEnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(explicitPath)) names.Add(explicitPath.Trim());

        if (OperatingSystem.IsWindows())
        {
            names.Add("libopenblas.dll");
            names.Add("openblas.dll");
        }
        else if (OperatingSystem.IsMacOS())
        {
            names.Add("libopenblas.dylib");
            names.Add("/opt/homebrew/opt/openblas/lib/libopenblas.dylib");
            names.Add("/usr/local/opt/openblas/lib/libopenblas.dylib");
            names.Add("libopenblas.0.dylib");
        }
        else
        {
            names.Add("libopenblas.so.0");
            names.Add("libopenblas.so");
            names.Add("libopenblas64_.so.0");
            names.Add("libopenblas64.so.0");
        }

        return names.ToArray();
    }

    private static string ConfigOf(delegate* unmanaged<byte*> getConfig)
    {
        if (getConfig == null) return "";
        var p = getConfig();
        return p == null ? "" : Marshal.PtrToStringUTF8((nint)p) ?? "";
    }

    /// <summary>The string returned by <c>openblas_get_config()</c>, or empty when unavailable.</summary>
    public static string Config => IsAvailable ? ConfigOf(s_getConfig) : "";

    /// <summary>
    /// The CPU kernel OpenBLAS runs (<c>openblas_get_corename()</c>, e.g. "Haswell" or "SkylakeX"), or empty
    /// when unavailable or when the library does not export it.
    /// </summary>
    public static string CoreName => IsAvailable ? ConfigOf(s_getCoreName) : "";

    /// <summary>The OpenBLAS version from <see cref="Config"/> ("0.3.21"), or empty when it does not say.</summary>
    public static string Version
    {
        get
        {
            var parts = Config.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return parts.Length >= 2 && parts[0] == "OpenBLAS" ? parts[1] : "";
        }
    }

    /// <summary>
    /// A hint when OpenBLAS fell back to an old generic x86 kernel on a CPU with AVX2/AVX-512 (it does so
    /// for CPU models newer than the library, e.g. OpenBLAS 0.3.21 on Sapphire/Emerald Rapids), or null.
    /// The fix is the environment variable OPENBLAS_CORETYPE, which OpenBLAS reads when it is loaded.
    /// </summary>
    public static string? CoreTypeHint
    {
        get
        {
            var config = Config;
            if (config.Length == 0) return null;
            bool generic = false;
            foreach (var name in new[] { " Prescott", " Core2", " Penryn", " Dunnington", " Nehalem", " Atom" })
            {
                if (config.Contains(name, StringComparison.Ordinal)) generic = true;
            }

            if (!generic) return null;
            string? suggestion = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "SkylakeX"
                : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "Haswell"
                : null;
            return suggestion == null
                ? null
                : $"OpenBLAS did not recognise this CPU and uses a generic kernel; start the process with OPENBLAS_CORETYPE={suggestion} for several times the speed";
        }
    }

    /// <summary>openblas_get_num_threads(); 0 when unavailable.</summary>
    public static int GetNumThreads() => IsAvailable ? s_getNumThreads() : 0;

    /// <summary>openblas_set_num_threads(n); no-op when unavailable.</summary>
    public static void SetNumThreads(int n)
    {
        if (IsAvailable) s_setNumThreads(n);
    }

    /// <summary>cblas_dgemm. All sizes must be positive and the leading dimensions valid.</summary>
    public static void Dgemm(int order, int transA, int transB, int m, int n, int k, double alpha,
        double* a, int lda, double* b, int ldb, double beta, double* c, int ldc)
    {
        if (Ilp64) s_dgemm64(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else s_dgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>cblas_sgemm. All sizes must be positive and the leading dimensions valid.</summary>
    public static void Sgemm(int order, int transA, int transB, int m, int n, int k, float alpha,
        float* a, int lda, float* b, int ldb, float beta, float* c, int ldc)
    {
        if (Ilp64) s_sgemm64(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
        else s_sgemm(order, transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc);
    }

    /// <summary>cblas_daxpy with unit strides: y += alpha * x.</summary>
    public static void Daxpy(int n, double alpha, double* x, double* y)
    {
        if (Ilp64) s_daxpy64(n, alpha, x, 1, y, 1);
        else s_daxpy(n, alpha, x, 1, y, 1);
    }

    /// <summary>cblas_saxpy with unit strides: y += alpha * x.</summary>
    public static void Saxpy(int n, float alpha, float* x, float* y)
    {
        if (Ilp64) s_saxpy64(n, alpha, x, 1, y, 1);
        else s_saxpy(n, alpha, x, 1, y, 1);
    }

    /// <summary>cblas_dscal with unit stride: x *= alpha.</summary>
    public static void Dscal(int n, double alpha, double* x)
    {
        if (Ilp64) s_dscal64(n, alpha, x, 1);
        else s_dscal(n, alpha, x, 1);
    }

    /// <summary>cblas_sscal with unit stride: x *= alpha.</summary>
    public static void Sscal(int n, float alpha, float* x)
    {
        if (Ilp64) s_sscal64(n, alpha, x, 1);
        else s_sscal(n, alpha, x, 1);
    }

    /// <summary>cblas_ddot with unit strides.</summary>
    public static double Ddot(int n, double* x, double* y)
        => Ilp64 ? s_ddot64(n, x, 1, y, 1) : s_ddot(n, x, 1, y, 1);

    /// <summary>cblas_sdot with unit strides.</summary>
    public static float Sdot(int n, float* x, float* y)
        => Ilp64 ? s_sdot64(n, x, 1, y, 1) : s_sdot(n, x, 1, y, 1);
}
