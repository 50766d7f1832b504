using System;

namespace Corgi.NN.Schedules;

/// <summary>
/// Reduce-on-plateau (PyTorch's ReduceLROnPlateau): a factor, starting at 1, multiplied by
/// <see cref="Decay"/> when the monitored value has not improved for more than <see cref="Patience"/> reports.
/// A value improves when it is below best − <see cref="MinDelta"/> (or above best + min delta when
/// <see cref="Maximize"/>). After a reduction, <see cref="Cooldown"/> reports pass before bad reports count again.
/// </summary>
/// <example>
/// <code>
/// var plateau = new ReduceOnPlateau(decay: 0.5, patience: 2);
/// var scheduler = new LearningRateScheduler(optimizer, plateau: plateau);
/// scheduler.Report(validationLoss);   // once per epoch
/// </code>
/// </example>
public sealed class ReduceOnPlateau
{
    /// <summary>Creates the rule.</summary>
    /// <param name="decay">The factor applied at a plateau, in (0, 1) (default 0.1).</param>
    /// <param name="patience">Reports without improvement tolerated (default 10).</param>
    /// <param name="minDelta">The least change that counts as an improvement (default 0).</param>
    /// <param name="cooldown">Reports ignored after a reduction (default 0).</param>
    /// <param name="minFactor">The factor never goes below this (default 0).</param>
    /// <param name="maximize">Whether larger values are better (accuracy) instead of smaller (loss).</param>
    public ReduceOnPlateau(double decay = 0.1, int patience = 10, double minDelta = 0, int cooldown = 0, double minFactor = 0, bool maximize = false)
    {
        if (!(decay > 0 && decay < 1)) throw new ArgumentOutOfRangeException(nameof(decay), $"reduce-on-plateau: the decay must be in (0, 1), got {decay}");
        if (patience < 0) throw new ArgumentOutOfRangeException(nameof(patience), $"reduce-on-plateau: the patience must not be negative, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), $"reduce-on-plateau: the minimum delta must not be negative, got {minDelta}");
        if (cooldown < 0) throw new ArgumentOutOfRangeException(nameof(cooldown), $"reduce-on-plateau: the cooldown must not be negative, got {cooldown}");
        if (!(minFactor >= 0)) throw new ArgumentOutOfRangeException(nameof(minFactor), $"reduce-on-plateau: the minimum factor must not be negative, got {minFactor}");
        Decay = decay;
        Patience = patience;
        MinDelta = minDelta;
        Cooldown = cooldown;
        MinFactor = minFactor;
        Maximize = maximize;
        Best = maximize ? double.NegativeInfinity : double.PositiveInfinity;
    }

    /// <summary>The factor applied at a plateau.</summary>
    public double Decay { get; }

    /// <summary>Reports without improvement tolerated before a reduction.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Reports ignored after a reduction.</summary>
    public int Cooldown { get; }

    /// <summary>The lower bound of <see cref="Factor"/>.</summary>
    public double MinFactor { get; }

    /// <summary>Whether larger values are better.</summary>
    public bool Maximize { get; }

    /// <summary>The current factor of the learning rate (1 until the first reduction).</summary>
    public double Factor { get; private set; } = 1;

    /// <summary>The best value reported so far (±∞ before the first).</summary>
    public double Best { get; private set; }

    /// <summary>Reports since the last improvement (reset by a reduction and during the cooldown).</summary>
    public int BadReports { get; private set; }

    /// <summary>Reports left in the cooldown.</summary>
    public int CooldownLeft { get; private set; }

    /// <summary>Records a value of the monitored quantity; returns whether the factor was reduced.</summary>
    public bool Report(double value)
    {
        if (Maximize ? value > Best + MinDelta : value < Best - MinDelta)
        {
            Best = value;
            BadReports = 0;
        }
        else BadReports++;
        if (CooldownLeft > 0)
        {
            CooldownLeft--;
            BadReports = 0;
        }
        if (BadReports <= Patience) return false;
        Factor = Math.Max(Factor * Decay, MinFactor);
        CooldownLeft = Cooldown;
        BadReports = 0;
        return true;
    }

    /// <summary>Restores the counters (a checkpoint being loaded).</summary>
    public void Restore(double factor, double best, int badReports, int cooldownLeft)
    {
        Factor = factor;
        Best = best;
        BadReports = badReports;
        CooldownLeft = cooldownLeft;
    }
}
