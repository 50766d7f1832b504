using System;
using System.Runtime.CompilerServices;
using System.Threading;

namespace Corgi;

/// <summary>
/// The element type of a tensor's storage. Chosen at run time, like PyTorch's <c>torch.dtype</c>:
/// every op, layer, optimizer and file format works in both.
/// </summary>
/// <remarks>Room is left for 16-bit storage types (<c>Float16</c>, <c>BFloat16</c>) after these two.</remarks>
public enum DType : byte
{
    /// <summary>IEEE 754 double precision (<c>double</c>, 8 bytes): the default, as in the seed.</summary>
    Float64 = 0,

    /// <summary>IEEE 754 single precision (<c>float</c>, 4 bytes): half the memory and bandwidth, products about twice as fast.</summary>
    Float32 = 1,
}

/// <summary>Facts about <see cref="DType"/> values, and the ambient default dtype.</summary>
public static class DTypes
{
    private static readonly AsyncLocal<DType?> s_default = new();
    // 0 while no DefaultDTypeScope has ever been opened: the default is then float64 with no AsyncLocal read.
    private static int s_scopesOpened;

    /// <summary>The size of one element in bytes (8 or 4).</summary>
    public static int ElementSize(this DType dtype) => dtype == DType.Float32 ? sizeof(float) : sizeof(double);

    /// <summary>The lower-case name PyTorch and safetensors use: <c>"float32"</c> or <c>"float64"</c>.</summary>
    public static string Name(this DType dtype) => dtype switch
    {
        DType.Float32 => "float32",
        DType.Float64 => "float64",
        _ => throw new ArgumentOutOfRangeException(nameof(dtype), $"dtype: unknown value {(int)dtype}"),
    };

    /// <summary>Parses <c>"float32"</c>/<c>"float"</c>/<c>"f32"</c> or <c>"float64"</c>/<c>"double"</c>/<c>"f64"</c> (case-insensitive).</summary>
    /// <exception cref="ArgumentException">The name is none of these.</exception>
    public static DType Parse(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        return name.Trim().ToLowerInvariant() switch
        {
            "float32" or "float" or "f32" or "single" => DType.Float32,
            "float64" or "double" or "f64" => DType.Float64,
            _ => throw new ArgumentException($"dtype: unknown name '{name}'; use float32 or float64", nameof(name)),
        };
    }

    /// <summary>The wider of two dtypes (float32 with float64 gives float64), PyTorch's <c>promote_types</c>.</summary>
    public static DType Promote(DType a, DType b) => a == DType.Float64 || b == DType.Float64 ? DType.Float64 : DType.Float32;

    /// <summary>
    /// The dtype factories use when none is given: float64 unless changed with <see cref="Tensor.DefaultDType"/>
    /// or a <see cref="Tensor.DefaultDTypeScope"/>.
    /// </summary>
    internal static DType Default
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => Volatile.Read(ref s_scopesOpened) == 0 ? s_global : s_default.Value ?? s_global;
    }

    internal static DType s_global = DType.Float64;

    internal static DefaultDTypeScope Enter(DType dtype)
    {
        Check(dtype);
        Interlocked.Exchange(ref s_scopesOpened, 1);
        var previous = s_default.Value;
        s_default.Value = dtype;
        return new DefaultDTypeScope(previous);
    }

    internal static void Exit(DType? previous) => s_default.Value = previous;

    internal static DType Check(DType dtype) =>
        dtype is DType.Float32 or DType.Float64
            ? dtype
            : throw new ArgumentOutOfRangeException(nameof(dtype), $"dtype: unknown value {(int)dtype}; Corgi stores float32 and float64");
}

/// <summary>
/// A scope in which factories without a dtype argument make tensors of a given dtype
/// (<c>using (Tensor.DefaultDTypeScope(DType.Float32)) { ... }</c>); it flows with <c>await</c> like
/// <see cref="Tensor.NoGrad"/> and restores the previous default when disposed.
/// </summary>
public sealed class DefaultDTypeScope : IDisposable
{
    private readonly DType? _previous;
    private bool _disposed;

    internal DefaultDTypeScope(DType? previous) => _previous = previous;

    /// <summary>Restores the default dtype that was in effect when the scope was opened.</summary>
    public void Dispose()
    {
        if (_disposed) return;
        _disposed = true;
        DTypes.Exit(_previous);
    }
}
