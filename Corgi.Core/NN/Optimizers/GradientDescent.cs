using System;
using System.Numerics.Tensors;

namespace Corgi.NN;

/// <summary>The seed's gradient descent: p ← p - lr · (g + λ·p).</summary>
/// <example><c>var gd = new GradientDescent(0.01);</c></example>
public sealed class GradientDescent : Optimizer
{
    /// <summary>Creates a gradient-descent optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="weightDecay">L2 coefficient λ (0: none).</param>
    public GradientDescent(double learningRate, double weightDecay = 0) : base(learningRate) => WeightDecay = weightDecay;

    /// <inheritdoc/>
    protected override void Step<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, ParameterState state, Span<T> result)
    {
        var g = WithWeightDecay(value, gradient, result);
        // result = g * (-lr) + value (g may live in result: element-wise, so aliasing is safe)
        TensorPrimitives.MultiplyAdd(g, Of<T>(-LearningRate), value, result);
    }
}
