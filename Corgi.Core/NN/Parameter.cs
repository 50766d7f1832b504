using System;

namespace Corgi.NN;

/// <summary>
/// A trainable value held by a layer: a mutable slot around an immutable tracked tensor. Optimizers never
/// write into a parameter's tensor; they put a new tensor into the slot (<see cref="Value"/>), so a
/// tensor kept from an earlier step still holds its old values.
/// </summary>
/// <example>
/// <code>
/// var before = dense.Weights.Value;   // keeps the values of this step
/// model.Update();                       // dense.Weights.Value is now a new tensor; before is unchanged
/// </code>
/// </example>
public sealed class Parameter
{
    private Tensor _value;

    /// <summary>Creates a parameter holding <paramref name="value"/> as a tracked leaf.</summary>
    /// <param name="name">The parameter's name inside its layer ("weight", "bias"); used for saving.</param>
    /// <param name="value">The initial value; it is detached from any graph and from its <see cref="DisposeScope"/>, and tracked.</param>
    public Parameter(string name, Tensor value)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(value);
        Name = name;
        _value = AsLeaf(value);
    }

    /// <summary>The parameter's name inside its layer.</summary>
    public string Name { get; }

    /// <summary>
    /// The current value: a tracked leaf tensor. Setting it replaces the tensor (the old one is not
    /// modified); a value that is not a tracked leaf is detached and tracked first. The value is taken
    /// out of its <see cref="DisposeScope"/>, so optimizers can update parameters inside one.
    /// </summary>
    /// <exception cref="TensorShapeException">The new value's shape differs from the parameter's.</exception>
    public Tensor Value
    {
        get => _value;
        set
        {
            ArgumentNullException.ThrowIfNull(value);
            if (!value.ShapeSpan.SequenceEqual(_value.ShapeSpan))
                throw new TensorShapeException(
                    $"parameter '{Name}': cannot replace a value of shape {Tensor.FormatShape(_value.ShapeSpan)} with one of shape {Tensor.FormatShape(value.ShapeSpan)}");
            _value = AsLeaf(value);
        }
    }

    /// <summary>The gradient accumulated on the current value by backward passes, or null.</summary>
    public Tensor? Gradient => _value.Gradient;

    /// <summary>The shape of the value (a copy).</summary>
    public int[] Shape => _value.Shape;

    /// <summary>The number of scalar values.</summary>
    public int Count => _value.Count;

    /// <summary>
    /// Whether optimizers skip this parameter (it still receives gradients). The seed's optimizer likewise
    /// skips parameters without a gradient.
    /// </summary>
    public bool Frozen { get; set; }

    /// <summary>Clears the gradient of the current value.</summary>
    public void ClearGradient() => _value.ClearGradient();

    /// <inheritdoc/>
    public override string ToString() => $"Parameter {Name} {Tensor.FormatShape(_value.ShapeSpan)}";

    // A parameter's value outlives any dispose scope it was made in.
    private static Tensor AsLeaf(Tensor value) =>
        (value.IsLeaf && value.IsTracked ? value : value.Detach().Tracked()).DetachFromDisposeScope();
}
