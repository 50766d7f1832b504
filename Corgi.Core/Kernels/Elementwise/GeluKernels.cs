using System;
using System.Buffers;
using System.Numerics;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace Corgi.Kernels;

/// <summary>
/// GELU and its fused backward (g · gelu'(x)) in one pass over blocks that stay in L1. The exact form works in
/// double (float32 blocks are widened, computed and rounded once) on <see cref="ErfKernels"/>; the tanh form is
/// generic over T on TensorPrimitives' vectorised tanh, whose relative error near 0 (see UnaryKernels.Tanh) is
/// an absolute error below 1e-16 next to the 1 it is added to, so it needs no scalar repair here.
/// </summary>
internal static class GeluKernels
{
    private const int Block = 256;

    // 1/sqrt 2, 1/sqrt(2 pi), sqrt(2/pi) and the tanh form's cubic coefficient
    private const double InvSqrtTwo = 0.70710678118654752440, InvSqrtTwoPi = 0.39894228040143267794;
    private const double SqrtTwoOverPi = 0.79788456080286535588, Cubic = 0.044715;

    /// <summary>d = x Φ(x) = x erfc(-x/sqrt 2) / 2.</summary>
    public static void Gelu<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) == typeof(double))
        {
            Span<double> s = stackalloc double[Block];
            var xd = ErfKernels.As<T, double>(x);
            var dd = ErfKernels.As<T, double>(d);
            for (int start = 0; start < x.Length; start += Block)
            {
                int n = Math.Min(Block, x.Length - start);
                GeluBlock(xd.Slice(start, n), dd.Slice(start, n), s[..n]);
            }
            return;
        }
        var xf = ErfKernels.As<T, float>(x);
        var df = ErfKernels.As<T, float>(d);
        if (FloatLanes.Enabled)
        {
            GeluSingle(xf, df);
            return;
        }
        Span<double> wide = stackalloc double[Block], scratch = stackalloc double[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var w = wide[..n];
            ConversionKernels.Widen(xf.Slice(start, n), w);
            GeluBlock(w, w, scratch[..n]);
            ConversionKernels.Narrow(w, df.Slice(start, n));
        }
    }

    /// <summary>One block of the exact form; d may be x.</summary>
    private static void GeluBlock(ReadOnlySpan<double> x, Span<double> d, Span<double> s)
    {
        TensorPrimitives.Multiply(x, -InvSqrtTwo, s);
        ErfKernels.Erfc(s, s);
        // x/2 first: erfc is at most 2, so x erfc / 2 cannot overflow where x does not
        TensorPrimitives.Multiply(x, 0.5, d);
        TensorPrimitives.Multiply(d, s, d);
    }

    /// <summary>d = g (Φ(x) + x φ(x)), the exact form's backward.</summary>
    public static void GeluBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        Span<double> s = stackalloc double[Block], p = stackalloc double[Block];
        if (typeof(T) == typeof(double))
        {
            var gd = ErfKernels.As<T, double>(g);
            var xd = ErfKernels.As<T, double>(x);
            var dd = ErfKernels.As<T, double>(d);
            for (int start = 0; start < x.Length; start += Block)
            {
                int n = Math.Min(Block, x.Length - start);
                GeluBackwardBlock(gd.Slice(start, n), xd.Slice(start, n), dd.Slice(start, n), s[..n], p[..n]);
            }
            return;
        }
        var gf = ErfKernels.As<T, float>(g);
        var xf = ErfKernels.As<T, float>(x);
        var df = ErfKernels.As<T, float>(d);
        if (FloatLanes.Enabled)
        {
            GeluBackwardSingle(gf, xf, df);
            return;
        }
        Span<double> gw = stackalloc double[Block], xw = stackalloc double[Block];
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            ConversionKernels.Widen(gf.Slice(start, n), gw[..n]);
            ConversionKernels.Widen(xf.Slice(start, n), xw[..n]);
            GeluBackwardBlock(gw[..n], xw[..n], gw[..n], s[..n], p[..n]);
            ConversionKernels.Narrow(gw[..n], df.Slice(start, n));
        }
    }

    /// <summary>One block of the exact backward; d may be g.</summary>
    private static void GeluBackwardBlock(ReadOnlySpan<double> g, ReadOnlySpan<double> x, Span<double> d, Span<double> s, Span<double> p)
    {
        // Φ(x) = erfc(-x/sqrt 2)/2, and e^(-x²/2) of the same pass for x φ(x) = x e^(-x²/2) / sqrt(2 pi)
        TensorPrimitives.Multiply(x, -InvSqrtTwo, s);
        ErfKernels.ErfcAndGaussian(s, s, p);
        TensorPrimitives.Multiply(p, x, p);
        TensorPrimitives.Multiply(p, InvSqrtTwoPi, p);
        TensorPrimitives.MultiplyAdd(s, 0.5, p, p);
        TensorPrimitives.Multiply(g, p, d);
    }

    // 2^-100: the exponentials are carried scaled by 2^100 so that nothing goes subnormal before the last product
    private const float Down = 7.8886091e-31f;

    /// <summary>
    /// erfc(|x|/sqrt 2) and e^(-x²/2) for float lanes, both times 2^100, in float arithmetic. With z = |x|/sqrt 2 and
    /// t = 1/(1 + z/2), erfc(z) = t exp(-z² + R(t)) with R Numerical Recipes' degree-9 fit (relative error below 1.2e-7
    /// for every z &gt;= 0, tail included). z² = x²/2 is kept exact as a float pair (hi, lo) through a fused multiply-add,
    /// and the exponential is split as exp(-hi) · exp(R(t) - lo), so no argument near -100 is ever rounded (which would
    /// cost 4e-6 relatively). The 2^100 scale keeps every intermediate normal; callers multiply by 2^-100 last, so a
    /// subnormal result (x below about -13) is rounded once. Past |x| = 16 both are 0 (the results are far below
    /// float's smallest subnormal), and clamping keeps the arithmetic finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector<float> Erfc, Vector<float> Gaussian) ErfcAndGaussianScaled(Vector<float> x)
    {
        var ax = Vector.Min(Vector.Abs(x), new Vector<float>(16f));
        var xx = ax * ax;
        var xxLow = Vector.FusedMultiplyAdd(ax, ax, -xx);
        var zz = xx * new Vector<float>(0.5f);
        var zzLow = xxLow * new Vector<float>(0.5f);
        var t = Vector<float>.One / (Vector<float>.One + ax * new Vector<float>((float)(InvSqrtTwo / 2)));
        var r = new Vector<float>(0.17087277f);
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(-0.82215223f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(1.48851587f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(-1.13520398f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(0.27886807f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(-0.18628806f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(0.09678418f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(0.37409196f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(1.00002368f));
        r = Vector.FusedMultiplyAdd(r, t, new Vector<float>(-1.26551223f));
        var gaussian = FloatLanes.ExpScaled(-zz, 100);
        var erfc = t * gaussian * (FloatLanes.ExpScaled(r - zzLow, 100) * new Vector<float>(Down));
        // e^(-x²/2) = e^(-hi) e^(-lo), and e^(-lo) = 1 - lo to float precision (|lo| is below half an ulp of hi)
        gaussian *= Vector<float>.One - zzLow;
        var inRange = Vector.LessThan(Vector.Abs(x), new Vector<float>(16f));
        return (Vector.ConditionalSelect(inRange, erfc, Vector<float>.Zero), Vector.ConditionalSelect(inRange, gaussian, Vector<float>.Zero));
    }

    /// <summary>x Φ(x) for float lanes: x erfc/2 for x &lt; 0 (scaled down last), x (1 - erfc/2) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> GeluLanes(Vector<float> x)
    {
        var (erfc, _) = ErfcAndGaussianScaled(x);
        var halfErfc = erfc * new Vector<float>(0.5f);
        return Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero),
            x * halfErfc * new Vector<float>(Down),
            x * (Vector<float>.One - halfErfc * new Vector<float>(Down)));
    }

    /// <summary>g (Φ(x) + x φ(x)) for float lanes, φ(x) = e^(-x²/2) / sqrt(2 pi); for x &lt; 0 the sum is formed scaled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector<float> GeluBackwardLanes(Vector<float> g, Vector<float> x)
    {
        var (erfc, gaussian) = ErfcAndGaussianScaled(x);
        var halfErfc = erfc * new Vector<float>(0.5f);
        var xPdf = x * new Vector<float>((float)InvSqrtTwoPi) * gaussian;
        var down = new Vector<float>(Down);
        var derivative = Vector.ConditionalSelect(Vector.LessThan(x, Vector<float>.Zero),
            (halfErfc + xPdf) * down,
            (Vector<float>.One - halfErfc * down) + xPdf * down);
        return g * derivative;
    }

    /// <summary>
    /// (16 lanes, the same arithmetic as the 8-lane version above.) erfc(|x|/sqrt 2) and e^(-x²/2) for float lanes, both times 2^100, in float arithmetic. With z = |x|/sqrt 2 and
    /// t = 1/(1 + z/2), erfc(z) = t exp(-z² + R(t)) with R Numerical Recipes' degree-9 fit (relative error below 1.2e-7
    /// for every z &gt;= 0, tail included). z² = x²/2 is kept exact as a float pair (hi, lo) through a fused multiply-add,
    /// and the exponential is split as exp(-hi) · exp(R(t) - lo), so no argument near -100 is ever rounded (which would
    /// cost 4e-6 relatively). The 2^100 scale keeps every intermediate normal; callers multiply by 2^-100 last, so a
    /// subnormal result (x below about -13) is rounded once. Past |x| = 16 both are 0 (the results are far below
    /// float's smallest subnormal), and clamping keeps the arithmetic finite.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static (Vector512<float> Erfc, Vector512<float> Gaussian) ErfcAndGaussianScaled512(Vector512<float> x)
    {
        var ax = Vector512.Min(Vector512.Abs(x), Vector512.Create(16f));
        var xx = ax * ax;
        var xxLow = Vector512.FusedMultiplyAdd(ax, ax, -xx);
        var zz = xx * Vector512.Create(0.5f);
        var zzLow = xxLow * Vector512.Create(0.5f);
        var t = Vector512<float>.One / (Vector512<float>.One + ax * Vector512.Create((float)(InvSqrtTwo / 2)));
        var r = Vector512.Create(0.17087277f);
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(-0.82215223f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(1.48851587f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(-1.13520398f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(0.27886807f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(-0.18628806f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(0.09678418f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(0.37409196f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(1.00002368f));
        r = Vector512.FusedMultiplyAdd(r, t, Vector512.Create(-1.26551223f));
        var gaussian = FloatLanes.ExpScaled512(-zz, 100);
        var erfc = t * gaussian * (FloatLanes.ExpScaled512(r - zzLow, 100) * Vector512.Create(Down));
        // e^(-x²/2) = e^(-hi) e^(-lo), and e^(-lo) = 1 - lo to float precision (|lo| is below half an ulp of hi)
        gaussian *= Vector512<float>.One - zzLow;
        var inRange = Vector512.LessThan(Vector512.Abs(x), Vector512.Create(16f));
        return (Vector512.ConditionalSelect(inRange, erfc, Vector512<float>.Zero), Vector512.ConditionalSelect(inRange, gaussian, Vector512<float>.Zero));
    }

    /// <summary>16 lanes: x Φ(x) for float lanes: x erfc/2 for x &lt; 0 (scaled down last), x (1 - erfc/2) otherwise.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluLanes512(Vector512<float> x)
    {
        var (erfc, _) = ErfcAndGaussianScaled512(x);
        var halfErfc = erfc * Vector512.Create(0.5f);
        return Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero),
            x * halfErfc * Vector512.Create(Down),
            x * (Vector512<float>.One - halfErfc * Vector512.Create(Down)));
    }

    /// <summary>16 lanes: g (Φ(x) + x φ(x)) for float lanes, φ(x) = e^(-x²/2) / sqrt(2 pi); for x &lt; 0 the sum is formed scaled.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static Vector512<float> GeluBackwardLanes512(Vector512<float> g, Vector512<float> x)
    {
        var (erfc, gaussian) = ErfcAndGaussianScaled512(x);
        var halfErfc = erfc * Vector512.Create(0.5f);
        var xPdf = x * Vector512.Create((float)InvSqrtTwoPi) * gaussian;
        var down = Vector512.Create(Down);
        var derivative = Vector512.ConditionalSelect(Vector512.LessThan(x, Vector512<float>.Zero),
            (halfErfc + xPdf) * down,
            (Vector512<float>.One - halfErfc * down) + xPdf * down);
        return g * derivative;
    }

    /// <summary>The float32 exact form in float lanes; the last partial vector goes through a padded copy.</summary>
    private static void GeluSingle(ReadOnlySpan<float> x, Span<float> d)
    {
        int n = Vector<float>.Count, i = 0;
        if (FloatLanes.Wide)
            for (; i <= x.Length - 16; i += 16)
                GeluLanes512(Vector512.Create(x.Slice(i, 16))).CopyTo(d.Slice(i));
        for (; i <= x.Length - n; i += n) GeluLanes(new Vector<float>(x.Slice(i))).CopyTo(d.Slice(i));
        if (i == x.Length) return;
        Span<float> pad = stackalloc float[n];
        x.Slice(i).CopyTo(pad);
        GeluLanes(new Vector<float>(pad)).CopyTo(pad);
        pad.Slice(0, x.Length - i).CopyTo(d.Slice(i));
    }

    /// <summary>d = g (Φ(x) + x φ(x)) in float lanes.</summary>
    private static void GeluBackwardSingle(ReadOnlySpan<float> g, ReadOnlySpan<float> x, Span<float> d)
    {
        int n = Vector<float>.Count, i = 0;
        if (FloatLanes.Wide)
            for (; i <= x.Length - 16; i += 16)
                GeluBackwardLanes512(Vector512.Create(g.Slice(i, 16)), Vector512.Create(x.Slice(i, 16))).CopyTo(d.Slice(i));
        for (; i <= x.Length - n; i += n) GeluBackwardLanes(new Vector<float>(g.Slice(i)), new Vector<float>(x.Slice(i))).CopyTo(d.Slice(i));
        if (i == x.Length) return;
        Span<float> xp = stackalloc float[n], gp = stackalloc float[n];
        x.Slice(i).CopyTo(xp);
        g.Slice(i).CopyTo(gp);
        GeluBackwardLanes(new Vector<float>(gp), new Vector<float>(xp)).CopyTo(xp);
        xp.Slice(0, x.Length - i).CopyTo(d.Slice(i));
    }

    /// <summary>d = x (1 + tanh(sqrt(2/pi) (x + 0.044715 x³))) / 2, PyTorch's approximate="tanh".</summary>
    public static void GeluTanh<T>(ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        T k = T.CreateTruncating(SqrtTwoOverPi), c = T.CreateTruncating(Cubic), half = T.CreateTruncating(0.5);
        var rented = ArrayPool<T>.Shared.Rent(Block);
        var t = rented.AsSpan(0, Block);
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var tb = t[..n];
            TanhOfInner(xb, tb, k, c);
            // (1 + t) x / 2
            TensorPrimitives.Add(tb, T.One, tb);
            TensorPrimitives.Multiply(tb, xb, tb);
            TensorPrimitives.Multiply(tb, half, d.Slice(start, n));
        }
        ArrayPool<T>.Shared.Return(rented);
    }

    private static T Twenty<T>() where T : IFloatingPointIeee754<T> => T.CreateTruncating(20);

    /// <summary>t = tanh(k (x + c x³)), computed as PyTorch orders it.</summary>
    private static void TanhOfInner<T>(ReadOnlySpan<T> x, Span<T> t, T k, T c) where T : IFloatingPointIeee754<T>
    {
        TensorPrimitives.Multiply(x, x, t);
        TensorPrimitives.Multiply(t, x, t);
        TensorPrimitives.MultiplyAdd(t, c, x, t);
        TensorPrimitives.Multiply(t, k, t);
        // tanh is ±1 in both dtypes past |u| = 20, and TensorPrimitives.Tanh is many times slower on large arguments
        TensorPrimitives.Min(t, Twenty<T>(), t);
        TensorPrimitives.Max(t, -Twenty<T>(), t);
        TensorPrimitives.Tanh(t, t);
    }

    /// <summary>d = g ((1 + t)/2 + x (1 - t²) sqrt(2/pi) (1 + 3·0.044715 x²) / 2), the tanh form's backward.</summary>
    public static void GeluTanhBackward<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        T k = T.CreateTruncating(SqrtTwoOverPi), c = T.CreateTruncating(Cubic), half = T.CreateTruncating(0.5);
        T k3c = T.CreateTruncating(SqrtTwoOverPi * 3 * Cubic);
        var rented = ArrayPool<T>.Shared.Rent(3 * Block);
        var t = rented.AsSpan(0, Block);
        var u = rented.AsSpan(Block, Block);
        var v = rented.AsSpan(2 * Block, Block);
        for (int start = 0; start < x.Length; start += Block)
        {
            int n = Math.Min(Block, x.Length - start);
            var xb = x.Slice(start, n);
            var tb = t[..n];
            var ub = u[..n];
            var vb = v[..n];
            TanhOfInner(xb, tb, k, c);
            // u' = k + 3kc x²
            TensorPrimitives.Multiply(xb, xb, ub);
            TensorPrimitives.Multiply(ub, k3c, ub);
            TensorPrimitives.Add(ub, k, ub);
            // x (1 - t)(1 + t): the factored form keeps 1 - t² accurate where t is near ±1
            TensorPrimitives.Subtract(T.One, tb, vb);
            TensorPrimitives.Multiply(vb, xb, vb);
            TensorPrimitives.Add(tb, T.One, tb);
            TensorPrimitives.Multiply(vb, tb, vb);
            // (1 + t) + x (1 - t²) u', halved, times g
            TensorPrimitives.MultiplyAdd(vb, ub, tb, vb);
            TensorPrimitives.Multiply(vb, half, vb);
            TensorPrimitives.Multiply(vb, g.Slice(start, n), d.Slice(start, n));
        }
        ArrayPool<T>.Shared.Return(rented);
    }
}
