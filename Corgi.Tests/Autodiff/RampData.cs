using System;

namespace Corgi.Tests.Autodiff;

/// <summary>
/// Test data for the buffer-cache tests: a [rows, cols] tensor with values s * ((i % 13) - 6) (integers in
/// [-6s, 6s], so sums and products are exact), and the expected values of a function of it.
/// </summary>
internal static class RampData
{
    public static Tensor Ramp(int rows, int cols, double scale) =>
        Tensor.Create(new[] { rows, cols }, scale, static (span, s) =>
        {
            for (int i = 0; i < span.Length; i++) span[i] = s * ((i % 13) - 6);
        });

    public static double[] Expected(int count, Func<double, double> f, double scale)
    {
        var values = new double[count];
        for (int i = 0; i < values.Length; i++) values[i] = f(scale * ((i % 13) - 6));
        return values;
    }
}

/// <summary>
/// Base of the buffer-cache and dispose-scope test classes: each uses ramps of its own shape (above the cache's
/// 8192-element threshold, a length no other class uses), so spent buffers really are reused within the class.
/// </summary>
public abstract class RampTests(int rows, int cols)
{
    /// <summary>The ramps' rows.</summary>
    protected int Rows { get; } = rows;

    /// <summary>The ramps' columns.</summary>
    protected int Cols { get; } = cols;

    /// <summary>A [Rows, Cols] ramp times scale.</summary>
    protected Tensor Ramp(double scale = 1) => RampData.Ramp(Rows, Cols, scale);

    /// <summary>f of every element of <see cref="Ramp"/>(scale).</summary>
    protected double[] Expected(Func<double, double> f, double scale = 1) => RampData.Expected(Rows * Cols, f, scale);
}
