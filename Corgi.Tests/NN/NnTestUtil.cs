using System;
using Xunit;

namespace Corgi.Tests;

/// <summary>Assertions and finite differences shared by the NN, convolution, pooling, data and IO tests.</summary>
internal static class NnTestUtil
{
    public static void Close(double[] expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(expected.Length, actual.Count);
        var a = actual.ToArray(); // double[] for both dtypes
        for (int i = 0; i < expected.Length; i++)
            Assert.True(Math.Abs(expected[i] - a[i]) <= tol * Math.Max(1, Math.Abs(expected[i])),
                $"element {i}: expected {expected[i]:R}, got {a[i]:R} (all: [{string.Join(", ", actual.ToArray())}])");
    }

    public static void Close(int[] shape, double[] expected, Tensor actual, double tol = 1e-12)
    {
        Assert.Equal(shape, actual.Shape);
        Close(expected, actual, tol);
    }

    public static Tensor T(int[] shape, params double[] values) => new(shape, values);

    /// <summary>Central finite differences of a scalar function of x, element by element.</summary>
    public static double[] NumericGradient(Func<Tensor, double> f, Tensor x, double h = 1e-6)
    {
        var v = x.ToArray();
        var g = new double[v.Length];
        for (int i = 0; i < v.Length; i++)
        {
            double keep = v[i];
            v[i] = keep + h;
            double up = f(new Tensor(x.Shape, v));
            v[i] = keep - h;
            double down = f(new Tensor(x.Shape, v));
            v[i] = keep;
            g[i] = (up - down) / (2 * h);
        }
        return g;
    }
}

/// <summary>xunit data: both dtypes, for tests that run the same checks in float32 and float64.</summary>
public static class DTypeData
{
    /// <summary>Float64 and Float32.</summary>
    public static TheoryData<DType> Both => new() { DType.Float64, DType.Float32 };
}
