using System;

namespace Corgi.Metrics;

/// <summary>
/// A named metric of a model's outputs against targets, computed by <c>Model.Fit</c> on the whole validation set
/// after every epoch (and stored in the history under <see cref="Name"/>).
/// </summary>
/// <param name="Name">The name in the history ("accuracy").</param>
/// <param name="Compute">(outputs, targets) ↦ value.</param>
/// <param name="HigherIsBetter">Whether larger values are better (for early stopping on this metric).</param>
public sealed record Metric(string Name, Func<Tensor, Tensor, double> Compute, bool HigherIsBetter)
{
    /// <summary>Arg-max accuracy (<see cref="Classification.Accuracy"/>).</summary>
    public static Metric Accuracy { get; } = new("accuracy", Classification.Accuracy, true);

    /// <summary>Top-k accuracy, named "top{k}_accuracy".</summary>
    public static Metric TopK(int k) => new($"top{k}_accuracy", (o, t) => Classification.TopKAccuracy(o, t, k), true);

    /// <summary>Macro-averaged F1 of the arg-max predictions.</summary>
    public static Metric MacroF1 { get; } = new("macro_f1", (o, t) => Classification.ConfusionMatrix(o, t).MacroF1, true);

    /// <summary>Mean squared error.</summary>
    public static Metric Mse { get; } = new("mse", Regression.MeanSquaredError, false);

    /// <summary>Mean absolute error.</summary>
    public static Metric Mae { get; } = new("mae", Regression.MeanAbsoluteError, false);

    /// <summary>Coefficient of determination.</summary>
    public static Metric R2 { get; } = new("r2", Regression.R2, true);
}
