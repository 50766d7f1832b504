using System;
using Xunit;
using Xunit.Sdk;

namespace Corgi.Tests;

/// <summary>
/// The base of op test classes that run in both dtypes: each such class is abstract, with one concrete
/// subclass per dtype (<c>FooTests.Float64</c>, <c>FooTests.Float32</c>), and its hand-derived cases build their
/// inputs through <see cref="T"/> and <see cref="Of"/>, which make tensors of the class's dtype. Expected values
/// are exact mathematical values; <see cref="AssertClose(double[], Tensor?, double)"/> checks that every result
/// has the class's dtype and compares within the dtype's tolerance.
/// </summary>
/// <remarks>
/// The float32 tolerance is 2^-16 (about 1.5e-5, 128 float32 ulps), relative above 1 and absolute below: a
/// hand-checked value goes through the rounding of its inputs to float32 (relative error 2^-24, multiplied by
/// the op's condition number, at most about 20 for the exp/log/pow cases here) and a few float32 roundings of
/// the op itself (each at most a few ulps for TensorPrimitives' functions). Float64 keeps the tests' own
/// tolerance (1e-12 by default).
/// </remarks>
public abstract class DTypeTestBase
{
    /// <summary>The dtype every input of this test class is made in.</summary>
    protected DType Dt { get; }

    /// <summary>The relative (above 1) / absolute (below 1) tolerance for float32 results.</summary>
    protected const double Float32Tolerance = 1.0 / 65536;

    /// <summary>Binds the test class to one dtype.</summary>
    protected DTypeTestBase(DType dtype) => Dt = dtype;

    /// <summary>A tensor of the given shape from row-major values, in the class's dtype.</summary>
    protected Tensor T(int[] shape, params double[] values) => Tensor.FromArray(shape, values, Dt);

    /// <summary>A rank-1 tensor of the values, in the class's dtype.</summary>
    protected Tensor Of(params double[] values) => Tensor.FromArray(new[] { values.Length }, values, Dt);

    /// <summary>The tolerance to use in the class's dtype for a float64 tolerance <paramref name="tol"/>.</summary>
    protected double Tol(double tol) => Dt == DType.Float32 ? Math.Max(tol, Float32Tolerance) : tol;

    /// <summary>Asserts the result has the class's dtype and the expected values (see the class remarks for the tolerance).</summary>
    protected void AssertClose(double[] expected, Tensor? actual, double tol = 1e-12)
    {
        Assert.NotNull(actual);
        if (actual!.DType != Dt)
            throw new XunitException($"expected a {Dt.Name()} result, got {actual.DType.Name()}: {actual}");
        TestUtil.AssertClose(expected, actual, Tol(tol));
    }

    /// <summary>Decimal places for <c>Assert.Equal(double, double, int)</c> on values of magnitude up to about 100: float32 keeps 4.</summary>
    protected int Digits(int float64Digits) => Dt == DType.Float32 ? Math.Min(float64Digits, 3) : float64Digits;

    /// <summary>Asserts the result has the class's dtype and the expected values (relative above 1, absolute below).</summary>
    protected void Close(double[] expected, Tensor? actual, double tol = 1e-12) => AssertClose(expected, actual, tol);

    /// <summary>Asserts the result's shape, dtype and values.</summary>
    protected void Close(int[] shape, double[] expected, Tensor? actual, double tol = 1e-12) => AssertClose(shape, expected, actual, tol);

    /// <summary>Asserts an index result (ArgMax/ArgMin): float64 whatever the input's dtype, exact.</summary>
    protected static void AssertIndices(int[] shape, double[] expected, Tensor actual)
    {
        Assert.Equal(DType.Float64, actual.DType);
        TestUtil.AssertClose(shape, expected, actual, 0);
    }

    /// <summary>Asserts the result's shape, dtype and values.</summary>
    protected void AssertClose(int[] shape, double[] expected, Tensor? actual, double tol = 1e-12)
    {
        Assert.NotNull(actual);
        TestUtil.AssertShape(shape, actual!);
        AssertClose(expected, actual, tol);
    }
}
