using System;
using System.Numerics;
using System.Numerics.Tensors;

namespace Corgi.Kernels;

/// <summary>Reductions along one axis of a buffer seen as [outer, size, inner].</summary>
internal static class ReductionKernels
{
    /// <summary>
    /// The sum of a span, accurate for float32: float values are summed in double (blocks converted with SIMD,
    /// then TensorPrimitives' multi-accumulator sum), so a float32 sum carries one rounding at the end
    /// instead of one per element. Float64 sums use TensorPrimitives directly.
    /// </summary>
    public static T Sum<T>(ReadOnlySpan<T> x) where T : IFloatingPointIeee754<T>
    {
        if (typeof(T) != typeof(float)) return TensorPrimitives.Sum(x);
        var f = System.Runtime.InteropServices.MemoryMarshal.CreateReadOnlySpan(
            ref System.Runtime.CompilerServices.Unsafe.As<T, float>(ref System.Runtime.InteropServices.MemoryMarshal.GetReference(x)), x.Length);
        const int Block = 512;
        Span<double> wide = stackalloc double[Block];
        double total = 0;
        for (int i = 0; i < f.Length; i += Block)
        {
            int n = Math.Min(Block, f.Length - i);
            ConversionKernels.Widen(f.Slice(i, n), wide[..n]);
            total += TensorPrimitives.Sum<double>(wide[..n]);
        }
        return T.CreateTruncating(total);
    }

    /// <summary>d[o, i] = sum_j x[o, j, i]; d has outer*inner elements.</summary>
    public static void SumAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++) d[o] = Sum(x.Slice(o * size, size));
            return;
        }
        d.Clear();
        for (int o = 0; o < outer; o++)
        {
            var dst = d.Slice(o * inner, inner);
            for (int j = 0; j < size; j++)
                TensorPrimitives.Add(dst, x.Slice((o * size + j) * inner, inner), dst);
        }
    }

    /// <summary>
    /// d[o, i] = max_j x[o, j, i] (or min) and idx[o, i] = the first j reaching it. NaN wins, as in PyTorch.
    /// </summary>
    public static void ArgReduceAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, bool max, Span<T> d, Span<int> idx)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                T best = x[b];
                int bestJ = 0;
                for (int j = 1; j < size && !T.IsNaN(best); j++)
                {
                    T v = x[b + j * inner];
                    if (T.IsNaN(v) || (max ? v > best : v < best)) { best = v; bestJ = j; }
                }
                d[o * inner + i] = best;
                idx[o * inner + i] = bestJ;
            }
        }
    }

    /// <summary>d = y (g - sum(g y)) for each contiguous row of <paramref name="size"/>: softmax's backward.</summary>
    public static void SoftmaxBackwardRows<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> y, int outer, int size, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
        {
            var gr = g.Slice(o * size, size);
            var yr = y.Slice(o * size, size);
            var dr = d.Slice(o * size, size);
            T s = TensorPrimitives.Dot(gr, yr);
            TensorPrimitives.Subtract(gr, s, dr);
            TensorPrimitives.Multiply(dr, yr, dr);
        }
    }

    /// <summary>
    /// float softmax (or log-softmax) of contiguous rows: e^(x - max) and its sum (in double) in one pass of float lanes
    /// (<see cref="FloatLanes"/>), then the division (or, for log-softmax, x - max - log sum).
    /// </summary>
    private static void SoftmaxRowsSingle(ReadOnlySpan<float> x, int outer, int size, bool log, Span<float> d)
    {
        if (size == 0) return;
        for (int o = 0; o < outer; o++)
        {
            var src = x.Slice(o * size, size);
            var dst = d.Slice(o * size, size);
            float m = TensorPrimitives.Max(src);
            double s = FloatLanes.ExpShiftedAndSum(src, m, dst);
            if (log)
            {
                // the shift and the log of the sum, subtracted in one rounding each: (x - m) - log s
                TensorPrimitives.Subtract(src, m, dst);
                TensorPrimitives.Subtract(dst, (float)Math.Log(s), dst);
            }
            else TensorPrimitives.Divide(dst, (float)s, dst);
        }
    }

    /// <summary>
    /// Softmax (or log-softmax) along the middle axis of [outer, size, inner], shifted by the maximum so
    /// that large inputs (softmax of [1000, 1000]) neither overflow nor give NaN. A row holding +inf, or only
    /// -inf, gives NaN throughout, as PyTorch does (the shift is inf - inf there).
    /// </summary>
    public static void SoftmaxAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, bool log, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        if (inner == 1 && typeof(T) == typeof(float) && FloatLanes.Enabled)
        {
            SoftmaxRowsSingle(ErfKernels.As<T, float>(x), outer, size, log, ErfKernels.As<T, float>(d));
            return;
        }
        if (inner == 1 && typeof(T) == typeof(float) && FloatLanes.Enabled)
        {
            SoftmaxRowsSingle(ErfKernels.As<T, float>(x), outer, size, log, ErfKernels.As<T, float>(d));
            return;
        }
        if (inner == 1)
        {
            for (int o = 0; o < outer; o++)
            {
                var src = x.Slice(o * size, size);
                var dst = d.Slice(o * size, size);
                if (size == 0) continue;
                T m = TensorPrimitives.Max(src);
                TensorPrimitives.Subtract(src, m, dst);
                if (log)
                {
                    // log softmax = (x - m) - log(sum exp(x - m)), computed without a second buffer
                    double s = 0; // a wide accumulator: float32 rows sum with one rounding
                    for (int j = 0; j < size; j++) s += double.CreateTruncating(T.Exp(dst[j]));
                    TensorPrimitives.Subtract(dst, T.CreateTruncating(Math.Log(s)), dst);
                }
                else
                {
                    TensorPrimitives.Exp(dst, dst);
                    T s = Sum<T>(dst);
                    TensorPrimitives.Divide(dst, s, dst);
                }
            }
            return;
        }
        for (int o = 0; o < outer; o++)
        {
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                T m = T.NegativeInfinity;
                for (int j = 0; j < size; j++) m = T.Max(m, x[b + j * inner]);
                double sw = 0; // a wide accumulator, as above
                for (int j = 0; j < size; j++) sw += double.CreateTruncating(T.Exp(x[b + j * inner] - m));
                T s = T.CreateTruncating(sw);
                if (log)
                {
                    T ls = T.CreateTruncating(Math.Log(sw));
                    for (int j = 0; j < size; j++) d[b + j * inner] = x[b + j * inner] - m - ls;
                }
                else
                {
                    for (int j = 0; j < size; j++) d[b + j * inner] = T.Exp(x[b + j * inner] - m) / s;
                }
            }
        }
    }
}
