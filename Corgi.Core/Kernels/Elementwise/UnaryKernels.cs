using System;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace Corgi.Kernels;

/// <summary>Element-wise kernels that TensorPrimitives does not provide: masks and piecewise functions.</summary>
internal static class UnaryKernels
{
    /// <summary>Whether Vector&lt;T&gt; is accelerated for T (the masks below are selects, not branches).</summary>
    private static bool Simd<T>() => Vector.IsHardwareAccelerated && Vector<T>.IsSupported;

    /// <summary>
    /// d = tanh(x). TensorPrimitives' vectorised tanh loses relative accuracy near 0 (tanh(1e-8) comes back
    /// 1.6e-9 off, tanh(1e-15) 2.6% off, tanh(1e-269) as 0), so |x| &lt; 0.5 is recomputed with the scalar
    /// (correctly behaved) T.Tanh; above 0.5 the vectorised result is within a few ulp. d may be x itself (blocks of
    /// x are kept aside for the fix-up).
    /// </summary>
    public static void Tanh<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(float))
        {
            TanhSingle(
                MemoryMarshal.CreateReadOnlySpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(x)), x.Length),
                MemoryMarshal.CreateSpan(ref Unsafe.As<T, float>(ref MemoryMarshal.GetReference(d)), d.Length));
            return;
        }
        T half = T.One / (T.One + T.One);
        var rented = System.Buffers.ArrayPool<T>.Shared.Rent(Math.Min(x.Length, 256));
        var block = rented.AsSpan(0, Math.Min(x.Length, 256));
        for (int start = 0; start < x.Length; start += block.Length)
        {
            int n = Math.Min(block.Length, x.Length - start);
            var xs = block.Slice(0, n);
            x.Slice(start, n).CopyTo(xs);
            var ds = d.Slice(start, n);
            TensorPrimitives.Tanh<T>(xs, ds);
            for (int i = 0; i < n; i++)
                if (T.Abs(xs[i]) < half) ds[i] = T.Tanh(xs[i]);
        }
        System.Buffers.ArrayPool<T>.Shared.Return(rented);
    }

    /// <summary>
    /// float tanh through double: TensorPrimitives' double tanh is off by at most ~1e-16 absolute near 0, which is
    /// far below a float's ulp for |x| &gt;= 1e-4; below that tanh(x) = x - x³/3 rounds to x in float (x²/3 &lt; 2^-26).
    /// All of it vectorised (blocks of 256; d may be x itself).
    /// </summary>
    private static void TanhSingle(ReadOnlySpan<float> x, Span<float> d)
    {
        Span<double> wide = stackalloc double[256];
        Span<float> keep = stackalloc float[256];
        for (int start = 0; start < x.Length; start += wide.Length)
        {
            int n = Math.Min(wide.Length, x.Length - start);
            var xs = x.Slice(start, n);
            var w = wide.Slice(0, n);
            var k = keep.Slice(0, n);
            xs.CopyTo(k);
            ConversionKernels.Widen(xs, w);
            TensorPrimitives.Tanh<double>(w, w);
            var ds = d.Slice(start, n);
            ConversionKernels.Narrow(w, ds);
            int i = 0;
            if (Vector.IsHardwareAccelerated)
            {
                var small = new Vector<float>(1e-4f);
                for (; i <= n - Vector<float>.Count; i += Vector<float>.Count)
                {
                    var v = new Vector<float>(k.Slice(i));
                    Vector.ConditionalSelect(Vector.LessThan(Vector.Abs(v), small), v, new Vector<float>(ds.Slice(i))).CopyTo(ds.Slice(i));
                }
            }
            for (; i < n; i++)
                if (MathF.Abs(k[i]) < 1e-4f) ds[i] = k[i];
        }
    }

    /// <summary>d = g where x &gt; 0, else 0 (relu's backward in one pass).</summary>
    public static void KeepWherePositive<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        // a select, not a branch: on random signs the branch mispredicts half the time
        int i = 0;
        if (Simd<T>())
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(x.Slice(i)), Vector<T>.Zero), new Vector<T>(g.Slice(i)), Vector<T>.Zero).CopyTo(d.Slice(i));
        for (; i < d.Length; i++) d[i] = x[i] > T.Zero ? g[i] : T.Zero;
    }

    /// <summary>d = x where x &gt; 0, else slope * x.</summary>
    public static void LeakyRelu<T>(ReadOnlySpan<T> x, T slope, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Simd<T>())
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), v, v * slope).CopyTo(d.Slice(i));
            }
        for (; i < x.Length; i++) d[i] = x[i] > T.Zero ? x[i] : slope * x[i];
    }

    /// <summary>d = 1 where x &gt; 0, else slope.</summary>
    public static void LeakyReluSlope<T>(ReadOnlySpan<T> x, T slope, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Simd<T>())
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
                Vector.ConditionalSelect(Vector.GreaterThan(new Vector<T>(x.Slice(i)), Vector<T>.Zero), Vector<T>.One, new Vector<T>(slope)).CopyTo(d.Slice(i));
        for (; i < x.Length; i++) d[i] = x[i] > T.Zero ? T.One : slope;
    }

    /// <summary>d = sign(x) (0 at 0).</summary>
    public static void Sign<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        int i = 0;
        if (Simd<T>())
            for (; i <= d.Length - Vector<T>.Count; i += Vector<T>.Count)
            {
                var v = new Vector<T>(x.Slice(i));
                Vector.ConditionalSelect(Vector.GreaterThan(v, Vector<T>.Zero), Vector<T>.One,
                    Vector.ConditionalSelect(Vector.LessThan(v, Vector<T>.Zero), -Vector<T>.One, Vector<T>.Zero)).CopyTo(d.Slice(i));
            }
        for (; i < x.Length; i++) d[i] = x[i] > T.Zero ? T.One : x[i] < T.Zero ? -T.One : T.Zero;
    }

    /// <summary>d = clamp(x, lo, hi).</summary>
    public static void Clamp<T>(ReadOnlySpan<T> x, T lo, T hi, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] < lo ? lo : x[i] > hi ? hi : x[i];
    }

    /// <summary>d = 1 where lo &lt;= x &lt;= hi, else 0 (the derivative of clamp).</summary>
    public static void InRangeMask<T>(ReadOnlySpan<T> x, T lo, T hi, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] >= lo && x[i] <= hi ? T.One : T.Zero;
    }

    /// <summary>d = 1 where x == 0, else 0.</summary>
    public static void ZeroMask<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int i = 0; i < x.Length; i++) d[i] = x[i] == T.Zero ? T.One : T.Zero;
    }
}
