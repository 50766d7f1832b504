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
    /// <summary>
    /// Every <paramref name="step"/>-th element from start (inclusive) to end (exclusive) along a dimension, like
    /// Python's <c>x[start:end:step]</c>; negative bounds count from the end and bounds are clamped to the dimension.
    /// The gradient is scattered back to the selected positions.
    /// </summary>
    /// <param name="dim">The dimension.</param>
    /// <param name="start">The first element.</param>
    /// <param name="end">One past the last element considered.</param>
    /// <param name="step">The step, at least 1.</param>
    /// <example><code>Tensor.Arange(6).Slice(0, 1, 6, 2)   // [1, 3, 5]</code></example>
    /// <exception cref="ArgumentOutOfRangeException">The step is below 1.</exception>
    public Tensor Slice(int dim, int start, int end, int step)
    {
        int a = ShapeUtil.Axis("slice", dim, Rank, _shape);
        if (step < 1)
            throw new ArgumentOutOfRangeException(nameof(step), $"slice: the step must be at least 1, got {step} (shape {ShapeUtil.Format(_shape)}, dimension {dim})");
        if (step == 1) return Slice(a, start, end);
        int n = _shape[a];
        int s = Math.Clamp(start < 0 ? start + n : start, 0, n), e = Math.Clamp(end < 0 ? end + n : end, 0, n);
        int length = e > s ? (e - s + step - 1) / step : 0;
        var coords = IdentityCoords();
        coords[a] = new int[length];
        for (int i = 0; i < length; i++) coords[a][i] = s + i * step;
        return Remap(coords);
    }

    /// <summary>The identity coordinate maps of every dimension (see <see cref="Remap"/>).</summary>
    private int[][] IdentityCoords()
    {
        var coords = new int[Rank][];
        for (int d = 0; d < Rank; d++) coords[d] = Identity(_shape[d]);
        return coords;
    }

    /// <summary>
    /// Splits into pieces of <paramref name="splitSize"/> along a dimension (the last piece may be smaller), like
    /// <c>torch.split</c>. Each piece is a <see cref="Narrow"/>.
    /// </summary>
    /// <param name="splitSize">The length of each piece, at least 1.</param>
    /// <param name="dim">The dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">The size is below 1.</exception>
    public Tensor[] Split(int splitSize, int dim = 0)
    {
        int a = ShapeUtil.Axis("split", dim, Rank, _shape);
        if (splitSize < 1)
            throw new ArgumentOutOfRangeException(nameof(splitSize), $"split: the split size must be at least 1, got {splitSize} for shape {ShapeUtil.Format(_shape)}");
        int n = _shape[a];
        int count = Math.Max(1, (n + splitSize - 1) / splitSize);
        var pieces = new Tensor[count];
        for (int i = 0; i < count; i++) pieces[i] = Narrow(a, i * splitSize, Math.Min(splitSize, n - i * splitSize));
        return pieces;
    }

    /// <summary>Splits into pieces of the given lengths along a dimension, like <c>torch.split</c> with a list of sizes.</summary>
    /// <param name="sizes">The lengths, non-negative, summing to the dimension's size.</param>
    /// <param name="dim">The dimension.</param>
    /// <exception cref="TensorShapeException">The sizes do not sum to the dimension's size, or one is negative.</exception>
    public Tensor[] Split(int[] sizes, int dim = 0)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int a = ShapeUtil.Axis("split", dim, Rank, _shape);
        long total = 0;
        foreach (var s in sizes)
        {
            if (s < 0) throw new TensorShapeException($"split: sizes {ShapeUtil.Format(sizes)} include a negative size (shape {ShapeUtil.Format(_shape)})");
            total += s;
        }
        if (total != _shape[a])
            throw new TensorShapeException($"split: sizes {ShapeUtil.Format(sizes)} sum to {total}, not to dimension {dim} of shape {ShapeUtil.Format(_shape)}");
        var pieces = new Tensor[sizes.Length];
        for (int i = 0, at = 0; i < sizes.Length; at += sizes[i], i++) pieces[i] = Narrow(a, at, sizes[i]);
        return pieces;
    }

    /// <summary>
    /// Splits into <paramref name="chunks"/> pieces of ⌈size/chunks⌉ along a dimension (fewer when they run out,
    /// as in <c>torch.chunk</c>).
    /// </summary>
    /// <param name="chunks">The number of pieces wanted, at least 1.</param>
    /// <param name="dim">The dimension.</param>
    /// <exception cref="ArgumentOutOfRangeException">chunks is below 1.</exception>
    public Tensor[] Chunk(int chunks, int dim = 0)
    {
        int a = ShapeUtil.Axis("chunk", dim, Rank, _shape);
        if (chunks < 1)
            throw new ArgumentOutOfRangeException(nameof(chunks), $"chunk: the number of chunks must be at least 1, got {chunks} for shape {ShapeUtil.Format(_shape)}");
        return Split(Math.Max(1, (_shape[a] + chunks - 1) / chunks), a);
    }

    /// <summary>Reverses the order of elements along the given dimensions, like <c>torch.flip</c>; the gradient is flipped back.</summary>
    /// <param name="dims">The dimensions to reverse (distinct).</param>
    /// <example><code>Tensor.Of(1.0, 2, 3).Flip(0)   // [3, 2, 1]</code></example>
    public Tensor Flip(params int[] dims)
    {
        ArgumentNullException.ThrowIfNull(dims);
        var mask = ShapeUtil.AxisMask("flip", dims, _shape);
        var coords = IdentityCoords();
        for (int d = 0; d < Rank; d++)
            if (mask[d]) Array.Reverse(coords[d]);
        return Remap(coords);
    }

    /// <summary>
    /// Rolls elements along a dimension by <paramref name="shifts"/> positions (wrapping around), like
    /// <c>torch.roll</c>: out[(i + shifts) mod n] = x[i]. With no dimension the flattened tensor is rolled and
    /// the shape restored.
    /// </summary>
    /// <param name="shifts">The shift, any sign.</param>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <example><code>Tensor.Of(1.0, 2, 3, 4).Roll(1)   // [4, 1, 2, 3]</code></example>
    public Tensor Roll(int shifts, int? dim = null) =>
        dim is null ? Flatten().Roll(new[] { shifts }, new[] { 0 }).Reshape(_shape) : Roll(new[] { shifts }, new[] { dim.Value });

    /// <summary>Rolls along several dimensions at once (shifts[i] along dims[i]), like <c>torch.roll</c> with tuples.</summary>
    /// <param name="shifts">The shift of each dimension.</param>
    /// <param name="dims">The dimensions, as many as shifts.</param>
    /// <exception cref="ArgumentException">shifts and dims differ in length.</exception>
    public Tensor Roll(int[] shifts, int[] dims)
    {
        ArgumentNullException.ThrowIfNull(shifts);
        ArgumentNullException.ThrowIfNull(dims);
        if (shifts.Length != dims.Length)
            throw new ArgumentException($"roll: {shifts.Length} shifts for {dims.Length} dimensions (shape {ShapeUtil.Format(_shape)})");
        var coords = IdentityCoords();
        for (int i = 0; i < dims.Length; i++)
        {
            int a = ShapeUtil.Axis("roll", dims[i], Rank, _shape), n = _shape[a];
            if (n == 0) continue;
            int k = (int)(((long)shifts[i] % n + n) % n);
            var c = coords[a];
            var rolled = new int[n];
            for (int j = 0; j < n; j++) rolled[j] = c[(j - k + n) % n];
            coords[a] = rolled;
        }
        return Remap(coords);
    }

    /// <summary>
    /// Repeats the whole tensor along each dimension, like <c>torch.Tensor.repeat</c>: repeats has at least
    /// Rank entries, extra leading ones add dimensions; the result's size d is size(d) · repeats[d]. The
    /// gradient sums the copies.
    /// </summary>
    /// <param name="repeats">How many copies along each dimension (each at least 0).</param>
    /// <example><code>Tensor.Of(1.0, 2).Repeat(2, 2)   // [[1, 2, 1, 2], [1, 2, 1, 2]]</code></example>
    /// <exception cref="TensorShapeException">Fewer repeats than dimensions, or a negative repeat.</exception>
    public Tensor Repeat(params int[] repeats)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        if (repeats.Length < Rank)
            throw new TensorShapeException(
                $"repeat: {repeats.Length} repeats {ShapeUtil.Format(repeats)} for a tensor of shape {ShapeUtil.Format(_shape)}; give at least one per dimension");
        var shape = new int[repeats.Length];
        for (int d = 0; d < shape.Length; d++)
        {
            if (repeats[d] < 0) throw new TensorShapeException($"repeat: repeats {ShapeUtil.Format(repeats)} include a negative count (shape {ShapeUtil.Format(_shape)})");
            shape[d] = d < repeats.Length - Rank ? 1 : _shape[d - (repeats.Length - Rank)];
        }
        var x = Reshape(shape);
        var coords = new int[shape.Length][];
        for (int d = 0; d < shape.Length; d++)
        {
            var c = new int[ShapeUtil.CountChecked("repeat", new[] { shape[d], repeats[d] })];
            for (int i = 0; i < c.Length; i++) c[i] = i % shape[d];
            coords[d] = c;
        }
        return x.Remap(coords);
    }

    /// <summary>
    /// Like <see cref="Repeat"/>, but fewer repeats than dimensions are padded with leading ones (<c>torch.tile</c>).
    /// </summary>
    /// <param name="reps">How many copies along each (trailing) dimension.</param>
    /// <example><code>Tensor.Ones(2, 3).Tile(2)   // [2, 6]</code></example>
    public Tensor Tile(params int[] reps)
    {
        ArgumentNullException.ThrowIfNull(reps);
        if (reps.Length >= Rank) return Repeat(reps);
        var full = new int[Rank];
        Array.Fill(full, 1);
        reps.CopyTo(full, Rank - reps.Length);
        return Repeat(full);
    }

    /// <summary>
    /// Repeats each element <paramref name="repeats"/> times along a dimension, like <c>torch.repeat_interleave</c>
    /// ([1, 2] → [1, 1, 2, 2]); with no dimension the flattened tensor is used. The gradient sums the copies.
    /// </summary>
    /// <param name="repeats">Copies of each element, at least 0.</param>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <exception cref="ArgumentOutOfRangeException">repeats is negative.</exception>
    public Tensor RepeatInterleave(int repeats, int? dim = null)
    {
        if (repeats < 0)
            throw new ArgumentOutOfRangeException(nameof(repeats), $"repeat_interleave: the repeat count must not be negative, got {repeats} (shape {ShapeUtil.Format(_shape)})");
        var x = dim is null ? Flatten() : this;
        int a = ShapeUtil.Axis("repeat_interleave", dim ?? 0, x.Rank, x._shape);
        var counts = new int[x._shape[a]];
        Array.Fill(counts, repeats);
        return x.RepeatInterleave(counts, a);
    }

    /// <summary>Repeats element i of a dimension repeats[i] times (<c>torch.repeat_interleave</c> with a tensor of counts).</summary>
    /// <param name="repeats">One count per element of the dimension, each at least 0.</param>
    /// <param name="dim">The dimension, or null for the flattened tensor.</param>
    /// <exception cref="TensorShapeException">The counts do not match the dimension, or one is negative.</exception>
    public Tensor RepeatInterleave(int[] repeats, int? dim = null)
    {
        ArgumentNullException.ThrowIfNull(repeats);
        var x = dim is null ? Flatten() : this;
        int a = ShapeUtil.Axis("repeat_interleave", dim ?? 0, x.Rank, x._shape);
        if (repeats.Length != x._shape[a])
            throw new TensorShapeException(
                $"repeat_interleave: {repeats.Length} counts for dimension {dim ?? 0} of size {x._shape[a]} (shape {ShapeUtil.Format(_shape)})");
        long total = 0;
        foreach (var r in repeats)
        {
            if (r < 0) throw new TensorShapeException($"repeat_interleave: the counts {ShapeUtil.Format(repeats)} include a negative one");
            total += r;
        }
        var idx = new int[ShapeUtil.CountChecked("repeat_interleave", new[] { (int)Math.Min(total, int.MaxValue) })];
        for (int i = 0, j = 0; i < repeats.Length; i++)
            for (int k = 0; k < repeats[i]; k++) idx[j++] = i;
        return x.IndexSelect(a, idx);
    }

    /// <summary>
    /// The lower triangle of the matrices in the last two dimensions, like <c>torch.tril</c>: elements with
    /// column - row ≤ <paramref name="diagonal"/> kept, the rest set to 0 (0 is the main diagonal, positive values
    /// are above it). A product with a constant mask, so the gradient is masked the same way.
    /// </summary>
    /// <param name="diagonal">The last diagonal kept.</param>
    /// <exception cref="TensorShapeException">The rank is below 2.</exception>
    public Tensor Tril(int diagonal = 0) => Triangle("tril", diagonal, lower: true);

    /// <summary>
    /// The upper triangle of the matrices in the last two dimensions, like <c>torch.triu</c>: elements with
    /// column - row ≥ <paramref name="diagonal"/> kept, the rest set to 0.
    /// </summary>
    /// <param name="diagonal">The first diagonal kept.</param>
    /// <exception cref="TensorShapeException">The rank is below 2.</exception>
    public Tensor Triu(int diagonal = 0) => Triangle("triu", diagonal, lower: false);

    private Tensor Triangle(string op, int diagonal, bool lower)
    {
        if (Rank < 2) throw new TensorShapeException($"{op}: needs a tensor of rank 2 or more, got {ShapeUtil.Format(_shape)}");
        int rows = _shape[^2], cols = _shape[^1];
        var mask = new double[rows * cols];
        for (int i = 0; i < rows; i++)
            for (int j = 0; j < cols; j++)
                mask[i * cols + j] = (lower ? j - i <= diagonal : j - i >= diagonal) ? 1 : 0;
        return this * FromArray(new[] { rows, cols }, mask, _dtype);
    }

    /// <summary>
    /// Like <c>torch.diag</c>: of a vector, the square matrix with the vector on diagonal <paramref name="offset"/>
    /// (0 main, positive above) and zeros elsewhere; of a matrix, its diagonal <paramref name="offset"/> as a vector
    /// (<see cref="Diagonal"/>).
    /// </summary>
    /// <param name="offset">Which diagonal.</param>
    /// <example><code>Tensor.Of(1.0, 2).Diag()   // [[1, 0], [0, 2]]</code></example>
    /// <exception cref="TensorShapeException">The rank is not 1 or 2.</exception>
    public Tensor Diag(int offset = 0)
    {
        if (Rank == 2) return Diagonal(offset);
        if (Rank != 1) throw new TensorShapeException($"diag: needs a vector or a matrix, got {ShapeUtil.Format(_shape)}");
        int len = _shape[0], n = len + Math.Abs(offset);
        var positions = new int[len];
        for (int i = 0; i < len; i++) positions[i] = offset >= 0 ? i * n + i + offset : (i - offset) * n + i;
        return IndexAdd(0, positions, ShapeUtil.CountChecked("diag", new[] { n, n })).Reshape(n, n);
    }

    /// <summary>
    /// The diagonal <paramref name="offset"/> of the matrices spanned by dimensions <paramref name="dim1"/> and
    /// <paramref name="dim2"/>, like <c>torch.diagonal</c>: both are removed and the diagonal becomes the last
    /// dimension. Its gradient is placed back on the diagonal.
    /// </summary>
    /// <param name="offset">0 the main diagonal, positive above it (towards larger dim2 indices), negative below.</param>
    /// <param name="dim1">The rows' dimension.</param>
    /// <param name="dim2">The columns' dimension.</param>
    /// <exception cref="TensorShapeException">The rank is below 2 or the two dimensions are the same.</exception>
    public Tensor Diagonal(int offset = 0, int dim1 = 0, int dim2 = 1)
    {
        if (Rank < 2) throw new TensorShapeException($"diagonal: needs a tensor of rank 2 or more, got {ShapeUtil.Format(_shape)}");
        int a1 = ShapeUtil.Axis("diagonal", dim1, Rank, _shape), a2 = ShapeUtil.Axis("diagonal", dim2, Rank, _shape);
        if (a1 == a2)
            throw new TensorShapeException($"diagonal: dimensions {dim1} and {dim2} are the same (shape {ShapeUtil.Format(_shape)})");
        var perm = new int[Rank];
        for (int d = 0, j = 0; d < Rank; d++) if (d != a1 && d != a2) perm[j++] = d;
        perm[^2] = a1;
        perm[^1] = a2;
        int n1 = _shape[a1], n2 = _shape[a2];
        int length = Math.Max(0, offset >= 0 ? Math.Min(n1, n2 - offset) : Math.Min(n1 + offset, n2));
        var positions = new int[length];
        for (int i = 0; i < length; i++) positions[i] = offset >= 0 ? i * n2 + i + offset : (i - offset) * n2 + i;
        return Permute(perm).Flatten(Rank - 2).IndexSelect(-1, positions);
    }

    /// <summary>The sum of a matrix's main diagonal, like <c>torch.trace</c> (a rank-0 result).</summary>
    /// <exception cref="TensorShapeException">The tensor is not a matrix.</exception>
    public Tensor Trace()
    {
        if (Rank != 2) throw new TensorShapeException($"trace: needs a matrix, got {ShapeUtil.Format(_shape)}");
        return Diagonal().Sum();
    }

    /// <summary>Moves one dimension to a new position, keeping the others in order (<c>torch.movedim</c>).</summary>
    /// <param name="source">The dimension to move.</param>
    /// <param name="destination">Its position in the result.</param>
    public Tensor Movedim(int source, int destination) => Movedim(new[] { source }, new[] { destination });

    /// <summary>
    /// Moves dimensions source[i] to positions destination[i]; the other dimensions keep their order in the
    /// remaining positions (<c>torch.movedim</c>). A permutation.
    /// </summary>
    /// <param name="source">The dimensions to move (distinct).</param>
    /// <param name="destination">Their positions in the result (distinct, as many as source).</param>
    /// <exception cref="ArgumentException">The lists differ in length or repeat a dimension.</exception>
    public Tensor Movedim(int[] source, int[] destination)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(destination);
        if (source.Length != destination.Length)
            throw new ArgumentException(
                $"movedim: source {ShapeUtil.Format(source)} and destination {ShapeUtil.Format(destination)} differ in length (shape {ShapeUtil.Format(_shape)})");
        var moved = ShapeUtil.AxisMask("movedim", source, _shape);
        ShapeUtil.AxisMask("movedim", destination, _shape);
        var perm = new int[Rank];
        Array.Fill(perm, -1);
        for (int i = 0; i < source.Length; i++)
            perm[ShapeUtil.Axis("movedim", destination[i], Rank, _shape)] = ShapeUtil.Axis("movedim", source[i], Rank, _shape);
        for (int d = 0, slot = 0; d < Rank; d++)
        {
            if (moved[d]) continue;
            while (perm[slot] >= 0) slot++;
            perm[slot] = d;
        }
        return Permute(perm);
    }

    /// <summary>Splits one dimension into several whose product is its size (<c>torch.unflatten</c>); one size may be -1.</summary>
    /// <param name="dim">The dimension to split.</param>
    /// <param name="sizes">The new dimensions' sizes.</param>
    /// <example><code>Tensor.Zeros(2, 12).Unflatten(1, 3, -1)   // [2, 3, 4]</code></example>
    /// <exception cref="TensorShapeException">The sizes do not multiply to the dimension's size.</exception>
    public Tensor Unflatten(int dim, params int[] sizes)
    {
        ArgumentNullException.ThrowIfNull(sizes);
        int a = ShapeUtil.Axis("unflatten", dim, Rank, _shape);
        if (sizes.Length == 0) throw new TensorShapeException($"unflatten: no sizes given for dimension {dim} of shape {ShapeUtil.Format(_shape)}");
        var s = (int[])sizes.Clone();
        int infer = -1;
        long known = 1;
        for (int i = 0; i < s.Length; i++)
        {
            if (s[i] == -1 && infer < 0) infer = i;
            else if (s[i] < 0) throw new TensorShapeException($"unflatten: sizes {ShapeUtil.Format(sizes)} are not valid for dimension {dim} of shape {ShapeUtil.Format(_shape)}");
            else known *= s[i];
        }
        if (infer >= 0 && known > 0 && _shape[a] % known == 0) s[infer] = (int)(_shape[a] / known);
        else if (infer >= 0 || known != _shape[a])
            throw new TensorShapeException($"unflatten: sizes {ShapeUtil.Format(sizes)} do not multiply to {_shape[a]}, dimension {dim} of shape {ShapeUtil.Format(_shape)}");
        var shape = new int[Rank - 1 + s.Length];
        for (int d = 0, j = 0; d < Rank; d++)
        {
            if (d == a) foreach (var x in s) shape[j++] = x;
            else shape[j++] = _shape[d];
        }
        return Reshape(shape);
    }
}
