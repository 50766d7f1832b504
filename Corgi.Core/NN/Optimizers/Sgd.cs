using System;
using System.Numerics.Tensors;

namespace Corgi.NN;

/// <summary>
/// Stochastic gradient descent with momentum (PyTorch's formulation):
/// d = g + λ·p; b ← d on the first step, else μ·b + (1 - dampening)·d; the step uses b (or d + μ·b with
/// Nesterov); p ← p - lr · step.
/// </summary>
/// <example><c>var sgd = new Sgd(0.1, momentum: 0.9, nesterov: true);</c></example>
public sealed class Sgd : Optimizer
{
    /// <summary>Creates an SGD optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="momentum">Momentum μ in [0, 1) (0: plain SGD).</param>
    /// <param name="nesterov">Use Nesterov momentum (needs μ &gt; 0 and no dampening).</param>
    /// <param name="weightDecay">L2 coefficient λ.</param>
    /// <param name="dampening">Dampening of the gradient in the momentum buffer.</param>
    /// <exception cref="ArgumentException">Nesterov without momentum or with dampening, or μ outside [0, 1).</exception>
    public Sgd(double learningRate, double momentum = 0, bool nesterov = false, double weightDecay = 0, double dampening = 0) : base(learningRate)
    {
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"sgd: momentum must be in [0, 1), got {momentum}");
        if (nesterov && (momentum == 0 || dampening != 0))
            throw new ArgumentException("sgd: Nesterov momentum needs a positive momentum and zero dampening", nameof(nesterov));
        Momentum = momentum;
        Nesterov = nesterov;
        Dampening = dampening;
        WeightDecay = weightDecay;
    }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <summary>Whether Nesterov momentum is used.</summary>
    public bool Nesterov { get; }

    /// <summary>Dampening of the gradient in the momentum buffer.</summary>
    public double Dampening { get; }

    /// <inheritdoc/>
    protected override void Step<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, ParameterState state, Span<T> result)
    {
        var d = WithWeightDecay(value, gradient, result);
        if (Momentum != 0)
        {
            bool first = !state.HasBuffer("momentum");
            var b = state.Buffer<T>("momentum", value.Length);
            if (first) d.CopyTo(b);
            else
            {
                // b = μ b + (1 - dampening) d
                TensorPrimitives.Multiply(b, Of<T>(Momentum), b);
                TensorPrimitives.MultiplyAdd(d, Of<T>(1 - Dampening), b, b);
            }
            if (Nesterov)
            {
                TensorPrimitives.MultiplyAdd(b, Of<T>(Momentum), d, result);
                d = result;
            }
            else d = b;
        }
        TensorPrimitives.MultiplyAdd(d, Of<T>(-LearningRate), value, result);
    }
}
