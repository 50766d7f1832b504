using System;

namespace Corgi.Data;

/// <summary>A generated classification set: inputs [n, features] and class indices [n].</summary>
/// <param name="Inputs">The points.</param>
/// <param name="Labels">Class indices (0, 1, ...) as doubles.</param>
/// <param name="Classes">The number of classes.</param>
public sealed record ClassificationData(Tensor Inputs, Tensor Labels, int Classes)
{
    /// <summary>The labels as one-hot rows [n, classes], in the labels' dtype.</summary>
    public Tensor OneHotLabels() => Data.Labels.OneHot(Labels, Classes);
}

/// <summary>
/// The spiral data set of Stanford's CS231n course notes ("Putting it together: minimal neural network
/// case study"): class j's points lie on an arm r = 0..1, θ = 4j..4(j+1) (+ Gaussian noise on θ),
/// at (r sin θ, r cos θ). Not linearly separable, so it needs a hidden layer.
/// </summary>
public static class TwoSpirals
{
    /// <summary>Generates the spirals, <paramref name="pointsPerClass"/> points per arm, reproducibly from a seed.</summary>
    /// <param name="pointsPerClass">Points on each arm (at least 1).</param>
    /// <param name="seed">The seed of the angle noise.</param>
    /// <param name="noise">Standard deviation of the Gaussian noise added to the angle (CS231n uses 0.2).</param>
    /// <param name="classes">The number of arms (2 for two spirals; CS231n's notes use 3).</param>
    /// <param name="dtype">The dtype of inputs and labels; null means <see cref="Tensor.DefaultDType"/>. The points
    /// are computed in double, so float32 points are the float64 ones rounded.</param>
    /// <returns>Inputs [classes·pointsPerClass, 2] and labels [classes·pointsPerClass], arm by arm.</returns>
    public static ClassificationData Generate(int pointsPerClass, int seed, double noise = 0.2, int classes = 2, DType? dtype = null)
    {
        if (pointsPerClass < 1) throw new ArgumentOutOfRangeException(nameof(pointsPerClass), $"spirals: need at least 1 point per class, got {pointsPerClass}");
        if (classes < 1) throw new ArgumentOutOfRangeException(nameof(classes), $"spirals: need at least 1 class, got {classes}");
        var random = new Random(seed);
        int n = pointsPerClass * classes;
        var x = new double[n * 2];
        var y = new double[n];
        for (int j = 0; j < classes; j++)
            for (int i = 0; i < pointsPerClass; i++)
            {
                int row = j * pointsPerClass + i;
                double t = pointsPerClass == 1 ? 0 : (double)i / (pointsPerClass - 1);
                double r = t;
                double theta = 4 * j + 4 * t + noise * Gaussian(random);
                x[2 * row] = r * Math.Sin(theta);
                x[2 * row + 1] = r * Math.Cos(theta);
                y[row] = j;
            }
        var dt = dtype ?? Tensor.DefaultDType;
        return new ClassificationData(Tensor.FromArray(new[] { n, 2 }, x, dt), Tensor.FromArray(new[] { n }, y, dt), classes);
    }

    private static double Gaussian(Random random)
    {
        double u1 = 1.0 - random.NextDouble(), u2 = random.NextDouble();
        return Math.Sqrt(-2.0 * Math.Log(u1)) * Math.Cos(2 * Math.PI * u2);
    }
}
