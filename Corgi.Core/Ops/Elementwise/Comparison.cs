using System;
using Corgi.Kernels;

namespace Corgi;

// Comparisons (0/1 results, no gradient) and selection (where, masked_fill, clamp with tensor bounds,
// nan_to_num): value kernel and local derivative side by side.
public sealed partial class Tensor
{
    /// <summary>A 0/1 comparison with broadcasting, in the promoted dtype, untracked (its derivative is 0 almost everywhere).</summary>
    private static Tensor Compare<TC>(string op, Tensor a, Tensor b) where TC : IComparison
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        return Binary<ComparisonOperator<TC>>(op, a.Detach(), b.Detach(), static (_, _, _, _) => null);
    }

    /// <summary>1 where this equals <paramref name="other"/> (broadcasting), else 0, like <c>torch.eq</c> with 0/1 values in the promoted dtype instead of bool; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Eq(Tensor other) => Compare<EqualComparison>("eq", this, other);

    /// <summary>1 where this equals the number, else 0; no gradient.</summary>
    public Tensor Eq(double other) => Compare<EqualComparison>("eq", this, Number(other));

    /// <summary>1 where this differs from <paramref name="other"/> (NaN differs from everything), else 0; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Ne(Tensor other) => Compare<NotEqualComparison>("ne", this, other);

    /// <summary>1 where this differs from the number, else 0; no gradient.</summary>
    public Tensor Ne(double other) => Compare<NotEqualComparison>("ne", this, Number(other));

    /// <summary>1 where this &lt; <paramref name="other"/>, else 0; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Lt(Tensor other) => Compare<LessComparison>("lt", this, other);

    /// <summary>1 where this &lt; the number, else 0; no gradient.</summary>
    public Tensor Lt(double other) => Compare<LessComparison>("lt", this, Number(other));

    /// <summary>1 where this &lt;= <paramref name="other"/>, else 0; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Le(Tensor other) => Compare<LessOrEqualComparison>("le", this, other);

    /// <summary>1 where this &lt;= the number, else 0; no gradient.</summary>
    public Tensor Le(double other) => Compare<LessOrEqualComparison>("le", this, Number(other));

    /// <summary>1 where this &gt; <paramref name="other"/>, else 0; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Gt(Tensor other) => Compare<GreaterComparison>("gt", this, other);

    /// <summary>1 where this &gt; the number, else 0; no gradient.</summary>
    public Tensor Gt(double other) => Compare<GreaterComparison>("gt", this, Number(other));

    /// <summary>1 where this &gt;= <paramref name="other"/>, else 0; no gradient.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Ge(Tensor other) => Compare<GreaterOrEqualComparison>("ge", this, other);

    /// <summary>1 where this &gt;= the number, else 0; no gradient.</summary>
    public Tensor Ge(double other) => Compare<GreaterOrEqualComparison>("ge", this, Number(other));

    /// <summary>
    /// <paramref name="input"/> where <paramref name="condition"/> is nonzero (NaN counts as true), else
    /// <paramref name="other"/>, broadcasting all three, like <c>torch.where(condition, input, other)</c>.
    /// The result has the promoted dtype of input and other; the gradient goes to input where the condition
    /// holds and to other elsewhere; the condition gets none.
    /// </summary>
    /// <example><c>var y = Tensor.Where(x.Gt(0), x, x * 0.1);</c> (a leaky rectifier)</example>
    /// <exception cref="TensorShapeException">The three shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor input, Tensor other) => Where("where", condition, input, other);

    /// <summary>Where with a number for the other branch: <c>Tensor.Where(mask, x, 0.0)</c>.</summary>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public static Tensor Where(Tensor condition, Tensor input, double other) => Where("where", condition, input, Number(other));

    private static Tensor Where(string op, Tensor condition, Tensor input, Tensor other)
    {
        ArgumentNullException.ThrowIfNull(condition);
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(other);
        int[] shape;
        try { shape = ShapeUtil.Broadcast(op, condition._shape, ShapeUtil.Broadcast(op, input._shape, other._shape)); }
        catch (TensorShapeException)
        {
            throw new TensorShapeException($"{op}: condition {ShapeUtil.Format(condition._shape)}, input {ShapeUtil.Format(input._shape)} and other {ShapeUtil.Format(other._shape)} do not broadcast together");
        }
        var dt = ResultDType(input, other);
        var c = condition.Detach().BroadcastTo(shape);
        var a = input.AsDType(dt).Detach().BroadcastTo(shape);
        var b = other.AsDType(dt).Detach().BroadcastTo(shape);
        int n = ShapeUtil.Count(shape);
        Array data;
        if (dt == DType.Float32)
        {
            var d = Buffers.Uninitialized<float>(n);
            if (c._dtype == DType.Float32) SelectionKernels.Where<float, float>(c.F32, a.F32, b.F32, d);
            else SelectionKernels.Where<double, float>(c.F64, a.F32, b.F32, d);
            data = d;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(n);
            if (c._dtype == DType.Float32) SelectionKernels.Where<float, double>(c.F32, a.F64, b.F64, d);
            else SelectionKernels.Where<double, double>(c.F64, a.F64, b.F64, d);
            data = d;
        }
        var mask = condition.Detach();
        // the gradient where the branch was taken, 0 elsewhere (the engine sums broadcast gradients back)
        return Saving(Result(op, data, shape, input, other, (g, _, _, i) =>
            i == 0 ? Where(op, mask, g, Number(0)) : Where(op, mask, Number(0), g)), mask);
    }

    /// <summary>
    /// This tensor with <paramref name="value"/> where <paramref name="mask"/> is nonzero (broadcast to this
    /// tensor's shape), like <c>torch.masked_fill</c>; the gradient flows where the mask is 0.
    /// </summary>
    /// <exception cref="TensorShapeException">The mask does not broadcast to this tensor's shape.</exception>
    public Tensor MaskedFill(Tensor mask, double value)
    {
        ArgumentNullException.ThrowIfNull(mask);
        if (!ShapeUtil.BroadcastsTo(mask._shape, _shape))
            throw new TensorShapeException($"masked_fill: mask {ShapeUtil.Format(mask._shape)} does not broadcast to {ShapeUtil.Format(_shape)}");
        return Where("masked_fill", mask, Number(value), this);
    }

    /// <summary>
    /// Clamps element-wise between tensor bounds with broadcasting, like <c>torch.clamp(input, min, max)</c>:
    /// min(max(x, min), max), so where min &gt; max the result is max. Either bound may be null (not both).
    /// </summary>
    /// <remarks>
    /// The gradient goes to x where min &lt;= x &lt;= max, to min where x &lt; min (and min &lt;= max), and to
    /// max where the result is max and x &gt; max or max &lt; min, as PyTorch's (at the tie min = max the
    /// gradient of x &lt; min goes to min, where PyTorch sends it to max).
    /// </remarks>
    /// <exception cref="ArgumentException">Both bounds are null.</exception>
    /// <exception cref="TensorShapeException">The shapes do not broadcast.</exception>
    public Tensor Clamp(Tensor? min, Tensor? max)
    {
        if (min is null && max is null) throw new ArgumentException("clamp: at least one of min and max must be given", nameof(min));
        var shape = _shape;
        if (min is not null) shape = ShapeUtil.Broadcast("clamp", shape, min._shape);
        if (max is not null) ShapeUtil.Broadcast("clamp", shape, max._shape);
        // maximum's ties go to x (gradient to x at x = min), minimum's to its first operand (to x at x = max)
        var y = min is null ? this : Maximum(min);
        return max is null ? y : y.Minimum(max);
    }

    /// <summary>1 where the element is NaN, else 0; no gradient.</summary>
    public Tensor IsNaN() => Constant<Pointwise<IsNaNFunction>>();

    /// <summary>1 where the element is +inf or -inf, else 0; no gradient.</summary>
    public Tensor IsInf() => Constant<Pointwise<IsInfFunction>>();

    /// <summary>1 where the element is finite (not NaN, not infinite), else 0; no gradient.</summary>
    public Tensor IsFinite() => Constant<Pointwise<IsFiniteFunction>>();

    /// <summary>
    /// Replaces NaN by <paramref name="nan"/>, +inf by <paramref name="posInf"/> and -inf by
    /// <paramref name="negInf"/>, like <c>torch.nan_to_num</c>: the infinities default to the dtype's largest
    /// and smallest finite values. The gradient flows where the element was finite (0 elsewhere).
    /// </summary>
    public Tensor NanToNum(double nan = 0, double? posInf = null, double? negInf = null)
    {
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            SelectionKernels.NanToNum(F32, (float)nan, (float)(posInf ?? float.MaxValue), (float)(negInf ?? float.MinValue), f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(Count);
            SelectionKernels.NanToNum(F64, nan, posInf ?? double.MaxValue, negInf ?? double.MinValue, d);
            data = d;
        }
        return Result("nan_to_num", data, _shape, this, static (g, _, x, _) => g.Mul(x[0].IsFinite()));
    }
}
