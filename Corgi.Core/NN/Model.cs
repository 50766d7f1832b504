using System;
using System.Collections.Generic;
using System.Diagnostics;
using Corgi.Data;

namespace Corgi.NN;

/// <summary>
/// A feed-forward model: layers, an optimizer and a cost (the seed's <c>Model</c>). Train it step by
/// step with <see cref="Forward"/>, <see cref="Backward"/> and <see cref="Update"/>, or with
/// <see cref="Fit(Tensor, Tensor, FitOptions, IProgress{TrainingProgress}?)"/> over mini-batches.
/// </summary>
/// <example>
/// <code>
/// var init = Initializer.He(seed: 1);
/// var model = new Model(new ILayer[]
/// {
///     new Dense(2, 64, init, Activation.Relu()),
///     new Dense(64, 2, init, Activation.Softmax()),
/// }, new GradientDescent(0.1), Cost.CrossEntropy());
/// for (int i = 0; i &lt; 100; i++)
/// {
///     model.Forward(input);
///     double loss = model.Backward(target);
///     model.Update();
/// }
/// </code>
/// </example>
public sealed partial class Model
{
    // the layers run as one Sequential: forward, parameters and the training switch live there
    private readonly Sequential _body;
    private Tensor? _output;

    /// <summary>Creates a model applying the layers in order.</summary>
    /// <param name="layers">The layers.</param>
    /// <param name="optimizer">Updates the parameters in <see cref="Update"/>.</param>
    /// <param name="cost">The cost of the output against a target.</param>
    public Model(IEnumerable<ILayer> layers, IOptimizer optimizer, Cost cost)
    {
        ArgumentNullException.ThrowIfNull(layers);
        ArgumentNullException.ThrowIfNull(optimizer);
        ArgumentNullException.ThrowIfNull(cost);
        _body = new Sequential(layers);
        Optimizer = optimizer;
        Cost = cost;
    }

    /// <summary>The layers, in order.</summary>
    public IReadOnlyList<ILayer> Layers => _body.Layers;

    /// <summary>
    /// The dtype of the model: that of its first parameter (<see cref="Tensor.DefaultDType"/> for a model without
    /// parameters). <see cref="To(DType)"/> gives every parameter one dtype.
    /// </summary>
    public DType DType => Parameters.Count > 0 ? Parameters[0].Value.DType : Tensor.DefaultDType;

    /// <summary>
    /// Converts every parameter to <paramref name="dtype"/> (PyTorch's <c>model.to(dtype)</c>) and returns this
    /// model. Each parameter gets a new value tensor (float64 to float32 rounds to nearest; float32 to float64 is
    /// exact); gradients are dropped. The optimizer's state (momentum, moment estimates, step counts) is kept:
    /// each state buffer is converted to the new dtype at the parameter's next update.
    /// </summary>
    /// <example><c>var model32 = model.To(DType.Float32);   // the same model, now float32</c></example>
    public Model To(DType dtype)
    {
        foreach (var p in Parameters)
        {
            p.ClearGradient();
            if (p.Value.DType != dtype) p.Value = p.Value.Detach().To(dtype);
        }
        return this;
    }

    /// <summary>The optimizer used by <see cref="Update"/>.</summary>
    public IOptimizer Optimizer { get; set; }

    /// <summary>The cost used by <see cref="Backward"/> and <see cref="Evaluate"/>.</summary>
    public Cost Cost { get; set; }

    /// <summary>All trainable parameters, in layer order.</summary>
    public IReadOnlyList<Parameter> Parameters => _body.Parameters;

    /// <summary>
    /// The parameters with PyTorch-style dotted names: "{layer}.{parameter}", nested for
    /// <see cref="Sequential"/> ("2.0.weight"). These are the names used by <see cref="Save"/>.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, Parameter>> NamedParameters
    {
        get
        {
            var list = new List<KeyValuePair<string, Parameter>>();
            var seen = new HashSet<Parameter>(ReferenceEqualityComparer.Instance);
            var layers = _body.Layers;
            for (int i = 0; i < layers.Count; i++) AddNamed(list, seen, layers[i], i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return list;
        }
    }

    private static void AddNamed(List<KeyValuePair<string, Parameter>> list, HashSet<Parameter> seen, ILayer layer, string prefix)
    {
        if (layer is Sequential s)
        {
            for (int i = 0; i < s.Layers.Count; i++) AddNamed(list, seen, s.Layers[i], prefix + "." + i.ToString(System.Globalization.CultureInfo.InvariantCulture));
            return;
        }
        var used = new HashSet<string>();
        foreach (var p in layer.Parameters)
        {
            if (!seen.Add(p)) continue;
            var name = p.Name;
            for (int k = 1; !used.Add(name); k++) name = p.Name + "_" + k.ToString(System.Globalization.CultureInfo.InvariantCulture);
            list.Add(new KeyValuePair<string, Parameter>(prefix + "." + name, p));
        }
    }

    /// <summary>
    /// Whether the model is in training mode (the default). Setting it switches every
    /// <see cref="ITrainingModeLayer"/> (dropout, batch norm, recurrent and attention dropout) in the model.
    /// </summary>
    public bool Training
    {
        get => _body.Training;
        set => _body.Training = value;
    }

    /// <summary>Switches the model to training mode (dropout drops, batch norm uses batch statistics), like PyTorch's <c>model.train()</c>; returns the model.</summary>
    public Model Train()
    {
        Training = true;
        return this;
    }

    /// <summary>
    /// Switches the model to evaluation mode (no dropout, batch norm uses its running statistics), like PyTorch's
    /// <c>model.eval()</c>; returns the model. <see cref="Predict"/>, <see cref="Evaluate"/> and <see cref="Accuracy"/>
    /// evaluate in either mode without switching it.
    /// </summary>
    public Model Eval()
    {
        Training = false;
        return this;
    }

    /// <summary>Runs the layers on <paramref name="input"/> and remembers the output for <see cref="Backward"/>.</summary>
    /// <remarks>
    /// An input of another dtype than the model (<see cref="DType"/>) is converted to the model's dtype first, in
    /// <see cref="Forward"/>, <see cref="Predict"/>, <see cref="Evaluate"/>, <see cref="Accuracy"/> and
    /// <see cref="Fit(Tensor, Tensor, FitOptions, IProgress{TrainingProgress}?)"/> (targets are converted by the cost).
    /// The model's parameters decide the precision, as in Keras; PyTorch's <c>nn.Linear</c> would raise "expected
    /// both operands to have the same dtype" instead. Without this, the promotion rule would silently run a
    /// float32 model in float64 on float64 data. Layers called directly follow the ordinary promotion rule.
    /// </remarks>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        _output = _body.Forward(InModelDType(input));
        return _output;
    }

    private Tensor InModelDType(Tensor input) => Parameters.Count == 0 ? input : input.To(DType);

    /// <summary>
    /// Computes the cost of the last <see cref="Forward"/> output against <paramref name="target"/>, runs
    /// the backward pass (accumulating the parameters' gradients) and returns the loss.
    /// </summary>
    /// <exception cref="InvalidOperationException">No forward pass was recorded, or it was run without gradients.</exception>
    public double Backward(Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var output = _output ?? throw new InvalidOperationException("model: backward needs a forward pass first; call Forward(input) before Backward(target)");
        _output = null;
        var loss = Cost.Compute(output, target);
        if (loss.Count != 1)
            throw new InvalidOperationException($"model: the cost {Cost.Name} returned shape {Tensor.FormatShape(loss.ShapeSpan)}, not a single value");
        if (!loss.IsTracked)
            throw new InvalidOperationException("model: the forward pass recorded no graph (no tracked parameters, or it ran inside Tensor.NoGrad()); nothing to differentiate");
        loss.Backward();
        return loss.Item();
    }

    /// <summary>Applies the optimizer to the parameters (new tensors for each) and clears the gradients.</summary>
    public void Update() => Optimizer.Update(Parameters);

    /// <summary>
    /// The model's output in evaluation mode (no dropout, batch statistics from the running averages), without
    /// recording a graph. Thread-safe: evaluation is an <see cref="InferenceMode"/> scope, so concurrent calls
    /// never change <see cref="Training"/> or each other's results.
    /// </summary>
    public Tensor Predict(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        // evaluation mode as a scope, not by switching the layers' flags: safe on many threads at once, and
        // the model's Training stays what it was
        using (InferenceMode.Enter())
        using (Tensor.NoGrad())
        {
            return _body.Forward(InModelDType(input));
        }
    }

    /// <summary>The cost of the model's prediction against <paramref name="target"/>, in evaluation mode and without a graph.</summary>
    public double Evaluate(Tensor input, Tensor target)
    {
        ArgumentNullException.ThrowIfNull(target);
        var output = Predict(input);
        using (Tensor.NoGrad()) return Cost.Compute(output, target).Item();
    }

    /// <summary>
    /// The fraction of rows whose highest-scoring class is the label: labels are class indices [batch] or
    /// one-hot rows [batch, classes]; the prediction is made in evaluation mode.
    /// </summary>
    public double Accuracy(Tensor input, Tensor labels) => Labels.Accuracy(Predict(input), labels);

    /// <summary>
    /// Trains over mini-batches of (inputs, targets) rows for a number of epochs: for each batch
    /// Forward, Backward, Update (each step in a <see cref="DisposeScope"/> unless
    /// <see cref="FitOptions.DisposeScopePerStep"/> is false). Reports progress after every <see cref="FitOptions.ProgressInterval"/>
    /// steps and at the end of every epoch. Returns the mean loss of each epoch.
    /// </summary>
    /// <param name="inputs">All inputs; the first dimension indexes samples.</param>
    /// <param name="targets">All targets, with the same first dimension.</param>
    /// <param name="options">Epochs, batch size, shuffling seed, reporting interval.</param>
    /// <param name="progress">Receives progress reports (called synchronously on the training thread); may be null.</param>
    /// <exception cref="TensorShapeException">The inputs and targets have different numbers of rows.</exception>
    public IReadOnlyList<double> Fit(Tensor inputs, Tensor targets, FitOptions options, IProgress<TrainingProgress>? progress = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        // validation, schedules, early stopping, callbacks, accumulation, cancellation and resuming run on the
        // dataset path (whose order is a function of seed and epoch); the plain options keep this loop
        if (options.UsesDatasetFeatures)
            return Fit(Corgi.Data.Dataset.FromTensors(inputs, targets), options, progress).TrainLoss;
        var random = options.Shuffle ? new Random(options.Seed) : null;
        int samples = MiniBatches.Rows(inputs, targets);
        // convert the data once, not every batch (see Forward)
        inputs = InModelDType(inputs.Detach());
        targets = Parameters.Count == 0 ? targets : targets.Detach().To(DType);
        int steps = MiniBatches.Count(samples, options.BatchSize, options.DropLast);
        var history = new List<double>(options.Epochs);
        var clock = Stopwatch.StartNew();
        long seen = 0;
        Training = true;
        for (int epoch = 1; epoch <= options.Epochs; epoch++)
        {
            double total = 0;
            int step = 0;
            var epochClock = Stopwatch.StartNew();
            long epochSeen = 0;
            foreach (var batch in MiniBatches.Iterate(inputs, targets, options.BatchSize, random, options.DropLast))
            {
                double loss;
                using (options.DisposeScopePerStep ? Tensor.NewDisposeScope() : null)
                {
                    Forward(batch.Inputs);
                    loss = Backward(batch.Targets);
                    Update();
                }
                step++;
                total += loss;
                int rows = batch.Inputs.ShapeSpan[0];
                seen += rows;
                epochSeen += rows;
                bool end = step == steps;
                if (progress is not null && (end || options.ProgressInterval > 0 && step % options.ProgressInterval == 0))
                {
                    double secs = epochClock.Elapsed.TotalSeconds;
                    progress.Report(new TrainingProgress(epoch, options.Epochs, step, steps, loss, total / step,
                        secs > 0 ? epochSeen / secs : 0, seen, clock.Elapsed, end));
                }
            }
            history.Add(step == 0 ? double.NaN : total / step);
        }
        return history;
    }

    /// <summary>
    /// <see cref="Fit(Tensor, Tensor, FitOptions, IProgress{TrainingProgress}?)"/> with a callback for the
    /// progress reports (called synchronously, so printing from it keeps the order).
    /// </summary>
    public IReadOnlyList<double> Fit(Tensor inputs, Tensor targets, FitOptions options, Action<TrainingProgress> onProgress)
    {
        ArgumentNullException.ThrowIfNull(onProgress);
        return Fit(inputs, targets, options, new SyncProgress(onProgress));
    }

    /// <summary>
    /// Saves the parameters to a safetensors file under the names of <see cref="NamedParameters"/>, each in its
    /// dtype (F32 for float32, F64 for float64), so a load restores them bit for bit.
    /// </summary>
    public void Save(string path)
    {
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, p) in NamedParameters) tensors.Add(new(name, p.Value));
        Corgi.IO.SafeTensors.Save(path, tensors);
    }

    /// <summary>
    /// Loads the parameters from a safetensors file written by <see cref="Save"/> (or by PyTorch with the
    /// same names and shapes). Each parameter gets a new value tensor in the parameter's current dtype, like
    /// PyTorch's <c>load_state_dict</c> (a float64 file loaded into a float32 model is rounded; an F16 or BF16
    /// checkpoint is widened); gradients are dropped.
    /// </summary>
    /// <param name="path">The file.</param>
    /// <param name="strict">True (the default, as PyTorch's <c>load_state_dict</c>): every parameter must be in the
    /// file with its shape, and the file must hold nothing else; one message lists every missing, unexpected and
    /// misshaped tensor by name, and the model is left unchanged. False: loads the parameters that match and
    /// reports the rest in the returned <see cref="LoadReport"/>.</param>
    /// <returns>What was loaded and what was skipped.</returns>
    /// <exception cref="System.IO.InvalidDataException">The file is corrupt or, when strict, does not match the model.</exception>
    public LoadReport Load(string path, bool strict = true)
    {
        var tensors = Corgi.IO.SafeTensors.Load(path);
        var named = NamedParameters;
        var missing = new List<string>();
        var misshaped = new List<string>();
        var loaded = new List<string>();
        var known = new HashSet<string>(StringComparer.Ordinal);
        // check everything first, so a bad file leaves the model unchanged
        foreach (var (name, p) in named)
        {
            known.Add(name);
            if (!tensors.TryGetValue(name, out var t)) missing.Add($"'{name}' (shape {Tensor.FormatShape(p.Value.ShapeSpan)})");
            else if (!t.ShapeSpan.SequenceEqual(p.Value.ShapeSpan))
                misshaped.Add($"'{name}' (file {Tensor.FormatShape(t.ShapeSpan)}, model {Tensor.FormatShape(p.Value.ShapeSpan)})");
            else loaded.Add(name);
        }
        var unexpected = new List<string>();
        foreach (var name in tensors.Keys)
            if (!known.Contains(name)) unexpected.Add($"'{name}'");
        unexpected.Sort(StringComparer.Ordinal);
        if (strict && (missing.Count > 0 || misshaped.Count > 0 || unexpected.Count > 0))
        {
            var parts = new List<string>();
            if (missing.Count > 0) parts.Add("missing " + string.Join(", ", missing));
            if (misshaped.Count > 0) parts.Add("misshaped " + string.Join(", ", misshaped));
            if (unexpected.Count > 0) parts.Add("unexpected " + string.Join(", ", unexpected));
            throw new System.IO.InvalidDataException(
                $"safetensors: file '{path}' does not match the model: {string.Join("; ", parts)} (nothing was loaded; Load(path, strict: false) loads what matches)");
        }
        foreach (var (name, p) in named)
        {
            if (!loaded.Contains(name)) continue;
            p.ClearGradient();
            p.Value = tensors[name].To(p.Value.DType);
        }
        return new LoadReport(loaded, missing, misshaped, unexpected);
    }

    /// <inheritdoc/>
    public override string ToString() => $"Model({string.Join(", ", _body.Layers)}; {Optimizer.GetType().Name}; {Cost.Name})";

    private sealed class SyncProgress(Action<TrainingProgress> action) : IProgress<TrainingProgress>
    {
        public void Report(TrainingProgress value) => action(value);
    }
}

/// <summary>Settings of <see cref="Model.Fit(Tensor, Tensor, FitOptions, IProgress{TrainingProgress}?)"/>.</summary>
public sealed class FitOptions
{
    /// <summary>Passes over the data (default 1).</summary>
    public int Epochs { get; init; } = 1;

    /// <summary>Rows per mini-batch (default 32); the last batch may be smaller unless <see cref="DropLast"/>.</summary>
    public int BatchSize { get; init; } = 32;

    /// <summary>Whether to shuffle the rows every epoch (default true).</summary>
    public bool Shuffle { get; init; } = true;

    /// <summary>The seed of the shuffling (default 0): the same seed gives the same batches.</summary>
    public int Seed { get; init; }

    /// <summary>Skip a last batch smaller than <see cref="BatchSize"/>.</summary>
    public bool DropLast { get; init; }

    /// <summary>Report progress every this many steps as well as at the end of each epoch (0: only at the end of each epoch).</summary>
    public int ProgressInterval { get; init; }

    /// <summary>
    /// Run each step (forward, backward, update) in a <see cref="DisposeScope"/> (default true): the tensors the
    /// step makes (layer outputs, the loss, intermediate results) are disposed when it ends and their large
    /// buffers reused by the next step; gradients and parameter values survive. Set it to false when a layer
    /// keeps a tensor it makes in one step for a later one.
    /// </summary>
    public bool DisposeScopePerStep { get; init; } = true;

    /// <summary>
    /// Held-out data: after every epoch the model's loss (the mean of the cost over the whole set, in evaluation
    /// mode) and <see cref="Metrics"/> are computed on it and stored in the history.
    /// </summary>
    public IDataset? Validation { get; init; }

    /// <summary>Metrics computed on the validation data after every epoch (e.g. <see cref="Corgi.Metrics.Metric.Accuracy"/>).</summary>
    public IReadOnlyList<Corgi.Metrics.Metric> Metrics { get; init; } = Array.Empty<Corgi.Metrics.Metric>();

    /// <summary>Steps the learning rate per batch (per optimizer update) or per epoch, per its interval; its plateau rule hears the validation loss (or the training loss) each epoch.</summary>
    public Corgi.NN.Schedules.LearningRateScheduler? Scheduler { get; init; }

    /// <summary>Stops training when a monitored value stops improving, optionally restoring the best weights.</summary>
    public EarlyStopping? EarlyStopping { get; init; }

    /// <summary>
    /// Batches whose gradients are summed before one optimizer update (default 1). Each batch's loss is scaled by
    /// 1/k (k the batches in the group; the last group of an epoch may be shorter), so k batches of b rows
    /// update like one batch of k·b rows under a mean cost.
    /// </summary>
    public int AccumulationSteps { get; init; } = 1;

    /// <summary>Checked before every batch; a cancelled token ends the fit with an <see cref="OperationCanceledException"/>.</summary>
    public System.Threading.CancellationToken CancellationToken { get; init; }

    /// <summary>Called after every batch (synchronously, on the training thread).</summary>
    public Action<BatchEnd>? OnBatchEnd { get; init; }

    /// <summary>Called after every epoch, after validation (synchronously).</summary>
    public Action<EpochRecord>? OnEpochEnd { get; init; }

    /// <summary>When set, a checkpoint (<see cref="Corgi.IO.Checkpoint"/>) is written to this path after every epoch.</summary>
    public string? CheckpointPath { get; init; }

    /// <summary>Where to resume a run (from <see cref="Corgi.IO.Checkpoint.Load"/>): the fit starts at that epoch and batch, with the same order of samples.</summary>
    public TrainingPosition? Resume { get; init; }

    /// <summary>Batches prepared ahead on a background task (0: none).</summary>
    public int Prefetch { get; init; }

    internal bool UsesDatasetFeatures =>
        Validation is not null || Metrics.Count > 0 || Scheduler is not null || EarlyStopping is not null || AccumulationSteps != 1
        || CancellationToken.CanBeCanceled || OnBatchEnd is not null || OnEpochEnd is not null || CheckpointPath is not null || Resume is not null || Prefetch != 0;

    internal void Validate()
    {
        if (AccumulationSteps < 1) throw new ArgumentOutOfRangeException(nameof(AccumulationSteps), $"fit: accumulation steps must be at least 1, got {AccumulationSteps}");
        if (Prefetch < 0) throw new ArgumentOutOfRangeException(nameof(Prefetch), $"fit: prefetch must not be negative, got {Prefetch}");
        ArgumentNullException.ThrowIfNull(Metrics, nameof(Metrics));
        if (Epochs < 0) throw new ArgumentOutOfRangeException(nameof(Epochs), $"fit: epochs must not be negative, got {Epochs}");
        if (BatchSize < 1) throw new ArgumentOutOfRangeException(nameof(BatchSize), $"fit: the batch size must be at least 1, got {BatchSize}");
        if (ProgressInterval < 0) throw new ArgumentOutOfRangeException(nameof(ProgressInterval), $"fit: the progress interval must not be negative, got {ProgressInterval}");
    }
}

/// <summary>A progress report of <see cref="Model.Fit(Tensor, Tensor, FitOptions, IProgress{TrainingProgress}?)"/>.</summary>
/// <param name="Epoch">The current epoch, from 1.</param>
/// <param name="Epochs">The number of epochs.</param>
/// <param name="Step">The step within the epoch, from 1.</param>
/// <param name="StepsPerEpoch">Steps (mini-batches) per epoch.</param>
/// <param name="Loss">The loss of the latest mini-batch.</param>
/// <param name="MeanLoss">The mean loss over the epoch's steps so far.</param>
/// <param name="SamplesPerSecond">Training throughput over the epoch so far.</param>
/// <param name="SamplesSeen">Samples trained on since the start of the fit.</param>
/// <param name="Elapsed">Time since the start of the fit.</param>
/// <param name="EndOfEpoch">Whether this report closes an epoch.</param>
public readonly record struct TrainingProgress(
    int Epoch, int Epochs, int Step, int StepsPerEpoch, double Loss, double MeanLoss,
    double SamplesPerSecond, long SamplesSeen, TimeSpan Elapsed, bool EndOfEpoch)
{
    /// <summary>A one-line summary: "epoch 3/20  step 40/40  loss 0.1234  12345 samples/s".</summary>
    public override string ToString() =>
        string.Format(System.Globalization.CultureInfo.InvariantCulture,
            "epoch {0}/{1}  step {2}/{3}  loss {4:F4}  {5:F0} samples/s", Epoch, Epochs, Step, StepsPerEpoch,
            EndOfEpoch ? MeanLoss : Loss, SamplesPerSecond);
}

/// <summary>What <see cref="Model.Load(string, bool)"/> loaded, and what it skipped (non-strict) by name.</summary>
/// <param name="Loaded">The parameters loaded.</param>
/// <param name="Missing">The model's parameters the file lacks, with their shapes.</param>
/// <param name="Misshaped">The tensors whose shape differs from the parameter's, with both shapes.</param>
/// <param name="Unexpected">The file's tensors the model has no parameter for.</param>
public sealed record LoadReport(IReadOnlyList<string> Loaded, IReadOnlyList<string> Missing, IReadOnlyList<string> Misshaped, IReadOnlyList<string> Unexpected)
{
    /// <summary>Whether everything matched.</summary>
    public bool IsComplete => Missing.Count == 0 && Misshaped.Count == 0 && Unexpected.Count == 0;
}
