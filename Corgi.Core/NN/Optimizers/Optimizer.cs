using System;
using System.Collections.Generic;
using System.Numerics;
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
/// value at every step. Buffers have the element type of the parameter (<c>float</c> for float32,
/// <c>double</c> for float64); when the parameter changes dtype (<see cref="Model.To(DType)"/>) a buffer is
/// converted on its next use, so the state carries over (rounded when narrowed to float32).
/// </summary>
public sealed class ParameterState
{
    private readonly Dictionary<string, Array> _buffers = new();

    /// <summary>How many updates this parameter has received, counting the one in progress (1 on the first).</summary>
    public int Step { get; internal set; }

    /// <summary>Whether a buffer of this name exists yet (false on the first step of a momentum buffer).</summary>
    public bool HasBuffer(string name) => _buffers.ContainsKey(name);

    /// <summary>The names of the buffers created so far.</summary>
    public IReadOnlyCollection<string> BufferNames => _buffers.Keys;

    /// <summary>The dtype of the buffer of this name, or null when there is none yet.</summary>
    /// <example><c>optimizer.GetState(p)!.BufferDType("m")</c> is <c>DType.Float32</c> for a float32 parameter under Adam.</example>
    public DType? BufferDType(string name) => _buffers.TryGetValue(name, out var b) ? b is float[] ? DType.Float32 : DType.Float64 : null;

    /// <summary>The float64 buffer of this name, created filled with zeros on first use (see <see cref="Buffer{T}(string, int)"/>).</summary>
    /// <param name="name">The buffer's name ("momentum", "m", "v", ...).</param>
    /// <param name="length">Its length (the parameter's element count).</param>
    public double[] Buffer(string name, int length) => Buffer<double>(name, length);

    /// <summary>
    /// The buffer of this name with elements of type <typeparamref name="T"/> (<c>float</c> or <c>double</c>),
    /// created filled with zeros on first use; a buffer of the other type is converted (and replaces it).
    /// </summary>
    /// <param name="name">The buffer's name ("momentum", "m", "v", ...).</param>
    /// <param name="length">Its length (the parameter's element count).</param>
    /// <exception cref="InvalidOperationException">The buffer exists with another length.</exception>
    public T[] Buffer<T>(string name, int length) where T : unmanaged
    {
        if (typeof(T) != typeof(float) && typeof(T) != typeof(double))
            throw new ArgumentException($"optimizer state: element type {typeof(T).Name} is not stored; use float or double");
        if (_buffers.TryGetValue(name, out var existing))
        {
            if (existing.Length != length)
                throw new InvalidOperationException($"optimizer state: buffer '{name}' has {existing.Length} elements but the parameter has {length}");
            if (existing is T[] same) return same;
            // the parameter changed dtype since the last step: carry the state over in the new dtype
            var shape = new[] { length };
            var source = existing is double[] d ? new Tensor(shape, d) : new Tensor(shape, (float[])existing);
            var converted = source.To(typeof(T) == typeof(float) ? DType.Float32 : DType.Float64).ToArray<T>();
            _buffers[name] = converted;
            return converted;
        }
        var b = new T[length];
        _buffers[name] = b;
        return b;
    }

    /// <summary>
    /// A copy of the buffer of this name as a tensor of the given shape, in the buffer's element type (for
    /// checkpoints: <see cref="Corgi.IO.Checkpoint"/>).
    /// </summary>
    /// <param name="name">The buffer's name.</param>
    /// <param name="shape">The shape to give it (the parameter's shape); its element count must be the buffer's length.</param>
    /// <exception cref="KeyNotFoundException">There is no buffer of this name.</exception>
    public Tensor BufferTensor(string name, int[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (!_buffers.TryGetValue(name, out var b))
            throw new KeyNotFoundException($"optimizer state: there is no buffer '{name}' (buffers: {string.Join(", ", _buffers.Keys)})");
        return b is double[] d ? new Tensor(shape, d) : new Tensor(shape, (float[])b);
    }

    /// <summary>
    /// Makes the state of a parameter from a step count and buffers (the inverse of <see cref="Step"/> and
    /// <see cref="BufferTensor"/>); each buffer keeps its tensor's element type, bit for bit.
    /// </summary>
    /// <param name="step">The number of updates the parameter has received.</param>
    /// <param name="buffers">Name → values; each must have <paramref name="length"/> elements.</param>
    /// <param name="length">The parameter's element count.</param>
    /// <exception cref="ArgumentException">A buffer has another element count; the message names it.</exception>
    public static ParameterState Restore(int step, IEnumerable<KeyValuePair<string, Tensor>> buffers, int length)
    {
        ArgumentNullException.ThrowIfNull(buffers);
        if (step < 0) throw new ArgumentOutOfRangeException(nameof(step), $"optimizer state: the step count must not be negative, got {step}");
        var state = new ParameterState { Step = step };
        foreach (var (name, t) in buffers)
        {
            if (t.Count != length)
                throw new ArgumentException($"optimizer state: buffer '{name}' has {t.Count} elements (shape {Tensor.FormatShape(t.ShapeSpan)}) but the parameter has {length}", nameof(buffers));
            state._buffers[name] = t.DType == DType.Float32 ? t.ToArray<float>() : t.ToArray<double>();
        }
        return state;
    }
}

/// <summary>
/// Base class of the built-in optimizers: learning rate, weight decay, gradient clipping by global norm,
/// and per-parameter state; a subclass writes only the element-wise rule in <see cref="Step{T}"/>, once,
/// generic over the element type: the base class picks <c>float</c> or <c>double</c> once per parameter
/// from its dtype, so float32 parameters are updated in float32 with float32 state.
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

    /// <summary>
    /// Replaces the state kept for a parameter (a checkpoint being loaded: <see cref="ParameterState.Restore"/>);
    /// null forgets it, as before the parameter's first update.
    /// </summary>
    public void SetState(Parameter parameter, ParameterState? state)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        _states.Remove(parameter);
        if (state is not null) _states.Add(parameter, state);
    }

    /// <summary>Forgets all per-parameter state (momentum, moment estimates, step counts).</summary>
    public void ResetState() => _states = new ConditionalWeakTable<Parameter, ParameterState>();

    /// <inheritdoc/>
    /// <remarks>Gradients are read through <see cref="Tensor.GetGradientSpan{T}"/> and then cleared, so their
    /// buffers go back to the <see cref="BufferCache"/> for the next step. Each parameter is updated in its own
    /// dtype; the global norm for clipping is accumulated in double.</remarks>
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
            if (_maxGradientNorm is not null) sumSquares += GradientSumOfSquares(p.Value);
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
            p.Value = value.DType == DType.Float32
                ? NewValue<float>(value, source, scale, state)
                : NewValue<double>(value, source, scale, state);
        }
        // after every slot has read its gradient: the buffers go back to the cache
        foreach (var (_, source) in work) source.ClearGradient();
        foreach (var p in parameters) p.ClearGradient();
    }

    private Tensor NewValue<T>(Tensor value, Tensor source, double scale, ParameterState state) where T : unmanaged, IFloatingPointIeee754<T> =>
        Tensor.Create<T, (Optimizer Optimizer, Tensor Value, Tensor Source, double Scale, ParameterState State)>(
            value.Shape, (this, value, source, scale, state),
            static (next, s) =>
            {
                ReadOnlySpan<T> g = s.Source.GetGradientSpan<T>();
                if (s.Scale != 1)
                {
                    var clipped = new T[g.Length];
                    TensorPrimitives.Multiply(g, T.CreateTruncating(s.Scale), clipped);
                    g = clipped;
                }
                s.Optimizer.Step(s.Value.AsSpan<T>(), g, s.State, next);
            }, zeroed: false).Tracked();

    private static double GradientSumOfSquares(Tensor t)
    {
        if (t.DType == DType.Float64) return TensorPrimitives.SumOfSquares(t.GetGradientSpan<double>());
        // float32 gradients: square and sum in double, so the norm of many small values does not lose digits
        double sum = 0;
        foreach (float x in t.GetGradientSpan<float>()) sum += (double)x * x;
        return sum;
    }

    /// <summary>
    /// Computes a parameter's new values from its current values and (clipped) gradient, in the parameter's
    /// element type <typeparamref name="T"/> (<c>float</c> for float32, <c>double</c> for float64). The result
    /// is a fresh buffer; <paramref name="state"/> buffers (<see cref="ParameterState.Buffer{T}(string, int)"/>
    /// with the same <typeparamref name="T"/>) may be updated in place. Hyperparameters are doubles: convert
    /// them once with <see cref="Of{T}(double)"/>.
    /// </summary>
    /// <typeparam name="T">The element type of the parameter.</typeparam>
    /// <param name="value">The current values (read only).</param>
    /// <param name="gradient">The gradient, after clipping.</param>
    /// <param name="state">This parameter's state; <see cref="ParameterState.Step"/> is 1 on the first update.</param>
    /// <param name="result">Receives the new values; every element must be written (it starts uninitialised).</param>
    protected abstract void Step<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, ParameterState state, Span<T> result)
        where T : unmanaged, IFloatingPointIeee754<T>;

    /// <summary>A hyperparameter in the element type <typeparamref name="T"/> (rounded to nearest for float).</summary>
    protected static T Of<T>(double value) where T : IFloatingPointIeee754<T> => T.CreateTruncating(value);

    /// <summary>d = g + λ·p when weight decay is set (into <paramref name="scratch"/>), else g itself.</summary>
    protected ReadOnlySpan<T> WithWeightDecay<T>(ReadOnlySpan<T> value, ReadOnlySpan<T> gradient, Span<T> scratch)
        where T : unmanaged, IFloatingPointIeee754<T>
    {
        if (_weightDecay == 0) return gradient;
        TensorPrimitives.MultiplyAdd(value, Of<T>(_weightDecay), gradient, scratch);
        return scratch;
    }

    private static double NonNegative(double v, string name) =>
        v >= 0 && double.IsFinite(v) ? v : throw new ArgumentOutOfRangeException(name, $"optimizer: {name} must be a finite non-negative number, got {v}");
}
