using System;
using System.Buffers;

using Corgi.Kernels;

namespace Corgi;

public sealed partial class Tensor
{
    /// <summary>A rank-1 tensor of the given values (the seed's <c>arr![...]</c>): <c>Tensor.Of(5.0)</c> has shape [1].</summary>
    public static Tensor Of(params double[] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        return new Tensor((double[])values.Clone(), new[] { values.Length });
    }

    /// <summary>
    /// A tensor whose values a function writes: <paramref name="fill"/> receives the new tensor's buffer
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
    public static Tensor Create<TState>(int[] shape, TState state, SpanAction<double, TState> fill, bool zeroed = true)
    {
        ArgumentNullException.ThrowIfNull(shape);
        ArgumentNullException.ThrowIfNull(fill);
        var s = ValidateShape("create", shape);
        int n = ShapeUtil.Count(s);
        var data = zeroed ? Buffers.Zeroed(n) : Buffers.Uninitialized(n);
        fill(data, state);
        return new Tensor(data, s);
    }

    /// <summary>Formats a shape the way error messages and printing show it: <c>[2,3]</c>.</summary>
    public static string FormatShape(ReadOnlySpan<int> shape) => ShapeUtil.Format(shape);

    /// <summary>A rank-0 (scalar) tensor.</summary>
    public static Tensor Scalar(double value) => new(new[] { value }, ShapeUtil.Scalar);

    /// <summary>A tensor of the given shape from row-major values (copied).</summary>
    public static Tensor FromArray(int[] shape, double[] values) => new(shape, values);

    /// <summary>A rank-2 tensor from a C# rectangular array.</summary>
    public static Tensor From(double[,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int r = values.GetLength(0), c = values.GetLength(1);
        var data = new double[r * c];
        for (int i = 0; i < r; i++)
            for (int j = 0; j < c; j++) data[i * c + j] = values[i, j];
        return new Tensor(data, new[] { r, c });
    }

    /// <summary>A rank-3 tensor from a C# rectangular array.</summary>
    public static Tensor From(double[,,] values)
    {
        ArgumentNullException.ThrowIfNull(values);
        int a = values.GetLength(0), b = values.GetLength(1), c = values.GetLength(2);
        var data = new double[a * b * c];
        int p = 0;
        for (int i = 0; i < a; i++)
            for (int j = 0; j < b; j++)
                for (int k = 0; k < c; k++) data[p++] = values[i, j, k];
        return new Tensor(data, new[] { a, b, c });
    }

    /// <summary>A rank-2 tensor from a jagged array whose rows all have the same length.</summary>
    /// <exception cref="TensorShapeException">The rows have different lengths.</exception>
    public static Tensor From(double[][] rows)
    {
        ArgumentNullException.ThrowIfNull(rows);
        int r = rows.Length, c = r == 0 ? 0 : rows[0].Length;
        var data = new double[r * c];
        for (int i = 0; i < r; i++)
        {
            if (rows[i].Length != c)
                throw new TensorShapeException($"tensor: row {i} has {rows[i].Length} values but row 0 has {c}; rows of a tensor must have equal lengths");
            rows[i].CopyTo(data, i * c);
        }
        return new Tensor(data, new[] { r, c });
    }

    /// <summary>A rank-1 tensor from values (copied); the same as <see cref="Of"/>.</summary>
    public static Tensor From(double[] values) => Of(values);

    /// <summary>A tensor of zeros.</summary>
    public static Tensor Zeros(params int[] shape) => Full(shape, 0.0);

    /// <summary>A tensor of ones.</summary>
    public static Tensor Ones(params int[] shape) => Full(shape, 1.0);

    /// <summary>A tensor of zeros with the shape of <paramref name="like"/>.</summary>
    public static Tensor ZerosLike(Tensor like) => Full(like._shape, 0.0);

    /// <summary>A tensor of ones with the shape of <paramref name="like"/>.</summary>
    public static Tensor OnesLike(Tensor like) => Full(like._shape, 1.0);

    /// <summary>A tensor filled with one value.</summary>
    public static Tensor Full(int[] shape, double value)
    {
        ArgumentNullException.ThrowIfNull(shape);
        var s = ValidateShape("full", shape);
        var data = new double[ShapeUtil.Count(s)];
        if (value != 0) Array.Fill(data, value);
        return new Tensor(data, s);
    }

    /// <summary>Values start, start+step, ... below stop (rank 1), like <c>torch.arange</c>.</summary>
    /// <exception cref="ArgumentException">The step is 0 or not finite.</exception>
    public static Tensor Arange(double start, double stop, double step = 1.0)
    {
        if (step == 0 || !double.IsFinite(step) || !double.IsFinite(start) || !double.IsFinite(stop))
            throw new ArgumentException($"arange: start {start}, stop {stop} and a non-zero step {step} must be finite", nameof(step));
        int n = Math.Max(0, (int)Math.Ceiling((stop - start) / step));
        var data = new double[n];
        for (int i = 0; i < n; i++) data[i] = start + i * step;
        return new Tensor(data, new[] { n });
    }

    /// <summary>Values 0, 1, ..., count-1 (rank 1).</summary>
    public static Tensor Arange(int count) => Arange(0, count, 1);

    /// <summary><paramref name="count"/> evenly spaced values from start to end inclusive (rank 1).</summary>
    public static Tensor Linspace(double start, double end, int count)
    {
        if (count < 0) throw new ArgumentOutOfRangeException(nameof(count), $"linspace: count {count} must be >= 0");
        var data = new double[count];
        for (int i = 0; i < count; i++) data[i] = count == 1 ? start : start + (end - start) * i / (count - 1);
        return new Tensor(data, new[] { count });
    }

    /// <summary>The n x n identity matrix.</summary>
    public static Tensor Eye(int n)
    {
        if (n < 0) throw new ArgumentOutOfRangeException(nameof(n), $"eye: size {n} must be >= 0");
        var data = new double[n * n];
        for (int i = 0; i < n; i++) data[i * n + i] = 1;
        return new Tensor(data, new[] { n, n });
    }

    /// <summary>Uniform random values in [low, high) drawn from <paramref name="random"/>.</summary>
    public static Tensor RandomUniform(int[] shape, Random random, double low = 0.0, double high = 1.0)
    {
        ArgumentNullException.ThrowIfNull(random);
        var s = ValidateShape("random_uniform", shape);
        var data = new double[ShapeUtil.Count(s)];
        for (int i = 0; i < data.Length; i++) data[i] = low + (high - low) * random.NextDouble();
        return new Tensor(data, s);
    }

    /// <summary>Uniform random values in [low, high) from a seed (reproducible).</summary>
    public static Tensor RandomUniform(int[] shape, int seed, double low = 0.0, double high = 1.0) =>
        RandomUniform(shape, new Random(seed), low, high);

    /// <summary>Normally distributed random values drawn from <paramref name="random"/> (Box-Muller).</summary>
    public static Tensor RandomNormal(int[] shape, Random random, double mean = 0.0, double std = 1.0)
    {
        ArgumentNullException.ThrowIfNull(random);
        var s = ValidateShape("random_normal", shape);
        var data = new double[ShapeUtil.Count(s)];
        for (int i = 0; i < data.Length; i += 2)
        {
            double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
            double r = Math.Sqrt(-2.0 * Math.Log(u1));
            data[i] = mean + std * r * Math.Cos(2 * Math.PI * u2);
            if (i + 1 < data.Length) data[i + 1] = mean + std * r * Math.Sin(2 * Math.PI * u2);
        }
        return new Tensor(data, s);
    }

    /// <summary>Normally distributed random values from a seed (reproducible).</summary>
    public static Tensor RandomNormal(int[] shape, int seed, double mean = 0.0, double std = 1.0) =>
        RandomNormal(shape, new Random(seed), mean, std);
}
