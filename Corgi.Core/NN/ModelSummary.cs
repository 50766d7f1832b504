using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace Corgi.NN;

/// <summary>One row of a <see cref="ModelSummary"/>: a layer, its depth of nesting, its output shape and parameter counts.</summary>
/// <param name="Depth">0 for the model's own layers, 1 inside a <see cref="Sequential"/> or <see cref="Residual"/> at depth 0, ...</param>
/// <param name="Name">The layer's description (its <c>ToString()</c>; "Sequential" or "Residual" for containers).</param>
/// <param name="OutputShape">The shape the layer returned for the summary's input.</param>
/// <param name="Parameters">The number of scalar parameters of the layer (with everything inside it).</param>
/// <param name="TrainableParameters">The same, without frozen parameters.</param>
public sealed record LayerSummary(int Depth, string Name, int[] OutputShape, long Parameters, long TrainableParameters);

/// <summary>
/// A table of a model's layers with their output shapes and parameter counts, and the totals (like torchinfo's
/// <c>summary</c>); <see cref="ToString"/> renders it. Made by <see cref="ModelSummaryExtensions.Summary(Model, int[])"/>.
/// </summary>
public sealed class ModelSummary
{
    internal ModelSummary(int[] inputShape, IReadOnlyList<LayerSummary> rows, long total, long trainable)
    {
        InputShape = inputShape;
        Layers = rows;
        TotalParameters = total;
        TrainableParameters = trainable;
    }

    /// <summary>The input shape the layers were run on.</summary>
    public IReadOnlyList<int> InputShape { get; }

    /// <summary>The rows, parents before their children.</summary>
    public IReadOnlyList<LayerSummary> Layers { get; }

    /// <summary>Scalar parameters of the model (a shared parameter counted once).</summary>
    public long TotalParameters { get; }

    /// <summary>Scalar parameters that are not frozen.</summary>
    public long TrainableParameters { get; }

    /// <summary>The table: layer, output shape, parameter count, then the totals.</summary>
    public override string ToString()
    {
        var names = Layers.Select(r => new string(' ', 2 * r.Depth) + r.Name).ToArray();
        var shapes = Layers.Select(r => Tensor.FormatShape(r.OutputShape)).ToArray();
        var counts = Layers.Select(r => Count(r.Parameters)).ToArray();
        int w0 = Math.Max("Layer (type)".Length, names.DefaultIfEmpty("").Max(n => n.Length)) + 2;
        int w1 = Math.Max("Output shape".Length, shapes.DefaultIfEmpty("").Max(s => s.Length)) + 2;
        int w2 = Math.Max("Param #".Length, counts.DefaultIfEmpty("").Max(c => c.Length));
        var rule = new string('=', w0 + w1 + w2);
        var sb = new StringBuilder();
        sb.Append("Layer (type)".PadRight(w0)).Append("Output shape".PadRight(w1)).AppendLine("Param #".PadLeft(w2));
        sb.AppendLine(rule);
        for (int i = 0; i < names.Length; i++)
            sb.Append(names[i].PadRight(w0)).Append(shapes[i].PadRight(w1)).AppendLine(counts[i].PadLeft(w2));
        sb.AppendLine(rule);
        sb.Append("Input shape: ").AppendLine(Tensor.FormatShape(InputShape.ToArray()));
        sb.Append("Total params: ").AppendLine(Count(TotalParameters));
        sb.Append("Trainable params: ").AppendLine(Count(TrainableParameters));
        sb.Append("Non-trainable params: ").Append(Count(TotalParameters - TrainableParameters));
        return sb.ToString();
    }

    private static string Count(long n) => n.ToString("N0", CultureInfo.InvariantCulture);
}

/// <summary><c>model.Summary(inputShape)</c>: the layer table of a model or a layer.</summary>
public static class ModelSummaryExtensions
{
    /// <summary>
    /// Runs the model's layers on zeros of <paramref name="inputShape"/> (in the model's dtype, in evaluation mode,
    /// recording nothing, so no running statistics change) and tabulates each layer's output shape and parameters.
    /// </summary>
    /// <param name="model">The model.</param>
    /// <param name="inputShape">The input's shape, batch included: <c>model.Summary(1, 784)</c>.</param>
    /// <returns>The summary; print it.</returns>
    /// <exception cref="TensorShapeException">A layer rejects its input (the message names it, as in a forward pass).</exception>
    /// <example>
    /// <code>
    /// Console.WriteLine(model.Summary(32, 2));
    /// // Layer (type)        Output shape  Param #
    /// // Dense(2 -> 64, relu) [32,64]          192
    /// // ...
    /// </code>
    /// </example>
    public static ModelSummary Summary(this Model model, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(model);
        bool training = model.Training;
        model.Training = false;
        try { return Summarize(model.Layers, model.Parameters, inputShape, model.DType); }
        finally { model.Training = training; }
    }

    /// <summary>The summary of one layer (a <see cref="Sequential"/> lists its children), like <see cref="Summary(Model, int[])"/>.</summary>
    /// <param name="layer">The layer.</param>
    /// <param name="inputShape">The input's shape, batch included.</param>
    /// <exception cref="TensorShapeException">A layer rejects its input.</exception>
    public static ModelSummary Summary(this ILayer layer, params int[] inputShape)
    {
        ArgumentNullException.ThrowIfNull(layer);
        var mode = layer as ITrainingModeLayer;
        bool training = mode?.Training ?? false;
        if (mode is not null) mode.Training = false;
        try
        {
            var dtype = layer.Parameters.Count > 0 ? layer.Parameters[0].Value.DType : Tensor.DefaultDType;
            return Summarize(new[] { layer }, layer.Parameters, inputShape, dtype);
        }
        finally
        {
            if (mode is not null) mode.Training = training;
        }
    }

    private static ModelSummary Summarize(IReadOnlyList<ILayer> layers, IReadOnlyList<Parameter> parameters, int[] inputShape, DType dtype)
    {
        ArgumentNullException.ThrowIfNull(inputShape);
        var rows = new List<LayerSummary>();
        using (Tensor.NoGrad())
        {
            var x = Tensor.Zeros(inputShape, dtype);
            foreach (var l in layers) x = Walk(l, x, 0, rows);
        }
        var distinct = parameters.Distinct(ReferenceEqualityComparer.Instance).Cast<Parameter>().ToArray();
        return new ModelSummary((int[])inputShape.Clone(), rows, distinct.Sum(p => (long)p.Count), distinct.Where(p => !p.Frozen).Sum(p => (long)p.Count));
    }

    private static Tensor Walk(ILayer layer, Tensor x, int depth, List<LayerSummary> rows)
    {
        long total = layer.Parameters.Sum(p => (long)p.Count), trainable = layer.Parameters.Where(p => !p.Frozen).Sum(p => (long)p.Count);
        switch (layer)
        {
            case Sequential s:
            {
                int at = rows.Count;
                rows.Add(null!);
                var y = x;
                foreach (var child in s.Layers) y = Walk(child, y, depth + 1, rows);
                rows[at] = new LayerSummary(depth, "Sequential", y.Shape, total, trainable);
                return y;
            }
            case Residual r:
            {
                int at = rows.Count;
                rows.Add(null!);
                var y = x + Walk(r.Body, x, depth + 1, rows);
                rows[at] = new LayerSummary(depth, "Residual", y.Shape, total, trainable);
                return y;
            }
            default:
            {
                var y = layer.Forward(x);
                rows.Add(new LayerSummary(depth, layer.ToString() ?? layer.GetType().Name, y.Shape, total, trainable));
                return y;
            }
        }
    }
}
