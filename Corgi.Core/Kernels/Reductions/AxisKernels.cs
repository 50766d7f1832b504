using System;
using System.Numerics;

namespace Corgi.Kernels;

/// <summary>
/// Products, scans, sorting and gathering along one axis of a buffer seen as [outer, size, inner] (the layout of
/// <see cref="ReductionKernels"/>); line (o, i) is the elements x[(o * size + j) * inner + i] for j &lt; size.
/// </summary>
internal static class AxisKernels
{
    /// <summary>d[o, i] = prod_j x[o, j, i], accumulated in double (a float32 product rounds once).</summary>
    public static void ProdAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                double p = 1;
                for (int j = 0; j < size; j++) p *= double.CreateTruncating(x[b + j * inner]);
                d[o * inner + i] = T.CreateTruncating(p);
            }
    }

    /// <summary>d[o, i] = max_j x[o, j, i] (or min); NaN wins, as in PyTorch's amax.</summary>
    public static void ExtremumAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, bool max, Span<T> d) where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                T best = x[b];
                for (int j = 1; j < size && !T.IsNaN(best); j++)
                {
                    T v = x[b + j * inner];
                    if (T.IsNaN(v) || (max ? v > best : v < best)) best = v;
                }
                d[o * inner + i] = best;
            }
    }

    /// <summary>
    /// Inclusive running sum (or product) along the axis, from the start or, with <paramref name="reverse"/>,
    /// from the end; float32 accumulates in double and rounds each output once.
    /// </summary>
    public static void ScanAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, bool product, bool reverse, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                double acc = product ? 1 : 0;
                for (int s = 0; s < size; s++)
                {
                    int p = b + (reverse ? size - 1 - s : s) * inner;
                    double v = double.CreateTruncating(x[p]);
                    acc = product ? acc * v : acc + v;
                    d[p] = T.CreateTruncating(acc);
                }
            }
    }

    /// <summary>
    /// The gradient of cumprod for upstream g, exact with zeros: dx_i = sum_{j &gt;= i} g_j prod_{k &lt;= j, k != i} x_k.
    /// Before a line's first zero z it is (sum_{i &lt;= j &lt; z} g_j y_j) / x_i; at z the products skip x_z; after z it is 0.
    /// </summary>
    public static void CumProdGradient<T>(ReadOnlySpan<T> g, ReadOnlySpan<T> x, ReadOnlySpan<T> y, int outer, int size, int inner, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                int z = 0;
                while (z < size && x[b + z * inner] != T.Zero) z++;
                for (int j = z + 1; j < size; j++) d[b + j * inner] = T.Zero;
                if (z < size)
                {
                    // the products prod_{k <= j, k != z} x_k, running from the product before z
                    double p = z > 0 ? double.CreateTruncating(y[b + (z - 1) * inner]) : 1;
                    double acc = double.CreateTruncating(g[b + z * inner]) * p;
                    for (int j = z + 1; j < size; j++)
                    {
                        p *= double.CreateTruncating(x[b + j * inner]);
                        acc += double.CreateTruncating(g[b + j * inner]) * p;
                    }
                    d[b + z * inner] = T.CreateTruncating(acc);
                }
                double suffix = 0;
                for (int j = z - 1; j >= 0; j--)
                {
                    int p = b + j * inner;
                    suffix += double.CreateTruncating(g[p]) * double.CreateTruncating(y[p]);
                    d[p] = T.CreateTruncating(suffix / double.CreateTruncating(x[p]));
                }
            }
    }

    /// <summary>
    /// For every line, the positions 0..size-1 ordered by value (ascending, or descending), stable: equal values keep
    /// their order. NaN counts as larger than every number, as in PyTorch (last ascending, first descending).
    /// </summary>
    /// <remarks>order holds outer * inner * size positions: line (o, i)'s order at [(o * inner + i) * size, + size).</remarks>
    public static void SortAxis<T>(ReadOnlySpan<T> x, int outer, int size, int inner, bool descending, Span<int> order)
        where T : IFloatingPointIeee754<T>
    {
        var keys = new T[size];
        var scratch = new int[size];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int b = o * size * inner + i;
                for (int j = 0; j < size; j++) keys[j] = x[b + j * inner];
                var line = order.Slice((o * inner + i) * size, size);
                for (int j = 0; j < size; j++) line[j] = j;
                MergeSort(keys, line, scratch, descending);
            }
    }

    /// <summary>Whether key a goes strictly before key b (NaN largest).</summary>
    private static bool Before<T>(T a, T b, bool descending) where T : IFloatingPointIeee754<T>
    {
        bool an = T.IsNaN(a), bn = T.IsNaN(b);
        if (an || bn) return descending ? an && !bn : bn && !an;
        return descending ? a > b : a < b;
    }

    /// <summary>Bottom-up merge sort of positions by their keys: stable, O(n log n), no comparer object.</summary>
    private static void MergeSort<T>(T[] keys, Span<int> items, int[] scratch, bool descending) where T : IFloatingPointIeee754<T>
    {
        int n = items.Length;
        var tmp = scratch.AsSpan(0, n);
        for (int width = 1; width < n; width *= 2)
        {
            for (int lo = 0; lo < n; lo += 2 * width)
            {
                int mid = Math.Min(lo + width, n), hi = Math.Min(lo + 2 * width, n);
                int a = lo, c = mid, k = lo;
                // take from the right run only when strictly before: ties keep the left (earlier) element first
                while (a < mid && c < hi) tmp[k++] = Before(keys[items[c]], keys[items[a]], descending) ? items[c++] : items[a++];
                while (a < mid) tmp[k++] = items[a++];
                while (c < hi) tmp[k++] = items[c++];
            }
            tmp.CopyTo(items);
        }
    }

    /// <summary>d[o, j, i] = x[o, idx[o, j, i], i] for an index buffer of shape [outer, count, inner] (torch.gather along the axis).</summary>
    public static void TakeAlong<T>(ReadOnlySpan<T> x, int outer, int size, int inner, ReadOnlySpan<int> idx, int count, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
                for (int i = 0; i < inner; i++)
                {
                    int p = (o * count + j) * inner + i;
                    d[p] = x[(o * size + idx[p]) * inner + i];
                }
    }

    /// <summary>d = 0 of shape [outer, size, inner], then d[o, idx[o, j, i], i] += g[o, j, i] (the adjoint of <see cref="TakeAlong{T}"/>).</summary>
    public static void PutAlong<T>(ReadOnlySpan<T> g, int outer, int size, int inner, ReadOnlySpan<int> idx, int count, Span<T> d)
        where T : IFloatingPointIeee754<T>
    {
        d.Clear();
        for (int o = 0; o < outer; o++)
            for (int j = 0; j < count; j++)
                for (int i = 0; i < inner; i++)
                {
                    int p = (o * count + j) * inner + i;
                    d[(o * size + idx[p]) * inner + i] += g[p];
                }
    }
}
