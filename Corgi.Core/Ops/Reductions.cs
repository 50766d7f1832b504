using System;
using System.Numerics.Tensors;
using Corgi.Kernels;

namespace Corgi;

// Reductions: sums, means, max/min with their arg positions.
public sealed partial class Tensor
{
    /// <summary>The sum of all elements, as a scalar (rank 0) tensor.</summary>
    public Tensor Sum() =>
        Result("sum", _dtype == DType.Float32 ? new[] { LargeKernels.Sum(F32) } : new[] { LargeKernels.Sum(F64) }, ShapeUtil.Scalar, this,
            static (g, _, x, _) => g.BroadcastTo(x[0]._shape));

    /// <summary>The sum over the given dimensions (negative counts from the end).</summary>
    /// <param name="dims">The dimensions to sum over; each at most once.</param>
    /// <param name="keepDim">Keep the summed dimensions with size 1.</param>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    public Tensor Sum(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var mask = ShapeUtil.AxisMask("sum", dims, _shape);
        var keptShape = (int[])_shape.Clone();
        Array data = Data;
        int[] cur = _shape;
        for (int ax = 0; ax < Rank; ax++)
        {
            if (!mask[ax]) continue;
            var (outer, size, inner) = ShapeUtil.Split(cur, ax);
            if (_dtype == DType.Float32)
            {
                var next = Buffers.Uninitialized<float>(outer * inner);
                ReductionKernels.SumAxis<float>((float[])data, outer, size, inner, next);
                data = next;
            }
            else
            {
                var next = Buffers.Uninitialized<double>(outer * inner);
                ReductionKernels.SumAxis<double>((double[])data, outer, size, inner, next);
                data = next;
            }
            keptShape[ax] = 1;
            cur = keptShape;
        }
        if (ReferenceEquals(data, Data)) data = (Array)Data.Clone();
        var outShape = keepDim ? keptShape : DropAxes(keptShape, mask);
        return Result("sum", data, outShape, this,
            (g, _, x, _) => g.Reshape(keptShape).BroadcastTo(x[0]._shape));
    }

    /// <summary>The sum over one dimension.</summary>
    public Tensor Sum(int dim, bool keepDim = false) => Sum(new[] { dim }, keepDim);

    /// <summary>
    /// The seed's <c>sum(dimension_count)</c>: the sum over the last <paramref name="count"/> dimensions.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">count is negative or larger than the rank.</exception>
    public Tensor SumLast(int count)
    {
        if (count < 0 || count > Rank)
            throw new ArgumentOutOfRangeException(nameof(count), $"sum: cannot sum the last {count} dimensions of a tensor of shape {ShapeUtil.Format(_shape)}");
        var dims = new int[count];
        for (int i = 0; i < count; i++) dims[i] = Rank - count + i;
        return Sum(dims);
    }

    /// <summary>The mean of all elements, as a scalar tensor.</summary>
    /// <remarks>The mean of no elements is NaN, as in PyTorch (0 · (1/0)).</remarks>
    public Tensor Mean() => Sum().Mul(Number(1.0 / Count));

    /// <summary>The mean over the given dimensions.</summary>
    public Tensor Mean(int[] dims, bool keepDim = false)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var mask = ShapeUtil.AxisMask("mean", dims, _shape);
        long n = 1;
        for (int i = 0; i < Rank; i++) if (mask[i]) n *= _shape[i];
        return Sum(dims, keepDim).Mul(Number(1.0 / n)); // NaN over an empty dimension, as in PyTorch
    }

    /// <summary>The mean over one dimension.</summary>
    public Tensor Mean(int dim, bool keepDim = false) => Mean(new[] { dim }, keepDim);

    /// <summary>
    /// Sums a broadcast tensor down to a shape it was broadcast from (the reverse of
    /// <see cref="BroadcastTo"/>): the gradient reduction the engine applies to broadcast inputs.
    /// </summary>
    /// <exception cref="TensorShapeException">The shape does not broadcast to this tensor's shape.</exception>
    public Tensor SumTo(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeUtil.SameShape(shape, _shape)) return this;
        if (!ShapeUtil.BroadcastsTo(shape, _shape))
            throw new TensorShapeException($"sum_to: shape {ShapeUtil.Format(_shape)} cannot be summed to {ShapeUtil.Format(shape)}");
        int lead = Rank - shape.Length;
        int n = 0;
        Span<int> axes = stackalloc int[Rank];
        for (int i = 0; i < Rank; i++)
            if (i < lead || (shape[i - lead] == 1 && _shape[i] != 1)) axes[n++] = i;
        return Sum(axes[..n].ToArray(), keepDim: true).Reshape(shape);
    }

    /// <summary>The largest element, as a scalar tensor (the gradient goes to its first position).</summary>
    public Tensor Max() => ArgReduceAll("max", max: true);

    /// <summary>The smallest element, as a scalar tensor (the gradient goes to its first position).</summary>
    public Tensor Min() => ArgReduceAll("min", max: false);

    /// <summary>The maximum along a dimension; the gradient is routed to the arg-max position.</summary>
    public Tensor Max(int dim, bool keepDim = false) => ArgReduce("max", dim, keepDim, max: true).Values;

    /// <summary>The minimum along a dimension; the gradient is routed to the arg-min position.</summary>
    public Tensor Min(int dim, bool keepDim = false) => ArgReduce("min", dim, keepDim, max: false).Values;

    /// <summary>The positions of the maxima along a dimension (first one on ties), as an untracked tensor of indices.</summary>
    public Tensor ArgMax(int dim, bool keepDim = false) => ArgReduce("argmax", dim, keepDim, max: true).Indices;

    /// <summary>The positions of the minima along a dimension (first one on ties), as an untracked tensor of indices.</summary>
    public Tensor ArgMin(int dim, bool keepDim = false) => ArgReduce("argmin", dim, keepDim, max: false).Indices;

    /// <summary>The maximum along a dimension and its positions, like <c>torch.max(x, dim)</c>.</summary>
    public (Tensor Values, Tensor Indices) MaxWithIndices(int dim, bool keepDim = false) => ArgReduce("max", dim, keepDim, max: true);

    /// <summary>The minimum along a dimension and its positions, like <c>torch.min(x, dim)</c>.</summary>
    public (Tensor Values, Tensor Indices) MinWithIndices(int dim, bool keepDim = false) => ArgReduce("min", dim, keepDim, max: false);

    private Tensor ArgReduceAll(string op, bool max)
    {
        if (Count == 0) throw new InvalidOperationException($"{op}: a tensor of shape {ShapeUtil.Format(_shape)} has no elements");
        var idx = new int[1];
        var value = ArgReduceValues(1, Count, 1, max, idx);
        int at = idx[0];
        return Result(op, value, ShapeUtil.Scalar, this, (g, _, x, _) =>
        {
            var mask = Buffers.Zeroed(x[0]._dtype, x[0].Count);
            if (mask is float[] f) f[at] = 1; else ((double[])mask)[at] = 1;
            return g.Mul(new Tensor(mask, x[0]._shape));
        });
    }

    private (Tensor Values, Tensor Indices) ArgReduce(string op, int dim, bool keepDim, bool max)
    {
        int axis = ShapeUtil.Axis(op, dim, Rank, _shape);
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        if (size == 0) throw new InvalidOperationException($"{op}: dimension {dim} of shape {ShapeUtil.Format(_shape)} is empty");
        var idx = new int[outer * inner];
        var values = ArgReduceValues(outer, size, inner, max, idx);
        var keptShape = (int[])_shape.Clone();
        keptShape[axis] = 1;
        var mask = new bool[Rank];
        mask[axis] = true;
        var outShape = keepDim ? keptShape : DropAxes(keptShape, mask);
        // indices in float64 whatever the dtype: exact for every index an array can have
        var indices = new double[idx.Length];
        for (int i = 0; i < idx.Length; i++) indices[i] = idx[i];
        var result = Result(op, values, outShape, this, (g, _, x, _) =>
        {
            // one-hot of the arg positions, times the upstream gradient broadcast along the axis
            var hot = new double[x[0].Count];
            for (int o = 0; o < outer; o++)
                for (int i = 0; i < inner; i++)
                    hot[(o * size + idx[o * inner + i]) * inner + i] = 1;
            return g.Reshape(keptShape).Mul(new Tensor(hot, x[0]._shape).AsDType(x[0]._dtype));
        });
        return (result, new Tensor(indices, outShape));
    }

    private Array ArgReduceValues(int outer, int size, int inner, bool max, int[] idx)
    {
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(outer * inner);
            ReductionKernels.ArgReduceAxis<float>(F32, outer, size, inner, max, f, idx);
            return f;
        }
        var d = Buffers.Uninitialized<double>(outer * inner);
        ReductionKernels.ArgReduceAxis<double>(F64, outer, size, inner, max, d, idx);
        return d;
    }

    private static int[] DropAxes(int[] shape, bool[] mask)
    {
        int n = 0;
        foreach (var m in mask) if (!m) n++;
        var r = new int[n];
        for (int i = 0, j = 0; i < shape.Length; i++) if (!mask[i]) r[j++] = shape[i];
        return r;
    }

    // ------------------------------------------------------------------ issue 11: prod, var/std, logsumexp, norm, amax/amin,
    // all/any, cumsum/cumprod, sort/topk, median

    /// <summary>
    /// The normalised axes of a reduction over <paramref name="dims"/> (null: every dimension), the shape with them
    /// kept as 1, the output shape, and the number of elements reduced into each output.
    /// </summary>
    private (int[] Axes, bool[] Mask, int[] Kept, int[] Out, long N) Reduced(string op, int[]? dims, bool keepDim)
    {
        bool[] mask;
        if (dims is null)
        {
            mask = new bool[Rank];
            Array.Fill(mask, true);
        }
        else mask = ShapeUtil.AxisMask(op, dims, _shape);
        var kept = (int[])_shape.Clone();
        int count = 0;
        long n = 1;
        for (int a = 0; a < Rank; a++)
            if (mask[a]) { count++; n *= _shape[a]; kept[a] = 1; }
        var axes = new int[count];
        for (int a = 0, k = 0; a < Rank; a++) if (mask[a]) axes[k++] = a;
        return (axes, mask, kept, keepDim ? kept : DropAxes(kept, mask), n);
    }

    private enum AxisReduction { Prod, Max, Min }

    /// <summary>Reduces the masked axes one after the other with a kernel (a switch per axis, not per element).</summary>
    private Array ReduceAxes(string op, bool[] mask, AxisReduction kind)
    {
        Array data = Data;
        var cur = (int[])_shape.Clone();
        for (int ax = 0; ax < Rank; ax++)
        {
            if (!mask[ax]) continue;
            var (outer, size, inner) = ShapeUtil.Split(cur, ax);
            if (size == 0 && kind != AxisReduction.Prod)
                throw new InvalidOperationException($"{op}: dimension {ax} of shape {ShapeUtil.Format(_shape)} is empty");
            if (_dtype == DType.Float32) data = ReduceAxis<float>((float[])data, outer, size, inner, kind);
            else data = ReduceAxis<double>((double[])data, outer, size, inner, kind);
            cur[ax] = 1;
        }
        return ReferenceEquals(data, Data) ? (Array)Data.Clone() : data;
    }

    private static T[] ReduceAxis<T>(T[] x, int outer, int size, int inner, AxisReduction kind) where T : unmanaged, System.Numerics.IFloatingPointIeee754<T>
    {
        var next = Buffers.Uninitialized<T>(outer * inner);
        if (kind == AxisReduction.Prod) AxisKernels.ProdAxis<T>(x, outer, size, inner, next);
        else AxisKernels.ExtremumAxis<T>(x, outer, size, inner, kind == AxisReduction.Max, next);
        return next;
    }

    /// <summary>
    /// The product over the given dimensions (null: all), like <c>torch.prod</c>; float32 accumulates in double.
    /// </summary>
    /// <remarks>
    /// The derivative is the product of the other elements, exact with zeros: r / x where x ≠ 0, the product of
    /// the others where x is a group's only zero, 0 where a group has two zeros. It is written in tensor ops (r / x
    /// reads the result, whose own derivative handles the zeros; the cross term between two zeros is kept), so
    /// second derivatives are exact too.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">A dimension is out of range.</exception>
    public Tensor Prod(int[]? dims, bool keepDim = false)
    {
        var (axes, mask, kept, outShape, _) = Reduced("prod", dims, keepDim);
        var data = ReduceAxes("prod", mask, AxisReduction.Prod);
        return Result("prod", data, outShape, this, (g, r, x, _) =>
        {
            var t = x[0];
            var zero = t.Eq(0);
            var safe = t.Add(zero);
            var rk = r.Reshape(kept);
            // at a zero x_i, the product of the others prod_{k != i} x_k: the group with its zeros replaced by 1, divided
            // by x_i + 1 (so that it does not depend on x_i), times the other zeros: none (factor 1), one (its value 0,
            // written as the group's sum of zeros minus x_i, so that the cross term of the second derivative is exact),
            // or more (0, and so are the second derivatives)
            var count = zero.Sum(axes, keepDim: true);
            var factor = count.Eq(1).Add(count.Eq(2).Mul(t.Mul(zero).Sum(axes, keepDim: true).Sub(t)));
            var others = safe.Prod(axes, keepDim: true).Div(safe).Mul(factor);
            return g.Reshape(kept).Mul(Where("prod", zero, others, rk.Div(safe)));
        });
    }

    /// <summary>The product of all elements, as a scalar tensor (see <see cref="Prod(int[], bool)"/>).</summary>
    public Tensor Prod() => Prod(null);

    /// <summary>The product over one dimension.</summary>
    public Tensor Prod(int dim, bool keepDim = false) => Prod(new[] { dim }, keepDim);

    /// <summary>
    /// The variance over the given dimensions (null: all), sum((x - mean)²) / (n - correction), like
    /// <c>torch.var(input, dim, correction=1)</c>: the default correction 1 is the unbiased (Bessel) estimate,
    /// 0 the population variance. n - correction &lt;= 0 gives inf or NaN, as in PyTorch.
    /// </summary>
    /// <remarks>Composed of mean, sub, mul and sum, so its derivative 2 (x - mean) / (n - correction) comes from theirs.</remarks>
    public Tensor Var(int[]? dims = null, double correction = 1, bool keepDim = false)
    {
        var (axes, _, _, _, n) = Reduced("var", dims, keepDim);
        var dev = Sub(Mean(axes, keepDim: true));
        return dev.Mul(dev).Sum(axes, keepDim).Div(Number(Math.Max(0, n - correction)));
    }

    /// <summary>The variance over one dimension (see <see cref="Var(int[], double, bool)"/>).</summary>
    public Tensor Var(int dim, double correction = 1, bool keepDim = false) => Var(new[] { dim }, correction, keepDim);

    /// <summary>The standard deviation, sqrt of <see cref="Var(int[], double, bool)"/> (correction 1 by default, as PyTorch).</summary>
    public Tensor Std(int[]? dims = null, double correction = 1, bool keepDim = false) => Var(dims, correction, keepDim).Sqrt();

    /// <summary>The standard deviation over one dimension.</summary>
    public Tensor Std(int dim, double correction = 1, bool keepDim = false) => Std(new[] { dim }, correction, keepDim);

    /// <summary>
    /// log(sum(exp(x))) over the given dimensions (null: all), like <c>torch.logsumexp</c>, shifted by the maximum so
    /// that large inputs stay finite: logsumexp([1000, 1000]) = 1000 + ln 2.
    /// </summary>
    /// <remarks>Composed with a detached shift m: m + log(sum(exp(x - m))); the derivative is softmax(x) over the dimensions.</remarks>
    /// <exception cref="InvalidOperationException">A reduced dimension is empty.</exception>
    public Tensor LogSumExp(int[]? dims = null, bool keepDim = false)
    {
        var (axes, _, _, outShape, _) = Reduced("logsumexp", dims, keepDim);
        var m = Detach().Amax(axes, keepDim: true);
        // an all -inf (or +inf) group keeps an unshifted sum: -inf - -inf would be NaN
        m = Where("logsumexp", m.IsFinite(), m, Number(0));
        var s = Sub(m).Exp().Sum(axes, keepDim: true).Log().Add(m);
        return keepDim ? s : s.Reshape(outShape);
    }

    /// <summary>log(sum(exp(x))) over one dimension.</summary>
    public Tensor LogSumExp(int dim, bool keepDim = false) => LogSumExp(new[] { dim }, keepDim);

    /// <summary>
    /// The vector p-norm over the given dimensions (null: all), like <c>torch.linalg.vector_norm(x, p, dim)</c>:
    /// p = 2 (the default, and over a matrix's two dimensions the Frobenius norm), 1, +inf (max |x|), -inf (min |x|),
    /// 0 (the count of nonzero elements, no gradient), or any other p &gt; 0, (sum |x|^p)^(1/p).
    /// </summary>
    /// <remarks>
    /// The 2-norm's derivative x / ||x|| is taken as 0 where the norm is 0 (as PyTorch); the inf-norms split the
    /// gradient evenly among tied maxima of |x|, as <see cref="Amax(int[], bool)"/>.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">p is negative (other than -inf) or NaN.</exception>
    public Tensor Norm(double p = 2, int[]? dims = null, bool keepDim = false)
    {
        if (double.IsNaN(p) || (p < 0 && !double.IsNegativeInfinity(p)))
            throw new ArgumentOutOfRangeException(nameof(p), $"norm: p must be 0, positive or ±inf, not {p} (input {ShapeUtil.Format(_shape)})");
        var (axes, _, kept, outShape, _) = Reduced("norm", dims, keepDim);
        if (p == 1) return Abs().Sum(axes, keepDim);
        if (double.IsPositiveInfinity(p)) return Abs().Amax(axes, keepDim);
        if (double.IsNegativeInfinity(p)) return Abs().Amin(axes, keepDim);
        if (p == 0) return Ne(0).Sum(axes, keepDim);
        if (p != 2) return Abs().Pow(p).Sum(axes, keepDim).Pow(1 / p);
        var values = Detach().Square().Sum(axes, keepDim).Sqrt();
        return Result("norm", (Array)values.Data.Clone(), outShape, this, (g, r, x, _) =>
        {
            var rk = r.Reshape(kept);
            var zero = rk.Eq(0);
            return g.Reshape(kept).Mul(Where("norm", zero, Number(0), x[0].Div(rk.Add(zero))));
        });
    }

    /// <summary>
    /// The maximum over the given dimensions (null: all), like <c>torch.amax</c>: the gradient is split evenly
    /// among the elements that tie for the maximum (unlike <see cref="Max(int, bool)"/>, which picks one). NaN wins.
    /// </summary>
    /// <exception cref="InvalidOperationException">A reduced dimension is empty.</exception>
    public Tensor Amax(int[]? dims = null, bool keepDim = false) => Extremum("amax", dims, keepDim, AxisReduction.Max);

    /// <summary>The maximum over one dimension, ties sharing the gradient.</summary>
    public Tensor Amax(int dim, bool keepDim = false) => Amax(new[] { dim }, keepDim);

    /// <summary>The minimum over the given dimensions (null: all), like <c>torch.amin</c>: ties share the gradient evenly.</summary>
    /// <exception cref="InvalidOperationException">A reduced dimension is empty.</exception>
    public Tensor Amin(int[]? dims = null, bool keepDim = false) => Extremum("amin", dims, keepDim, AxisReduction.Min);

    /// <summary>The minimum over one dimension, ties sharing the gradient.</summary>
    public Tensor Amin(int dim, bool keepDim = false) => Amin(new[] { dim }, keepDim);

    private Tensor Extremum(string op, int[]? dims, bool keepDim, AxisReduction kind)
    {
        var (axes, mask, kept, outShape, _) = Reduced(op, dims, keepDim);
        var data = ReduceAxes(op, mask, kind);
        return Result(op, data, outShape, this, (g, r, x, _) =>
        {
            // 1 at every element equal to its group's extremum, divided by how many there are
            var hit = x[0].Eq(r.Reshape(kept));
            return g.Reshape(kept).Mul(hit).Div(hit.Sum(axes, keepDim: true));
        });
    }

    /// <summary>1 where every element over the dimensions (null: all) is nonzero (NaN counts as nonzero), else 0; like <c>torch.all</c> with 0/1 values in this tensor's dtype; no gradient.</summary>
    public Tensor All(int[]? dims = null, bool keepDim = false)
    {
        var (axes, _, _, _, _) = Reduced("all", dims, keepDim);
        return Eq(0).Sum(axes, keepDim).Eq(0);
    }

    /// <summary>1 where some element over the dimensions (null: all) is nonzero, else 0; like <c>torch.any</c>; no gradient.</summary>
    public Tensor Any(int[]? dims = null, bool keepDim = false)
    {
        var (axes, _, _, _, _) = Reduced("any", dims, keepDim);
        return Ne(0).Sum(axes, keepDim).Gt(0);
    }

    /// <summary>The running sum along a dimension, like <c>torch.cumsum</c>; float32 accumulates in double.</summary>
    /// <remarks>Derivative: the running sum of the upstream gradient from the end (the same op reversed).</remarks>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is out of range.</exception>
    public Tensor CumSum(int dim)
    {
        if (Rank == 0) { ShapeUtil.Axis("cumsum", dim, 1, _shape); return Reshape(1).CumSum(0).Reshape(_shape); }
        return CumSumAlong(ShapeUtil.Axis("cumsum", dim, Rank, _shape), reverse: false);
    }

    private Tensor CumSumAlong(int axis, bool reverse) =>
        Result(reverse ? "cumsum_reverse" : "cumsum", ScanValues(axis, product: false, reverse), _shape, this,
            (g, _, _, _) => g.CumSumAlong(axis, !reverse));

    private Array ScanValues(int axis, bool product, bool reverse)
    {
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(Count);
            AxisKernels.ScanAxis<float>(F32, outer, size, inner, product, reverse, f);
            return f;
        }
        var d = Buffers.Uninitialized<double>(Count);
        AxisKernels.ScanAxis<double>(F64, outer, size, inner, product, reverse, d);
        return d;
    }

    /// <summary>The running product along a dimension, like <c>torch.cumprod</c>; float32 accumulates in double.</summary>
    /// <remarks>
    /// Derivative dx_i = sum_{j &gt;= i} g_j prod_{k &lt;= j, k ≠ i} x_k, exact with zeros. On lines without a zero it is
    /// written in tensor ops (reverse cumsum of g y, over x), so second derivatives work there; on a line with a zero
    /// it comes from an exact kernel and is not itself differentiated further.
    /// </remarks>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is out of range.</exception>
    public Tensor CumProd(int dim)
    {
        if (Rank == 0) { ShapeUtil.Axis("cumprod", dim, 1, _shape); return Reshape(1).CumProd(0).Reshape(_shape); }
        int axis = ShapeUtil.Axis("cumprod", dim, Rank, _shape);
        return Result("cumprod", ScanValues(axis, product: true, reverse: false), _shape, this, (g, r, x, _) =>
        {
            var t = x[0];
            var zero = t.Eq(0);
            var smooth = g.Mul(r).CumSumAlong(axis, reverse: true).Div(t.Add(zero));
            if (!t.HasZero()) return smooth;
            var (outer, size, inner) = ShapeUtil.Split(t._shape, axis);
            var dt = ResultDType(g, t);
            Array exact;
            if (dt == DType.Float32)
            {
                var f = Buffers.Uninitialized<float>(t.Count);
                AxisKernels.CumProdGradient<float>(g.BroadcastTo(t._shape).ValuesAs<float>(), t.ValuesAs<float>(), r.ValuesAs<float>(), outer, size, inner, f);
                exact = f;
            }
            else
            {
                var d = Buffers.Uninitialized<double>(t.Count);
                AxisKernels.CumProdGradient<double>(g.BroadcastTo(t._shape).ValuesAs<double>(), t.ValuesAs<double>(), r.ValuesAs<double>(), outer, size, inner, d);
                exact = d;
            }
            return Where("cumprod", zero.Sum(new[] { axis }, keepDim: true), new Tensor(exact, t._shape), smooth);
        });
    }

    private bool HasZero() => _dtype == DType.Float32 ? Array.IndexOf(F32, 0f) >= 0 : Array.IndexOf(F64, 0.0) >= 0;

    /// <summary>
    /// The values sorted along a dimension (default the last) and their original positions, like <c>torch.sort(stable=True)</c>:
    /// equal values keep their order, NaN sorts as the largest. The values are differentiable (the gradient goes back to
    /// each value's position); the indices are float64 and untracked.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is out of range.</exception>
    public (Tensor Values, Tensor Indices) Sort(int dim = -1, bool descending = false)
    {
        var t = Rank == 0 ? Reshape(1) : this;
        var (values, indices) = t.SortedAlong("sort", ShapeUtil.Axis("sort", dim, t.Rank, t._shape), descending, -1, median: false);
        return Rank == 0 ? (values.Reshape(_shape), indices.Reshape(_shape)) : (values, indices);
    }

    /// <summary>
    /// The k largest (or, with <paramref name="largest"/> false, smallest) values along a dimension, in sorted order,
    /// and their positions, like <c>torch.topk(sorted=True)</c>; ties keep their original order. Values are
    /// differentiable, indices float64 and untracked.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">k is negative or larger than the dimension, or the dimension is out of range.</exception>
    public (Tensor Values, Tensor Indices) TopK(int k, int dim = -1, bool largest = true)
    {
        var t = Rank == 0 ? Reshape(1) : this;
        int axis = ShapeUtil.Axis("topk", dim, t.Rank, t._shape);
        if (k < 0 || k > t._shape[axis])
            throw new ArgumentOutOfRangeException(nameof(k), $"topk: k = {k} is out of range for dimension {dim} of shape {ShapeUtil.Format(_shape)}");
        var (values, indices) = t.SortedAlong("topk", axis, largest, k, median: false);
        return Rank == 0 ? (values.Reshape(_shape), indices.Reshape(_shape)) : (values, indices);
    }

    /// <summary>
    /// The lower median along a dimension (for an even count the smaller of the two middle values, as PyTorch) and its
    /// position; a line holding NaN gives NaN, as in PyTorch. The gradient goes to the chosen element.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The dimension is out of range.</exception>
    /// <exception cref="InvalidOperationException">The dimension is empty.</exception>
    public (Tensor Values, Tensor Indices) Median(int dim, bool keepDim = false)
    {
        var t = Rank == 0 ? Reshape(1) : this;
        int axis = ShapeUtil.Axis("median", dim, t.Rank, t._shape);
        if (t._shape[axis] == 0) throw new InvalidOperationException($"median: dimension {dim} of shape {ShapeUtil.Format(_shape)} is empty");
        var (values, indices) = t.SortedAlong("median", axis, descending: false, 1, median: true);
        var mask = new bool[t.Rank];
        mask[axis] = true;
        var outShape = Rank == 0 ? _shape : keepDim ? values._shape : DropAxes(values._shape, mask);
        return (values.Reshape(outShape), indices.Reshape(outShape));
    }

    /// <summary>The lower median of all elements, as a scalar tensor (the gradient goes to the chosen element).</summary>
    /// <exception cref="InvalidOperationException">The tensor is empty.</exception>
    public Tensor Median()
    {
        if (Count == 0) throw new InvalidOperationException($"median: a tensor of shape {ShapeUtil.Format(_shape)} has no elements");
        return Reshape(Count).Median(0).Values;
    }

    /// <summary>
    /// Sorts along the axis and keeps the first <paramref name="count"/> positions (all when negative), or for the median
    /// the position (n - 1) / 2, or the first NaN of a line holding one.
    /// </summary>
    private (Tensor Values, Tensor Indices) SortedAlong(string op, int axis, bool descending, int count, bool median)
    {
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        var order = new int[outer * inner * size];
        if (_dtype == DType.Float32) AxisKernels.SortAxis<float>(F32, outer, size, inner, descending, order);
        else AxisKernels.SortAxis<double>(F64, outer, size, inner, descending, order);
        if (count < 0) count = size;
        var idx = new int[outer * count * inner];
        var indices = new double[idx.Length];
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < inner; i++)
            {
                int line = (o * inner + i) * size;
                for (int j = 0; j < count; j++)
                {
                    int pick = j;
                    if (median)
                    {
                        pick = (size - 1) / 2;
                        // NaN sorts last: a line holding one has its median NaN, at the first NaN's position
                        int first = size - 1;
                        if (IsNaNAt((o * size + order[line + first]) * inner + i))
                        {
                            while (first > 0 && IsNaNAt((o * size + order[line + first - 1]) * inner + i)) first--;
                            pick = first;
                        }
                    }
                    int p = (o * count + j) * inner + i;
                    idx[p] = order[line + pick];
                    indices[p] = idx[p];
                }
            }
        var outShape = (int[])_shape.Clone();
        outShape[axis] = count;
        return (TakeAlong(op, axis, idx, count), new Tensor(indices, outShape));
    }

    private bool IsNaNAt(int flat) => _dtype == DType.Float32 ? float.IsNaN(F32[flat]) : double.IsNaN(F64[flat]);

    /// <summary>The elements at positions <paramref name="idx"/> along the axis ([outer, count, inner]); its derivative puts the gradient back.</summary>
    private Tensor TakeAlong(string op, int axis, int[] idx, int count)
    {
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        var outShape = (int[])_shape.Clone();
        outShape[axis] = count;
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(outer * count * inner);
            AxisKernels.TakeAlong<float>(F32, outer, size, inner, idx, count, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(outer * count * inner);
            AxisKernels.TakeAlong<double>(F64, outer, size, inner, idx, count, d);
            data = d;
        }
        return Result(op, data, outShape, this, (g, _, x, _) => g.PutAlong(op + "_backward", axis, idx, x[0]._shape));
    }

    /// <summary>Zeros of <paramref name="shape"/> with this tensor's elements added at positions <paramref name="idx"/> along the axis (the adjoint of TakeAlong).</summary>
    private Tensor PutAlong(string op, int axis, int[] idx, int[] shape)
    {
        var (outer, size, inner) = ShapeUtil.Split(shape, axis);
        int count = _shape[axis];
        Array data;
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(ShapeUtil.Count(shape));
            AxisKernels.PutAlong<float>(F32, outer, size, inner, idx, count, f);
            data = f;
        }
        else
        {
            var d = Buffers.Uninitialized<double>(ShapeUtil.Count(shape));
            AxisKernels.PutAlong<double>(F64, outer, size, inner, idx, count, d);
            data = d;
        }
        return Result(op, data, shape, this, (g, _, _, _) => g.TakeAlong(op + "_backward", axis, idx, count));
    }
}
