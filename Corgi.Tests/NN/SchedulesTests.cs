using System;
using System.Linq;
using Corgi.NN;
using Corgi.NN.Schedules;
using Xunit;

namespace Corgi.Tests.NN;

/// <summary>Each schedule against its closed form, evaluated by hand at a few steps.</summary>
public class SchedulesTests
{
    private static void Factors(Schedule s, params double[] expected)
    {
        for (int t = 0; t < expected.Length; t++)
            Assert.True(Math.Abs(s.Factor(t) - expected[t]) <= 1e-15, $"{s} at t={t}: expected {expected[t]:R}, got {s.Factor(t):R}");
    }

    [Fact]
    public void StepDecaysByGammaEveryStepSize() =>
        // γ^⌊t/3⌋ with γ = 0.5
        Factors(Schedule.Step(3, 0.5), 1, 1, 1, 0.5, 0.5, 0.5, 0.25);

    [Fact]
    public void MultiStepDecaysAtEachMilestone() =>
        // γ^(milestones ≤ t) with milestones {2, 5}, γ = 0.1
        Factors(Schedule.MultiStep(new[] { 2, 5 }, 0.1), 1, 1, 0.1, 0.1, 0.1, 0.1 * 0.1);

    [Fact]
    public void ExponentialIsGammaToTheT() => Factors(Schedule.Exponential(0.9), 1, 0.9, 0.81, 0.9 * 0.9 * 0.9);

    [Fact]
    public void CosineAnnealingFallsFromOneToTheMinimumAndHolds()
    {
        // m + (1 − m)(1 + cos(πt/T))/2, T = 4: t = 1 gives (1 + √2/2)/2, t = 2 gives 1/2
        Factors(Schedule.CosineAnnealing(4), 1, (1 + Math.Sqrt(0.5)) / 2, 0.5, (1 - Math.Sqrt(0.5)) / 2, 0, 0, 0);
        Assert.Equal(0.1 + 0.9 * 0.5, Schedule.CosineAnnealing(4, minFactor: 0.1).Factor(2), 15);
    }

    [Fact]
    public void LinearWarmupRisesFromTheStartFactorToOne() =>
        // s + (1 − s)·t/W with s = 0.2, W = 4
        Factors(Schedule.LinearWarmup(4, 0.2), 0.2, 0.4, 0.6000000000000001, 0.8, 1, 1);

    [Fact]
    public void OneCycleMatchesPyTorchsClosedForm()
    {
        // N = 10, p = 0.3: a = 2, b = 9; start 1/25, end 1/25/1e4.
        // t = 1: c(0.04, 1, 1/2) = 1 + (0.04 − 1)·(1 + cos(π/2))/2 = 0.52 (PyTorch's OneCycleLR gives the same)
        var s = Schedule.OneCycle(10);
        Assert.Equal(0.04, s.Factor(0), 15);
        Assert.Equal(0.52, s.Factor(1), 15);
        Assert.Equal(1, s.Factor(2), 15);
        // t = 5.5 would be the middle of the fall; t = 9 the end: 4e-6, held after
        Assert.Equal(1 + (4e-6 - 1) * (1 - Math.Cos(Math.PI * 3 / 7)) / 2, s.Factor(5), 15);
        Assert.Equal(4e-6, s.Factor(9), 15);
        Assert.Equal(4e-6, s.Factor(20), 15);
    }

    [Fact]
    public void ThenSwitchesAndRestartsTheNextScheduleAndProductsMultiply()
    {
        // warm-up over 2 steps (0, 1/2), then 0.5^(t − 2)
        Factors(Schedule.LinearWarmup(2).Then(2, Schedule.Exponential(0.5)), 0, 0.5, 1, 0.5, 0.25);
        // 0.5^⌊t/2⌋ · 0.9^t at t = 2: 0.5 · 0.81
        Assert.Equal(0.5 * 0.81, (Schedule.Step(2, 0.5) * Schedule.Exponential(0.9)).Factor(2), 15);
        Assert.Equal(0.25, Schedule.Custom("quarter", _ => 0.25).Factor(7));
    }

    [Fact]
    public void InvalidArgumentsNameTheParameter()
    {
        Assert.Contains("stepSize", Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Step(0)).Message);
        Assert.Contains("milestones must increase", Assert.Throws<ArgumentException>(() => Schedule.MultiStep(new[] { 3, 2 })).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => Schedule.Constant().Factor(-1));
    }

    [Fact]
    public void ReduceOnPlateauFollowsPatienceMinDeltaAndCooldown()
    {
        var p = new ReduceOnPlateau(decay: 0.5, patience: 1, minDelta: 0.01, cooldown: 1);
        Assert.False(p.Report(1.0));     // best = 1
        Assert.False(p.Report(0.995));   // not below 1 − 0.01: 1 bad report, within patience
        Assert.True(p.Report(0.999));    // 2 bad reports > patience: factor 0.5, cooldown 1
        Assert.Equal(0.5, p.Factor);
        Assert.False(p.Report(0.998));   // in the cooldown: bad reports reset
        Assert.False(p.Report(0.997));   // 1 bad report
        Assert.True(p.Report(0.996));    // 2: factor 0.25
        Assert.Equal(0.25, p.Factor);
        Assert.False(p.Report(0.5));     // an improvement
        Assert.Equal(0.5, p.Best);
    }

    [Fact]
    public void TheSchedulerSetsTheOptimizersRate()
    {
        var adam = new Adam(0.1);
        var plateau = new ReduceOnPlateau(0.5, patience: 0);
        var s = new LearningRateScheduler(adam, Schedule.Step(1, 0.5), plateau);
        Assert.Equal(0.1, adam.LearningRate);
        s.Step();
        s.Step();
        Assert.Equal(0.025, adam.LearningRate, 15);   // 0.1 · 0.5²
        s.Report(1);
        s.Report(2);                                   // no improvement, patience 0: × 0.5
        Assert.Equal(0.0125, adam.LearningRate, 15);
        s.Restore(0, 0.2);
        Assert.Equal(0.1, adam.LearningRate, 15);      // 0.2 · 1 · 0.5
    }
}
