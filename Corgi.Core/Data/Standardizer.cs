using System;

namespace Corgi.Data;

/// <summary>
/// Feature standardization: x' = (x − μ) / σ per feature (last dimension), with μ and σ (population standard
/// deviation; 1 where σ = 0) fitted on the training part only, then applied to every part.
/// </summary>
/// <example>
/// <code>
/// var standardizer = Standardizer.Fit(train);                       // statistics of the training inputs
/// var loader = new DataLoader(train, 32, transform: standardizer.Apply);
/// var validationData = Dataset.Map(validation, standardizer.Apply);
/// </code>
/// </example>
public sealed class Standardizer
{
    private Standardizer(double[] mean, double[] std)
    {
        Mean = mean;
        Std = std;
    }

    /// <summary>μ per feature.</summary>
    public double[] Mean { get; }

    /// <summary>σ per feature (1 for a constant feature).</summary>
    public double[] Std { get; }

    /// <summary>Fits μ and σ to inputs [samples, features].</summary>
    /// <exception cref="TensorShapeException">The inputs are not a non-empty matrix.</exception>
    public static Standardizer Fit(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank != 2 || inputs.ShapeSpan[0] == 0)
            throw new TensorShapeException($"standardizer: expected non-empty inputs [samples, features], got {Tensor.FormatShape(inputs.ShapeSpan)}");
        int n = inputs.ShapeSpan[0], f = inputs.ShapeSpan[1];
        var x = inputs.To(DType.Float64).ToArray<double>();
        var mean = new double[f];
        var std = new double[f];
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) mean[j] += x[i * f + j];
        for (int j = 0; j < f; j++) mean[j] /= n;
        for (int i = 0; i < n; i++)
            for (int j = 0; j < f; j++) { double d = x[i * f + j] - mean[j]; std[j] += d * d; }
        for (int j = 0; j < f; j++)
        {
            std[j] = Math.Sqrt(std[j] / n);
            if (std[j] == 0) std[j] = 1;
        }
        return new Standardizer(mean, std);
    }

    /// <summary>Fits μ and σ to all the inputs of a dataset (its training part).</summary>
    public static Standardizer Fit(IDataset training) => Fit(Dataset.All(training).Inputs);

    /// <summary>Standardizes inputs [..., features], in their dtype.</summary>
    /// <exception cref="TensorShapeException">The last dimension is not the number of fitted features.</exception>
    public Tensor Transform(Tensor inputs)
    {
        ArgumentNullException.ThrowIfNull(inputs);
        if (inputs.Rank == 0 || inputs.ShapeSpan[^1] != Mean.Length)
            throw new TensorShapeException($"standardizer: fitted on {Mean.Length} features, but the inputs have shape {Tensor.FormatShape(inputs.ShapeSpan)}");
        var mean = new Tensor(new[] { Mean.Length }, Mean).To(inputs.DType);
        var std = new Tensor(new[] { Std.Length }, Std).To(inputs.DType);
        return (inputs - mean) / std;
    }

    /// <summary>A batch with standardized inputs and the same targets (a <see cref="DataLoader"/> transform).</summary>
    public Batch Apply(Batch batch) => new(Transform(batch.Inputs), batch.Targets);
}
