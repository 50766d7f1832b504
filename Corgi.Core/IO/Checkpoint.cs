using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using System.Text.Json.Nodes;
using Corgi.NN;
using Corgi.NN.Schedules;

namespace Corgi.IO;

/// <summary>What <see cref="Checkpoint.Load"/> read besides the restored objects.</summary>
/// <param name="Position">Where the run stood (null when the checkpoint was saved without one).</param>
/// <param name="OptimizerType">The optimizer's type name in the file (null when it had no optimizer state).</param>
/// <param name="Metadata">The caller's own metadata saved with the checkpoint.</param>
public sealed record CheckpointInfo(TrainingPosition? Position, string? OptimizerType, IReadOnlyDictionary<string, string> Metadata);

/// <summary>
/// Resumable checkpoints: the model's parameters, the optimizer's per-parameter state (step counts and buffers:
/// Adam's moments, RMSProp's averages, momentum), its learning rate, the scheduler's counters, and the run's
/// position (epoch, batch, update count, the data order's seed), and optionally early stopping's counters and best
/// weights, in ONE safetensors file, written atomically like
/// <see cref="SafeTensors.Save"/>. Tensors are named "model.{parameter}" and "optimizer.{parameter}.{buffer}";
/// the rest is JSON under the "corgi.checkpoint" key of the header's <c>__metadata__</c>. Loading into a model and
/// optimizer built the same way and fitting on from <see cref="CheckpointInfo.Position"/> gives the parameters an
/// uninterrupted run would have, bit for bit.
/// </summary>
/// <example>
/// <code>
/// Checkpoint.Save("run.ckpt.safetensors", model, position, scheduler);
/// // later, in another process: build the same model, optimizer and scheduler, then
/// var info = Checkpoint.Load("run.ckpt.safetensors", model, scheduler);
/// model.Fit(train, new FitOptions { Epochs = 10, Seed = 1, Scheduler = scheduler, Resume = info.Position });
/// </code>
/// </example>
public static class Checkpoint
{
    /// <summary>The metadata key holding the checkpoint's JSON.</summary>
    public const string MetadataKey = "corgi.checkpoint";

    private const int FormatVersion = 1;

    /// <summary>Writes a checkpoint (atomically: a crash while saving keeps the previous file).</summary>
    /// <param name="path">The file to write.</param>
    /// <param name="model">The model; its optimizer's state is saved when it is an <see cref="Optimizer"/>.</param>
    /// <param name="position">Where the run stands (from <see cref="BatchEnd.Position"/>), or null.</param>
    /// <param name="scheduler">The learning-rate scheduler, or null.</param>
    /// <param name="metadata">Extra string entries to keep (names must not be "corgi.checkpoint").</param>
    /// <param name="earlyStopping">Early stopping's counters and kept best weights (as "early_stopping.{parameter}"), or null.</param>
    public static void Save(string path, Model model, TrainingPosition? position = null, LearningRateScheduler? scheduler = null,
        IReadOnlyDictionary<string, string>? metadata = null, EarlyStopping? earlyStopping = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        var json = new JsonObject { ["format"] = FormatVersion };
        var parameters = new JsonObject();
        foreach (var (name, p) in model.NamedParameters)
        {
            tensors.Add(new("model." + name, p.Value));
            parameters[name] = new JsonObject { ["shape"] = new JsonArray(p.Shape.Select(d => (JsonNode)d).ToArray()), ["dtype"] = p.Value.DType.ToString() };
        }
        json["parameters"] = parameters;
        if (model.Optimizer is Optimizer optimizer)
        {
            var states = new JsonObject();
            foreach (var (name, p) in model.NamedParameters)
            {
                var state = optimizer.GetState(p);
                if (state is null) continue;
                var buffers = new JsonArray();
                foreach (var b in state.BufferNames.OrderBy(b => b, StringComparer.Ordinal))
                {
                    tensors.Add(new($"optimizer.{name}.{b}", state.BufferTensor(b, p.Shape)));
                    buffers.Add(b);
                }
                states[name] = new JsonObject { ["step"] = state.Step, ["buffers"] = buffers };
            }
            json["optimizer"] = new JsonObject
            {
                ["type"] = optimizer.GetType().FullName,
                ["learning_rate"] = Number(optimizer.LearningRate),
                ["states"] = states,
            };
        }
        if (scheduler is not null)
        {
            var s = new JsonObject { ["step"] = scheduler.StepCount, ["base_learning_rate"] = Number(scheduler.BaseLearningRate) };
            if (scheduler.Plateau is ReduceOnPlateau plateau)
                s["plateau"] = new JsonObject
                {
                    ["factor"] = Number(plateau.Factor), ["best"] = Number(plateau.Best),
                    ["bad_reports"] = plateau.BadReports, ["cooldown_left"] = plateau.CooldownLeft,
                };
            json["scheduler"] = s;
        }
        if (earlyStopping is not null)
        {
            bool kept = false;
            foreach (var (name, p) in model.NamedParameters)
                if (earlyStopping.BestValue(p) is Tensor best)
                {
                    tensors.Add(new("early_stopping." + name, best));
                    kept = true;
                }
            json["early_stopping"] = new JsonObject
            {
                ["best"] = Number(earlyStopping.Best), ["best_epoch"] = earlyStopping.BestEpoch, ["wait"] = earlyStopping.Wait, ["best_weights"] = kept,
            };
        }
        if (position is not null)
            json["position"] = new JsonObject
            {
                ["epoch"] = position.Epoch, ["step"] = position.Step, ["global_step"] = position.GlobalStep,
                ["epoch_loss_sum"] = Number(position.EpochLossSum), ["seed"] = position.Seed,
            };
        var meta = new Dictionary<string, string>(StringComparer.Ordinal);
        if (metadata is not null)
            foreach (var (k, v) in metadata)
                meta[k != MetadataKey ? k : throw new ArgumentException($"checkpoint: the metadata key '{MetadataKey}' is reserved", nameof(metadata))] = v;
        meta[MetadataKey] = json.ToJsonString();
        SafeTensors.Save(path, tensors, meta);
    }

    /// <summary>
    /// Restores a checkpoint into a model built like the saved one (same layers and shapes, same optimizer type):
    /// parameters (in the model's dtype; bit for bit when it is the saved dtype), the optimizer's state and learning
    /// rate, and the scheduler's counters when <paramref name="scheduler"/> is given. Everything is checked before
    /// anything changes, so a bad file leaves the model as it was.
    /// </summary>
    /// <exception cref="InvalidDataException">
    /// The file is not a Corgi checkpoint, or a tensor is missing, extra or of another shape (the message names the
    /// tensor and both shapes), or the optimizer's type differs.
    /// </exception>
    /// <param name="path">The checkpoint file.</param>
    /// <param name="model">A model built like the saved one; its optimizer gets the saved state.</param>
    /// <param name="scheduler">A scheduler built like the saved one, to restore; null leaves scheduler state unread.</param>
    /// <param name="earlyStopping">Early stopping to restore (counters and best weights); null leaves that state unread.</param>
    public static CheckpointInfo Load(string path, Model model, LearningRateScheduler? scheduler = null, EarlyStopping? earlyStopping = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(model);
        var tensors = SafeTensors.Load(path);
        var metadata = SafeTensors.ReadMetadata(path);
        if (!metadata.TryGetValue(MetadataKey, out var text))
            throw Bad(path, $"it has no '{MetadataKey}' metadata; it is not a Corgi checkpoint (a parameters-only file loads with Model.Load)");
        JsonObject json;
        try
        {
            json = JsonNode.Parse(text) as JsonObject ?? throw Bad(path, $"'{MetadataKey}' is not a JSON object");
        }
        catch (JsonException e)
        {
            throw Bad(path, $"'{MetadataKey}' is not valid JSON ({e.Message})");
        }
        int format = Int(path, json, "format");
        if (format != FormatVersion) throw Bad(path, $"format {format} is not supported (this version reads format {FormatVersion})");

        // parameters: every one of the model's, no others, same shapes
        var named = model.NamedParameters;
        var modelNames = new HashSet<string>(named.Select(kv => "model." + kv.Key), StringComparer.Ordinal);
        foreach (var (name, p) in named)
        {
            if (!tensors.TryGetValue("model." + name, out var t))
                throw Bad(path, $"it has no tensor 'model.{name}' for the model's parameter '{name}' of shape {Tensor.FormatShape(p.Value.ShapeSpan)} (was it saved from another model?)");
            if (!t.ShapeSpan.SequenceEqual(p.Value.ShapeSpan))
                throw Bad(path, $"tensor 'model.{name}' has shape {Tensor.FormatShape(t.ShapeSpan)} but the model's parameter '{name}' has shape {Tensor.FormatShape(p.Value.ShapeSpan)}");
        }
        foreach (var name in tensors.Keys)
            if (name.StartsWith("model.", StringComparison.Ordinal) && !modelNames.Contains(name))
                throw Bad(path, $"it has tensor '{name}' of shape {Tensor.FormatShape(tensors[name].ShapeSpan)}, which is no parameter of the model (was it saved from another model?)");

        // optimizer state, built aside first
        string? optimizerType = null;
        var states = new List<(Parameter P, ParameterState State)>();
        double? learningRate = null;
        if (json["optimizer"] is JsonObject opt)
        {
            optimizerType = opt["type"]?.GetValue<string>();
            if (model.Optimizer is not Optimizer optimizer)
                throw Bad(path, $"it holds the state of a {optimizerType} but the model's optimizer is a {model.Optimizer.GetType().FullName}, which keeps no restorable state");
            if (optimizerType != optimizer.GetType().FullName)
                throw Bad(path, $"it holds the state of a {optimizerType} but the model's optimizer is a {optimizer.GetType().FullName}");
            learningRate = Double(path, opt, "learning_rate");
            var byName = named.ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
            foreach (var (name, node) in opt["states"] as JsonObject ?? throw Bad(path, "optimizer 'states' is missing"))
            {
                if (!byName.TryGetValue(name, out var p)) throw Bad(path, $"it has optimizer state for '{name}', which is no parameter of the model");
                var entry = node as JsonObject ?? throw Bad(path, $"the optimizer state of '{name}' is not an object");
                var buffers = new List<KeyValuePair<string, Tensor>>();
                foreach (var b in entry["buffers"] as JsonArray ?? throw Bad(path, $"the optimizer state of '{name}' lists no buffers"))
                {
                    var bufferName = b!.GetValue<string>();
                    var key = $"optimizer.{name}.{bufferName}";
                    if (!tensors.TryGetValue(key, out var t)) throw Bad(path, $"it has no tensor '{key}' for the optimizer state of '{name}'");
                    if (!t.ShapeSpan.SequenceEqual(p.Value.ShapeSpan))
                        throw Bad(path, $"tensor '{key}' has shape {Tensor.FormatShape(t.ShapeSpan)} but the model's parameter '{name}' has shape {Tensor.FormatShape(p.Value.ShapeSpan)}");
                    buffers.Add(new(bufferName, t));
                }
                states.Add((p, ParameterState.Restore(Int(path, entry, "step"), buffers, p.Count)));
            }
        }

        // scheduler
        (int Step, double Base, double[]? Plateau, int[]? PlateauCounts)? sched = null;
        if (scheduler is not null)
        {
            var s = json["scheduler"] as JsonObject ?? throw Bad(path, "a scheduler was given but the checkpoint has no scheduler state");
            double[]? plateauValues = null;
            int[]? plateauCounts = null;
            if (s["plateau"] is JsonObject pl)
            {
                if (scheduler.Plateau is null) throw Bad(path, "it has reduce-on-plateau state but the given scheduler has no plateau rule");
                plateauValues = new[] { Double(path, pl, "factor"), Double(path, pl, "best") };
                plateauCounts = new[] { Int(path, pl, "bad_reports"), Int(path, pl, "cooldown_left") };
            }
            else if (scheduler.Plateau is not null) throw Bad(path, "the given scheduler has a plateau rule but the checkpoint has no plateau state");
            sched = (Int(path, s, "step"), Double(path, s, "base_learning_rate"), plateauValues, plateauCounts);
        }

        (double Best, int BestEpoch, int Wait, List<KeyValuePair<Parameter, Tensor>>? Weights)? stoppingState = null;
        if (earlyStopping is not null)
        {
            var es = json["early_stopping"] as JsonObject ?? throw Bad(path, "early stopping was given but the checkpoint has no early-stopping state");
            List<KeyValuePair<Parameter, Tensor>>? weights = null;
            if (es["best_weights"] is JsonValue kept && kept.TryGetValue<bool>(out var k) && k)
            {
                weights = new();
                foreach (var (name, p) in named)
                {
                    if (!tensors.TryGetValue("early_stopping." + name, out var t)) throw Bad(path, $"it has no tensor 'early_stopping.{name}' for the best weights of '{name}'");
                    if (!t.ShapeSpan.SequenceEqual(p.Value.ShapeSpan))
                        throw Bad(path, $"tensor 'early_stopping.{name}' has shape {Tensor.FormatShape(t.ShapeSpan)} but the model's parameter '{name}' has shape {Tensor.FormatShape(p.Value.ShapeSpan)}");
                    weights.Add(new(p, t.To(p.Value.DType)));
                }
            }
            stoppingState = (Double(path, es, "best"), Int(path, es, "best_epoch"), Int(path, es, "wait"), weights);
        }

        TrainingPosition? position = null;
        if (json["position"] is JsonObject pos)
            position = new TrainingPosition(Int(path, pos, "epoch"), Int(path, pos, "step"), Long(path, pos, "global_step"),
                Double(path, pos, "epoch_loss_sum"), Int(path, pos, "seed"));

        // everything checked: apply
        foreach (var (name, p) in named)
        {
            p.ClearGradient();
            p.Value = tensors["model." + name].To(p.Value.DType);
        }
        if (model.Optimizer is Optimizer o && optimizerType is not null)
        {
            foreach (var (_, p) in named) o.SetState(p, null);
            foreach (var (p, state) in states) o.SetState(p, state);
            o.LearningRate = learningRate!.Value;
        }
        if (scheduler is not null && sched is { } sc)
        {
            if (sc.Plateau is not null) scheduler.Plateau!.Restore(sc.Plateau[0], sc.Plateau[1], sc.PlateauCounts![0], sc.PlateauCounts[1]);
            scheduler.Restore(sc.Step, sc.Base);
        }
        if (earlyStopping is not null && stoppingState is { } st) earlyStopping.Restore(st.Best, st.BestEpoch, st.Wait, st.Weights);
        var user = metadata.Where(kv => kv.Key != MetadataKey).ToDictionary(kv => kv.Key, kv => kv.Value, StringComparer.Ordinal);
        return new CheckpointInfo(position, optimizerType, user);
    }

    // doubles as round-trip strings: JSON has no NaN or infinities, and "R" is exact
    private static JsonNode Number(double v) => JsonValue.Create(v.ToString("R", CultureInfo.InvariantCulture));

    private static double Double(string path, JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<string>(out var s) && double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            ? d : throw Bad(path, $"'{key}' is missing or not a number");

    private static int Int(string path, JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<int>(out var i) ? i : throw Bad(path, $"'{key}' is missing or not an integer");

    private static long Long(string path, JsonObject o, string key) =>
        o[key] is JsonValue v && v.TryGetValue<long>(out var i) ? i : throw Bad(path, $"'{key}' is missing or not an integer");

    private static InvalidDataException Bad(string path, string problem) => new($"checkpoint: cannot load '{path}': {problem}");
}
