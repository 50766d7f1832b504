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
/// <item><description>unset, empty or <c>auto</c>: OpenBLAS when the native library loads, otherwise the managed provider;</description></item>
/// <item><description><c>openblas</c>: OpenBLAS, and an <see cref="InvalidOperationException"/> if it cannot be loaded;</description></item>
/// <item><description><c>managed</c>: Math.NET's managed provider;</description></item>
/// <item><description>anything else: an <see cref="InvalidOperationException"/>.</description></item>
/// </list>
/// <para>The choice can be changed later with <see cref="UseManaged"/> and <see cref="UseOpenBlas"/>.
/// Prefer these over assigning <see cref="LinearAlgebraControl.Provider"/> directly: Corgi's own
/// row-major products follow <see cref="ProviderName"/>, not Math.NET's setting.</para>
/// </remarks>
public static class Blas
{
    /// <summary>The environment variable that selects the backend.</summary>
    public const string EnvironmentVariable = "CORGI_BLAS";

    private const int Uninitialized = 0, ManagedKind = 1, OpenBlasKind = 2;

    private static volatile int s_kind;
    private static readonly object s_lock = new();
    private static OpenBlasLinearAlgebraProvider? s_openBlasProvider;

    /// <summary>True when the native OpenBLAS library could be loaded (whether or not it is selected).</summary>
    public static bool IsOpenBlasAvailable => OpenBlasNative.IsAvailable;

    /// <summary>The active backend: <c>"openblas"</c> or <c>"managed"</c>. Triggers automatic selection.</summary>
    /// <exception cref="InvalidOperationException"><c>CORGI_BLAS</c> is invalid or requests an unavailable OpenBLAS.</exception>
    public static string ProviderName => Kind == OpenBlasKind ? "openblas" : "managed";

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

            var reason = OpenBlasNative.IsAvailable ? "" : "; OpenBLAS not available: " + OpenBlasNative.LoadError;
            return "managed: " + ManagedLinearAlgebraProvider.Instance + " (MaxDegreeOfParallelism "
                + Control.MaxDegreeOfParallelism.ToString(System.Globalization.CultureInfo.InvariantCulture) + ")" + reason;
        }
    }

    /// <summary>
    /// One line naming the provider and CPU kernel in use, for a program to print at start-up:
    /// <c>linear algebra: OpenBLAS 0.3.21, Haswell kernel, 1 thread</c>, or
    /// <c>linear algebra: managed (install libopenblas0 for faster products)</c>.
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

            return OpenBlasNative.IsAvailable
                ? "linear algebra: managed (MathNet's provider, selected by " + EnvironmentVariable + ")"
                : "linear algebra: managed (install libopenblas0 for faster products)";
        }
    }

    /// <summary>
    /// The number of threads used by the active backend.
    /// </summary>
    /// <remarks>
    /// Getting returns <c>openblas_get_num_threads()</c> when OpenBLAS is active and Math.NET's
    /// <see cref="Control.MaxDegreeOfParallelism"/> (default <see cref="Environment.ProcessorCount"/>)
    /// when the managed provider is active. Setting applies the value to both: OpenBLAS (if loaded) via
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
    public static void UseManaged()
    {
        lock (s_lock)
        {
            LinearAlgebraControl.Provider = ManagedLinearAlgebraProvider.Instance;
            s_kind = ManagedKind;
        }
    }

    /// <summary>Switches to OpenBLAS, for Corgi and for Math.NET matrix code.</summary>
    /// <exception cref="InvalidOperationException">The native OpenBLAS library is not available.</exception>
    public static void UseOpenBlas()
    {
        if (!OpenBlasNative.IsAvailable) throw OpenBlasUnavailableException();
        lock (s_lock)
        {
            s_openBlasProvider ??= new OpenBlasLinearAlgebraProvider();
            LinearAlgebraControl.Provider = s_openBlasProvider;
            s_kind = OpenBlasKind;
        }
    }

    /// <summary>True when Corgi's products should call OpenBLAS directly. Triggers automatic selection.</summary>
    internal static bool UseNativeGemm
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Kind == OpenBlasKind;
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
            bool openBlas = ChooseOpenBlas(Environment.GetEnvironmentVariable(EnvironmentVariable), OpenBlasNative.IsAvailable);
            if (openBlas) UseOpenBlas();
            else UseManaged();
            return s_kind;
        }
    }

    /// <summary>
    /// The selection rule for a <c>CORGI_BLAS</c> value: true for OpenBLAS, false for managed.
    /// </summary>
    /// <exception cref="InvalidOperationException">The value is unknown, or is "openblas" and OpenBLAS is unavailable.</exception>
    internal static bool ChooseOpenBlas(string? setting, bool openBlasAvailable)
    {
        var value = setting?.Trim() ?? "";
        if (value.Length == 0 || value.Equals("auto", StringComparison.OrdinalIgnoreCase)) return openBlasAvailable;
        if (value.Equals("managed", StringComparison.OrdinalIgnoreCase)) return false;
        if (value.Equals("openblas", StringComparison.OrdinalIgnoreCase))
        {
            if (!openBlasAvailable) throw OpenBlasUnavailableException();
            return true;
        }

        throw new InvalidOperationException(
            $"Unknown value '{setting}' for the environment variable {EnvironmentVariable}. "
            + "Use 'auto' (or leave it unset) to prefer OpenBLAS when installed, 'openblas' to require it, or 'managed' for the managed Math.NET provider.");
    }

    internal static InvalidOperationException OpenBlasUnavailableException()
        => new(
            "OpenBLAS was requested but the native library could not be loaded. Tried: "
            + string.Join(", ", OpenBlasNative.CandidateNames) + ". "
            + (OpenBlasNative.LoadError is { } error ? error + " " : "")
            + "Install it with 'apt-get install libopenblas0' (Debian/Ubuntu), 'dnf install openblas' (Fedora), "
            + "'brew install openblas' (macOS), or put libopenblas.dll on the PATH (Windows); "
            + $"or set {OpenBlasNative.PathEnvironmentVariable} to the library's full path; "
            + $"or set {EnvironmentVariable}=managed to use the managed provider.");
}
