using System;
using System.Text;

namespace Corgi;

/// <summary>Shape arithmetic shared by the ops: sizes, strides, broadcasting and axis normalisation.</summary>
internal static class ShapeUtil
{
    public static readonly int[] Scalar = Array.Empty<int>();

    /// <summary>Number of elements of a shape (1 for rank 0).</summary>
    public static int Count(ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape) n *= d;
        if (n > int.MaxValue) throw new ArgumentException($"shape {Format(shape)} has more than {int.MaxValue} elements");
        return (int)n;
    }

    /// <summary>Number of elements of a shape, with an error naming <paramref name="op"/> when it overflows an array.</summary>
    public static int CountChecked(string op, ReadOnlySpan<int> shape)
    {
        long n = 1;
        foreach (var d in shape)
        {
            n *= d;
            if (n > Array.MaxLength)
                throw new TensorShapeException($"{op}: shape {Format(shape)} has more elements than an array can hold ({Array.MaxLength})");
        }
        return (int)n;
    }

    /// <summary>Row-major strides of a shape.</summary>
    public static int[] Strides(ReadOnlySpan<int> shape)
    {
        var s = new int[shape.Length];
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--) { s[i] = acc; acc *= shape[i]; }
        return s;
    }

    /// <summary>Formats a shape as <c>[2,3]</c>.</summary>
    public static string Format(ReadOnlySpan<int> shape)
    {
        var sb = new StringBuilder("[");
        for (int i = 0; i < shape.Length; i++) { if (i > 0) sb.Append(','); sb.Append(shape[i]); }
        return sb.Append(']').ToString();
    }

    public static bool SameShape(ReadOnlySpan<int> a, ReadOnlySpan<int> b) => a.SequenceEqual(b);

    /// <summary>NumPy broadcasting of two shapes: trailing dimensions aligned, size-1 dimensions expanded.</summary>
    public static int[] Broadcast(string op, ReadOnlySpan<int> a, ReadOnlySpan<int> b)
    {
        if (a.SequenceEqual(b)) return a.ToArray();
        int rank = Math.Max(a.Length, b.Length);
        var result = new int[rank];
        for (int i = 0; i < rank; i++)
        {
            int da = i < rank - a.Length ? 1 : a[i - (rank - a.Length)];
            int db = i < rank - b.Length ? 1 : b[i - (rank - b.Length)];
            if (da == db || db == 1) result[i] = da;
            else if (da == 1) result[i] = db;
            else throw new TensorShapeException(
                $"{op}: shapes {Format(a)} and {Format(b)} cannot be broadcast: dimension {i} is {da} and {db}");
        }
        return result;
    }

    /// <summary>Whether <paramref name="from"/> broadcasts to exactly <paramref name="to"/>.</summary>
    public static bool BroadcastsTo(ReadOnlySpan<int> from, ReadOnlySpan<int> to)
    {
        if (from.Length > to.Length) return false;
        int off = to.Length - from.Length;
        for (int i = 0; i < from.Length; i++)
            if (from[i] != to[i + off] && from[i] != 1) return false;
        return true;
    }

    /// <summary>Strides of <paramref name="shape"/> viewed inside the broadcast <paramref name="outShape"/> (0 on expanded axes).</summary>
    public static int[] BroadcastStrides(ReadOnlySpan<int> shape, ReadOnlySpan<int> outShape)
    {
        var strides = new int[outShape.Length];
        int off = outShape.Length - shape.Length;
        int acc = 1;
        for (int i = shape.Length - 1; i >= 0; i--)
        {
            strides[i + off] = shape[i] == 1 ? 0 : acc;
            acc *= shape[i];
        }
        return strides;
    }

    /// <summary>Normalises a possibly negative axis; throws naming the op and the shape when it is out of range.</summary>
    public static int Axis(string op, int axis, int rank, ReadOnlySpan<int> shape)
    {
        int a = axis < 0 ? axis + rank : axis;
        if (a < 0 || a >= rank)
            throw new ArgumentOutOfRangeException(nameof(axis),
                $"{op}: dimension {axis} is out of range for a tensor of shape {Format(shape)} (rank {rank})");
        return a;
    }

    /// <summary>Normalises and de-duplicates a list of axes, returning a mask over the rank.</summary>
    public static bool[] AxisMask(string op, ReadOnlySpan<int> axes, ReadOnlySpan<int> shape)
    {
        var mask = new bool[shape.Length];
        foreach (var ax in axes)
        {
            int a = Axis(op, ax, shape.Length, shape);
            if (mask[a]) throw new ArgumentException($"{op}: dimension {ax} is repeated in the list of dimensions for shape {Format(shape)}");
            mask[a] = true;
        }
        return mask;
    }

    /// <summary>Splits a shape around one axis into (outer, size, inner) extents.</summary>
    public static (int Outer, int Size, int Inner) Split(ReadOnlySpan<int> shape, int axis)
    {
        int outer = 1, inner = 1;
        for (int i = 0; i < axis; i++) outer *= shape[i];
        for (int i = axis + 1; i < shape.Length; i++) inner *= shape[i];
        return (outer, shape[axis], inner);
    }
}
