using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// A layer of a model: a differentiable function of its input and its parameters (the seed's
/// <c>Layer</c> trait: <c>forward</c> and <c>parameters</c>).
/// </summary>
/// <example>
/// <code>
/// // a custom layer: y = x * scale
/// sealed class Scale : ILayer
/// {
///     public Parameter Factor { get; } = new("factor", Tensor.Ones(1));
///     public Tensor Forward(Tensor input) =&gt; input * Factor.Value;
///     public IReadOnlyList&lt;Parameter&gt; Parameters =&gt; new[] { Factor };
/// }
/// </code>
/// </example>
public interface ILayer
{
    /// <summary>Computes the layer's output; the graph is recorded when the parameters are tracked.</summary>
    Tensor Forward(Tensor input);

    /// <summary>
    /// The layer's trainable parameters (empty for layers without any). These are slots: the same
    /// <see cref="Parameter"/> objects for the layer's lifetime, whose values the optimizer replaces.
    /// </summary>
    IReadOnlyList<Parameter> Parameters { get; }
}

/// <summary>
/// A layer that behaves differently while training and while evaluating (dropout); the model switches it.
/// </summary>
public interface ITrainingModeLayer : ILayer
{
    /// <summary>True while training (the default), false while evaluating or predicting.</summary>
    bool Training { get; set; }
}
