using System;
using Corgi.Kernels;

namespace Corgi;

// Shape operations. Reshapes share the (immutable) buffer; the others copy with a strided kernel.
public sealed partial class Tensor
{
    /// <summary>The same values with a new shape; one dimension may be -1 and is inferred.</summary>
    /// <exception cref="TensorShapeException">The element counts differ, or more than one -1 is given.</exception>
    public Tensor Reshape(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var s = (int[])shape.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1)
            {
                if (infer >= 0) throw new TensorShapeException($"reshape: only one dimension can be -1 in {ShapeUtil.Format(shape)}");
                infer = i;
            }
            else if (s[i] < 0) throw new TensorShapeException($"reshape: shape {ShapeUtil.Format(shape)} has a negative dimension");
            else known *= s[i];
        }
        if (infer >= 0)
        {
            if (known == 0 || Count % known != 0)
                throw new TensorShapeException($"reshape: cannot reshape {ShapeUtil.Format(_shape)} ({Count} elements) to {ShapeUtil.Format(shape)}");
            s[infer] = (int)(Count / known);
        }
        else if (known != Count)
            throw new TensorShapeException($"reshape: cannot reshape {ShapeUtil.Format(_shape)} ({Count} elements) to {ShapeUtil.Format(shape)} ({known} elements)");
        if (ShapeUtil.SameShape(s, _shape)) return this;
        return Result("reshape", Data, s, this, static (g, _, x, _) => g.Reshape(x[0]._shape));
    }

    /// <summary>All values as a rank-1 tensor.</summary>
    public Tensor Flatten() => Reshape(Count);

    /// <summary>Merges dimensions startDim..endDim (inclusive) into one, like <c>torch.flatten</c>.</summary>
    public Tensor Flatten(int startDim, int endDim = -1)
    {
        if (Rank == 0) return Reshape(1);
        int s = ShapeUtil.Axis("flatten", startDim, Rank, _shape), e = ShapeUtil.Axis("flatten", endDim, Rank, _shape);
        if (s > e) throw new ArgumentException($"flatten: start dimension {startDim} comes after end dimension {endDim} for shape {ShapeUtil.Format(_shape)}");
        var shape = new int[Rank - (e - s)];
        int j = 0, merged = 1;
        for (int i = 0; i < Rank; i++)
        {
            if (i < s || i > e) shape[j++] = _shape[i];
            else { merged *= _shape[i]; if (i == e) shape[j++] = merged; }
        }
        return Reshape(shape);
    }

    /// <summary>Removes every dimension of size 1.</summary>
    public Tensor Squeeze()
    {
        int n = 0;
        foreach (var d in _shape) if (d != 1) n++;
        var s = new int[n];
        int j = 0;
        foreach (var d in _shape) if (d != 1) s[j++] = d;
        return Reshape(s);
    }

    /// <summary>Removes one dimension of size 1 (a dimension of another size is left as it is, as in PyTorch).</summary>
    public Tensor Squeeze(int dim)
    {
        int a = ShapeUtil.Axis("squeeze", dim, Rank, _shape);
        if (_shape[a] != 1) return this;
        var s = new int[Rank - 1];
        for (int i = 0, j = 0; i < Rank; i++) if (i != a) s[j++] = _shape[i];
        return Reshape(s);
    }

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/> (0..rank; negative counts from the end).</summary>
    public Tensor Unsqueeze(int dim)
    {
        int a = ShapeUtil.Axis("unsqueeze", dim, Rank + 1, _shape);
        var s = new int[Rank + 1];
        for (int i = 0, j = 0; i <= Rank; i++) s[i] = i == a ? 1 : _shape[j++];
        return Reshape(s);
    }

    /// <summary>Reorders the dimensions: result dimension i is this tensor's dimension dims[i].</summary>
    /// <exception cref="ArgumentException">dims is not a permutation of 0..rank-1.</exception>
    public Tensor Permute(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        if (dims.Length != Rank)
            throw new ArgumentException($"permute: {dims.Length} dimensions given for a tensor of shape {ShapeUtil.Format(_shape)}");
        var perm = new int[Rank];
        ShapeUtil.AxisMask("permute", dims, _shape); // rejects repeated or out-of-range dimensions
        var strides = ShapeUtil.Strides(_shape);
        var outShape = new int[Rank];
        var srcStrides = new int[Rank];
        bool identity = true;
        for (int i = 0; i < Rank; i++)
        {
            perm[i] = ShapeUtil.Axis("permute", dims[i], Rank, _shape);
            outShape[i] = _shape[perm[i]];
            srcStrides[i] = strides[perm[i]];
            identity &= perm[i] == i;
        }
        if (identity) return this;
        var data = StridedCopy(0, srcStrides, outShape);
        var inverse = new int[Rank];
        for (int i = 0; i < Rank; i++) inverse[perm[i]] = i;
        return Result("permute", data, outShape, this, (g, _, _, _) => g.Permute(inverse));
    }

    /// <summary>Swaps two dimensions.</summary>
    public Tensor Transpose(int dim0, int dim1)
    {
        int a = ShapeUtil.Axis("transpose", dim0, Rank, _shape), b = ShapeUtil.Axis("transpose", dim1, Rank, _shape);
        var perm = new int[Rank];
        for (int i = 0; i < Rank; i++) perm[i] = i;
        (perm[a], perm[b]) = (perm[b], perm[a]);
        return Permute(perm);
    }

    /// <summary>The matrix transpose of a rank-2 tensor (the last two dimensions of a batch).</summary>
    public Tensor T => Rank < 2 ? this : Transpose(-2, -1);

    /// <summary>Broadcasts to a larger shape (NumPy rules: size-1 and missing leading dimensions expand).</summary>
    /// <exception cref="TensorShapeException">The shape is not a broadcast of this tensor's shape.</exception>
    public Tensor BroadcastTo(params int[] shape)
    {
        ArgumentNullException.ThrowIfNull(shape);
        if (ShapeUtil.SameShape(shape, _shape)) return this;
        if (!ShapeUtil.BroadcastsTo(_shape, shape))
            throw new TensorShapeException($"broadcast_to: shape {ShapeUtil.Format(_shape)} cannot be broadcast to {ShapeUtil.Format(shape)}");
        var s = (int[])shape.Clone();
        Array data;
        if (Count == 1)
        {
            int n = ShapeUtil.CountChecked("broadcast_to", s);
            if (_dtype == DType.Float32) { var f = Buffers.Uninitialized<float>(n); LargeKernels.Fill(f, F32[0]); data = f; }
            else { var d = Buffers.Uninitialized<double>(n); LargeKernels.Fill(d, F64[0]); data = d; }
        }
        else data = StridedCopy(0, ShapeUtil.BroadcastStrides(_shape, s), s);
        return Result("broadcast_to", data, s, this, static (g, _, x, _) => g.SumTo(x[0]._shape));
    }

    /// <summary>The same as <see cref="BroadcastTo"/> (PyTorch's name).</summary>
    public Tensor Expand(params int[] shape) => BroadcastTo(shape);

    /// <summary>The elements start..start+length-1 along a dimension.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The range does not fit in the dimension.</exception>
    public Tensor Narrow(int dim, int start, int length)
    {
        int a = ShapeUtil.Axis("narrow", dim, Rank, _shape);
        if (start < 0) start += _shape[a];
        if (start < 0 || length < 0 || (long)start + length > _shape[a]) // in 64 bits: start + length may overflow int
            throw new ArgumentOutOfRangeException(nameof(start),
                $"narrow: range start {start}, length {length} does not fit dimension {dim} of shape {ShapeUtil.Format(_shape)}");
        if (length == _shape[a]) return this;
        var outShape = (int[])_shape.Clone();
        outShape[a] = length;
        var strides = ShapeUtil.Strides(_shape);
        var data = StridedCopy(start * strides[a], strides, outShape);
        int full = _shape[a];
        return Result("narrow", data, outShape, this, (g, _, _, _) => g.Embed(a, start, full));
    }

    /// <summary>Elements start (inclusive) to end (exclusive) along a dimension; negative bounds count from the end.</summary>
    public Tensor Slice(int dim, int start, int end)
    {
        int a = ShapeUtil.Axis("slice", dim, Rank, _shape);
        int n = _shape[a];
        int s = Math.Clamp(start < 0 ? start + n : start, 0, n), e = Math.Clamp(end < 0 ? end + n : end, 0, n);
        return Narrow(a, s, Math.Max(0, e - s));
    }

    /// <summary>The inverse of narrow: places this tensor at <paramref name="start"/> along <paramref name="axis"/> of zeros of size <paramref name="full"/>.</summary>
    internal Tensor Embed(int axis, int start, int full)
    {
        var outShape = (int[])_shape.Clone();
        outShape[axis] = full;
        var data = Buffers.Zeroed(_dtype, ShapeUtil.Count(outShape));
        var (outer, size, inner) = ShapeUtil.Split(_shape, axis);
        for (int o = 0; o < outer; o++)
            Array.Copy(Data, o * size * inner, data, (o * full + start) * inner, size * inner);
        int length = size;
        return Result("embed", data, outShape, this, (g, _, _, _) => g.Narrow(axis, start, length));
    }

    /// <summary>The slices at the given indices along a dimension, in that order (indices may repeat).</summary>
    /// <exception cref="IndexOutOfRangeException">An index is out of range.</exception>
    public Tensor IndexSelect(int dim, params int[] indices)
    {
        ArgumentNullException.ThrowIfNull(indices);
        int a = ShapeUtil.Axis("index_select", dim, Rank, _shape);
        var (outer, size, inner) = ShapeUtil.Split(_shape, a);
        var idx = new int[indices.Length];
        for (int i = 0; i < idx.Length; i++)
        {
            int ix = indices[i] < 0 ? indices[i] + size : indices[i];
            if ((uint)ix >= (uint)size)
                throw new IndexOutOfRangeException($"index_select: index {indices[i]} is out of range for dimension {dim} of shape {ShapeUtil.Format(_shape)}");
            idx[i] = ix;
        }
        var outShape = (int[])_shape.Clone();
        outShape[a] = idx.Length;
        var data = Buffers.Uninitialized(_dtype, ShapeUtil.Count(outShape));
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < idx.Length; i++)
                Array.Copy(Data, (o * size + idx[i]) * inner, data, (o * idx.Length + i) * inner, inner);
        return Result("index_select", data, outShape, this, (g, _, _, _) => g.IndexAdd(a, idx, size));
    }

    /// <summary>The adjoint of index_select: sums the slices of this tensor into zeros of size <paramref name="size"/> at the given indices.</summary>
    internal Tensor IndexAdd(int axis, int[] idx, int size)
    {
        var outShape = (int[])_shape.Clone();
        outShape[axis] = size;
        var data = Buffers.Zeroed(_dtype, ShapeUtil.Count(outShape));
        var (outer, n, inner) = ShapeUtil.Split(_shape, axis);
        if (_dtype == DType.Float32) AddSlices(F32, (float[])data, outer, n, inner, idx, size);
        else AddSlices(F64, (double[])data, outer, n, inner, idx, size);
        return Result("index_add", data, outShape, this, (g, _, _, _) => g.IndexSelect(axis, idx));
    }

    private static void AddSlices<T>(T[] src, T[] dst, int outer, int n, int inner, int[] idx, int size)
        where T : System.Numerics.IFloatingPointIeee754<T>
    {
        for (int o = 0; o < outer; o++)
            for (int i = 0; i < n; i++)
            {
                var s = src.AsSpan((o * n + i) * inner, inner);
                var d = dst.AsSpan((o * size + idx[i]) * inner, inner);
                System.Numerics.Tensors.TensorPrimitives.Add(d, s, d);
            }
    }

    /// <summary>A fresh buffer of this tensor's dtype holding the strided view (offset, strides) of its values with the given shape.</summary>
    private Array StridedCopy(int offset, ReadOnlySpan<int> strides, int[] shape)
    {
        int n = ShapeUtil.Count(shape);
        if (_dtype == DType.Float32)
        {
            var f = Buffers.Uninitialized<float>(n);
            ElementwiseKernels.StridedCopy<float>(F32, offset, strides, shape, f);
            return f;
        }
        var d = Buffers.Uninitialized<double>(n);
        ElementwiseKernels.StridedCopy<double>(F64, offset, strides, shape, d);
        return d;
    }

    /// <summary>Joins tensors along an existing dimension; all other dimensions must agree.</summary>
    /// <exception cref="TensorShapeException">The shapes differ outside the dimension, or no tensor is given.</exception>
    public static Tensor Concat(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new TensorShapeException("concat: at least one tensor is needed");
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"concat: tensor {i} of {tensors.Length} is null");
        var first = tensors[0];
        if (first.Rank == 0) throw new TensorShapeException("concat: scalars (rank 0) cannot be concatenated; use Stack");
        int a = ShapeUtil.Axis("concat", dim, first.Rank, first._shape);
        int total = 0;
        foreach (var t in tensors)
        {
            ArgumentNullException.ThrowIfNull(t, nameof(tensors));
            bool ok = t.Rank == first.Rank;
            for (int i = 0; ok && i < t.Rank; i++) ok = i == a || t._shape[i] == first._shape[i];
            if (!ok)
                throw new TensorShapeException($"concat: shapes {ShapeUtil.Format(first._shape)} and {ShapeUtil.Format(t._shape)} differ outside dimension {dim}");
            total += t._shape[a];
        }
        var outShape = (int[])first._shape.Clone();
        outShape[a] = total;
        var dt = ResultDType(tensors);
        var data = Buffers.Uninitialized(dt, ShapeUtil.CountChecked("concat", outShape));
        var (outer, _, inner) = ShapeUtil.Split(outShape, a);
        var starts = new int[tensors.Length];
        int at = 0;
        for (int k = 0; k < tensors.Length; k++)
        {
            var t = tensors[k];
            int n = t._shape[a];
            starts[k] = at;
            var src = t.AsDType(dt).Data;
            for (int o = 0; o < outer; o++)
                Array.Copy(src, o * n * inner, data, (o * total + at) * inner, n * inner);
            at += n;
        }
        var inputs = (Tensor[])tensors.Clone();
        return Result("concat", data, outShape, inputs, (g, _, x, i) => g.Narrow(a, starts[i], x[i]._shape[a]));
    }

    /// <summary>Joins tensors of equal shape along a new dimension.</summary>
    public static Tensor Stack(Tensor[] tensors, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(tensors);
        if (tensors.Length == 0) throw new TensorShapeException("stack: at least one tensor is needed");
        var expanded = new Tensor[tensors.Length];
        for (int i = 0; i < tensors.Length; i++)
            if (tensors[i] is null) throw new ArgumentNullException(nameof(tensors), $"stack: tensor {i} of {tensors.Length} is null");
        for (int i = 0; i < tensors.Length; i++)
        {
            if (!ShapeUtil.SameShape(tensors[i]._shape, tensors[0]._shape))
                throw new TensorShapeException($"stack: shapes {ShapeUtil.Format(tensors[0]._shape)} and {ShapeUtil.Format(tensors[i]._shape)} differ");
            expanded[i] = tensors[i].Unsqueeze(dim);
        }
        return Concat(expanded, dim);
    }
}
