using System;
using System.Numerics.Tensors;
using Corgi.Kernels;

namespace Corgi;

// Conversion between dtypes, and the promotion rule every op with several inputs follows.
public sealed partial class Tensor
{
    /// <summary>
    /// This tensor's values in <paramref name="dtype"/>; differentiable (the gradient flows back converted to
    /// this tensor's dtype). Returns this tensor itself when it already has that dtype, like PyTorch's <c>to</c>.
    /// </summary>
    /// <remarks>float64 to float32 rounds to nearest (values beyond float32's range become infinities);
    /// float32 to float64 is exact.</remarks>
    /// <example><c>var x32 = x.To(DType.Float32);</c></example>
    public Tensor To(DType dtype)
    {
        DTypes.Check(dtype);
        if (dtype == _dtype) return this;
        return Result("to_" + dtype.Name(), ConvertValues(dtype), _shape, this,
            static (g, _, x, _) => g.To(x[0]._dtype));
    }

    /// <summary>This tensor in float32 (<c>To(DType.Float32)</c>); differentiable.</summary>
    public Tensor Float32() => To(DType.Float32);

    /// <summary>This tensor in float64 (<c>To(DType.Float64)</c>); differentiable.</summary>
    public Tensor Float64() => To(DType.Float64);

    /// <summary>A fresh buffer holding this tensor's values converted to <paramref name="dtype"/> (no graph).</summary>
    internal Array ConvertValues(DType dtype)
    {
        if (dtype == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(Count);
            if (_dtype == DType.Float32) F32.CopyTo(d, 0);
            else ConversionKernels.Narrow(F64, d);
            return d;
        }
        var r = Buffers.Uninitialized<double>(Count);
        if (_dtype == DType.Float64) F64.CopyTo(r, 0);
        else ConversionKernels.Widen(F32, r);
        return r;
    }

    /// <summary>The values as <typeparamref name="T"/>: this tensor's own buffer when the dtype matches, else a converted copy.</summary>
    internal T[] ValuesAs<T>() where T : unmanaged
    {
        bool single = typeof(T) == typeof(float);
        if (single == (_dtype == DType.Float32)) return Values<T>();
        return (T[])ConvertValues(single ? DType.Float32 : DType.Float64);
    }

    // PyTorch's three tiers: a dimensioned tensor outranks a rank-0 tensor, which outranks a wrapped C#
    // number; the result takes the widest dtype among the operands of the highest tier present.
    private int PromotionTier => _wrappedScalar ? 0 : _shape.Length == 0 ? 1 : 2;

    /// <summary>
    /// The dtype of an op on <paramref name="a"/> and <paramref name="b"/>, as in PyTorch: float32 with float64
    /// gives float64, except that a rank-0 tensor does not widen a dimensioned one and a C# number
    /// (<c>t * 2.0</c>) widens nothing.
    /// </summary>
    public static DType ResultDType(Tensor a, Tensor b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        if (a._dtype == b._dtype) return a._dtype;
        int ta = a.PromotionTier, tb = b.PromotionTier;
        if (ta != tb) return ta > tb ? a._dtype : b._dtype;
        return DTypes.Promote(a._dtype, b._dtype);
    }

    /// <summary>The dtype of an op on several tensors (see <see cref="ResultDType(Tensor, Tensor)"/>).</summary>
    internal static DType ResultDType(Tensor[] tensors)
    {
        var first = tensors[0];
        var dt = first._dtype;
        int tier = first.PromotionTier;
        for (int i = 1; i < tensors.Length; i++)
        {
            var t = tensors[i];
            if (t._dtype == dt && t.PromotionTier <= tier) continue;
            int ti = t.PromotionTier;
            if (ti > tier) { dt = t._dtype; tier = ti; }
            else if (ti == tier) dt = DTypes.Promote(dt, t._dtype);
        }
        return dt;
    }

    /// <summary>This tensor, or an untracked copy of its values in <paramref name="dtype"/> (for an op's forward pass; the engine converts gradients back).</summary>
    internal Tensor AsDType(DType dtype) => dtype == _dtype ? this : new Tensor(ConvertValues(dtype), _shape);
}
