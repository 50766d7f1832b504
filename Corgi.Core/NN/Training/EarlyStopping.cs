using System;
using System.Collections.Generic;

namespace Corgi.NN;

/// <summary>
/// Early stopping (Keras' <c>EarlyStopping</c>): after each epoch the monitored value ("val_loss", "loss", or a
/// validation metric's name) improves when it beats the best so far by more than <see cref="MinDelta"/>; after
/// <see cref="Patience"/> epochs in a row without improvement the fit stops, and with
/// <see cref="RestoreBestWeights"/> every parameter gets back its value from the best epoch. Parameters are
/// persistent tensors, so keeping the best weights costs references, not copies.
/// </summary>
/// <example><c>new FitOptions { Validation = validation, EarlyStopping = new EarlyStopping(patience: 5) }</c></example>
public sealed class EarlyStopping
{
    private Dictionary<Parameter, Tensor>? _best;

    /// <summary>Creates the rule.</summary>
    /// <param name="monitor">"val_loss" (default), "loss" (training), or the name of a validation metric.</param>
    /// <param name="patience">Epochs without improvement tolerated (≥ 1, default 5).</param>
    /// <param name="minDelta">The least change that counts as an improvement (default 0).</param>
    /// <param name="restoreBestWeights">Whether to restore the best epoch's parameters when the fit ends (default true).</param>
    /// <param name="maximize">Whether larger is better; null: from the metric (<see cref="Corgi.Metrics.Metric.HigherIsBetter"/>), false for losses.</param>
    public EarlyStopping(string monitor = "val_loss", int patience = 5, double minDelta = 0, bool restoreBestWeights = true, bool? maximize = null)
    {
        ArgumentNullException.ThrowIfNull(monitor);
        if (patience < 1) throw new ArgumentOutOfRangeException(nameof(patience), $"early stopping: patience must be at least 1, got {patience}");
        if (!(minDelta >= 0)) throw new ArgumentOutOfRangeException(nameof(minDelta), $"early stopping: the minimum delta must not be negative, got {minDelta}");
        Monitor = monitor;
        Patience = patience;
        MinDelta = minDelta;
        RestoreBestWeights = restoreBestWeights;
        Maximize = maximize;
    }

    /// <summary>The monitored value's name.</summary>
    public string Monitor { get; }

    /// <summary>Epochs without improvement tolerated.</summary>
    public int Patience { get; }

    /// <summary>The least change that counts as an improvement.</summary>
    public double MinDelta { get; }

    /// <summary>Whether the best epoch's parameters are restored at the end.</summary>
    public bool RestoreBestWeights { get; }

    /// <summary>Whether larger is better (null: decided by the fit from the monitored value).</summary>
    public bool? Maximize { get; }

    /// <summary>The best value seen (NaN before the first epoch).</summary>
    public double Best { get; private set; } = double.NaN;

    /// <summary>The epoch (from 1) of the best value, or 0.</summary>
    public int BestEpoch { get; private set; }

    /// <summary>Epochs since the last improvement.</summary>
    public int Wait { get; private set; }

    /// <summary>Forgets the best value (called at the start of a fit that is not resumed).</summary>
    public void Reset()
    {
        Best = double.NaN;
        BestEpoch = 0;
        Wait = 0;
        _best = null;
    }

    /// <summary>Records an epoch's value; returns whether to stop.</summary>
    internal bool Observe(int epoch, double value, bool maximize, IReadOnlyList<Parameter> parameters)
    {
        bool improved = double.IsNaN(Best) || (maximize ? value > Best + MinDelta : value < Best - MinDelta);
        if (improved)
        {
            Best = value;
            BestEpoch = epoch;
            Wait = 0;
            if (RestoreBestWeights)
            {
                _best = new Dictionary<Parameter, Tensor>(ReferenceEqualityComparer.Instance);
                foreach (var p in parameters) _best[p] = p.Value;
            }
            return false;
        }
        Wait++;
        return Wait >= Patience;
    }

    /// <summary>Puts the best epoch's values back into the parameters (when kept).</summary>
    internal void Restore(IReadOnlyList<Parameter> parameters)
    {
        if (!RestoreBestWeights || _best is null) return;
        foreach (var p in parameters)
        {
            if (!_best.TryGetValue(p, out var value)) continue;
            p.ClearGradient();
            p.Value = value;
        }
    }

    /// <summary>The best epoch's value of a parameter, when kept (for checkpoints).</summary>
    public Tensor? BestValue(Parameter parameter) => _best is not null && _best.TryGetValue(parameter, out var v) ? v : null;

    /// <summary>Restores the counters and the kept best values (a checkpoint being loaded).</summary>
    /// <param name="best">The best monitored value (NaN: none yet).</param>
    /// <param name="bestEpoch">Its epoch, from 1 (0: none).</param>
    /// <param name="wait">Epochs since the last improvement.</param>
    /// <param name="bestValues">The parameters' values at the best epoch, or null.</param>
    public void Restore(double best, int bestEpoch, int wait, IEnumerable<KeyValuePair<Parameter, Tensor>>? bestValues)
    {
        if (wait < 0) throw new ArgumentOutOfRangeException(nameof(wait), $"early stopping: wait must not be negative, got {wait}");
        Best = best;
        BestEpoch = bestEpoch;
        Wait = wait;
        _best = null;
        if (bestValues is null) return;
        _best = new Dictionary<Parameter, Tensor>(ReferenceEqualityComparer.Instance);
        foreach (var (p, v) in bestValues) _best[p] = v.Detach().DetachFromDisposeScope();
    }
}
