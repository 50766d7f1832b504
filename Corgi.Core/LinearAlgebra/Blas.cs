using System;
using System.Runtime.CompilerServices;
using MathNet.Numerics;
using MathNet.Numerics.Providers.LinearAlgebra;

namespace Corgi.LinearAlgebra;

/// <summary>
/// Selects the BLAS backend used by Corgi's matrix products and, through
/// <see cref="LinearAlgebraControl.Provider"/>, by all Math.NET matrix code in the process.
/// </summary>
/// <remarks>
/// <para>The backend is chosen automatically on first use (the first product, or the first call to any
/// member of this class) from the <c>CORGI_BLAS</c> environment variable:</para>
/// <list type="bullet">
/// <item><description>unset, empty or <c>auto</c>: OpenBLAS when the native library loads and runs a kernel made
/// for the CPU; Corgi's own managed GEMM (<see cref="CorgiLinearAlgebraProvider"/>) when OpenBLAS is not
/// installed, or when it fell back to a generic kernel (<c>openblas_get_corename</c>: Prescott, Nehalem...) on a
/// CPU with AVX2 or AVX-512, where Corgi's kernels are several times faster;</description></item>
/// <item><description><c>openblas</c>: OpenBLAS, and an <see cref="InvalidOperationException"/> if it cannot be loaded;</description></item>
/// <item><description><c>corgi</c>: Corgi's managed GEMM provider;</description></item>
/// <item><description><c>managed</c>: Math.NET's managed provider (for reference: 10-30x slower products);</description></item>
/// <item><description>anything else: an <see cref="InvalidOperationException"/>.</description></item>
/// </list>
/// <para><see cref="Summary"/> says what was chosen and why. The choice can be changed later with
/// <see cref="UseCorgi"/>, <see cref="UseManaged"/> and <see cref="UseOpenBlas"/>.
/// Prefer these over assigning <see cref="LinearAlgebraControl.Provider"/> directly: Corgi's own
/// row-major products follow <see cref="ProviderName"/>, not Math.NET's setting.</para>
/// </remarks>
public static class Blas
{
    /// <summary>The environment variable that selects the backend.</summary>
    public const string EnvironmentVariable = "CORGI_BLAS";

    private const int Uninitialized = 0, ManagedKind = 1, OpenBlasKind = 2, CorgiKind = 3;

    private static volatile int s_kind;
    private static readonly object s_lock = new();
    private static OpenBlasLinearAlgebraProvider? s_openBlasProvider;
    private static CorgiLinearAlgebraProvider? s_corgiProvider;
    private static string s_reason = "";

    /// <summary>True when the native OpenBLAS library could be loaded (whether or not it is selected).</summary>
    public static bool IsOpenBlasAvailable => OpenBlasNative.IsAvailable;

    /// <summary>The active backend: <c>"openblas"</c>, <c>"corgi"</c> or <c>"managed"</c>. Triggers automatic selection.</summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    public static string ProviderName => Kind switch { OpenBlasKind => "openblas", CorgiKind => "corgi", _ => "managed" };

    /// <summary>
    /// Why the active backend was chosen: e.g. <c>"OpenBLAS not installed"</c>, <c>"selected by CORGI_BLAS"</c>,
    /// <c>"OpenBLAS runs its generic Prescott kernel on this AVX-512 CPU"</c> or <c>"switched by UseCorgi()"</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    public static string Reason
    {
        get
        {
            _ = Kind;
            return s_reason;
        }
    }

    /// <summary>
    /// A human-readable description of the active backend: for OpenBLAS the library loaded, the output
    /// of <c>openblas_get_config()</c>, the thread count and, when OpenBLAS fell back to a generic kernel
    /// on a modern CPU, an <c>OPENBLAS_CORETYPE</c> hint; for the managed provider Math.NET's
    /// provider description and its degree of parallelism.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    public static string Description
    {
        get
        {
            if (Kind == OpenBlasKind)
            {
                return "openblas: " + OpenBlasNative.Config.Trim()
                    + " (library " + OpenBlasNative.LibraryName + (OpenBlasNative.Ilp64 ? ", ILP64" : "")
                    + ", " + OpenBlasNative.GetNumThreads().ToString(System.Globalization.CultureInfo.InvariantCulture) + " threads)"
                    + (OpenBlasNative.CoreTypeHint is { } hint ? "; " + hint : "");
            }

            if (Kind == CorgiKind)
            {
                return "corgi: " + CorgiLinearAlgebraProvider.Describe() + " (MaxDegreeOfParallelism "
                    + Control.MaxDegreeOfParallelism.ToString(System.Globalization.CultureInfo.InvariantCulture) + "); " + s_reason;
            }

            var reason = OpenBlasNative.IsAvailable ? "" : "; OpenBLAS not available: " + OpenBlasNative.LoadError;
            return "managed: " + ManagedLinearAlgebraProvider.Instance + " (MaxDegreeOfParallelism "
                + Control.MaxDegreeOfParallelism.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" + reason;
        }
    }

    /// <summary>
    /// One line naming the provider and CPU kernel in use, and why it was chosen, for a program to print at start-up:
    /// <c>linear algebra: OpenBLAS 0.3.21, Cooperlake kernel, 1 thread</c>,
    /// <c>linear algebra: Corgi managed GEMM (AVX-512, 1 thread): OpenBLAS not installed</c>, or
    /// <c>linear algebra: managed (MathNet's provider): selected by CORGI_BLAS</c>.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    public static string Summary
    {
        get
        {
            var inv = System.Globalization.CultureInfo.InvariantCulture;
            if (Kind == OpenBlasKind)
            {
                var version = OpenBlasNative.Version;
                var core = OpenBlasNative.CoreName;
                int threads = OpenBlasNative.GetNumThreads();
                return "linear algebra: OpenBLAS" + (version.Length > 0 ? " " + version : "")
                    + (core.Length > 0 ? ", " + core + " kernel" : "")
                    + ", " + threads.ToString(inv) + (threads == 1 ? " thread" : " threads")
                    + (OpenBlasNative.CoreTypeHint is { } hint ? " (" + hint + ")" : "");
            }

            if (Kind == CorgiKind)
            {
                int threads = Control.MaxDegreeOfParallelism;
                return "linear algebra: Corgi managed GEMM (" + ManagedGemm.VectorName + ", "
                    + threads.ToString(inv) + (threads == 1 ? " thread" : " threads") + "): " + s_reason;
            }

            return "linear algebra: managed (MathNet's provider): " + s_reason;
        }
    }

    /// <summary>
    /// The number of threads used by the active backend.
    /// </summary>
    /// <remarks>
    /// Getting returns <c>openblas_get_num_threads()</c> when OpenBLAS is active and Math.NET's
    /// <see cref="Control.MaxDegreeOfParallelism"/> (default <see cref="Environment.ProcessorCount"/>)
    /// when Corgi's or Math.NET's managed provider is active (Corgi's GEMM splits a large product into
    /// that many slabs, run by <c>Parallel.For</c> on the thread pool). Setting applies the value to both: OpenBLAS (if loaded) via
    /// <c>openblas_set_num_threads</c>, and <see cref="Control.MaxDegreeOfParallelism"/>, which also
    /// governs the managed factorizations the OpenBLAS provider delegates to. OpenBLAS may cap the
    /// value at the maximum it was built for.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The value is less than 1.</exception>
    public static int Threads
    {
        get => Kind == OpenBlasKind ? OpenBlasNative.GetNumThreads() : Control.MaxDegreeOfParallelism;
        set
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(value, 1);
            EnsureInitialized();
            OpenBlasNative.SetNumThreads(value);
            Control.MaxDegreeOfParallelism = value;
        }
    }

    /// <summary>
    /// Runs the automatic selection if it has not happened yet. Cheap after the first call (one static
    /// field read). Call it at start-up to surface a bad <c>CORGI_BLAS</c> setting early.
    /// </summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void EnsureInitialized()
    {
        if (s_kind == Uninitialized) InitializeFromEnvironment();
    }

    /// <summary>Switches to Math.NET's managed provider, for Corgi and for Math.NET matrix code.</summary>
    public static void UseManaged() => SelectManaged("switched by UseManaged()");

    /// <summary>Switches to OpenBLAS, for Corgi and for Math.NET matrix code.</summary>
    /// <exception cref="InvalidOperationException">The native OpenBLAS library is not available.</exception>
    public static void UseOpenBlas() => SelectOpenBlas("switched by UseOpenBlas()");

    /// <summary>
    /// Switches to Corgi's managed GEMM provider (<see cref="CorgiLinearAlgebraProvider"/>), for Corgi and for
    /// Math.NET matrix code.
    /// </summary>
    public static void UseCorgi() => SelectCorgi("switched by UseCorgi()");

    private static void SelectManaged(string reason)
    {
        lock (s_lock)
        {
            LinearAlgebraControl.Provider = ManagedLinearAlgebraProvider.Instance;
            s_reason = reason;
            s_kind = ManagedKind;
        }
    }

    private static void SelectOpenBlas(string reason)
    {
        if (!OpenBlasNative.IsAvailable) throw OpenBlasUnavailableException();
        lock (s_lock)
        {
            s_openBlasProvider ??= new OpenBlasLinearAlgebraProvider();
            LinearAlgebraControl.Provider = s_openBlasProvider;
            s_reason = reason;
            s_kind = OpenBlasKind;
        }
    }

    private static void SelectCorgi(string reason)
    {
        lock (s_lock)
        {
            s_corgiProvider ??= new CorgiLinearAlgebraProvider();
            LinearAlgebraControl.Provider = s_corgiProvider;
            s_reason = reason;
            s_kind = CorgiKind;
        }
    }

    /// <summary>True when Corgi's products should call OpenBLAS directly. Triggers automatic selection.</summary>
    internal static bool UseNativeGemm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == OpenBlasKind;
    }

    /// <summary>True when Corgi's products should run in <see cref="ManagedGemm"/>. Triggers automatic selection.</summary>
    internal static bool UseCorgiGemm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == CorgiKind;
    }

    private static int Kind
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get
        {
            int kind = s_kind;
            return kind != Uninitialized ? kind : InitializeFromEnvironment();
        }
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static int InitializeFromEnvironment()
    {
        lock (s_lock)
        {
            if (s_kind != Uninitialized) return s_kind;
            var (name, reason) = Choose(Environment.GetEnvironmentVariable(EnvironmentVariable), OpenBlasNative.IsAvailable,
                OpenBlasNative.IsAvailable ? OpenBlasNative.CoreName : "");
            if (name == "openblas") SelectOpenBlas(reason);
            else if (name == "corgi") SelectCorgi(reason);
            else SelectManaged(reason);
            return s_kind;
        }
    }

    /// <summary>
    /// The selection rule: the provider (<c>"openblas"</c>, <c>"corgi"</c> or <c>"managed"</c>) for a
    /// <c>CORGI_BLAS</c> value, whether OpenBLAS loaded and the kernel it reports, and the reason, for <see cref="Summary"/>.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is unknown, or is "openblas" and OpenBLAS is unavailable.</exception>
    internal static (string Name, string Reason) Choose(string? setting, bool openBlasAvailable, string openBlasCore)
    {
        var value = setting?.Trim() ?? "";
        if (value.Length == 0 || value.Equals("auto", StringComparison.OrdinalIgnoreCase))
        {
            if (!openBlasAvailable)
            {
                // Corgi's kernels need hardware vectors; without them (rare) MathNet's scalar code is the better fallback.
                return System.Runtime.Intrinsics.Vector128.IsHardwareAccelerated
                    ? ("corgi", "OpenBLAS not installed")
                    : ("managed", "OpenBLAS not installed, and no SIMD for Corgi's GEMM");
            }
            string? cpu = System.Runtime.Intrinsics.X86.Avx512F.IsSupported ? "AVX-512"
                : System.Runtime.Intrinsics.X86.Avx2.IsSupported && System.Runtime.Intrinsics.X86.Fma.IsSupported ? "AVX2"
                : null;
            if (cpu != null && IsGenericCore(openBlasCore))
                return ("corgi", "OpenBLAS runs its generic " + openBlasCore + " kernel on this " + cpu + " CPU");
            return ("openblas", "");
        }

        if (value.Equals("managed", StringComparison.OrdinalIgnoreCase)) return ("managed", "selected by " + EnvironmentVariable);
        if (value.Equals("corgi", StringComparison.OrdinalIgnoreCase)) return ("corgi", "selected by " + EnvironmentVariable);
        if (value.Equals("openblas", StringComparison.OrdinalIgnoreCase))
        {
            if (!openBlasAvailable) throw OpenBlasUnavailableException();
            return ("openblas", "");
        }

        throw new InvalidOperationException(
            $"Unknown value '{setting}' for the environment variable {EnvironmentVariable}. "
            + "Use 'auto' (or leave it unset) to prefer OpenBLAS when installed with a kernel for this CPU, 'openblas' to require it, "
            + "'corgi' for Corgi's managed GEMM, or 'managed' for the managed Math.NET provider.");
    }

    /// <summary>
    /// True for the kernels OpenBLAS falls back to when it does not know the CPU (older than AVX2), as
    /// <c>openblas_get_corename</c> names them; <see cref="OpenBlasNative.CoreTypeHint"/> checks the same list.
    /// </summary>
    internal static bool IsGenericCore(string core)
    {
        foreach (var name in s_genericCores)
        {
            if (core.Equals(name, StringComparison.OrdinalIgnoreCase)) return true;
        }

        return false;
    }

    private static readonly string[] s_genericCores = ["Prescott", "Core2", "Penryn", "Dunnington", "Nehalem", "Atom", "Katmai", "Northwood", "Banias"];

    internal static InvalidOperationException OpenBlasUnavailableException()
        => new(
            "OpenBLAS was requested but the native library could not be loaded. Tried: "
            + string.Join(", ", OpenBlasNative.CandidateNames) + ". "
            + (OpenBlasNative.LoadError is { } error ? error + " " : "")
            + "Install it with 'apt-get install libopenblas0' (Debian/Ubuntu), 'dnf install openblas' (Fedora), "
            + "'brew install openblas' (macOS), or put libopenblas.dll on the PATH (Windows); "
            + $"or set {OpenBlasNative.PathEnvironmentVariable} to the library's full path; "
            + $"or set {EnvironmentVariable}=corgi to use Corgi's managed GEMM.");
}
