using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN.Schedules;

/// <summary>
/// A learning-rate schedule as a closed form: the factor f(t) by which the base learning rate is multiplied
/// after t scheduler steps (t = 0 before the first step). Schedules are pure values; a
/// <see cref="LearningRateScheduler"/> counts the steps and sets the optimizer's rate, per batch or per epoch.
/// Compose them with <see cref="Then"/> (one after the other) and <c>*</c> (product, PyTorch's ChainedScheduler).
/// </summary>
/// <example>
/// <code>
/// // 100 steps of linear warm-up from 0.1·lr, then a cosine decay to 0.01·lr over 900 steps
/// var schedule = Schedule.LinearWarmup(100, startFactor: 0.1).Then(100, Schedule.CosineAnnealing(900, minFactor: 0.01));
/// double f = schedule.Factor(50);    // 0.1 + 0.9 · 50/100 = 0.55
/// </code>
/// </example>
public abstract class Schedule
{
    /// <summary>The factor of the base learning rate after <paramref name="step"/> scheduler steps (step ≥ 0).</summary>
    public abstract double Factor(int step);

    /// <summary>A short description ("cosine(T=900, min=0.01)").</summary>
    public abstract override string ToString();

    /// <summary>f(t) = 1.</summary>
    public static Schedule Constant() => new Lambda("constant", _ => 1.0);

    /// <summary>PyTorch's StepLR: f(t) = γ^⌊t / stepSize⌋.</summary>
    /// <param name="stepSize">Steps between decays (≥ 1).</param>
    /// <param name="gamma">The decay factor (default 0.1).</param>
    public static Schedule Step(int stepSize, double gamma = 0.1)
    {
        Positive(stepSize, nameof(stepSize));
        NonNegative(gamma, nameof(gamma));
        return new Lambda(Invariant($"step(size={stepSize}, gamma={gamma})"), t => Math.Pow(gamma, t / stepSize));
    }

    /// <summary>PyTorch's MultiStepLR: f(t) = γ^k with k the number of milestones ≤ t.</summary>
    /// <param name="milestones">Steps at which the rate is multiplied by γ (increasing).</param>
    /// <param name="gamma">The decay factor (default 0.1).</param>
    public static Schedule MultiStep(IEnumerable<int> milestones, double gamma = 0.1)
    {
        ArgumentNullException.ThrowIfNull(milestones);
        var m = milestones.ToArray();
        for (int i = 1; i < m.Length; i++)
            if (m[i] <= m[i - 1]) throw new ArgumentException($"schedule: milestones must increase, got {m[i - 1]} then {m[i]}", nameof(milestones));
        NonNegative(gamma, nameof(gamma));
        return new Lambda(Invariant($"multistep([{string.Join(", ", m)}], gamma={gamma})"), t => Math.Pow(gamma, m.Count(x => x <= t)));
    }

    /// <summary>PyTorch's ExponentialLR: f(t) = γ^t.</summary>
    public static Schedule Exponential(double gamma)
    {
        NonNegative(gamma, nameof(gamma));
        return new Lambda(Invariant($"exponential(gamma={gamma})"), t => Math.Pow(gamma, t));
    }

    /// <summary>
    /// Cosine annealing (PyTorch's CosineAnnealingLR without restarts): f(t) = m + (1 − m)·(1 + cos(π·min(t, T)/T))/2,
    /// from 1 at t = 0 to <paramref name="minFactor"/> m at t = T, held there after T.
    /// </summary>
    /// <param name="period">T, the steps of the decay (≥ 1).</param>
    /// <param name="minFactor">m = η_min / η_base (default 0).</param>
    public static Schedule CosineAnnealing(int period, double minFactor = 0)
    {
        Positive(period, nameof(period));
        NonNegative(minFactor, nameof(minFactor));
        return new Lambda(Invariant($"cosine(T={period}, min={minFactor})"),
            t => minFactor + (1 - minFactor) * (1 + Math.Cos(Math.PI * Math.Min(t, period) / period)) / 2);
    }

    /// <summary>Linear warm-up: f(t) = s + (1 − s)·t/W for t &lt; W, then 1.</summary>
    /// <param name="steps">W, the warm-up length (≥ 1).</param>
    /// <param name="startFactor">s, the factor at t = 0 (default 0).</param>
    public static Schedule LinearWarmup(int steps, double startFactor = 0)
    {
        Positive(steps, nameof(steps));
        NonNegative(startFactor, nameof(startFactor));
        return new Lambda(Invariant($"warmup(W={steps}, start={startFactor})"), t => t >= steps ? 1 : startFactor + (1 - startFactor) * t / steps);
    }

    /// <summary>
    /// The one-cycle policy (Smith; PyTorch's OneCycleLR with cosine annealing), with the base learning rate as the
    /// maximum: with a = p·N − 1 and b = N − 1, f rises from 1/d at t = 0 to 1 at t = a as
    /// c(1/d, 1, t/a), then falls to 1/(d·d_f) at t = b as c(1, 1/(d·d_f), (t − a)/(b − a)), where
    /// c(x, y, u) = y + (x − y)·(1 + cos(π·u))/2; held at the end after b.
    /// </summary>
    /// <param name="totalSteps">N, the steps of the cycle (≥ 2).</param>
    /// <param name="pctStart">p, the fraction of the cycle spent rising (default 0.3).</param>
    /// <param name="divFactor">d: the initial rate is max/d (default 25).</param>
    /// <param name="finalDivFactor">d_f: the final rate is max/(d·d_f) (default 1e4).</param>
    public static Schedule OneCycle(int totalSteps, double pctStart = 0.3, double divFactor = 25, double finalDivFactor = 1e4)
    {
        if (totalSteps < 2) throw new ArgumentOutOfRangeException(nameof(totalSteps), $"schedule: one-cycle needs at least 2 steps, got {totalSteps}");
        if (!(pctStart > 0 && pctStart < 1)) throw new ArgumentOutOfRangeException(nameof(pctStart), $"schedule: pctStart must be in (0, 1), got {pctStart}");
        if (!(divFactor > 0) || !(finalDivFactor > 0)) throw new ArgumentOutOfRangeException(nameof(divFactor), $"schedule: the div factors must be positive, got {divFactor} and {finalDivFactor}");
        double a = pctStart * totalSteps - 1, b = totalSteps - 1;
        double start = 1 / divFactor, end = start / finalDivFactor;
        static double Cos(double x, double y, double u) => y + (x - y) * (1 + Math.Cos(Math.PI * u)) / 2;
        return new Lambda(Invariant($"onecycle(N={totalSteps}, pct={pctStart}, div={divFactor}, final={finalDivFactor})"), t =>
            t <= a ? (a <= 0 ? 1 : Cos(start, 1, t / a))
            : Cos(1, end, Math.Min(1, (t - a) / (b - a))));
    }

    /// <summary>A schedule from any function of the step (PyTorch's LambdaLR).</summary>
    /// <param name="name">A name for printing.</param>
    /// <param name="factor">t ↦ f(t).</param>
    public static Schedule Custom(string name, Func<int, double> factor)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(factor);
        return new Lambda(name, factor);
    }

    /// <summary>
    /// This schedule for the first <paramref name="steps"/> steps, then <paramref name="next"/> started afresh:
    /// g(t) = f(t) for t &lt; steps, next(t − steps) after (PyTorch's SequentialLR).
    /// </summary>
    public Schedule Then(int steps, Schedule next)
    {
        ArgumentNullException.ThrowIfNull(next);
        if (steps < 0) throw new ArgumentOutOfRangeException(nameof(steps), $"schedule: the switch step must not be negative, got {steps}");
        var first = this;
        return new Lambda($"{first} then@{steps} {next}", t => t < steps ? first.Factor(t) : next.Factor(t - steps));
    }

    /// <summary>The product of two schedules: (f·g)(t) = f(t)·g(t) (PyTorch's ChainedScheduler).</summary>
    public static Schedule operator *(Schedule f, Schedule g)
    {
        ArgumentNullException.ThrowIfNull(f);
        ArgumentNullException.ThrowIfNull(g);
        return new Lambda($"({f}) * ({g})", t => f.Factor(t) * g.Factor(t));
    }

    private static void Positive(int v, string name)
    {
        if (v < 1) throw new ArgumentOutOfRangeException(name, $"schedule: {name} must be at least 1, got {v}");
    }

    private static void NonNegative(double v, string name)
    {
        if (!(v >= 0) || !double.IsFinite(v)) throw new ArgumentOutOfRangeException(name, $"schedule: {name} must be a finite non-negative number, got {v}");
    }

    private static string Invariant(FormattableString s) => FormattableString.Invariant(s);

    private sealed class Lambda(string name, Func<int, double> factor) : Schedule
    {
        public override double Factor(int step) =>
            step >= 0 ? factor(step) : throw new ArgumentOutOfRangeException(nameof(step), $"schedule: the step must not be negative, got {step}");

        public override string ToString() => name;
    }
}
