using System;
using Corgi.Kernels;

namespace Corgi;

/// <summary>
/// The cache of large value buffers (64 KB and up) that Corgi reuses instead of asking the GC for fresh
/// memory: the backward pass gives back each intermediate gradient's buffer as soon as it has been
/// propagated, and a tracked tensor's gradient gives its buffer back when it is cleared without ever having
/// been read. The next results of the same size are then written into memory that is already mapped and
/// warm (a fresh 8 MB array costs about 3x as much to fill). Like PyTorch's caching allocator, but only
/// for buffers that nothing else can reach: the values of any tensor you hold never change.
/// </summary>
/// <example>
/// <code>
/// BufferCache.LimitBytes = 64L &lt;&lt; 20;   // keep at most 64 MB
/// Console.WriteLine(BufferCache.Statistics); // hits, misses, returns, dropped
/// BufferCache.Clear();                       // give everything to the GC
/// </code>
/// </example>
public static class BufferCache
{
    /// <summary>
    /// The most bytes the cache keeps (256 MB by default, or the environment variable
    /// CORGI_BUFFER_CACHE_MB in megabytes). 0 turns the cache off. Lowering it below
    /// <see cref="CachedBytes"/> empties the cache.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is negative.</exception>
    public static long LimitBytes
    {
        get => BufferPool.LimitBytes;
        set => BufferPool.LimitBytes = value >= 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(value), $"buffer cache: the limit must be >= 0 bytes, got {value}");
    }

    /// <summary>The bytes of the buffers the cache holds now.</summary>
    public static long CachedBytes => BufferPool.CachedBytes;

    /// <summary>Counters since the process started.</summary>
    public static BufferCacheStatistics Statistics
    {
        get
        {
            var (hits, misses, returns, dropped) = BufferPool.Counters;
            return new BufferCacheStatistics(hits, misses, returns, dropped);
        }
    }

    /// <summary>Empties the cache; its buffers are left to the GC.</summary>
    public static void Clear() => BufferPool.Clear();
}

/// <summary>Counters of the <see cref="BufferCache"/>.</summary>
/// <param name="Hits">Large buffers served from the cache.</param>
/// <param name="Misses">Large buffers allocated because the cache had none of that length.</param>
/// <param name="Returns">Buffers taken back into the cache.</param>
/// <param name="Dropped">Buffers refused because the cache was at its limit.</param>
public readonly record struct BufferCacheStatistics(long Hits, long Misses, long Returns, long Dropped);
