using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>Layers applied one after another, usable as one layer (and nestable).</summary>
/// <example>
/// <code>
/// var block = new Sequential(new Conv(1, 8, 3, activation: Activation.Relu()), new MaxPool(2), new Flatten());
/// </code>
/// </example>
public sealed class Sequential : ITrainingModeLayer
{
    private readonly ILayer[] _layers;
    private bool _training = true;
    private IReadOnlyList<Parameter>? _parameters; // the slots never change (see ILayer.Parameters), so collect them once

    /// <summary>Composes the layers in order.</summary>
    public Sequential(params ILayer[] layers)
    {
        ArgumentNullException.ThrowIfNull(layers);
        foreach (var l in layers) ArgumentNullException.ThrowIfNull(l, nameof(layers));
        _layers = (ILayer[])layers.Clone();
    }

    /// <summary>Composes the layers in order.</summary>
    public Sequential(IEnumerable<ILayer> layers) : this(new List<ILayer>(layers ?? throw new ArgumentNullException(nameof(layers))).ToArray()) { }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<ILayer> Layers => _layers;

    /// <summary>Every layer's parameters, in layer order (a parameter shared by two layers appears once).</summary>
    public IReadOnlyList<Parameter> Parameters => _parameters ??= CollectParameters(_layers);

    /// <summary>Whether the layers are in training mode; setting it sets every <see cref="ITrainingModeLayer"/> inside.</summary>
    public bool Training
    {
        get => _training;
        set
        {
            _training = value;
            foreach (var l in _layers)
                if (l is ITrainingModeLayer t) t.Training = value;
        }
    }

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var x = input;
        foreach (var l in _layers) x = l.Forward(x);
        return x;
    }

    private static IReadOnlyList<Parameter> CollectParameters(IEnumerable<ILayer> layers)
    {
        var list = new List<Parameter>();
        var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
        foreach (var l in layers)
            foreach (var p in l.Parameters)
                if (seen.Add(p)) list.Add(p);
        return list;
    }

    /// <inheritdoc/>
    public override string ToString() => $"Sequential({string.Join(", ", (object[])_layers)})";
}
