using System;

namespace Corgi.NN.Schedules;

/// <summary>When a <see cref="LearningRateScheduler"/> steps during <c>Model.Fit</c>.</summary>
public enum ScheduleInterval
{
    /// <summary>After every optimizer update (every batch, or every accumulation of batches).</summary>
    Batch,

    /// <summary>After every epoch.</summary>
    Epoch,
}

/// <summary>
/// Drives an optimizer's learning rate: lr = base · schedule(t) · plateau factor, where t counts
/// <see cref="Step"/> calls and the base is the optimizer's rate when the scheduler was made. The rate is set
/// on construction and after every step and report. <c>Model.Fit</c> calls <see cref="Step"/> per
/// <see cref="Interval"/> and <see cref="Report"/> with the validation loss (or the training loss) per epoch.
/// </summary>
/// <example>
/// <code>
/// var adam = new Adam(0.01);
/// var scheduler = new LearningRateScheduler(adam, Schedule.CosineAnnealing(1000));
/// for (int i = 0; i &lt; 1000; i++) { /* forward, backward, update */ scheduler.Step(); }
/// </code>
/// </example>
public sealed class LearningRateScheduler
{
    /// <summary>Binds a schedule (and optionally a plateau rule) to an optimizer and sets its rate for step 0.</summary>
    /// <param name="optimizer">The optimizer whose <see cref="Optimizer.LearningRate"/> is driven.</param>
    /// <param name="schedule">The closed-form schedule (default: constant).</param>
    /// <param name="plateau">An optional reduce-on-plateau rule, multiplied in.</param>
    /// <param name="interval">When Fit steps the scheduler (default: every batch).</param>
    public LearningRateScheduler(Optimizer optimizer, Schedule? schedule = null, ReduceOnPlateau? plateau = null, ScheduleInterval interval = ScheduleInterval.Batch)
    {
        ArgumentNullException.ThrowIfNull(optimizer);
        Optimizer = optimizer;
        Schedule = schedule ?? Schedule.Constant();
        Plateau = plateau;
        Interval = interval;
        BaseLearningRate = optimizer.LearningRate;
        Apply();
    }

    /// <summary>The optimizer driven.</summary>
    public Optimizer Optimizer { get; }

    /// <summary>The closed-form part.</summary>
    public Schedule Schedule { get; }

    /// <summary>The reduce-on-plateau part, if any.</summary>
    public ReduceOnPlateau? Plateau { get; }

    /// <summary>When Fit steps the scheduler.</summary>
    public ScheduleInterval Interval { get; }

    /// <summary>The rate the schedule's factors multiply.</summary>
    public double BaseLearningRate { get; private set; }

    /// <summary>Steps taken (t).</summary>
    public int StepCount { get; private set; }

    /// <summary>The current rate: base · schedule(t) · plateau factor.</summary>
    public double LearningRate => BaseLearningRate * Schedule.Factor(StepCount) * (Plateau?.Factor ?? 1);

    /// <summary>Advances t by one and sets the optimizer's rate.</summary>
    public void Step()
    {
        StepCount++;
        Apply();
    }

    /// <summary>Reports the monitored value to the plateau rule (if any) and sets the rate; returns whether it was reduced.</summary>
    public bool Report(double value)
    {
        bool reduced = Plateau?.Report(value) ?? false;
        Apply();
        return reduced;
    }

    /// <summary>Restores the counters (a checkpoint being loaded) and sets the optimizer's rate.</summary>
    public void Restore(int stepCount, double baseLearningRate)
    {
        if (stepCount < 0) throw new ArgumentOutOfRangeException(nameof(stepCount), $"scheduler: the step count must not be negative, got {stepCount}");
        StepCount = stepCount;
        BaseLearningRate = baseLearningRate;
        Apply();
    }

    private void Apply() => Optimizer.LearningRate = LearningRate;

    /// <inheritdoc/>
    public override string ToString() => FormattableString.Invariant($"LearningRateScheduler({Schedule}, step {StepCount}, lr {LearningRate})");
}
