using System;
using System.Globalization;
using System.Text;

namespace Corgi;

/// <summary>How tensors are printed: like PyTorch, with long dimensions elided in the middle.</summary>
public static class TensorPrintOptions
{
    /// <summary>Tensors with more elements than this are summarised (default 1000).</summary>
    public static int Threshold { get; set; } = 1000;

    /// <summary>Elements shown at each end of a summarised dimension (default 3).</summary>
    public static int EdgeItems { get; set; } = 3;

    /// <summary>Digits after the decimal point (default 4).</summary>
    public static int Precision { get; set; } = 4;
}

public sealed partial class Tensor
{
    /// <summary>
    /// Renders the tensor like PyTorch: <c>tensor([[1., 2.], [3., 4.]])</c> (rows on separate lines),
    /// long dimensions elided in the middle with <c>...</c>, and tracked tensors marked <c>tracked</c>.
    /// </summary>
    public override string ToString()
    {
        if (IsDisposed) return $"tensor(disposed, shape={ShapeUtil.Format(_shape)})";
        var sb = new StringBuilder("tensor(");
        bool summarise = Count > TensorPrintOptions.Threshold;
        var fmt = ChooseFormat(summarise);
        if (Rank == 0) sb.Append(FormatValue(ValueAt(0), fmt));
        else AppendDim(sb, 0, 0, summarise, fmt, "tensor(".Length);
        if (summarise || Count == 0) sb.Append(", shape=").Append(ShapeUtil.Format(_shape));
        // like PyTorch, the dtype is shown when it is not the default one
        if (_dtype != DTypes.Default) sb.Append(", dtype=").Append(_dtype.Name());
        if (_tracked) sb.Append(_gradient is null ? ", tracked" : ", tracked, has gradient");
        return sb.Append(')').ToString();
    }

    private readonly record struct NumberFormat(bool Integral, bool Scientific, int Width);

    private NumberFormat ChooseFormat(bool summarise)
    {
        bool integral = true;
        double maxAbs = 0, minAbs = double.PositiveInfinity;
        for (int i = 0; i < Count; i++)
        {
            double v = ValueAt(i);
            if (!double.IsFinite(v)) continue;
            if (v != Math.Floor(v)) integral = false;
            var a = Math.Abs(v);
            maxAbs = Math.Max(maxAbs, a);
            if (a > 0) minAbs = Math.Min(minAbs, a);
        }
        bool sci = maxAbs >= 1e8 || (!integral && minAbs < 1e-4) || (maxAbs / minAbs > 1e6 && !integral);
        var f = new NumberFormat(integral && !sci, sci, 0);
        int width = 0;
        for (int i = 0; i < Count; i++) width = Math.Max(width, FormatValue(ValueAt(i), f).Length);
        _ = summarise;
        return f with { Width = width };
    }

    private static string FormatValue(double v, NumberFormat f)
    {
        string s;
        if (double.IsNaN(v)) s = "nan";
        else if (double.IsPositiveInfinity(v)) s = "inf";
        else if (double.IsNegativeInfinity(v)) s = "-inf";
        else if (f.Scientific) s = v.ToString("0." + new string('0', TensorPrintOptions.Precision) + "e+00", CultureInfo.InvariantCulture);
        else if (f.Integral) s = v.ToString("0", CultureInfo.InvariantCulture) + ".";
        else s = v.ToString("F" + TensorPrintOptions.Precision, CultureInfo.InvariantCulture);
        return s.PadLeft(f.Width);
    }

    private void AppendDim(StringBuilder sb, int dim, int offset, bool summarise, NumberFormat fmt, int indent)
    {
        sb.Append('[');
        int n = _shape[dim];
        int stride = 1;
        for (int i = dim + 1; i < Rank; i++) stride *= _shape[i];
        int edge = TensorPrintOptions.EdgeItems;
        bool elide = summarise && n > 2 * edge;
        bool last = dim == Rank - 1;
        for (int i = 0; i < n; i++)
        {
            if (elide && i == edge)
            {
                sb.Append(last ? "..., " : "...,\n" + new string(' ', indent + dim + 1));
                i = n - edge - 1;
                continue;
            }
            if (last) sb.Append(FormatValue(ValueAt(offset + i), fmt));
            else AppendDim(sb, dim + 1, offset + i * stride, summarise, fmt, indent);
            if (i < n - 1)
            {
                if (last) sb.Append(", ");
                else sb.Append(',').Append('\n', Rank - dim - 1).Append(' ', indent + dim + 1);
            }
        }
        sb.Append(']');
    }

    /// <summary>Value equality: the same dtype, the same shape and exactly the same values (NaN equals NaN here). A disposed tensor equals only itself.</summary>
    public override bool Equals(object? obj) =>
        obj is Tensor t && (ReferenceEquals(t, this)
            || (!t.IsDisposed && !IsDisposed && t._dtype == _dtype && ShapeUtil.SameShape(t._shape, _shape)
                && (_dtype == DType.Float32 ? t.F32.AsSpan().SequenceEqual(F32) : t.F64.AsSpan().SequenceEqual(F64))));

    /// <summary>A hash of the shape and values, consistent with <see cref="Equals(object?)"/>.</summary>
    public override int GetHashCode()
    {
        var h = new HashCode();
        foreach (var d in _shape) h.Add(d);
        h.Add(_dtype);
        if (_data is not null) // a disposed tensor hashes by its shape
            for (int i = 0; i < Math.Min(_data.Length, 16); i++) h.Add(ValueAt(i));
        return h.ToHashCode();
    }

    /// <summary>
    /// Whether both tensors have the same shape and |a - b| &lt;= atol + rtol |b| element-wise (like
    /// <c>torch.allclose</c>); NaNs are never close.
    /// </summary>
    public bool AllClose(Tensor other, double rtol = 1e-5, double atol = 1e-8)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!ShapeUtil.SameShape(other._shape, _shape)) return false;
        for (int i = 0; i < Count; i++)
        {
            double a = ValueAt(i), b = other.ValueAt(i);
            if (!(Math.Abs(a - b) <= atol + rtol * Math.Abs(b))) return false;
        }
        return true;
    }
}
