using System;
using System.Runtime.CompilerServices;
using System.Threading;
using Corgi.Autodiff;

namespace Corgi;

/// <summary>
/// An immutable N-dimensional array of float64 or float32 values (its <see cref="DType"/>) in row-major
/// order, with dynamic reverse-mode automatic differentiation.
/// </summary>
/// <remarks>
/// <para>Values are never modified after creation: every operation returns a new tensor (the seed's
/// rule), so tensors can be shared freely and a tensor kept from an earlier step keeps its values.</para>
/// <para>Tensors are untracked by default. An operation with at least one tracked input returns a tracked
/// tensor that remembers its inputs and the closure of its local derivative (and nothing else: no
/// consumers, no global tape); <see cref="Backward(Tensor?, bool)"/> walks those links back.</para>
/// <example>
/// <code>
/// var a = Tensor.Of(5.0).Tracked();
/// var b = Tensor.Of(2.0).Tracked();
/// var c = a * b + a;
/// c.Backward();
/// // a.Gradient = [3], b.Gradient = [5]
/// </code>
/// </example>
/// </remarks>
public sealed partial class Tensor
{
    // The row-major values, a double[] or a float[] (the dtype belongs to the storage); never written after
    // construction. Null once the tensor's DisposeScope has ended (its buffer may then belong to a new
    // tensor): every read goes through Data, which throws. A future device (GPU memory) plugs in here.
    private Array? _data;
    private readonly DType _dtype;

    /// <summary>The row-major values (a <c>double[]</c> or <c>float[]</c>, as <see cref="DType"/> says); exactly <see cref="Count"/> long and never written after construction.</summary>
    /// <exception cref="ObjectDisposedException">The tensor was disposed with its <see cref="DisposeScope"/>.</exception>
    internal Array Data
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _data ?? ThrowDisposed();
    }

    /// <summary>The float64 values; only for a float64 tensor (the caller has dispatched on <see cref="DType"/>).</summary>
    internal double[] F64
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _dtype == DType.Float64 ? Unsafe.As<double[]>(Data) : throw WrongDType(typeof(double), "values");
    }

    /// <summary>The float32 values; only for a float32 tensor (the caller has dispatched on <see cref="DType"/>).</summary>
    internal float[] F32
    {
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        get => _dtype == DType.Float32 ? Unsafe.As<float[]>(Data) : throw WrongDType(typeof(float), "values");
    }

    /// <summary>The values as <typeparamref name="T"/>[] (float or double, matching <see cref="DType"/>).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal T[] Values<T>() where T : unmanaged
    {
        if (typeof(T) == typeof(double)) return _dtype == DType.Float64 ? Unsafe.As<T[]>(Data) : throw WrongDType(typeof(T), "values");
        if (typeof(T) == typeof(float)) return _dtype == DType.Float32 ? Unsafe.As<T[]>(Data) : throw WrongDType(typeof(T), "values");
        throw WrongDType(typeof(T), "values");
    }

    private InvalidOperationException WrongDType(Type requested, string what) =>
        new($"{what}: the tensor of shape {ShapeUtil.Format(_shape)} is {_dtype.Name()}, not {(requested == typeof(float) ? "float32" : requested == typeof(double) ? "float64" : requested.Name)}; "
            + $"use To(DType.{(requested == typeof(float) ? "Float32" : "Float64")}) to convert, or ask for {(_dtype == DType.Float32 ? "float" : "double")}");

    // The dispose scope this tensor was made in (null: none, or detached from it); see DisposeScope.
    internal DisposeScope? Scope;
    private readonly int[] _shape;

    /// <summary>The graph node (inputs and local derivative) of a recorded result; null for leaves.</summary>
    internal readonly Node? Node;

    // A number the caller wrote as a C# double (t * 2.0, Number(2)): like PyTorch's wrapped numbers it
    // takes the other operand's dtype instead of promoting it.
    private bool _wrappedScalar;

    private bool _tracked;
    private bool _retainsGradient;
    private Tensor? _gradient;
    // _gradient's buffer came from the pool during a backward pass, and no one else has ever seen it
    // (Gradient was not read since it was stored): clearing or replacing it can return the buffer.
    // An int for Interlocked: two threads racing on one tensor's gradient (unsupported) must still never
    // return its buffer twice, which would hand one buffer to two new owners.
    private int _gradientOwned;

    // Scratch state of the backward pass in progress (see Backward.cs); never part of the value.
    internal int VisitMark;
    internal int PendingConsumers;
    internal Tensor? PendingGradient;
    private bool _pendingOwned;

    /// <summary>Wraps a buffer (a double[] or float[]) the caller hands over (it must not be written afterwards).</summary>
    internal Tensor(Array data, int[] shape, Node? node = null, bool tracked = false)
    {
        _data = data;
        _dtype = data is float[] ? DType.Float32 : DType.Float64;
        _shape = shape;
        Node = node;
        _tracked = tracked || node is not null;
        DisposeScope.Register(this);
    }

    /// <summary>
    /// Creates a float64 tensor of the given shape from row-major values (the seed's
    /// <c>Array::from((shape, values))</c>). The values are copied.
    /// </summary>
    /// <param name="shape">Dimension sizes, each &gt;= 0; an empty shape is a scalar.</param>
    /// <param name="values">Row-major values; their count must equal the product of the shape.</param>
    /// <exception cref="ArgumentException">A negative dimension, or a value count that does not match the shape.</exception>
    public Tensor(int[] shape, double[] values) : this(CheckedCopy(shape, values), ValidateShape("tensor", shape))
    {
    }

    /// <summary>
    /// Creates a float32 tensor of the given shape from row-major values. The values are copied.
    /// </summary>
    /// <param name="shape">Dimension sizes, each &gt;= 0; an empty shape is a scalar.</param>
    /// <param name="values">Row-major values; their count must equal the product of the shape.</param>
    /// <exception cref="ArgumentException">A negative dimension, or a value count that does not match the shape.</exception>
    public Tensor(int[] shape, float[] values) : this(CheckedCopy(shape, values), ValidateShape("tensor", shape))
    {
    }

    private static T[] CheckedCopy<T>(int[] shape, T[] values)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        ValidateShape("tensor", shape);
        int n = ShapeUtil.CountChecked("tensor", shape);
        if (n != values.Length)
            throw new TensorShapeException(
                $"tensor: shape {ShapeUtil.Format(shape)} needs {n} values but {values.Length} were given");
        return (T[])values.Clone();
    }

    internal static int[] ValidateShape(string op, ReadOnlySpan<int> shape)
    {
        foreach (var d in shape)
            if (d < 0) throw new TensorShapeException($"{op}: shape {ShapeUtil.Format(shape)} has a negative dimension");
        return shape.ToArray();
    }

    /// <summary>The dimension sizes (a copy; rank 0 gives an empty array).</summary>
    public int[] Shape => (int[])_shape.Clone();

    /// <summary>The dimension sizes without copying.</summary>
    public ReadOnlySpan<int> ShapeSpan => _shape;

    internal int[] ShapeRef => _shape;

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    public int Rank => _shape.Length;

    /// <summary>The number of elements.</summary>
    public int Count => _data?.Length ?? ShapeUtil.Count(_shape);

    /// <summary>The bytes the values occupy (<see cref="Count"/> times the dtype's element size).</summary>
    public long ByteCount => (long)Count * _dtype.ElementSize();

    /// <summary>The size of one dimension (negative counts from the end).</summary>
    public int Size(int dim) => _shape[ShapeUtil.Axis("size", dim, _shape.Length, _shape)];

    /// <summary>The element type of the values (float64 or float32).</summary>
    public DType DType => _dtype;

    /// <summary>The values of a float64 tensor in row-major order, without copying.</summary>
    /// <exception cref="InvalidOperationException">The tensor is float32: use <see cref="AsSpan{T}"/> with float, or <see cref="ToArray()"/>.</exception>
    public ReadOnlySpan<double> AsSpan() => F64;

    /// <summary>The values in row-major order, without copying, as <typeparamref name="T"/> (<c>double</c> for float64, <c>float</c> for float32).</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the tensor's element type.</exception>
    public ReadOnlySpan<T> AsSpan<T>() where T : unmanaged => Values<T>();

    /// <summary>A copy of the values in row-major order, as doubles (exact for both dtypes).</summary>
    public double[] ToArray()
    {
        if (_dtype == DType.Float64) return (double[])F64.Clone();
        var f = F32;
        var d = new double[f.Length];
        Kernels.ConversionKernels.Widen(f, d);
        return d;
    }

    /// <summary>A copy of the values in row-major order as <typeparamref name="T"/> (<c>double</c> for float64, <c>float</c> for float32).</summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the tensor's element type.</exception>
    public T[] ToArray<T>() where T : unmanaged => (T[])Values<T>().Clone();

    /// <summary>The value at a flat position as a double (exact for both dtypes).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal double ValueAt(int flat) => _dtype == DType.Float32 ? F32[flat] : F64[flat];

    /// <summary>The element at an N-dimensional index (one index per dimension, negative counts from the end).</summary>
    /// <exception cref="ArgumentException">The number of indices differs from the rank.</exception>
    /// <exception cref="IndexOutOfRangeException">An index is out of range.</exception>
    [IndexerName("At")]
    public double this[params int[] index] => ValueAt(FlatIndex(index));

    /// <summary>The element at an index of a rank-1 tensor (negative counts from the end): <c>c[0]</c>.</summary>
    /// <exception cref="ArgumentException">The tensor is not rank 1.</exception>
    /// <exception cref="IndexOutOfRangeException">The index is out of range.</exception>
    [IndexerName("At")]
    public double this[int index]
    {
        get
        {
            if (_shape.Length != 1) return ValueAt(FlatIndex(new[] { index }));
            int ix = index < 0 ? index + _shape[0] : index;
            if ((uint)ix >= (uint)_shape[0])
                throw new IndexOutOfRangeException($"index: index {index} is out of range for dimension 0 of shape {ShapeUtil.Format(_shape)}");
            return ValueAt(ix);
        }
    }

    /// <summary>The element at a row-major flat position.</summary>
    public double GetFlat(int flatIndex)
    {
        if ((uint)flatIndex >= (uint)Data.Length)
            throw new IndexOutOfRangeException($"index: flat index {flatIndex} is out of range for a tensor of {Data.Length} elements (shape {ShapeUtil.Format(_shape)})");
        return ValueAt(flatIndex);
    }

    private int FlatIndex(int[] index)
    {
        ArgumentNullException.ThrowIfNull(index);
        if (index.Length != _shape.Length)
            throw new ArgumentException($"index: {index.Length} indices given for a tensor of shape {ShapeUtil.Format(_shape)} (rank {_shape.Length})", nameof(index));
        int flat = 0;
        for (int i = 0; i < index.Length; i++)
        {
            int ix = index[i] < 0 ? index[i] + _shape[i] : index[i];
            if ((uint)ix >= (uint)_shape[i])
                throw new IndexOutOfRangeException($"index: index {index[i]} is out of range for dimension {i} of shape {ShapeUtil.Format(_shape)}");
            flat = flat * _shape[i] + ix;
        }
        return flat;
    }

    /// <summary>The value of a one-element tensor (any rank).</summary>
    /// <exception cref="InvalidOperationException">The tensor has more or fewer than one element.</exception>
    public double Item()
    {
        if (Data.Length != 1)
            throw new InvalidOperationException($"item: only a one-element tensor has an item; this one has shape {ShapeUtil.Format(_shape)}");
        return ValueAt(0);
    }

    // ---------------------------------------------------------------- tracking

    /// <summary>Whether gradients are computed and stored for this tensor.</summary>
    public bool IsTracked => _tracked;

    /// <summary>Whether this tensor is a leaf (not the result of a recorded operation).</summary>
    public bool IsLeaf => Node is null;

    /// <summary>
    /// Returns this tensor marked as tracked (the seed's <c>tracked()</c>): a tracked leaf sharing the
    /// values, or this tensor itself when it is tracked already.
    /// </summary>
    public Tensor Tracked() => _tracked ? this : new Tensor(Data, _shape, null, tracked: true);

    /// <summary>Whether this tensor stands for a C# number (see <see cref="Scalar"/>): it never promotes the other operand's dtype.</summary>
    internal bool IsWrappedScalar => _wrappedScalar;

    /// <summary>
    /// Returns an untracked tensor with the same values and no graph (the seed's <c>untracked()</c>;
    /// the same as <see cref="Detach"/>).
    /// </summary>
    public Tensor Untracked() => !_tracked && Node is null ? this : new Tensor(Data, _shape);

    /// <summary>An untracked tensor sharing the values, cut from the graph.</summary>
    public Tensor Detach() => Untracked();

    /// <summary>
    /// Starts tracking this tensor in place (the seed's <c>start_tracking()</c>) and returns whether it was
    /// tracked before. Operations recorded from now on will propagate gradients to it.
    /// </summary>
    public bool StartTracking()
    {
        var was = _tracked;
        _tracked = true;
        return was;
    }

    /// <summary>
    /// Stops tracking this tensor in place (the seed's <c>stop_tracking()</c>) and returns whether it was
    /// tracked before. Later operations treat it as a constant, and backward passes stop at it.
    /// </summary>
    public bool StopTracking()
    {
        var was = _tracked;
        _tracked = false;
        return was;
    }

    /// <summary>
    /// Asks a non-leaf tracked tensor to keep its gradient in <see cref="Gradient"/> after a backward
    /// pass (leaves and the tensor <see cref="Backward(Tensor?, bool)"/> is called on always do). Returns this tensor.
    /// </summary>
    public Tensor RetainGradient()
    {
        _retainsGradient = true;
        return this;
    }

    /// <summary>
    /// The gradient accumulated by backward passes, or null when none has reached this tensor. It has this
    /// tensor's shape; it accumulates across passes until <see cref="ClearGradient"/> or <see cref="TakeGradient"/>.
    /// </summary>
    public Tensor? Gradient
    {
        get
        {
            if (_data is null) ThrowDisposed(); // like every other read of a disposed tensor
            Volatile.Write(ref _gradientOwned, 0); // the caller may keep it: its buffer is theirs now
            return _gradient;
        }
    }

    /// <summary>Whether a gradient has been accumulated (asking does not read it: see <see cref="GradientSpan"/>).</summary>
    public bool HasGradient => _gradient is not null;

    /// <summary>
    /// The accumulated gradient's values (empty when there is none), without taking the gradient tensor.
    /// A gradient only ever read this way stays the engine's, so <see cref="ClearGradient"/> gives its
    /// buffer back to the <see cref="BufferCache"/> (optimizers read gradients so). The span is valid
    /// until the gradient is cleared or replaced (ClearGradient, TakeGradient, the next backward pass);
    /// take <see cref="Gradient"/> to keep the values.
    /// </summary>
    public ReadOnlySpan<double> GradientSpan => _gradient is null ? default : _gradient.F64;

    /// <summary>
    /// The accumulated gradient's values as <typeparamref name="T"/> (the tensor's element type), empty when
    /// there is none; the same contract as <see cref="GradientSpan"/>, for both dtypes.
    /// </summary>
    /// <exception cref="InvalidOperationException"><typeparamref name="T"/> is not the tensor's element type.</exception>
    public ReadOnlySpan<T> GetGradientSpan<T>() where T : unmanaged
    {
        if (_gradient is null)
        {
            _ = Values<T>(); // the same error for the wrong T whether or not a gradient is there
            return default;
        }
        return _gradient.Values<T>();
    }

    /// <summary>Forgets the accumulated gradient.</summary>
    /// <remarks>A gradient that was never read (through <see cref="Gradient"/> or <see cref="TakeGradient"/>)
    /// is unreachable once cleared, so its buffer is reused for later results.</remarks>
    public void ClearGradient()
    {
        lock (GradientLock(this)) ClearGradientLocked();
    }

    private void ClearGradientLocked()
    {
        var g = _gradient;
        if (Interlocked.Exchange(ref _gradientOwned, 0) == 1 && g is not null) Kernels.BufferPool.Return(g.Data);
        _gradient = null;
    }

    /// <summary>Returns the accumulated gradient and clears it.</summary>
    public Tensor? TakeGradient()
    {
        lock (GradientLock(this))
        {
            var g = _gradient;
            _gradient = null;
            Volatile.Write(ref _gradientOwned, 0);
            return g;
        }
    }

    internal bool KeepsGradient => Node is null || _retainsGradient;

    /// <summary>
    /// Adds a complete gradient from a backward pass to the stored one. Without createGraph
    /// (<paramref name="buffers"/> given) the stored gradient owns its buffer when the pass made it and
    /// nothing else holds it; the buffer then goes back to the pool when the gradient is cleared or
    /// replaced without ever having been read.
    /// </summary>
    internal void AccumulateGradient(Tensor g, Autodiff.PassBuffers? buffers)
    {
        // passes on several threads may reach one leaf at once: each sum is taken under the leaf's lock
        lock (GradientLock(this))
            AccumulateGradientLocked(g, buffers);
    }

    private void AccumulateGradientLocked(Tensor g, Autodiff.PassBuffers? buffers)
    {
        var old = _gradient;
        var stored = old is null ? g : old.Add(g);
        // g itself can be owned only by a leaf: a non-leaf (a retained intermediate) goes on to propagate
        // g, and its local derivative may hand g or a view of it to its inputs (x + 1 passes dy on as it
        // is, a reshape as a view), whose stored gradients would then share the buffer. A sum made here
        // is never propagated.
        stored.Scope?.Forget(stored); // a stored gradient outlives any dispose scope the pass ran in
        bool owned = buffers is not null && (old is not null || Node is null) && buffers.IsExclusive(stored.Data, 0);
        buffers?.Escape(stored);
        if (Interlocked.Exchange(ref _gradientOwned, 0) == 1 && old is not null) Kernels.BufferPool.Return(old.Data);
        _gradient = stored;
        Volatile.Write(ref _gradientOwned, owned ? 1 : 0);
    }

    // Striped locks for gradient accumulation: no lock object per tensor, and two tensors rarely share one.
    private static readonly object[] s_gradientLocks = CreateLocks(64);

    private static object[] CreateLocks(int n)
    {
        var locks = new object[n];
        for (int i = 0; i < n; i++) locks[i] = new object();
        return locks;
    }

    private static object GradientLock(Tensor t) => s_gradientLocks[RuntimeHelpers.GetHashCode(t) & (s_gradientLocks.Length - 1)];

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Records(Tensor a) => a._tracked && GradMode.IsEnabled;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static bool Records(Tensor a, Tensor b) => (a._tracked || b._tracked) && GradMode.IsEnabled;
}
