using System;
using System.Collections.Generic;
using System.Threading;

namespace Corgi.Kernels;

/// <summary>
/// A cache of large result buffers, by exact length. Buffers come back only from owners that know for
/// certain that nothing else can reach them (the backward engine's spent gradients, and a tracked
/// tensor's gradient that nobody ever read); everything else is left to the GC.
/// </summary>
/// <remarks>
/// Why: the GC hands out large arrays in freshly mapped memory and returns freed memory to the OS, so
/// a large result costs page faults on first write (filling a fresh 8 MB array takes about 3x as long
/// as filling one already touched). A training loop makes buffers of the same few lengths every step;
/// reusing the spent ones keeps them warm. Rented buffers hold stale values: callers overwrite them.
/// </remarks>
internal static class BufferPool
{
    /// <summary>
    /// Buffers shorter than this (8192 doubles, 64 KB) are never cached: the GC's nursery serves them well.
    /// With CORGI_BUFFER_CACHE_CHECK=1 (a test mode) it is 1, so every buffer goes through the cache, and
    /// returned buffers are filled with NaN: a buffer returned while still in use, or a kernel that does not
    /// overwrite all of a rented buffer, then shows up as NaNs in the tests.
    /// </summary>
    public static readonly int MinLength = CheckMode ? 1 : 8192;

    // The same threshold in bytes, so float32 buffers are cached from the same size in memory (16384 floats).
    private static readonly long s_minBytes = CheckMode ? 1 : (long)MinLength * sizeof(double);

    /// <summary>Whether a buffer of <paramref name="length"/> elements of <typeparamref name="T"/> goes through the cache.</summary>
    [System.Runtime.CompilerServices.MethodImpl(System.Runtime.CompilerServices.MethodImplOptions.AggressiveInlining)]
    public static bool IsCached<T>(int length) where T : unmanaged =>
        (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>() >= s_minBytes;

    private static bool IsCached(Array buffer) =>
        (long)buffer.Length * (buffer is float[] ? sizeof(float) : sizeof(double)) >= s_minBytes;

    // The cache's key: the length and the element type (float32 and float64 buffers of one length differ).
    private static long Key(int length, bool single) => ((long)length << 1) | (single ? 1L : 0L);

    private static bool CheckMode => Environment.GetEnvironmentVariable("CORGI_BUFFER_CACHE_CHECK") == "1";

    private static readonly bool s_poison = CheckMode;

    // Check mode only: the buffers in the cache now, to catch a buffer given back twice.
    private static readonly HashSet<Array>? s_inCache = CheckMode ? new HashSet<Array>(ReferenceEqualityComparer.Instance) : null;

    private static readonly object s_lock = new();
    private static readonly Dictionary<long, Stack<Array>> s_free = new();
    private static long s_cachedBytes;
    private static long s_limitBytes = InitialLimit();
    private static long s_hits, s_misses, s_returns, s_dropped;

    /// <summary>The most bytes the cache keeps; a buffer returned beyond it is left to the GC.</summary>
    public static long LimitBytes
    {
        get => Interlocked.Read(ref s_limitBytes);
        set
        {
            lock (s_lock)
            {
                s_limitBytes = value;
                if (s_cachedBytes > value) ClearLocked();
            }
        }
    }

    /// <summary>The bytes held by the cache now.</summary>
    public static long CachedBytes => Interlocked.Read(ref s_cachedBytes);

    /// <summary>(hits, misses, returns, dropped) since start: rents served from the cache, rents that
    /// allocated, buffers taken back, buffers refused because the cache was full.</summary>
    public static (long Hits, long Misses, long Returns, long Dropped) Counters =>
        (Interlocked.Read(ref s_hits), Interlocked.Read(ref s_misses), Interlocked.Read(ref s_returns), Interlocked.Read(ref s_dropped));

    [ThreadStatic] private static HashSet<Array>? t_rentLog;

    /// <summary>
    /// When set, every cached-size buffer rented on this thread is added to it (the backward engine uses
    /// this to know which buffers its own pass made); null records nothing. Returns the previous log.
    /// </summary>
    public static HashSet<Array>? SwapRentLog(HashSet<Array>? log)
    {
        var previous = t_rentLog;
        t_rentLog = log;
        return previous;
    }

    /// <summary>
    /// The buffers rented on one thread while a dispose scope is open, innermost scope first (see
    /// <see cref="RentLog"/>); a buffer given back on the thread leaves every open scope's log.
    /// </summary>
    [ThreadStatic] private static RentLog? t_scopeLog;

    /// <summary>Opens a log of the cached-size buffers this thread rents until <see cref="CloseScopeLog"/>.</summary>
    public static RentLog OpenScopeLog() => t_scopeLog = new RentLog(t_scopeLog);

    /// <summary>Closes the innermost open log (it must be <paramref name="log"/>).</summary>
    public static void CloseScopeLog(RentLog log)
    {
        if (!ReferenceEquals(t_scopeLog, log))
            throw new InvalidOperationException("buffer cache: scope logs must be closed innermost first, on the thread that opened them");
        t_scopeLog = log.Outer;
    }

    /// <summary>Takes a buffer out of every open scope log on this thread: something outliving those scopes holds it.</summary>
    public static void Unlog(Array buffer)
    {
        for (var log = t_scopeLog; log is not null; log = log.Outer) log.Rented.Remove(buffer);
    }

    /// <summary>A buffer of exactly <paramref name="length"/> elements with unspecified contents.</summary>
    public static T[] Rent<T>(int length) where T : unmanaged
    {
        if (!IsCached<T>(length)) return GC.AllocateUninitializedArray<T>(length);
        T[]? buffer = null;
        long key = Key(length, typeof(T) == typeof(float));
        lock (s_lock)
        {
            if (s_free.TryGetValue(key, out var stack) && stack.Count > 0)
            {
                buffer = (T[])stack.Pop();
                s_inCache?.Remove(buffer);
                s_cachedBytes -= (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
                s_hits++;
            }
            else s_misses++;
        }
        buffer ??= GC.AllocateUninitializedArray<T>(length);
        t_rentLog?.Add(buffer);
        t_scopeLog?.Rented.Add(buffer);
        return buffer;
    }

    /// <summary>
    /// Takes back a buffer that nothing references any more (the caller guarantees it: a buffer returned
    /// while still reachable would be handed to a new owner and change under the old one).
    /// </summary>
    public static void Return(Array buffer)
    {
        if (!IsCached(buffer)) return;
        // no open scope may give it back again: it is the cache's now, then its next renter's
        Unlog(buffer);
        bool single = buffer is float[];
        long bytes = (long)buffer.Length * (single ? sizeof(float) : sizeof(double));
        if (s_poison)
        {
            if (single) Array.Fill((float[])buffer, float.NaN);
            else Array.Fill((double[])buffer, double.NaN);
        }
        long key = Key(buffer.Length, single);
        lock (s_lock)
        {
            if (s_inCache is not null && !s_inCache.Add(buffer))
                throw new InvalidOperationException("buffer cache: a buffer was given back twice (CORGI_BUFFER_CACHE_CHECK found an ownership bug)");
            if (s_cachedBytes + bytes > s_limitBytes)
            {
                s_inCache?.Remove(buffer);
                s_dropped++;
                return;
            }
            if (!s_free.TryGetValue(key, out var stack)) s_free[key] = stack = new Stack<Array>();
            stack.Push(buffer);
            s_cachedBytes += bytes;
            s_returns++;
        }
    }

    /// <summary>Empties the cache (the buffers are left to the GC).</summary>
    public static void Clear()
    {
        lock (s_lock) ClearLocked();
    }

    private static void ClearLocked()
    {
        s_free.Clear();
        s_inCache?.Clear();
        s_cachedBytes = 0;
    }

    /// <summary>256 MB, or CORGI_BUFFER_CACHE_MB when set (0 turns the cache off).</summary>
    private static long InitialLimit()
    {
        var text = Environment.GetEnvironmentVariable("CORGI_BUFFER_CACHE_MB");
        if (!string.IsNullOrWhiteSpace(text)
            && long.TryParse(text, System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var mb)
            && mb >= 0)
            return mb << 20;
        return 256L << 20;
    }
}

/// <summary>The cached-size buffers one thread rented while a scope was open (see <see cref="BufferPool.OpenScopeLog"/>).</summary>
internal sealed class RentLog(RentLog? outer)
{
    /// <summary>The log of the enclosing scope, or null.</summary>
    public RentLog? Outer { get; } = outer;

    /// <summary>The buffers rented and not given back since the log opened.</summary>
    public HashSet<Array> Rented { get; } = new(ReferenceEqualityComparer.Instance);
}
