using System;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Corgi.Kernels;

/// <summary>
/// The float exponential in SIMD lanes, shared by the float32 kernels that need e^x inside a pass (softmax, GELU):
/// a = k ln 2 + r with |r| &lt;= ln2/2 (Cody-Waite, ln 2 in two parts), e^r by its Taylor polynomial to degree 7
/// (truncation below 5e-9, about 1/20 of an ulp) in fused multiply-adds, times 2^k built in the exponent bits in two
/// halves so that subnormal results round once. Within 2 ulp of the correctly rounded e^x (tested on a dense grid).
/// TensorPrimitives.Exp for float is about twice as slow here and runs between passes, not inside one.
/// </summary>
internal static class FloatLanes
{
    /// <summary>Whether float lanes are worth using (SIMD on, int lanes as wide as float lanes for the exponent bits).</summary>
    public static bool Enabled => Vector.IsHardwareAccelerated && Vector<float>.Count >= 4 && Vector<int>.Count == Vector<float>.Count;

    /// <summary>Whether 16-lane (AVX-512) versions run: measured 1.7x faster than 8 lanes on GELU's lanes.</summary>
    public static bool Wide => Vector512.IsHardwareAccelerated && !t_narrowOnly;

    /// <summary>Tests set this (on their thread) to run the 8-lane versions on AVX-512 machines too.</summary>
    [ThreadStatic] internal static bool t_narrowOnly;

    /// <summary>
    /// e^a · 2^<paramref name="scale"/> for lanes the caller keeps in range: k = round(a / ln 2) + scale within [-150, 254]
    /// (so both halves of 2^k are normal). No special values: NaN, infinities and out-of-range lanes give garbage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> ExpScaled(Vector<float> a, int scale)
    {
        var magic = new Vector<float>(12582912f);   // 1.5 · 2^23: adding it rounds to an integer
        var k = Vector.FusedMultiplyAdd(a, new Vector<float>(1.44269504f), magic) - magic;
        var r = Vector.FusedMultiplyAdd(k, new Vector<float>(-0.693145751953125f), a);
        r = Vector.FusedMultiplyAdd(k, new Vector<float>(-1.428606765330187e-06f), r);
        var p = new Vector<float>(1f / 5040);
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 720));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 120));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 24));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(1f / 6));
        p = Vector.FusedMultiplyAdd(p, r, new Vector<float>(0.5f));
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        p = Vector.FusedMultiplyAdd(p, r, Vector<float>.One);
        var ki = Vector.ConvertToInt32(k) + new Vector<int>(scale);
        var half = Vector.ShiftRightArithmetic(ki, 1);
        var bias = new Vector<int>(127);
        var s1 = Vector.AsVectorSingle(Vector.ShiftLeft(half + bias, 23));
        var s2 = Vector.AsVectorSingle(Vector.ShiftLeft(ki - half + bias, 23));
        return p * s1 * s2;
    }

    /// <summary>
    /// <see cref="ExpScaled"/> in 16 lanes (AVX-512), the same arithmetic: e^a · 2^<paramref name="scale"/> for lanes the caller keeps in range: k = round(a / ln 2) + scale within [-150, 254]
    /// (so both halves of 2^k are normal). No special values: NaN, infinities and out-of-range lanes give garbage.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> ExpScaled512(Vector512<float> a, int scale)
    {
        var magic = Vector512.Create(12582912f);   // 1.5 · 2^23: adding it rounds to an integer
        var k = Vector512.FusedMultiplyAdd(a, Vector512.Create(1.44269504f), magic) - magic;
        var r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-0.693145751953125f), a);
        r = Vector512.FusedMultiplyAdd(k, Vector512.Create(-1.428606765330187e-06f), r);
        var p = Vector512.Create(1f / 5040);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 720));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 120));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 24));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(1f / 6));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512.Create(0.5f));
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        p = Vector512.FusedMultiplyAdd(p, r, Vector512<float>.One);
        var ki = Vector512.ConvertToInt32(k) + Vector512.Create(scale);
        var half = Vector512.ShiftRightArithmetic(ki, 1);
        var bias = Vector512.Create(127);
        var s1 = Vector512.AsSingle(Vector512.ShiftLeft(half + bias, 23));
        var s2 = Vector512.AsSingle(Vector512.ShiftLeft(ki - half + bias, 23));
        return p * s1 * s2;
    }

    /// <summary>e^a for any float lanes: +inf above 88.72, 0 below -103.98, NaN for NaN.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector<float> Exp(Vector<float> a)
    {
        var clamped = Vector.Min(Vector.Max(a, new Vector<float>(-104f)), new Vector<float>(89f));
        var e = ExpScaled(clamped, 0);
        e = Vector.ConditionalSelect(Vector.GreaterThan(a, new Vector<float>(88.7228394f)), new Vector<float>(float.PositiveInfinity), e);
        e = Vector.ConditionalSelect(Vector.LessThan(a, new Vector<float>(-103.972084f)), Vector<float>.Zero, e);
        return Vector.ConditionalSelect(Vector.Equals(a, a), e, a);   // NaN stays NaN
    }

    /// <summary>d = e^x element-wise (d may be x); the last partial vector goes through a padded copy.</summary>
    public static void Exp(ReadOnlySpan<float> x, Span<float> d)
    {
        int n = Vector<float>.Count, i = 0;
        for (; i <= x.Length - n; i += n) Exp(new Vector<float>(x.Slice(i))).CopyTo(d.Slice(i));
        if (i == x.Length) return;
        Span<float> pad = stackalloc float[n];
        x.Slice(i).CopyTo(pad);
        Exp(new Vector<float>(pad)).CopyTo(pad);
        pad.Slice(0, x.Length - i).CopyTo(d.Slice(i));
    }

    /// <summary>
    /// d = e^(x - shift) element-wise, returning the sum of d accumulated in double (two widened halves per vector),
    /// the softmax's numerator and normalizer in one pass.
    /// </summary>
    public static double ExpShiftedAndSum(ReadOnlySpan<float> x, float shift, Span<float> d)
    {
        int n = Vector<float>.Count, i = 0;
        var s = new Vector<float>(shift);
        Vector<double> lo = Vector<double>.Zero, hi = Vector<double>.Zero;
        for (; i <= x.Length - n; i += n)
        {
            var e = Exp(new Vector<float>(x.Slice(i)) - s);
            e.CopyTo(d.Slice(i));
            Vector.Widen(e, out var a, out var b);
            lo += a;
            hi += b;
        }
        double sum = Vector.Sum(lo + hi);
        for (; i < x.Length; i++)
        {
            float e = MathF.Exp(x[i] - shift);
            d[i] = e;
            sum += e;
        }
        return sum;
    }
}
