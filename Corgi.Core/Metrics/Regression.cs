using System;

namespace Corgi.Metrics;

/// <summary>Regression metrics over predictions and targets of one shape, computed in double.</summary>
public static class Regression
{
    /// <summary>Mean squared error: Σ(ŷ − y)² / n.</summary>
    public static double MeanSquaredError(Tensor predictions, Tensor targets)
    {
        var (p, t) = Read(predictions, targets, "mse");
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += (p[i] - t[i]) * (p[i] - t[i]);
        return s / p.Length;
    }

    /// <summary>Mean absolute error: Σ|ŷ − y| / n.</summary>
    public static double MeanAbsoluteError(Tensor predictions, Tensor targets)
    {
        var (p, t) = Read(predictions, targets, "mae");
        double s = 0;
        for (int i = 0; i < p.Length; i++) s += Math.Abs(p[i] - t[i]);
        return s / p.Length;
    }

    /// <summary>
    /// The coefficient of determination R² = 1 − Σ(y − ŷ)² / Σ(y − ȳ)² over all elements (1 is perfect, 0 is the
    /// mean's score); NaN when the targets are constant.
    /// </summary>
    public static double R2(Tensor predictions, Tensor targets)
    {
        var (p, t) = Read(predictions, targets, "r2");
        double mean = 0;
        foreach (var y in t) mean += y;
        mean /= t.Length;
        double residual = 0, total = 0;
        for (int i = 0; i < p.Length; i++)
        {
            residual += (t[i] - p[i]) * (t[i] - p[i]);
            total += (t[i] - mean) * (t[i] - mean);
        }
        return total == 0 ? double.NaN : 1 - residual / total;
    }

    private static (double[] P, double[] T) Read(Tensor predictions, Tensor targets, string op)
    {
        ArgumentNullException.ThrowIfNull(predictions);
        ArgumentNullException.ThrowIfNull(targets);
        if (predictions.Count != targets.Count || predictions.Count == 0)
            throw new TensorShapeException($"{op}: predictions {Tensor.FormatShape(predictions.ShapeSpan)} and targets {Tensor.FormatShape(targets.ShapeSpan)} need the same, non-zero number of elements");
        return (predictions.Detach().To(DType.Float64).ToArray<double>(), targets.Detach().To(DType.Float64).ToArray<double>());
    }
}
