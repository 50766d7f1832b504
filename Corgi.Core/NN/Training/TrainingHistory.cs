using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// Where a run stands, at an optimizer-update boundary: what a checkpoint needs to resume it with the same batches.
/// </summary>
/// <param name="Epoch">Epochs completed (the 0-based index of the epoch in progress).</param>
/// <param name="Step">Batches done in that epoch.</param>
/// <param name="GlobalStep">Optimizer updates since the start of the run.</param>
/// <param name="EpochLossSum">The sum of the batch losses of the epoch so far (so its mean loss comes out the same).</param>
/// <param name="Seed">The seed of the data order (<see cref="FitOptions.Seed"/>); with the epoch it is the order's whole random state.</param>
public sealed record TrainingPosition(int Epoch, int Step, long GlobalStep, double EpochLossSum, int Seed);

/// <summary>What <see cref="FitOptions.OnBatchEnd"/> receives.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="Step">The batch within the epoch, from 1.</param>
/// <param name="StepsPerEpoch">Batches per epoch.</param>
/// <param name="Loss">This batch's loss.</param>
/// <param name="LearningRate">The optimizer's rate after this batch (after a scheduler step).</param>
/// <param name="Updated">Whether the optimizer updated after this batch (always, unless gradients are accumulated).</param>
/// <param name="Position">The run's position after this batch; a checkpoint may be written when <paramref name="Updated"/>.</param>
public readonly record struct BatchEnd(int Epoch, int Step, int StepsPerEpoch, double Loss, double LearningRate, bool Updated, TrainingPosition Position);

/// <summary>One epoch of a fit: losses, validation metrics and the learning rate at its end.</summary>
/// <param name="Epoch">The epoch, from 1.</param>
/// <param name="TrainLoss">The mean of the epoch's batch losses.</param>
/// <param name="ValidationLoss">The cost on the validation data (NaN without validation data).</param>
/// <param name="Metrics">The validation metrics by name (empty without validation data).</param>
/// <param name="LearningRate">The optimizer's rate at the end of the epoch (NaN for an optimizer that is not an <see cref="Optimizer"/>).</param>
/// <param name="Elapsed">The time since the start of the fit.</param>
public sealed record EpochRecord(int Epoch, double TrainLoss, double ValidationLoss, IReadOnlyDictionary<string, double> Metrics, double LearningRate, TimeSpan Elapsed)
{
    /// <summary>"epoch 3  loss 0.1234  val_loss 0.2345  accuracy 0.9500  lr 0.001".</summary>
    public override string ToString()
    {
        var parts = new List<string> { FormattableString.Invariant($"epoch {Epoch}  loss {TrainLoss:F4}") };
        if (!double.IsNaN(ValidationLoss)) parts.Add(FormattableString.Invariant($"val_loss {ValidationLoss:F4}"));
        foreach (var (k, v) in Metrics) parts.Add(FormattableString.Invariant($"{k} {v:F4}"));
        parts.Add(FormattableString.Invariant($"lr {LearningRate:G4}"));
        return string.Join("  ", parts);
    }
}

/// <summary>
/// What <c>Model.Fit</c> returns: one <see cref="EpochRecord"/> per epoch, with per-series views to plot
/// (<see cref="TrainLoss"/>, <see cref="ValidationLoss"/>, <see cref="Metric"/>).
/// </summary>
public sealed class TrainingHistory
{
    private readonly List<EpochRecord> _epochs = new();

    /// <summary>The epochs, in order.</summary>
    public IReadOnlyList<EpochRecord> Epochs => _epochs;

    /// <summary>The mean training loss of each epoch.</summary>
    public IReadOnlyList<double> TrainLoss => _epochs.Select(e => e.TrainLoss).ToArray();

    /// <summary>The validation loss of each epoch (NaN without validation data).</summary>
    public IReadOnlyList<double> ValidationLoss => _epochs.Select(e => e.ValidationLoss).ToArray();

    /// <summary>The learning rate at the end of each epoch.</summary>
    public IReadOnlyList<double> LearningRate => _epochs.Select(e => e.LearningRate).ToArray();

    /// <summary>A validation metric of each epoch.</summary>
    /// <exception cref="KeyNotFoundException">No epoch has the metric; the message lists those there are.</exception>
    public IReadOnlyList<double> Metric(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (_epochs.Count > 0 && !_epochs[0].Metrics.ContainsKey(name))
            throw new KeyNotFoundException($"history: no metric '{name}' (metrics: {string.Join(", ", _epochs[0].Metrics.Keys)})");
        return _epochs.Select(e => e.Metrics.TryGetValue(name, out var v) ? v : double.NaN).ToArray();
    }

    /// <summary>Whether early stopping ended the fit before its last epoch.</summary>
    public bool StoppedEarly { get; internal set; }

    /// <summary>The epoch (from 1) with the best monitored value when early stopping was used, else null.</summary>
    public int? BestEpoch { get; internal set; }

    internal void Add(EpochRecord record) => _epochs.Add(record);
}
