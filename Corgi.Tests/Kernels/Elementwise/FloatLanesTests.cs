using System;
using Corgi.Kernels;
using Xunit;
using Xunit.Abstractions;

namespace Corgi.Tests.Kernels;

/// <summary>
/// The float exponential in SIMD lanes against Math.Exp (double, then rounded to float) on a dense grid of floats over
/// its whole range, and its special values. Bound 2 ulp, from its construction: the degree-7 Taylor polynomial is off
/// by under 5e-9 relative on |r| &lt;= ln2/2 (about 1/20 ulp), the reduction a - k ln 2 in two parts is exact to about
/// 1e-10 absolute, and the Horner steps in fused multiply-adds round about once each on a sum dominated by 1 + r.
/// </summary>
public class FloatLanesTests
{
    private readonly ITestOutputHelper _output;

    /// <summary>Takes xunit's output for the measured error.</summary>
    public FloatLanesTests(ITestOutputHelper output) => _output = output;

    [Fact]
    public void ExpIsWithinTwoUlpsOverItsRange()
    {
        var x = new float[193001];   // -104 .. 89 step 1e-3: the vector loop and the padded last vector
        for (int i = 0; i < x.Length; i++) x[i] = (float)(-104 + i * 1e-3);
        var got = new float[x.Length];
        FloatLanes.Exp(x, got);
        double worst = 0;
        float at = 0;
        for (int i = 0; i < x.Length; i++)
        {
            float want = (float)Math.Exp(x[i]);
            if (got[i] == want) continue;
            // subnormal results have an absolute ulp of 2^-149
            float ulp = want < 1.1754944e-38f ? 1.401298e-45f : MathF.BitIncrement(want) - want;
            double e = float.IsInfinity(want) || float.IsInfinity(got[i]) ? double.PositiveInfinity : Math.Abs((double)got[i] - want) / ulp;
            if (e > worst) (worst, at) = (e, x[i]);
        }
        _output.WriteLine($"float lanes exp: max {worst:F2} ulp at x = {at}");
        Assert.True(worst <= 2, $"exp is {worst} ulp off at x = {at}");
    }

    [Fact]
    public void ExpSpecialValues()
    {
        var x = new[] { float.NaN, float.PositiveInfinity, float.NegativeInfinity, 0f, -0f, 88.72f, 88.73f, -103.9f, -104.5f, 1f };
        var y = new float[x.Length];
        FloatLanes.Exp(x, y);
        Assert.True(float.IsNaN(y[0]));
        Assert.Equal(float.PositiveInfinity, y[1]);
        Assert.Equal(0f, y[2]);
        Assert.Equal(1f, y[3]);
        Assert.Equal(1f, y[4]);
        Assert.Equal((float)Math.Exp(88.72f), y[5], 3e38f * 2.4e-7f);
        Assert.Equal(float.PositiveInfinity, y[6]);
        Assert.True(y[7] > 0 && y[7] < 1e-44f);
        Assert.Equal(0f, y[8]);
        Assert.Equal(MathF.E, y[9], 2 * 2.4e-7f);
    }

    [Fact]
    public void ExpShiftedAndSumAddsInDouble()
    {
        // e^(x - 1) for x = 1, 2, ..., 19 (two vectors and a tail at width 8): the sum is Σ e^k, k = 0..18, and each
        // element is within 2 ulp of e^k
        var x = new float[19];
        for (int i = 0; i < x.Length; i++) x[i] = i + 1;
        var d = new float[19];
        double sum = FloatLanes.ExpShiftedAndSum(x, 1f, d);
        double want = 0;
        for (int k = 0; k < 19; k++)
        {
            want += Math.Exp(k);
            Assert.Equal(Math.Exp(k), d[k], Math.Exp(k) * 2.4e-7);
        }
        Assert.Equal(want, sum, want * 2.4e-7);
    }
}
