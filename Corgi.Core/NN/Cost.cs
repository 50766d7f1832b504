using System;

namespace Corgi.NN;

/// <summary>
/// A cost (loss) function of a model's output and a target, returning a scalar tensor (the seed's
/// <c>cost::mse()</c>, <c>cost::cross_entropy()</c>). Build your own with <see cref="Cost(string, Func{Tensor, Tensor, Tensor})"/>.
/// </summary>
/// <example>
/// <code>
/// var ce = Cost.SoftmaxCrossEntropy();
/// var loss = ce.Compute(logits, labels);   // labels: [batch] class indices or [batch, classes] one-hot
/// </code>
/// </example>
public sealed class Cost
{
    private readonly Func<Tensor, Tensor, Tensor> _function;

    /// <summary>Wraps a function (output, target) → scalar tensor as a cost.</summary>
    /// <param name="name">A name for printing and error messages.</param>
    /// <param name="function">The cost, built from differentiable tensor operations.</param>
    public Cost(string name, Func<Tensor, Tensor, Tensor> function)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(function);
        Name = name;
        _function = function;
    }

    /// <summary>The cost's name.</summary>
    public string Name { get; }

    /// <summary>
    /// Computes the cost of <paramref name="output"/> against <paramref name="target"/>. A target of another
    /// dtype than the output is first converted to the output's dtype (<see cref="Tensor.To(DType)"/>), so
    /// the loss has the output's dtype: a float32 model with float64 targets computes its loss in float32.
    /// </summary>
    public Tensor Compute(Tensor output, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(target);
        return _function(output, target.To(output.DType));
    }

    /// <summary>Mean squared error: mean((output - target)²) over all elements (the seed's <c>mse</c>, summed to a scalar).</summary>
    public static Cost Mse() => new("mse", static (o, t) =>
    {
        SameShape("mse", o, t);
        return o.Sub(t).Square().Mean();
    });

    /// <summary>
    /// The seed's cross-entropy on probabilities: -sum(target · ln(output)) / batch, where batch is the
    /// output's first dimension for a batch of rows [batch, classes], and 1 for a single row [classes].
    /// Use it after a softmax; prefer <see cref="SoftmaxCrossEntropy"/> on logits.
    /// </summary>
    public static Cost CrossEntropy() => new("cross_entropy", static (o, t) =>
    {
        SameShape("cross_entropy", o, t);
        double batch = o.Rank < 2 ? 1 : Math.Max(1, o.ShapeSpan[0]);
        // where both the target and the output are 0 (a saturated softmax), t·ln p would be 0 · -inf = NaN; PyTorch's
        // NLL picks only the target's entry and gives a finite loss, so there (and only there: every other point
        // keeps its exact derivatives, in the target too) the output is read as 1, whose log is 0
        var degenerate = t.Eq(0.0).Mul(o.Eq(0.0));
        return t.Mul(o.MaskedFill(degenerate, 1.0).Log()).Sum() * (-1.0 / batch);
    });

    /// <summary>
    /// Softmax followed by cross-entropy, on logits [batch, classes], computed stably through log-softmax:
    /// -sum(target · log_softmax(logits)) / batch. The target is either class indices [batch] (integer
    /// values in [0, classes)) or one-hot / probability rows [batch, classes]. Its gradient with respect
    /// to the logits is (softmax(logits) - target) / batch.
    /// </summary>
    /// <exception cref="TensorShapeException">The logits are not [batch, classes], or the target matches neither form.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A class index is not an integer in [0, classes).</exception>
    public static Cost SoftmaxCrossEntropy() => new("softmax_cross_entropy", static (logits, t) =>
    {
        if (logits.Rank != 2)
            throw new TensorShapeException($"softmax_cross_entropy: needs logits [batch, classes], got {Tensor.FormatShape(logits.ShapeSpan)}");
        int batch = logits.ShapeSpan[0], classes = logits.ShapeSpan[1];
        Tensor target;
        if (t.Rank == 1 && t.ShapeSpan[0] == batch) target = Data.Labels.OneHot(t, classes, logits.DType);
        else if (t.ShapeSpan.SequenceEqual(logits.ShapeSpan)) target = t;
        else
            throw new TensorShapeException(
                $"softmax_cross_entropy: the target must be class indices [{batch}] or rows [{batch},{classes}] for logits {Tensor.FormatShape(logits.ShapeSpan)}, got {Tensor.FormatShape(t.ShapeSpan)}");
        // a -inf logit has log-softmax -inf, and a 0 target there would give 0 · -inf = NaN (PyTorch gives a finite
        // loss): only those entries (target 0 and log-probability infinite) are masked to 0, so every other point
        // keeps its exact derivatives, in the logits and in a soft target
        var logProbabilities = logits.LogSoftmax(-1);
        var degenerate = target.Eq(0.0).Mul(logProbabilities.IsInf());
        return target.Mul(logProbabilities.MaskedFill(degenerate, 0.0)).Sum() * (-1.0 / Math.Max(1, batch));
    });

    /// <summary>
    /// Binary cross-entropy on probabilities: -mean(t · ln p + (1 - t) · ln(1 - p)) over all elements,
    /// with p clamped into [ε, 1 - ε] so that saturated outputs give a finite loss and a finite gradient.
    /// ε depends on the output's dtype: 1e-12 for float64, 1e-7 for float32 (1 - 1e-12 rounds to 1 in
    /// float32, which would give ln 0; 1 - 1e-7 rounds to 1 - 2⁻²³, float32's largest value below 1 but one).
    /// A saturated wrong output therefore costs -ln(1e-12) ≈ 27.6 in float64 and about -ln(1.19e-7) ≈ 15.9 in
    /// float32. (PyTorch instead clamps the logarithm at -100; clamping p keeps the gradient finite too.)
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">An output is outside [0, 1] (or NaN).</exception>
    public static Cost BinaryCrossEntropy() => new("binary_cross_entropy", static (o, t) =>
    {
        SameShape("binary_cross_entropy", o, t);
        if (o.Count > 0)
        {
            // as PyTorch: probabilities out of [0, 1] are a bug upstream (a missing sigmoid), not a loss
            double lo = o.Min().Item(), hi = o.Max().Item();
            if (!(lo >= 0 && hi <= 1))
                throw new ArgumentOutOfRangeException(nameof(o),
                    $"binary_cross_entropy: every output must be a probability in [0, 1]; got values in [{lo}, {hi}] (shape {Tensor.FormatShape(o.ShapeSpan)}); apply a sigmoid, or use BinaryCrossEntropyWithLogits on logits");
        }
        double eps = o.DType == DType.Float32 ? 1e-7 : 1e-12;
        var p = o.Clamp(eps, 1 - eps);
        return t.Mul(p.Log()).Add((1.0 - t).Mul((1.0 - p).Log())).Mean().Neg();
    });

    /// <summary>
    /// Binary cross-entropy on logits z (before a sigmoid), fused and stable for any z:
    /// mean(max(z, 0) - z·t + ln(1 + e^-|z|)), which equals the binary cross-entropy of sigmoid(z) without
    /// its loss of precision when the sigmoid saturates. Its gradient with respect to z is (sigmoid(z) - t) / n.
    /// </summary>
    /// <exception cref="TensorShapeException">The logits and the target have different shapes.</exception>
    public static Cost BinaryCrossEntropyWithLogits() => new("binary_cross_entropy_with_logits", static (z, t) =>
    {
        SameShape("binary_cross_entropy_with_logits", z, t);
        double n = Math.Max(1, z.Count);
        return Tensor.Custom("binary_cross_entropy_with_logits", new[] { z, t },
            // (1 - t)·z + max(-z, 0) + ln(1 + e^-|z|), PyTorch's arrangement of max(z, 0) - z·t + ln(1 + e^-|z|):
            // at z = +inf and t = 0 it gives +inf, where z·t would be inf·0 = NaN
            xs => ((1.0 - xs[1]) * xs[0] + xs[0].Neg().Relu() + ((-xs[0].Abs()).Exp() + 1.0).Log()).Mean(),
            // d/dz = sigmoid(z) - t, d/dt = -z, each divided by the element count (the mean)
            (xs, tracked, g) => new Tensor?[]
            {
                tracked[0] ? g * (xs[0].Sigmoid() - xs[1]) / n : null,
                tracked[1] ? g * xs[0].Neg() / n : null,
            });
    });

    /// <inheritdoc/>
    public override string ToString() => Name;

    private static void SameShape(string op, Tensor o, Tensor t)
    {
        if (!o.ShapeSpan.SequenceEqual(t.ShapeSpan))
            throw new TensorShapeException($"{op}: the output has shape {Tensor.FormatShape(o.ShapeSpan)} but the target has shape {Tensor.FormatShape(t.ShapeSpan)}");
    }
}
