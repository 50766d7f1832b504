using System;

namespace Corgi;

// Inverted dropout: composed from a constant random mask and a product, so its derivative is the
// product's (g · mask) and needs no rule of its own.
public sealed partial class Tensor
{
    /// <summary>
    /// Inverted dropout: while training, zeroes each element with probability <paramref name="probability"/>
    /// and scales the kept ones by 1 / (1 - p), so the expected value is unchanged; when not training
    /// (evaluation) it returns this tensor unchanged.
    /// </summary>
    /// <param name="probability">The probability of dropping an element, in [0, 1]; 1 drops everything.</param>
    /// <param name="random">The random source of the mask (pass a seeded <see cref="Random"/> for reproducible runs).</param>
    /// <param name="training">Whether to drop (training) or pass through (evaluation).</param>
    /// <exception cref="ArgumentOutOfRangeException">The probability is outside [0, 1].</exception>
    /// <example><c>var h = x.Dropout(0.5, new Random(42));</c></example>
    public Tensor Dropout(double probability, Random random, bool training = true)
    {
        ArgumentNullException.ThrowIfNull(random);
        if (!(probability >= 0 && probability <= 1))
            throw new ArgumentOutOfRangeException(nameof(probability), $"dropout: the probability must be in [0, 1], got {probability}");
        if (!training || probability == 0) return this;
        var mask = new double[Data.Length];
        if (probability < 1)
        {
            double keep = 1.0 / (1.0 - probability);
            for (int i = 0; i < mask.Length; i++) mask[i] = random.NextDouble() < probability ? 0.0 : keep;
        }
        return Mul(new Tensor(mask, _shape).AsDType(_dtype));
    }
}
