using System;
using System.Buffers;
using System.Numerics.Tensors;
using Corgi.Kernels;

namespace Corgi;

// Factories. Each takes an optional dtype (default: Tensor.DefaultDType, float64 unless changed); values
// are computed in double and rounded once for float32, so a float32 tensor from a seed is the float64
// one rounded.
public sealed partial class Tensor
{
    /// <summary>
    /// The dtype factories use when none is given: float64 (the seed's) unless set here or changed inside a
    /// <see cref="DefaultDTypeScope(DType)"/>. Setting it changes the process-wide default.
    /// </summary>
    public static DType DefaultDType
    {
        get => DTypes.Default;
        set => DTypes.s_global = DTypes.Check(value);
    }

    /// <summary>
    /// Makes <paramref name="dtype"/> the default for factories until the returned scope is disposed (flows with
    /// <c>await</c>, like <see cref="NoGrad"/>): <c>using (Tensor.DefaultDTypeScope(DType.Float32)) { ... }</c>.
    /// </summary>
    public static DefaultDTypeScope DefaultDTypeScope(DType dtype) => DTypes.Enter(dtype);

    /// <summary>A rank-1 float64 tensor of the given values (the seed's <c>arr![...]</c>): <c>Tensor.Of(5.0)</c> has shape [1].</summary>
    public static Tensor Of(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new Tensor((double[])values.Clone(), new[] { values.Length });
    }

    /// <summary>A rank-1 float32 tensor of the given values: <c>Tensor.Of(1f, 2f)</c>.</summary>
    public static Tensor Of(params float[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new Tensor((float[])values.Clone(), new[] { values.Length });
    }

    /// <summary>A rank-1 tensor of the given whole numbers in the default dtype: <c>Tensor.Of(1, 2, 3)</c>.</summary>
    public static Tensor Of(params int[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        var d = new double[values.Length];
        for (int i = 0; i < d.Length; i++) d[i] = values[i];
        return FromDoubles(d, new[] { values.Length }, null);
    }

    /// <summary>
    /// A float64 tensor whose values a function writes: <paramref name="fill"/> receives the new tensor's buffer
    /// and a state value, once, before anyone can see the tensor. This is how code outside the library
    /// writes a result without an intermediate array (optimizers, data loaders).
    /// </summary>
    /// <param name="shape">The new tensor's shape.</param>
    /// <param name="state">Passed to <paramref name="fill"/> (a tuple of what it needs, so that it can be a static lambda).</param>
    /// <param name="fill">Writes the values.</param>
    /// <param name="zeroed">True (the default): the buffer starts as zeros. False: it starts with arbitrary
    /// values, like <c>torch.empty</c>, and <paramref name="fill"/> must write every element; this saves
    /// a pass over large tensors.</param>
    /// <example><c>Tensor.Create(new[] { 2, 2 }, 3.0, static (v, c) =&gt; v.Fill(c))</c></example>
    public static Tensor Create<TState>(int[] shape, TState state, SpanAction<double, TState> fill, bool zeroed = true) =>
        Create<double, TState>(shape, state, fill, zeroed);

    /// <summary>
    /// A tensor of element type <typeparamref name="T"/> (<c>float</c>: float32, <c>double</c>: float64) whose
    /// values a function writes; see <see cref="Create{TState}(int[], TState, SpanAction{double, TState}, bool)"/>.
    /// </summary>
    /// <exception cref="ArgumentException"><typeparamref name="T"/> is neither float nor double.</exception>
    public static Tensor Create<T, TState>(int[] shape, TState state, SpanAction<T, TState> fill, bool zeroed = true) where T : unmanaged
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(fill);
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new ArgumentException($"create: element type {typeof(T).Name} is not stored; use float or double");
        var s = ValidateShape("create", shape);
        int n = ShapeUtil.CountChecked("create", s);
        var data = zeroed ? Buffers.Zeroed<T>(n) : Buffers.Uninitialized<T>(n);
        fill(data, state);
        return new Tensor(data, s);
    }

    /// <summary>Formats a shape the way error messages and printing show it: <c>[2,3]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape) => ShapeUtil.Format(shape);

    /// <summary>A rank-0 tensor holding one value, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor Scalar(double value, DType? dtype = null) => FromDoubles(new[] { value }, ShapeUtil.Scalar, dtype);

    /// <summary>
    /// A C# number as an operand (<c>t * 2.0</c>, and the constants in local derivatives): a float64 rank-0
    /// tensor that takes the other operand's dtype instead of widening it, like PyTorch's wrapped numbers.
    /// </summary>
    internal static Tensor Number(double value) => new(new[] { value }, ShapeUtil.Scalar) { _wrappedScalar = true };

    /// <summary>A tensor of the given shape and row-major values (the seed's <c>Array::from</c>), float64.</summary>
    public static Tensor FromArray(int[] shape, double[] values) => new(shape, values);

    /// <summary>A tensor of the given shape and row-major values, float32.</summary>
    public static Tensor FromArray(int[] shape, float[] values) => new(shape, values);

    /// <summary>A tensor of the given shape from double values, stored in <paramref name="dtype"/> (the values are copied, and rounded for float32).</summary>
    public static Tensor FromArray(int[] shape, double[] values, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(values);
        var t = new Tensor(shape, values);
        return dtype == DType.Float64 ? t : new Tensor(t.ConvertValues(DTypes.Check(dtype)), t._shape);
    }

    /// <summary>Wraps freshly computed doubles in the requested dtype (rounded once for float32).</summary>
    private static Tensor FromDoubles(double[] data, int[] shape, DType? dtype)
    {
        var dt = DTypes.Check(dtype ?? DTypes.Default);
        if (dt == DType.Float64) return new Tensor(data, shape);
        var f = new float[data.Length];
        ConversionKernels.Narrow(data, f);
        return new Tensor(f, shape);
    }

    /// <summary>A rank-2 tensor from a rectangular array, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor From(double[,] values, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new double[ShapeUtil.CountChecked("tensor", new[] { r, c })];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[i * c + j] = values[i, j];
        return FromDoubles(data, new[] { r, c }, dtype);
    }

    /// <summary>A rank-3 tensor from a rectangular array, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor From(double[,,] values, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(values);
        int a = values.GetLength(0), b = values.GetLength(1), c = values.GetLength(2);
        var data = new double[ShapeUtil.CountChecked("tensor", new[] { a, b, c })];
        int p = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++) data[p++] = values[i, j, k];
        return FromDoubles(data, new[] { a, b, c }, dtype);
    }

    /// <summary>A rank-2 tensor from rows of equal length, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    /// <exception cref="TensorShapeException">The rows differ in length.</exception>
    public static Tensor From(double[][] rows, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(rows);
        for (int i = 0; i < rows.Length; i++)
            if (rows[i] is null) throw new ArgumentNullException(nameof(rows), $"tensor: row {i} is null");
        int r = rows.Length, c = r == 0 ? 0 : rows[0].Length;
        var data = new double[ShapeUtil.CountChecked("tensor", new[] { r, c })];
        for (int i = 0; i < r; i++)
        {
            if (rows[i].Length != c)
                throw new TensorShapeException($"tensor: row {i} has {rows[i].Length} values but row 0 has {c}; rows of a tensor must have equal lengths");
            rows[i].CopyTo(data, i * c);
        }
        return FromDoubles(data, new[] { r, c }, dtype);
    }

    /// <summary>A rank-1 float64 tensor of the values (the same as <see cref="Of(double[])"/>).</summary>
    public static Tensor From(double[] values) => Of(values);

    /// <summary>A rank-1 float32 tensor of the values (the same as <see cref="Of(float[])"/>).</summary>
    public static Tensor From(float[] values) => Of(values);

    /// <summary>A tensor of zeros in the default dtype.</summary>
    public static Tensor Zeros(params int[] shape) => Full(shape, 0.0);

    /// <summary>A tensor of zeros in <paramref name="dtype"/>: <c>Tensor.Zeros(new[] { 2, 3 }, DType.Float32)</c>.</summary>
    public static Tensor Zeros(int[] shape, DType dtype) => Full(shape, 0.0, dtype);

    /// <summary>A tensor of ones in the default dtype.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);

    /// <summary>A tensor of ones in <paramref name="dtype"/>.</summary>
    public static Tensor Ones(int[] shape, DType dtype) => Full(shape, 1.0, dtype);

    /// <summary>Zeros of another tensor's shape and dtype.</summary>
    public static Tensor ZerosLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Full(like._shape, 0.0, like._dtype);
    }

    /// <summary>Ones of another tensor's shape and dtype.</summary>
    public static Tensor OnesLike(Tensor like)
    {
        ArgumentNullException.ThrowIfNull(like);
        return Full(like._shape, 1.0, like._dtype);
    }

    /// <summary>A tensor filled with one value, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor Full(int[] shape, double value, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var s = ValidateShape("full", shape);
        int n = ShapeUtil.CountChecked("full", s);
        if (DTypes.Check(dtype ?? DTypes.Default) == DType.Float32)
        {
            var f = new float[n];
            if (value != 0) Array.Fill(f, (float)value);
            return new Tensor(f, s);
        }
        var data = new double[n];
        if (value != 0) Array.Fill(data, value);
        return new Tensor(data, s);
    }

    /// <summary>The values start, start + step, ... below stop (above it for a negative step), in <paramref name="dtype"/>.</summary>
    /// <exception cref="ArgumentException">step is 0, or a bound is not finite.</exception>
    public static Tensor Arange(double start, double stop, double step = 1.0, DType? dtype = null)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ArgumentException($"arange: start {start}, stop {stop} and a non-zero step {step} must be finite", nameof(step));
        double count = Math.Ceiling((stop - start) / step);
        if (count > Array.MaxLength)
            throw new ArgumentException($"arange: start {start}, stop {stop}, step {step} gives {count} values, more than an array can hold", nameof(step));
        int n = Math.Max(0, (int)count);
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return FromDoubles(data, new[] { n }, dtype);
    }

    /// <summary>0, 1, ..., count - 1, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor Arange(int count, DType? dtype = null) => Arange(0, count, 1, dtype);

    /// <summary><paramref name="count"/> evenly spaced values from start to end inclusive, in <paramref name="dtype"/>.</summary>
    public static Tensor Linspace(double start, double end, int count, DType? dtype = null)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"linspace: count {count} must be >= 0");
        var data = new double[count];
        for (int i = 0; i < count; i++) data[i] = count == 1 ? start : start + (end - start) * i / (count - 1);
        return FromDoubles(data, new[] { count }, dtype);
    }

    /// <summary>The n x n identity matrix, in <paramref name="dtype"/> (default: <see cref="DefaultDType"/>).</summary>
    public static Tensor Eye(int n, DType? dtype = null)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"eye: size {n} must be >= 0");
        var data = new double[ShapeUtil.CountChecked("eye", new[] { n, n })];
        for (int i = 0; i < n; i++) data[(long)i * n + i] = 1;
        return FromDoubles(data, new[] { n, n }, dtype);
    }

    /// <summary>Uniform random values in [low, high) from a generator, in <paramref name="dtype"/>.</summary>
    public static Tensor RandomUniform(int[] shape, Random random, double low = 0.0, double high = 1.0, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(shape);
        var s = ValidateShape("random_uniform", shape);
        var data = new double[ShapeUtil.CountChecked("random_uniform", s)];
        for (int i = 0; i < data.Length; i++) data[i] = low + (high - low) * random.NextDouble();
        return FromDoubles(data, s, dtype);
    }

    /// <summary>Uniform random values in [low, high) from a seed (the same seed gives the same values; float32 gets them rounded).</summary>
    public static Tensor RandomUniform(int[] shape, int seed, double low = 0.0, double high = 1.0, DType? dtype = null) =>
        RandomUniform(shape, new Random(seed), low, high, dtype);

    /// <summary>Normally distributed random values (Box-Muller) from a generator, in <paramref name="dtype"/>.</summary>
    public static Tensor RandomNormal(int[] shape, Random random, double mean = 0.0, double std = 1.0, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(random);
        ArgumentNullException.ThrowIfNull(shape);
        var s = ValidateShape("random_normal", shape);
        var data = new double[ShapeUtil.CountChecked("random_normal", s)];
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = mean + std * r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < data.Length) data[i + 1] = mean + std * r * Math.Sin(2 * Math.PI * u2);
        }
        return FromDoubles(data, s, dtype);
    }

    /// <summary>Normally distributed random values from a seed (the same seed gives the same values; float32 gets them rounded).</summary>
    public static Tensor RandomNormal(int[] shape, int seed, double mean = 0.0, double std = 1.0, DType? dtype = null) =>
        RandomNormal(shape, new Random(seed), mean, std, dtype);
}
