using System;
using Xunit;
using Xunit.Sdk;

namespace Corgi.Tests;

/// <summary>Small assertion helpers shared by the core tests.</summary>
internal static class TestUtil
{
    /// <summary>A tensor of the given shape from row-major values.</summary>
    public static Tensor T(int[] shape, params double[] values) => new(shape, values);

    /// <summary>Asserts that the tensor has exactly this shape.</summary>
    public static void AssertShape(int[] expected, Tensor actual) =>
        Assert.Equal(expected, actual.Shape);

    /// <summary>
    /// Asserts the tensor's row-major values equal <paramref name="expected"/> to within
    /// <paramref name="tol"/> (absolute below 1, relative above).
    /// </summary>
    public static void AssertClose(double[] expected, Tensor? actual, double tol = 1e-12)
    {
        Assert.NotNull(actual);
        var got = actual!.ToArray();
        if (got.Length != expected.Length)
            throw new XunitException($"expected {expected.Length} values but the tensor {actual} has {got.Length}");
        for (int i = 0; i < got.Length; i++)
        {
            double e = expected[i], a = got[i];
            bool ok = double.IsNaN(e) ? double.IsNaN(a)
                : double.IsInfinity(e) ? e == a
                : Math.Abs(e - a) <= tol * Math.Max(1.0, Math.Abs(e));
            if (!ok)
                throw new XunitException(
                    $"value {i} differs: expected {e:R}, got {a:R}\nexpected [{string.Join(", ", expected)}]\nactual   [{string.Join(", ", got)}]");
        }
    }

    /// <summary>Asserts both the shape and the values.</summary>
    public static void AssertClose(int[] shape, double[] expected, Tensor? actual, double tol = 1e-12)
    {
        Assert.NotNull(actual);
        AssertShape(shape, actual!);
        AssertClose(expected, actual, tol);
    }

    /// <summary>
    /// Asserts that <paramref name="action"/> throws exactly <typeparamref name="TException"/> and that its
    /// message contains every fragment (the op's name and the shapes involved).
    /// </summary>
    public static TException Throws<TException>(Action action, params string[] fragments) where TException : Exception
    {
        var ex = Assert.Throws<TException>(action);
        foreach (var f in fragments) Assert.Contains(f, ex.Message);
        return ex;
    }

    /// <summary>Asserts <paramref name="action"/> throws a <see cref="TensorShapeException"/> naming the fragments.</summary>
    public static TensorShapeException ThrowsShape(Action action, params string[] fragments) =>
        Throws<TensorShapeException>(action, fragments);

    /// <summary>The gradient of a tensor, asserting that it has one.</summary>
    public static Tensor Grad(Tensor t)
    {
        Assert.True(t.Gradient is not null, $"expected a gradient on {t}");
        return t.Gradient!;
    }
}
