using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// Inverted dropout (see <see cref="Tensor.Dropout(double, Random, bool)"/>): while <see cref="Training"/>
/// each element is zeroed with probability p and the rest scaled by 1 / (1 - p); while evaluating
/// (<see cref="Model.Predict"/>, <see cref="Model.Evaluate"/>) it passes its input through.
/// </summary>
public sealed class Dropout : ITrainingModeLayer
{
    private readonly Random _random;

    /// <summary>Creates a dropout layer drawing its masks from a seeded random source.</summary>
    /// <param name="probability">The probability of dropping an element, in [0, 1].</param>
    /// <param name="seed">The seed of the mask sequence.</param>
    public Dropout(double probability, int seed) : this(probability, new Random(seed)) { }

    /// <summary>Creates a dropout layer drawing its masks from <paramref name="random"/> (null: an unseeded source).</summary>
    /// <param name="probability">The probability of dropping an element, in [0, 1].</param>
    /// <param name="random">The random source of the masks.</param>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1].</exception>
    public Dropout(double probability, Random? random = null)
    {
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), $"dropout: the probability must be in [0, 1], got {probability}");
        Probability = probability;
        _random = random ?? new Random(Random.Shared.Next());
    }

    /// <summary>The probability of dropping an element.</summary>
    public double Probability { get; }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => Array.Empty<Parameter>();

    /// <inheritdoc/>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // evaluation inside an InferenceMode scope (Model.Predict) whatever the flag says: no shared state is touched
        return input.Dropout(Probability, _random, InferenceMode.Trains(Training));
    }

    /// <inheritdoc/>
    public override string ToString() => $"Dropout({Probability})";
}
