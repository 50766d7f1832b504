using System;
using Corgi.Kernels;
using Xunit;

namespace Corgi.Tests.Kernels;

/// <summary>
/// The mask kernels run as SIMD selects over whole vectors plus a scalar tail; these inputs are long
/// enough for both parts (37 = several vectors of 2, 4 or 8 doubles and a remainder) and include the
/// edge values 0, -0, NaN and infinities. Expected values follow the definitions element by element.
/// </summary>
public class UnaryKernelsTests
{
    private static double[] Inputs()
    {
        var x = new double[37];
        for (int i = 0; i < x.Length; i++) x[i] = (i % 3 - 1) * (i + 0.5); // -, 0, + repeating
        x[4] = 0.0; x[5] = -0.0; x[6] = double.NaN; x[7] = double.PositiveInfinity; x[8] = double.NegativeInfinity;
        return x;
    }

    [Fact]
    public void KeepWherePositive_PassesTheGradientOnlyWhereXIsPositive()
    {
        var x = Inputs();
        var g = new double[x.Length];
        for (int i = 0; i < g.Length; i++) g[i] = 100 + i;
        var d = new double[x.Length];
        UnaryKernels.KeepWherePositive<double>(g, x, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] > 0 ? g[i] : 0.0, d[i]);
    }

    [Fact]
    public void LeakyRelu_AndItsSlope()
    {
        var x = Inputs();
        var d = new double[x.Length];
        var s = new double[x.Length];
        UnaryKernels.LeakyRelu<double>(x, 0.1, d);
        UnaryKernels.LeakyReluSlope<double>(x, 0.1, s);
        for (int i = 0; i < x.Length; i++)
        {
            Assert.Equal(x[i] > 0 ? x[i] : 0.1 * x[i], d[i]);
            Assert.Equal(x[i] > 0 ? 1.0 : 0.1, s[i]);
        }
    }

    [Fact]
    public void Sign_IsMinusOneZeroOrOne()
    {
        var x = Inputs();
        var d = new double[x.Length];
        UnaryKernels.Sign<double>(x, d);
        for (int i = 0; i < x.Length; i++) Assert.Equal(x[i] > 0 ? 1.0 : x[i] < 0 ? -1.0 : 0.0, d[i]);
    }
}
