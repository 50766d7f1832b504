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
}
