using System;
using System.Collections.Generic;
using System.Linq;
using System.Threading;
using Corgi.Data;
using Corgi.Metrics;
using Corgi.NN;
using Corgi.NN.Schedules;
using Xunit;

namespace Corgi.Tests.NN;

/// <summary>Fit on datasets: validation, metrics, schedules, early stopping, accumulation, callbacks, cancellation.</summary>
public class FitTests
{
    private static IDataset Linear(int n)
    {
        // y = 2 x0 − x1 + 0.5 on a grid
        var x = new double[n * 2];
        var y = new double[n];
        for (int i = 0; i < n; i++)
        {
            x[2 * i] = (i % 7) / 7.0;
            x[2 * i + 1] = (i % 5) / 5.0;
            y[i] = 2 * x[2 * i] - x[2 * i + 1] + 0.5;
        }
        return Dataset.FromTensors(new Tensor(new[] { n, 2 }, x), new Tensor(new[] { n, 1 }, y));
    }

    private static Model Regressor(IOptimizer optimizer) =>
        new(new ILayer[] { new Dense(2, 1, Initializer.He(seed: 1)) }, optimizer, Cost.Mse());

    [Fact]
    public void AccumulatingTwoBatchesOfFourUpdatesLikeOneBatchOfEight()
    {
        // MSE is a mean: ∇ mean over 8 rows = (∇ mean over rows 1-4 + ∇ mean over rows 5-8) / 2
        var a = Regressor(new GradientDescent(0.1));
        var b = Regressor(new GradientDescent(0.1));
        var data = Linear(24);
        a.Fit(data, new FitOptions { Epochs = 3, BatchSize = 8, Shuffle = false, OnEpochEnd = _ => { } });
        b.Fit(data, new FitOptions { Epochs = 3, BatchSize = 4, Shuffle = false, AccumulationSteps = 2 });
        NnTestUtil.Close(a.Parameters[0].Value.ToArray<double>(), b.Parameters[0].Value, 1e-13);
        NnTestUtil.Close(a.Parameters[1].Value.ToArray<double>(), b.Parameters[1].Value, 1e-13);
    }

    [Fact]
    public void HistoryHoldsLossesMetricsAndTheLearningRatePerEpoch()
    {
        var adam = new Adam(0.05);
        var model = Regressor(adam);
        int batches = 0;
        var epochs = new List<int>();
        var history = model.Fit(Linear(40), new FitOptions
        {
            Epochs = 4, BatchSize = 10, Seed = 2, Validation = Linear(15), Metrics = new[] { Metric.Mse, Metric.R2 },
            Scheduler = new LearningRateScheduler(adam, Schedule.Exponential(0.5), interval: ScheduleInterval.Epoch),
            OnBatchEnd = _ => batches++, OnEpochEnd = e => epochs.Add(e.Epoch),
        });
        Assert.Equal(16, batches);
        Assert.Equal(new[] { 1, 2, 3, 4 }, epochs);
        Assert.Equal(4, history.TrainLoss.Count);
        // the validation loss is the cost of the whole validation set: MSE equals the metric
        NnTestUtil.Close(history.ValidationLoss.ToArray(), new Tensor(new[] { 4 }, history.Metric("mse").ToArray()), 1e-14);
        Assert.True(history.ValidationLoss[3] < history.ValidationLoss[0]);
        // lr after epoch e: 0.05 · 0.5^e
        Assert.Equal(new[] { 0.025, 0.0125, 0.00625, 0.003125 }, history.LearningRate);
        Assert.Contains("val_loss", history.Epochs[0].ToString());
        Assert.Throws<KeyNotFoundException>(() => history.Metric("accuracy"));
    }

    [Fact]
    public void EarlyStoppingStopsAfterPatienceAndRestoresTheBestWeights()
    {
        // a scripted metric: 5, 4, 4.5, 4.2, 3 ... with patience 2 the fit stops after epoch 4, best epoch 2
        var script = new Queue<double>(new[] { 5.0, 4, 4.5, 4.2, 3, 2, 1 });
        var scripted = new Metric("scripted", (_, _) => script.Dequeue(), HigherIsBetter: false);
        var model = Regressor(new GradientDescent(0.1));
        var weights = new List<Tensor>();
        var history = model.Fit(Linear(20), new FitOptions
        {
            Epochs = 10, BatchSize = 5, Validation = Linear(5), Metrics = new[] { scripted },
            EarlyStopping = new EarlyStopping("scripted", patience: 2),
            OnEpochEnd = _ => weights.Add(model.Parameters[0].Value),
        });
        Assert.True(history.StoppedEarly);
        Assert.Equal(4, history.Epochs.Count);
        Assert.Equal(2, history.BestEpoch);
        Assert.Same(weights[1], model.Parameters[0].Value);
    }

    [Fact]
    public void MinDeltaAndMonitorErrors()
    {
        var model = Regressor(new GradientDescent(0.0));   // lr 0: the loss never changes, so never improves
        var history = model.Fit(Linear(20), new FitOptions { Epochs = 10, BatchSize = 5, EarlyStopping = new EarlyStopping("loss", patience: 3, minDelta: 1e-9) });
        Assert.Equal(4, history.Epochs.Count);
        Assert.Contains("FitOptions.Validation is not set", Assert.Throws<ArgumentException>(() =>
            model.Fit(Linear(20), new FitOptions { EarlyStopping = new EarlyStopping() })).Message);
        Assert.Contains("'nope'", Assert.Throws<ArgumentException>(() =>
            model.Fit(Linear(20), new FitOptions { Validation = Linear(5), EarlyStopping = new EarlyStopping("nope") })).Message);
    }

    [Fact]
    public void ACancelledTokenStopsTheFit()
    {
        var model = Regressor(new Sgd(0.1));
        using var cts = new CancellationTokenSource();
        int seen = 0;
        Assert.Throws<OperationCanceledException>(() => model.Fit(Linear(20), new FitOptions
        {
            Epochs = 5, BatchSize = 5, CancellationToken = cts.Token,
            OnBatchEnd = b => { seen++; if (b.Step == 2) cts.Cancel(); },
        }));
        Assert.Equal(2, seen);
    }

    [Fact]
    public void TheTensorOverloadUsesTheDatasetPathForNewOptions()
    {
        var data = Linear(20);
        var all = Dataset.All(data);
        var a = Regressor(new Adam(0.01));
        var b = Regressor(new Adam(0.01));
        var losses = a.Fit(all.Inputs, all.Targets, new FitOptions { Epochs = 2, BatchSize = 5, Seed = 1, AccumulationSteps = 1, Validation = data });
        var history = b.Fit(data, new FitOptions { Epochs = 2, BatchSize = 5, Seed = 1, Validation = data });
        Assert.Equal(history.TrainLoss, losses);
    }
}
