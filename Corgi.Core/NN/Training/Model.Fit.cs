using System;
using System.Collections.Generic;
using System.Diagnostics;
using Corgi.Data;
using Corgi.NN.Schedules;

namespace Corgi.NN;

public sealed partial class Model
{
    /// <summary>
    /// Trains on a dataset for <see cref="FitOptions.Epochs"/> epochs, with optional validation data and metrics,
    /// a learning-rate scheduler, early stopping, gradient accumulation, callbacks, cancellation, a checkpoint
    /// per epoch and resuming from a checkpoint's position. The order of epoch e is drawn from
    /// (<see cref="FitOptions.Seed"/>, e) (<see cref="DataLoader.Order"/>). Returns one record per epoch.
    /// </summary>
    /// <param name="train">The training samples.</param>
    /// <param name="options">Epochs, batch size, seed and the features above.</param>
    /// <param name="progress">Receives progress reports (synchronously); may be null.</param>
    /// <exception cref="OperationCanceledException"><see cref="FitOptions.CancellationToken"/> was cancelled.</exception>
    /// <exception cref="ArgumentException">The early-stopping monitor names no value this fit computes.</exception>
    /// <example>
    /// <code>
    /// var history = model.Fit(train, new FitOptions
    /// {
    ///     Epochs = 50, BatchSize = 32, Seed = 1,
    ///     Validation = validation, Metrics = new[] { Metric.Accuracy },
    ///     Scheduler = new LearningRateScheduler(adam, Schedule.CosineAnnealing(50), interval: ScheduleInterval.Epoch),
    ///     EarlyStopping = new EarlyStopping(patience: 5),
    /// });
    /// </code>
    /// </example>
    public TrainingHistory Fit(IDataset train, FitOptions options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(train);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        var stopping = options.EarlyStopping;
        bool maximize = stopping is null ? false : MonitorMaximizes(stopping, options);
        var resume = options.Resume;
        if (resume is not null && resume.Seed != options.Seed)
            throw new ArgumentException($"fit: the checkpoint's data order has seed {resume.Seed} but FitOptions.Seed is {options.Seed}; resume with the same seed", nameof(options));
        if (resume is null) stopping?.Reset();
        var scheduler = options.Scheduler;
        if (scheduler is not null && !ReferenceEquals(scheduler.Optimizer, Optimizer))
            throw new ArgumentException("fit: the scheduler drives another optimizer than the model's", nameof(options));

        var loader = new DataLoader(train, options.BatchSize, options.Shuffle, options.Seed, options.DropLast, prefetch: options.Prefetch);
        int steps = loader.BatchesPerEpoch;
        int k = options.AccumulationSteps;
        var history = new TrainingHistory();
        var clock = Stopwatch.StartNew();
        long seen = 0;
        long globalStep = resume?.GlobalStep ?? 0;
        var token = options.CancellationToken;
        var parameters = Parameters;
        // a checkpoint written at the epoch that triggered early stopping resumes as a stopped run
        bool stoppedBefore = resume is not null && stopping is not null && stopping.Wait >= stopping.Patience;
        history.StoppedEarly = stoppedBefore;
        for (int epoch = resume?.Epoch ?? 0; epoch < options.Epochs && !stoppedBefore; epoch++)
        {
            bool resumed = resume is not null && epoch == resume.Epoch;
            int step = resumed ? resume!.Step : 0;
            double total = resumed ? resume!.EpochLossSum : 0;
            if (step % k != 0)
                throw new ArgumentException($"fit: the checkpoint stopped after batch {step} of an epoch, which is not a multiple of AccumulationSteps = {k}", nameof(options));
            var epochClock = Stopwatch.StartNew();
            long epochSeen = 0;
            Training = true;
            foreach (var batch in loader.Batches(epoch, step))
            {
                token.ThrowIfCancellationRequested();
                int groupStart = step / k * k;
                int groupSize = Math.Min(k, steps - groupStart);
                double loss;
                bool update = step + 1 == groupStart + groupSize;
                using (options.DisposeScopePerStep ? Tensor.NewDisposeScope() : null)
                {
                    Forward(batch.Inputs);
                    loss = groupSize == 1 ? Backward(batch.Targets) : BackwardScaled(batch.Targets, 1.0 / groupSize);
                    if (update) Update();
                }
                step++;
                total += loss;
                int rows = batch.Inputs.ShapeSpan[0];
                seen += rows;
                epochSeen += rows;
                if (update)
                {
                    globalStep++;
                    if (scheduler?.Interval == ScheduleInterval.Batch) scheduler.Step();
                }
                bool end = step == steps;
                options.OnBatchEnd?.Invoke(new BatchEnd(epoch + 1, step, steps, loss, CurrentLearningRate, update,
                    end ? new TrainingPosition(epoch + 1, 0, globalStep, 0, options.Seed) : new TrainingPosition(epoch, step, globalStep, total, options.Seed)));
                if (progress is not null && (end || options.ProgressInterval > 0 && step % options.ProgressInterval == 0))
                {
                    double secs = epochClock.Elapsed.TotalSeconds;
                    progress.Report(new TrainingProgress(epoch + 1, options.Epochs, step, steps, loss, total / step,
                        secs > 0 ? epochSeen / secs : 0, seen, clock.Elapsed, end));
                }
            }
            double trainLoss = step == 0 ? double.NaN : total / step;
            double validationLoss = double.NaN;
            var metrics = new Dictionary<string, double>();
            if (options.Validation is IDataset validation && validation.Count > 0)
            {
                var (outputs, targets) = PredictAll(validation, options.BatchSize);
                using (Tensor.NoGrad()) validationLoss = Cost.Compute(outputs, targets).Item();
                foreach (var m in options.Metrics) metrics[m.Name] = m.Compute(outputs, targets);
            }
            if (scheduler is not null)
            {
                if (scheduler.Interval == ScheduleInterval.Epoch) scheduler.Step();
                if (scheduler.Plateau is not null) scheduler.Report(double.IsNaN(validationLoss) ? trainLoss : validationLoss);
            }
            var record = new EpochRecord(epoch + 1, trainLoss, validationLoss, metrics, CurrentLearningRate, clock.Elapsed);
            history.Add(record);
            bool stop = false;
            if (stopping is not null)
            {
                double value = stopping.Monitor switch
                {
                    "val_loss" => validationLoss,
                    "loss" => trainLoss,
                    _ => metrics[stopping.Monitor],
                };
                stop = stopping.Observe(epoch + 1, value, maximize, parameters);
            }
            options.OnEpochEnd?.Invoke(record);
            if (options.CheckpointPath is string path)
                Corgi.IO.Checkpoint.Save(path, this, new TrainingPosition(epoch + 1, 0, globalStep, 0, options.Seed), scheduler, earlyStopping: stopping);
            if (stop)
            {
                history.StoppedEarly = epoch + 1 < options.Epochs;
                break;
            }
        }
        if (stopping is not null)
        {
            stopping.Restore(parameters);
            history.BestEpoch = stopping.BestEpoch == 0 ? null : stopping.BestEpoch;
        }
        return history;
    }

    /// <summary>
    /// <see cref="Fit(IDataset, FitOptions, IProgress{TrainingProgress}?)"/> with a callback for the progress
    /// reports (called synchronously).
    /// </summary>
    public TrainingHistory Fit(IDataset train, FitOptions options, Action<TrainingProgress> onProgress)
    {
        ArgumentNullException.ThrowIfNull(onProgress);
        return Fit(train, options, new SyncProgress(onProgress));
    }

    /// <summary>The model's outputs on every sample of a dataset (in evaluation mode, in batches) and the targets, in order.</summary>
    public (Tensor Outputs, Tensor Targets) PredictAll(IDataset data, int batchSize = 256)
    {
        ArgumentNullException.ThrowIfNull(data);
        var loader = new DataLoader(data, batchSize, shuffle: false);
        var outputs = new List<Tensor>();
        var targets = new List<Tensor>();
        foreach (var (x, y) in loader.Batches(0))
        {
            outputs.Add(Predict(x));
            targets.Add(y);
        }
        return (Tensor.Concat(outputs.ToArray()), Tensor.Concat(targets.ToArray()));
    }

    private double CurrentLearningRate => Optimizer is Optimizer o ? o.LearningRate : double.NaN;

    private double BackwardScaled(Tensor target, double scale)
    {
        var output = _output ?? throw new InvalidOperationException("model: backward needs a forward pass first; call Forward(input) before Backward(target)");
        _output = null;
        var loss = Cost.Compute(output, target);
        if (loss.Count != 1)
            throw new InvalidOperationException($"model: the cost {Cost.Name} returned shape {Tensor.FormatShape(loss.ShapeSpan)}, not a single value");
        (loss * scale).Backward();
        return loss.Item();
    }

    private static bool MonitorMaximizes(EarlyStopping stopping, FitOptions options)
    {
        if (stopping.Monitor == "val_loss" && options.Validation is null)
            throw new ArgumentException("fit: early stopping monitors 'val_loss' but FitOptions.Validation is not set; set it, or monitor \"loss\"", nameof(options));
        if (stopping.Monitor is "val_loss" or "loss") return stopping.Maximize ?? false;
        foreach (var m in options.Metrics)
            if (m.Name == stopping.Monitor)
                return options.Validation is null
                    ? throw new ArgumentException($"fit: early stopping monitors the metric '{m.Name}' but FitOptions.Validation is not set", nameof(options))
                    : stopping.Maximize ?? m.HigherIsBetter;
        throw new ArgumentException($"fit: early stopping monitors '{stopping.Monitor}', which is neither \"val_loss\", \"loss\" nor a metric of FitOptions.Metrics", nameof(options));
    }
}
