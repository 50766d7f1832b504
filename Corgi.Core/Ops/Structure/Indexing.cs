using System;
using Corgi.Kernels;

namespace Corgi;

// Indexing by tensors of indices: gather, scatter, scatter_add, index_add, take_along_dim, one_hot.
// Corgi has no integer dtype, so an index tensor is a float tensor of whole numbers; every op checks that
// each index is integral and in range and names the op, the position and the value when one is not.
// Each op lowers to one gather or scatter-add by flat position (GatherFlat/ScatterFlat, an adjoint pair),
// plus arithmetic with constant masks, so its derivatives are again gathers and scatters.
public sealed partial class Tensor
{
    /// <summary>
    /// Gathers values along a dimension, like <c>torch.gather</c>: for a 3-D input and <paramref name="dim"/> = 1,
    /// <c>out[i,j,k] = this[i, index[i,j,k], k]</c>. The result has the index's shape; the index has this tensor's
    /// rank, and index.size(d) ≤ size(d) for every d ≠ dim. The gradient is scattered (added) back to the gathered
    /// positions; the index gets none.
    /// </summary>
    /// <param name="dim">The dimension the indices select along (negative counts from the end).</param>
    /// <param name="index">Whole numbers in [0, size(dim)), any float dtype.</param>
    /// <example><code>Tensor.Of(10.0, 20, 30).Gather(0, Tensor.Of(2.0, 0, 0))   // [30, 10, 10]</code></example>
    /// <exception cref="TensorShapeException">The ranks differ or the index is larger than this tensor outside dim.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor Gather(int dim, Tensor index)
    {
        ArgumentNullException.ThrowIfNull(index);
        int a = CheckIndexShape("gather", dim, index, this, "input");
        var along = IndexValues("gather", index, _shape[a], _shape, a);
        var flat = new int[along.Length];
        IndexKernels.Along(along, index._shape, a, ShapeUtil.Strides(_shape), flat, Array.Empty<int>(), default);
        return GatherFlat(flat, (int[])index._shape.Clone());
    }

    /// <summary>
    /// Writes <paramref name="source"/>'s values into a copy of this tensor along a dimension, like
    /// <c>torch.scatter</c> (no reduction): for <paramref name="dim"/> = 0, <c>out[index[i,j], j] = source[i,j]</c>.
    /// The index has this tensor's rank; index.size(d) ≤ source.size(d) for every d and ≤ size(d) for d ≠ dim
    /// (only source's elements at the index's positions are used). Where several indices name one position the
    /// last one (in row-major order) wins, and only it gets a gradient; PyTorch leaves that case unspecified.
    /// Gradients: this tensor's is the upstream with the written positions zeroed, source's is the upstream
    /// gathered at the index.
    /// </summary>
    /// <param name="dim">The dimension the indices address.</param>
    /// <param name="index">Whole numbers in [0, size(dim)).</param>
    /// <param name="source">The values written.</param>
    /// <exception cref="TensorShapeException">The ranks differ, or the index is larger than source or than this tensor outside dim.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor Scatter(int dim, Tensor index, Tensor source) => ScatterCore("scatter", dim, index, source, accumulate: false);

    /// <summary>
    /// Writes <paramref name="value"/> into a copy of this tensor at the positions the index names along
    /// <paramref name="dim"/> (<c>torch.scatter(dim, index, value)</c>); the gradient is zero at those positions.
    /// </summary>
    /// <param name="dim">The dimension the indices address.</param>
    /// <param name="index">Whole numbers in [0, size(dim)).</param>
    /// <param name="value">The value written.</param>
    /// <exception cref="TensorShapeException">The ranks differ or the index is larger than this tensor outside dim.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor Scatter(int dim, Tensor index, double value)
    {
        ArgumentNullException.ThrowIfNull(index);
        int a = CheckIndexShape("scatter", dim, index, this, "input");
        var along = IndexValues("scatter", index, _shape[a], _shape, a);
        var flat = new int[along.Length];
        IndexKernels.Along(along, index._shape, a, ShapeUtil.Strides(_shape), flat, Array.Empty<int>(), default);
        var keep = new double[Count];
        Array.Fill(keep, 1.0);
        foreach (var f in flat) keep[f] = 0;
        var filled = new double[Count];
        for (int i = 0; i < filled.Length; i++) filled[i] = keep[i] == 0 ? value : 0;
        return this * FromArray((int[])_shape.Clone(), keep, _dtype) + FromArray((int[])_shape.Clone(), filled, _dtype);
    }

    /// <summary>
    /// Adds <paramref name="source"/>'s values into a copy of this tensor along a dimension, like
    /// <c>torch.scatter_add</c>: for <paramref name="dim"/> = 0, <c>out[index[i,j], j] += source[i,j]</c>
    /// (repeated indices accumulate). Shapes as for <see cref="Scatter(int, Tensor, Tensor)"/>. Gradients: this
    /// tensor's is the upstream, source's is the upstream gathered at the index.
    /// </summary>
    /// <param name="dim">The dimension the indices address.</param>
    /// <param name="index">Whole numbers in [0, size(dim)).</param>
    /// <param name="source">The values added.</param>
    /// <example><code>Tensor.Zeros(3).ScatterAdd(0, Tensor.Of(0.0, 2, 0), Tensor.Of(1.0, 2, 3))   // [4, 0, 2]</code></example>
    /// <exception cref="TensorShapeException">The ranks differ, or the index is larger than source or than this tensor outside dim.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor ScatterAdd(int dim, Tensor index, Tensor source) => ScatterCore("scatter_add", dim, index, source, accumulate: true);

    private Tensor ScatterCore(string op, int dim, Tensor index, Tensor source, bool accumulate)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        int a = CheckIndexShape(op, dim, index, this, "input");
        if (source.Rank != index.Rank)
            throw new TensorShapeException($"{op}: index {ShapeUtil.Format(index._shape)} and source {ShapeUtil.Format(source._shape)} must have the same rank");
        for (int d = 0; d < index.Rank; d++)
            if (index._shape[d] > source._shape[d])
                throw new TensorShapeException(
                    $"{op}: index {ShapeUtil.Format(index._shape)} is larger than source {ShapeUtil.Format(source._shape)} in dimension {d}");
        var along = IndexValues(op, index, _shape[a], _shape, a);
        var flat = new int[along.Length];
        var fromSource = new int[along.Length];
        IndexKernels.Along(along, index._shape, a, ShapeUtil.Strides(_shape), flat, ShapeUtil.Strides(source._shape), fromSource);
        // the source elements at the index's positions (all of source when the shapes agree)
        var src = ShapeUtil.SameShape(index._shape, source._shape) ? source : source.GatherFlat(fromSource, (int[])index._shape.Clone());
        if (accumulate) return this + src.ScatterFlat(flat, (int[])_shape.Clone());
        // the last write wins: earlier writes to the same position are dropped (-1 is skipped by the scatter)
        var keep = new double[Count];
        Array.Fill(keep, 1.0);
        for (int i = flat.Length - 1; i >= 0; i--)
        {
            if (keep[flat[i]] == 0) flat[i] = -1;
            else keep[flat[i]] = 0;
        }
        return this * FromArray((int[])_shape.Clone(), keep, ResultDType(this, source)) + src.ScatterFlat(flat, (int[])_shape.Clone());
    }

    /// <summary>
    /// Adds the slices of <paramref name="source"/> into a copy of this tensor at the given positions along a
    /// dimension, like <c>torch.index_add</c>: <c>out.select(dim, index[i]) += alpha · source.select(dim, i)</c>
    /// (repeated indices accumulate). Source has this tensor's shape except size(dim) = index's length.
    /// Gradients: this tensor's is the upstream, source's is alpha times the upstream's slices at the index
    /// (<see cref="IndexSelect"/>).
    /// </summary>
    /// <param name="dim">The dimension the indices address.</param>
    /// <param name="index">A rank-1 tensor of whole numbers in [0, size(dim)).</param>
    /// <param name="source">The slices added.</param>
    /// <param name="alpha">The factor applied to source.</param>
    /// <exception cref="TensorShapeException">The index is not rank 1, or source's shape does not match.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor IndexAdd(int dim, Tensor index, Tensor source, double alpha = 1)
    {
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(source);
        int a = ShapeUtil.Axis("index_add", dim, Rank, _shape);
        if (index.Rank != 1)
            throw new TensorShapeException($"index_add: the index must be rank 1, got {ShapeUtil.Format(index._shape)}");
        bool ok = source.Rank == Rank && source._shape[a] == index._shape[0];
        for (int d = 0; ok && d < Rank; d++) ok = d == a || source._shape[d] == _shape[d];
        if (!ok)
            throw new TensorShapeException(
                $"index_add: source {ShapeUtil.Format(source._shape)} must match input {ShapeUtil.Format(_shape)} except dimension {dim}, which must be the index's length {index._shape[0]}");
        var idx = IndexValues("index_add", index, _shape[a], _shape, a);
        var added = source.IndexAdd(a, idx, _shape[a]);
        return this + (alpha == 1 ? added : added * alpha);
    }

    /// <summary>
    /// Selects values along a dimension at the positions of <paramref name="indices"/>, like
    /// <c>torch.take_along_dim</c>: <see cref="Gather"/> after broadcasting this tensor and the indices against
    /// each other in every dimension but <paramref name="dim"/>. With no dim, both are flattened first.
    /// </summary>
    /// <param name="indices">Whole numbers in [0, size(dim)); same rank as this tensor when dim is given.</param>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <example><code>x.TakeAlongDim(x.ArgMax(1, keepDim: true), 1)   // the row maxima, [N, 1]</code></example>
    /// <exception cref="TensorShapeException">The ranks differ or the other dimensions do not broadcast.</exception>
    /// <exception cref="ArgumentException">An index is not a whole number or is out of range.</exception>
    public Tensor TakeAlongDim(Tensor indices, int? dim = null)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (dim is null) return Flatten().Gather(0, indices.Flatten());
        int a = ShapeUtil.Axis("take_along_dim", dim.Value, Rank, _shape);
        if (indices.Rank != Rank)
            throw new TensorShapeException(
                $"take_along_dim: input {ShapeUtil.Format(_shape)} and indices {ShapeUtil.Format(indices._shape)} must have the same rank");
        var self = (int[])_shape.Clone();
        var idx = (int[])indices._shape.Clone();
        for (int d = 0; d < Rank; d++)
        {
            if (d == a) continue;
            int s = _shape[d], t = indices._shape[d];
            if (s != t && s != 1 && t != 1)
                throw new TensorShapeException(
                    $"take_along_dim: input {ShapeUtil.Format(_shape)} and indices {ShapeUtil.Format(indices._shape)} do not broadcast in dimension {d}");
            self[d] = idx[d] = Math.Max(s, t);
        }
        return BroadcastTo(self).Gather(a, indices.BroadcastTo(idx));
    }

    /// <summary>
    /// One-hot encoding, like <c>torch.nn.functional.one_hot</c>: a tensor of shape indices.shape + [numClasses]
    /// with 1 at each index and 0 elsewhere, in the indices' dtype (PyTorch returns int64; Corgi has no integer
    /// dtype). Not differentiable (a constant).
    /// </summary>
    /// <param name="indices">Whole numbers in [0, numClasses).</param>
    /// <param name="numClasses">The number of classes; -1 (the default) means the largest index + 1.</param>
    /// <example><code>Tensor.OneHot(Tensor.Of(2.0, 0), 3)   // [[0, 0, 1], [1, 0, 0]]</code></example>
    /// <exception cref="ArgumentException">An index is not a whole number, is negative, or is not below numClasses.</exception>
    public static Tensor OneHot(Tensor indices, int numClasses = -1)
    {
        ArgumentNullException.ThrowIfNull(indices);
        if (numClasses < -1 || numClasses == 0 && indices.Count > 0)
            throw new ArgumentOutOfRangeException(nameof(numClasses), $"one_hot: the number of classes must be positive or -1, got {numClasses}");
        var v = indices.ValuesAs<double>();
        if (numClasses == -1)
        {
            double max = -1;
            foreach (var x in v) if (x > max) max = x;
            numClasses = Math.Max(1, (int)Math.Min(max + 1, int.MaxValue));
        }
        var idx = IndexValues("one_hot", indices, numClasses, indices._shape, -1);
        var shape = new int[indices.Rank + 1];
        indices._shape.CopyTo(shape, 0);
        shape[^1] = numClasses;
        var data = new double[ShapeUtil.CountChecked("one_hot", shape)];
        for (int i = 0; i < idx.Length; i++) data[i * numClasses + idx[i]] = 1;
        return FromArray(shape, data, indices._dtype);
    }

    /// <summary>Checks an index tensor against a tensor for gather/scatter: same rank, and no larger outside dim. Returns dim.</summary>
    private int CheckIndexShape(string op, int dim, Tensor index, Tensor target, string name)
    {
        int a = ShapeUtil.Axis(op, dim, Rank, _shape);
        if (index.Rank != target.Rank)
            throw new TensorShapeException($"{op}: {name} {ShapeUtil.Format(target._shape)} and index {ShapeUtil.Format(index._shape)} must have the same rank");
        for (int d = 0; d < index.Rank; d++)
            if (d != a && index._shape[d] > target._shape[d])
                throw new TensorShapeException(
                    $"{op}: index {ShapeUtil.Format(index._shape)} is larger than {name} {ShapeUtil.Format(target._shape)} in dimension {d}");
        return a;
    }

    /// <summary>
    /// The values of an index tensor as ints, each checked to be a whole number in [0, size); the error names
    /// the op, the position in the index, the value, and the dimension of <paramref name="shape"/> it addresses.
    /// </summary>
    private static int[] IndexValues(string op, Tensor index, int size, int[] shape, int dim)
    {
        var v = index.ValuesAs<double>();
        var result = new int[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double x = v[i];
            if (x != Math.Floor(x) || double.IsInfinity(x))
                throw new ArgumentException(
                    $"{op}: index{Position(index._shape, i)} = {x} is not a whole number (an index tensor holds whole numbers)", nameof(index));
            if (x < 0 || x >= size)
                throw new ArgumentException(dim < 0
                    ? $"{op}: index{Position(index._shape, i)} = {x} is out of range [0, {size})"
                    : $"{op}: index{Position(index._shape, i)} = {x} is out of range [0, {size}) for dimension {dim} of shape {ShapeUtil.Format(shape)}",
                    nameof(index));
            result[i] = (int)x;
        }
        return result;
    }

    /// <summary>The multi-index of flat position <paramref name="flat"/> in a shape, as "[i,j,k]".</summary>
    private static string Position(int[] shape, int flat)
    {
        var p = new int[shape.Length];
        for (int d = shape.Length - 1; d >= 0; d--)
        {
            p[d] = flat % shape[d];
            flat /= shape[d];
        }
        return ShapeUtil.Format(p);
    }

    /// <summary>
    /// The values at per-dimension source coordinates: result[p] = this[coords[0][p_0], ..., coords[r-1][p_r-1]]
    /// (0 where any coordinate is -1), shaped by the coordinate arrays' lengths. One gather; its derivative
    /// is the scatter-add back. Flip, repeat, pad, upsampling and strided slicing are this with their own maps.
    /// </summary>
    internal Tensor Remap(int[][] coords)
    {
        var strides = ShapeUtil.Strides(_shape);
        var offsets = new int[coords.Length][];
        var shape = new int[coords.Length];
        for (int d = 0; d < coords.Length; d++)
        {
            var c = coords[d];
            var o = new int[c.Length];
            for (int i = 0; i < c.Length; i++) o[i] = c[i] < 0 ? -1 : c[i] * strides[d];
            offsets[d] = o;
            shape[d] = c.Length;
        }
        var flat = new int[ShapeUtil.CountChecked("remap", shape)];
        IndexKernels.Outer(offsets, flat);
        return GatherFlat(flat, shape);
    }

    /// <summary>The identity coordinate map 0..n-1 (a dimension kept as it is by <see cref="Remap"/>).</summary>
    internal static int[] Identity(int n)
    {
        var c = new int[n];
        for (int i = 0; i < n; i++) c[i] = i;
        return c;
    }
}
