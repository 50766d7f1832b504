using System;
using Corgi.Kernels;
using System.Runtime.Intrinsics;
using Xunit;
using Xunit.Abstractions;

namespace Corgi.Tests.Kernels;

/// <summary>
/// float32 exact GELU, computed in float lanes (GeluKernels.PhiSingle), against the float64 kernel's values rounded to
/// float (which the erf tests check against MathNet and mpmath) on a dense grid -16..16 step 1e-3 of float inputs (32001:
/// the vector loop and the padded last vector both run). The error is counted in ulps of the reference, for values in
/// float's normal range; below it (|gelu| &lt; 2^-126, the far negative tail, |x| &gt; 13) Φ or φ is itself a denormal with a
/// few units of absolute error (2^-149 each) before the product with x, so there the bound is 4 |x| units.
/// The bound is derived, not tuned: Numerical Recipes' erfc fit is within 1.2e-7 relative (2 ulp), each of the two float
/// exponentials within about 1 ulp, and the fit's polynomial, t, the products and the final x Φ add about one rounding
/// each: 8 ulp. Φ near 1 (x &gt; 0) only shrinks the erfc error. Measured when written: gelu 6.0 ulp (at x = -11.94),
/// gelu' 5.0 ulp (at x = -1.28).
/// </summary>
public class GeluSingleKernelTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's output for the measured errors.</summary>
    public GeluSingleKernelTests(ITestOutputHelper output) => _output = output;

    private const double BoundUlps = 8;

    private static float[] Grid()
    {
        var x = new float[32001];
        for (int i = 0; i < x.Length; i++) x[i] = (float)(-16 + i * 1e-3);
        return x;
    }

    private static double UlpError(float got, float want, float x)
    {
        if (got == want) return 0;
        if (Math.Abs(want) < 1.1754944e-38f) return Math.Abs((double)got - want) <= 4 * Math.Max(1, Math.Abs(x)) * 1.401298e-45 ? 0 : double.PositiveInfinity;
        double ulp = MathF.BitIncrement(MathF.Abs(want)) - MathF.Abs(want);
        return Math.Abs((double)got - want) / ulp;
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void ForwardIsWithinAFewUlpsOfTheDoubleKernel(bool narrowOnly)
    {
        // narrowOnly: the 8-lane version even where the 16-lane one would run
        FloatLanes.t_narrowOnly = narrowOnly;
        var x = Grid();
        var got = new float[x.Length];
        GeluKernels.Gelu<float>(x, got);
        var wide = Array.ConvertAll(x, v => (double)v);
        var want = new double[x.Length];
        GeluKernels.Gelu<double>(wide, want);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double e = UlpError(got[i], (float)want[i], x[i]);
            if (e > worst) (worst, at) = (e, x[i]);
        }
        FloatLanes.t_narrowOnly = false;
        _output.WriteLine($"gelu float32 ({(narrowOnly ? 8 : Vector512.IsHardwareAccelerated ? 16 : 8)} lanes): max {worst:F2} ulp at x = {at}");
        Assert.True(worst <= BoundUlps, $"gelu float32 is {worst} ulp off at x = {at}");
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void BackwardIsWithinAFewUlpsOfTheDoubleKernel(bool narrowOnly)
    {
        FloatLanes.t_narrowOnly = narrowOnly;
        // g = 1: gelu'(x) = Φ(x) + x φ(x). Near its zero (x ≈ -0.7518) the sum cancels, so there the error is measured
        // against the larger of the two terms' ulps (an absolute error of a few roundings of Φ).
        var x = Grid();
        var ones = new float[x.Length];
        Array.Fill(ones, 1f);
        var got = new float[x.Length];
        GeluKernels.GeluBackward<float>(ones, x, got);
        var wide = Array.ConvertAll(x, v => (double)v);
        var onesD = new double[x.Length];
        Array.Fill(onesD, 1.0);
        var want = new double[x.Length];
        GeluKernels.GeluBackward<double>(onesD, wide, want);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            double phi = 0.5 * MathNet.Numerics.SpecialFunctions.Erfc(-x[i] / Math.Sqrt(2));
            float scale = (float)Math.Max(Math.Abs(want[i]), phi);
            double e = got[i] == (float)want[i] ? 0 : scale < 1.1754944e-38f
                ? (Math.Abs(got[i] - want[i]) <= 4 * Math.Abs(x[i]) * 1.401298e-45 ? 0 : double.PositiveInfinity)
                : Math.Abs(got[i] - want[i]) / (MathF.BitIncrement(scale) - scale);
            if (e > worst) (worst, at) = (e, x[i]);
        }
        FloatLanes.t_narrowOnly = false;
        _output.WriteLine($"gelu' float32 ({(narrowOnly ? 8 : Vector512.IsHardwareAccelerated ? 16 : 8)} lanes): max {worst:F2} ulp at x = {at}");
        Assert.True(worst <= BoundUlps, $"gelu' float32 is {worst} ulp off at x = {at}");
    }

    [Fact]
    public void NonFiniteAndHugeInputs()
    {
        var x = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 1e30f, -1e30f, 14f, -14f, 20f, -20f, 0f, -0f };
        var y = new float[x.Length];
        GeluKernels.Gelu<float>(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.True(float.IsNaN(y[2]));           // -inf · Φ(-inf) = -inf · 0, as PyTorch
        Assert.Equal(1e30f, y[3]);
        Assert.Equal(0f, Math.Abs(y[4]));
        Assert.Equal(14f, y[5]);
        Assert.Equal(20f, y[7]);
        Assert.Equal(0f, Math.Abs(y[8]));
        Assert.Equal(0f, y[9]);
        Assert.True(Math.Abs(y[6]) < 1e-40f);    // -14 Φ(-14) = -2.2e-43 (a denormal, or 0)
    }
}
