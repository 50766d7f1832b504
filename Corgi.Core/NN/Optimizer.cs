using System;
using System.Collections.Generic;
using System.Numerics.Tensors;
using System.Runtime.CompilerServices;

namespace Corgi.NN;

/// <summary>
/// Updates parameters from their gradients (the seed's <c>Optimizer</c>): every parameter that has a
/// gradient (and is not frozen) gets a NEW value tensor, and all gradients are cleared.
/// </summary>
public interface IOptimizer
{
    /// <summary>Applies one update step to the parameters and clears their gradients.</summary>
    void Update(IReadOnlyList<Parameter> parameters);
}

/// <summary>
/// The per-parameter state of an optimizer (step count and named buffers such as momentum). It belongs to
/// the <see cref="Parameter"/> slot, not to its current tensor, so it survives the replacement of the
/// value at every step.
/// </summary>
public sealed class ParameterState
{
    private readonly Dictionary<string, double[]> _buffers = new();

    /// <summary>How many updates this parameter has received, counting the one in progress (1 on the first).</summary>
    public int Step { get; internal set; }

    /// <summary>Whether a buffer of this name exists yet (false on the first step of a momentum buffer).</summary>
    public bool HasBuffer(string name) => _buffers.ContainsKey(name);

    /// <summary>The buffer of this name, created filled with zeros on first use.</summary>
    /// <param name="name">The buffer's name ("momentum", "m", "v", ...).</param>
    /// <param name="length">Its length (the parameter's element count).</param>
    public double[] Buffer(string name, int length)
    {
        if (!_buffers.TryGetValue(name, out var b))
        {
            b = new double[length];
            _buffers[name] = b;
        }
        return b;
    }
}

/// <summary>
/// Base class of the built-in optimizers: learning rate, weight decay, gradient clipping by global norm,
/// and per-parameter state; a subclass writes only the element-wise rule in <see cref="Step"/>.
/// </summary>
public abstract class Optimizer : IOptimizer
{
    private ConditionalWeakTable<Parameter, ParameterState> _states = new();
    private double _learningRate;
    private double _weightDecay;
    private double? _maxGradientNorm;

    /// <summary>Initializes the learning rate.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The learning rate is negative or not finite.</exception>
    protected Optimizer(double learningRate) => LearningRate = learningRate;

    /// <summary>The step size.</summary>
    public double LearningRate
    {
        get => _learningRate;
        set => _learningRate = NonNegative(value, nameof(LearningRate));
    }

    /// <summary>
    /// The weight-decay coefficient λ. Every optimizer but <see cref="AdamW"/> adds λ·p to the gradient
    /// (L2 regularisation); AdamW decays the parameter directly (decoupled).
    /// </summary>
    public double WeightDecay
    {
        get => _weightDecay;
        set => _weightDecay = NonNegative(value, nameof(WeightDecay));
    }

    /// <summary>
    /// When set, gradients are clipped by their global norm before the update: if the Euclidean norm of
    /// all gradients together exceeds this value, every gradient is multiplied by max / norm.
    /// </summary>
    public double? MaxGradientNorm
    {
        get => _maxGradientNorm;
        set => _maxGradientNorm = value is null ? null : value > 0 ? value
            : throw new ArgumentOutOfRangeException(nameof(MaxGradientNorm), $"optimizer: the maximum gradient norm must be positive, got {value}");
    }

    /// <summary>The state kept for a parameter, or null before its first update.</summary>
    public ParameterState? GetState(Parameter parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        return _states.TryGetValue(parameter, out var s) ? s : null;
    }

    /// <summary>Forgets all per-parameter state (momentum, moment estimates, step counts).</summary>
    public void ResetState() => _states = new ConditionalWeakTable<Parameter, ParameterState>();

    /// <inheritdoc/>
    /// <remarks>Gradients are read through <see cref="Tensor.GradientSpan"/> and then cleared, so their
    /// buffers go back to the <see cref="BufferCache"/> for the next step.</remarks>
    public void Update(IReadOnlyList<Parameter> parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        // Each parameter with the tensor holding its gradient now: slots may share one tensor (tied
        // weights), or a slot may be listed twice, so gradients are cleared only after all are read.
        var work = new List<(Parameter P, Tensor Source)>(parameters.Count);
        double sumSquares = 0;
        foreach (var p in parameters)
        {
            if (!p.Value.HasGradient || p.Frozen) continue;
            work.Add((p, p.Value));
            if (_maxGradientNorm is not null) sumSquares += TensorPrimitives.SumOfSquares(p.Value.GradientSpan);
        }
        double scale = 1;
        if (_maxGradientNorm is double max)
        {
            double norm = Math.Sqrt(sumSquares);
            if (norm > max) scale = max / norm;
        }
        foreach (var (p, source) in work)
        {
            var state = _states.GetValue(p, static _ => new ParameterState());
            state.Step++;
            var value = p.Value;
            // the new value is a new tensor (parameters are persistent); Step writes it in one pass
            p.Value = Tensor.Create(value.Shape, (Optimizer: this, Value: value, Source: source, Scale: scale, State: state),
                static (next, s) =>
                {
                    ReadOnlySpan<double> g = s.Source.GradientSpan;
                    if (s.Scale != 1)
                    {
                        var clipped = new double[g.Length];
                        TensorPrimitives.Multiply(g, s.Scale, clipped);
                        g = clipped;
                    }
                    s.Optimizer.Step(s.Value.AsSpan(), g, s.State, next);
                }, zeroed: false).Tracked();
        }
        // after every slot has read its gradient: the buffers go back to the cache
        foreach (var (_, source) in work) source.ClearGradient();
        foreach (var p in parameters) p.ClearGradient();
    }

    /// <summary>
    /// Computes a parameter's new values from its current values and (clipped) gradient. The result is a
    /// fresh buffer; <paramref name="state"/> buffers may be updated in place.
    /// </summary>
    /// <param name="value">The current values (read only).</param>
    /// <param name="gradient">The gradient, after clipping.</param>
    /// <param name="state">This parameter's state; <see cref="ParameterState.Step"/> is 1 on the first update.</param>
    /// <param name="result">Receives the new values; every element must be written (it starts uninitialised).</param>
    protected abstract void Step(ReadOnlySpan<double> value, ReadOnlySpan<double> gradient, ParameterState state, Span<double> result);

    /// <summary>d = g + λ·p when weight decay is set (into <paramref name="scratch"/>), else g itself.</summary>
    protected ReadOnlySpan<double> WithWeightDecay(ReadOnlySpan<double> value, ReadOnlySpan<double> gradient, Span<double> scratch)
    {
        if (_weightDecay == 0) return gradient;
        TensorPrimitives.MultiplyAdd(value, _weightDecay, gradient, scratch);
        return scratch;
    }

    private static double NonNegative(double v, string name) =>
        v >= 0 && double.IsFinite(v) ? v : throw new ArgumentOutOfRangeException(name, $"optimizer: {name} must be a finite non-negative number, got {v}");
}
