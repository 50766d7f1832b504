using System;

namespace Corgi.NN;

/// <summary>
/// RMSProp: d = g + λ·p; s ← α·s + (1-α)·d²; without momentum p ← p - lr · d / (sqrt(s) + ε); with
/// momentum μ, b ← μ·b + d / (sqrt(s) + ε) and p ← p - lr · b.
/// </summary>
/// <example><c>var rms = new RmsProp(0.01, alpha: 0.99);</c></example>
public sealed class RmsProp : Optimizer
{
    /// <summary>Creates an RMSProp optimizer.</summary>
    /// <param name="learningRate">The step size.</param>
    /// <param name="alpha">Decay of the squared-gradient average, in [0, 1).</param>
    /// <param name="epsilon">Added to the denominator.</param>
    /// <param name="momentum">Momentum μ in [0, 1).</param>
    /// <param name="weightDecay">L2 coefficient λ.</param>
    public RmsProp(double learningRate = 0.01, double alpha = 0.99, double epsilon = 1e-8, double momentum = 0, double weightDecay = 0) : base(learningRate)
    {
        if (!(alpha >= 0 && alpha < 1)) throw new ArgumentOutOfRangeException(nameof(alpha), $"rmsprop: alpha must be in [0, 1), got {alpha}");
        if (!(momentum >= 0 && momentum < 1)) throw new ArgumentOutOfRangeException(nameof(momentum), $"rmsprop: momentum must be in [0, 1), got {momentum}");
        if (!(epsilon >= 0)) throw new ArgumentOutOfRangeException(nameof(epsilon), $"rmsprop: epsilon must be non-negative, got {epsilon}");
        Alpha = alpha;
        Epsilon = epsilon;
        Momentum = momentum;
        WeightDecay = weightDecay;
    }

    /// <summary>Decay of the squared-gradient average.</summary>
    public double Alpha { get; }

    /// <summary>Added to the denominator.</summary>
    public double Epsilon { get; }

    /// <summary>Momentum μ.</summary>
    public double Momentum { get; }

    /// <inheritdoc/>
    protected override void Step<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, ParameterState state, Span<T> result)
    {
        var s = state.Buffer<T>("square_avg", value.Length);
        var b = Momentum != 0 ? state.Buffer<T>("momentum", value.Length) : null;
        T lr = Of<T>(LearningRate), wd = Of<T>(WeightDecay), alpha = Of<T>(Alpha), rest = Of<T>(1 - Alpha);
        T eps = Of<T>(Epsilon), mu = Of<T>(Momentum);
        for (int i = 0; i < value.Length; i++)
        {
            T d = gradient[i] + wd * value[i];
            s[i] = alpha * s[i] + rest * d * d;
            T step = d / (T.Sqrt(s[i]) + eps);
            if (b is not null)
            {
                b[i] = mu * b[i] + step;
                step = b[i];
            }
            result[i] = value[i] - lr * step;
        }
    }
}
