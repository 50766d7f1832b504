using System;
using System.IO;
using System.Linq;
using System.Threading;
using Corgi.Data;
using Corgi.IO;
using Corgi.NN;
using Corgi.NN.Schedules;
using Xunit;

namespace Corgi.Tests.IO;

/// <summary>
/// Resumable checkpoints. The resume test trains N updates, writes a checkpoint from the batch callback and
/// cancels; then it builds a FRESH model, optimizer and scheduler (new objects, nothing shared with the first run
/// but the file), loads the checkpoint and fits on. The parameters and optimizer state must equal those of an
/// uninterrupted run bit for bit. (examples/Tabular --resume-check does the same across separate processes.)
/// </summary>
public class CheckpointTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corgi-ckpt-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    // 30 samples, 4 features, 3 classes; values from a fixed LCG so the data is the same in every process
    private static IDataset Data(int n, int salt)
    {
        var x = new double[n * 4];
        var y = new double[n];
        uint s = 12345u + (uint)salt;
        double Next() { s = s * 1664525u + 1013904223u; return s / 4294967296.0 * 2 - 1; }
        for (int i = 0; i < n; i++)
        {
            for (int j = 0; j < 4; j++) x[i * 4 + j] = Next();
            y[i] = x[i * 4] + x[i * 4 + 1] > 0.3 ? 2 : x[i * 4 + 2] > 0 ? 1 : 0;
        }
        return Dataset.FromTensors(new Tensor(new[] { n, 4 }, x), new Tensor(new[] { n }, y));
    }

    private static Optimizer MakeOptimizer(string kind) => kind switch
    {
        "adam" => new Adam(0.02),
        "adamw" => new AdamW(0.02, weightDecay: 0.05),
        "rmsprop" => new RmsProp(0.01, momentum: 0.9),
        "sgd" => new Sgd(0.1, momentum: 0.9, nesterov: true),
        _ => throw new ArgumentException(kind),
    };

    private static (Model Model, LearningRateScheduler Scheduler) Build(string kind, DType dtype, int hidden = 8)
    {
        var init = Initializer.He(seed: 7);
        var optimizer = MakeOptimizer(kind);
        var model = new Model(new ILayer[]
        {
            new Dense(4, hidden, init, Activation.Tanh()),
            new Dense(hidden, 3, init),
        }, optimizer, Cost.SoftmaxCrossEntropy()).To(dtype);
        // warm-up then cosine, times a plateau rule that the validation loss drives
        var schedule = Schedule.LinearWarmup(5, 0.2).Then(5, Schedule.CosineAnnealing(30, 0.05));
        var scheduler = new LearningRateScheduler(optimizer, schedule, new ReduceOnPlateau(0.5, patience: 0));
        return (model, scheduler);
    }

    private static FitOptions Options(LearningRateScheduler scheduler, TrainingPosition? resume = null, Action<BatchEnd>? onBatch = null, CancellationToken token = default) => new()
    {
        Epochs = 4, BatchSize = 4, Seed = 3, Validation = Data(12, 1), Scheduler = scheduler,
        Resume = resume, OnBatchEnd = onBatch, CancellationToken = token,
    };

    [Theory]
    [InlineData("adam", DType.Float64, 11)]
    [InlineData("adamw", DType.Float32, 11)]
    [InlineData("rmsprop", DType.Float64, 8)]   // at an epoch boundary (8 batches per epoch)
    [InlineData("sgd", DType.Float32, 19)]
    public void ResumedRunEqualsUninterruptedRunBitForBit(string kind, DType dtype, int stopAfter)
    {
        var train = Data(30, 0);
        var (reference, refScheduler) = Build(kind, dtype);
        reference.Fit(train, Options(refScheduler));

        // first half: stop after `stopAfter` updates, writing the checkpoint from the callback
        var path = Path.Combine(_dir, "run.safetensors");
        var (first, firstScheduler) = Build(kind, dtype);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => first.Fit(train, Options(firstScheduler, onBatch: b =>
        {
            if (b.Updated && b.Position.GlobalStep == stopAfter)
            {
                Checkpoint.Save(path, first, b.Position, firstScheduler);
                cts.Cancel();
            }
        }, token: cts.Token)));

        // second half: fresh objects, everything from the file
        var (resumed, scheduler) = Build(kind, dtype);
        var info = Checkpoint.Load(path, resumed, scheduler);
        Assert.NotNull(info.Position);
        Assert.Equal(stopAfter, info.Position!.GlobalStep);
        Assert.Equal(stopAfter / 8, info.Position.Epoch);
        resumed.Fit(train, Options(scheduler, info.Position));

        AssertSameBits(reference, resumed);
        Assert.Equal(refScheduler.StepCount, scheduler.StepCount);
        Assert.Equal(refScheduler.Plateau!.Factor, scheduler.Plateau!.Factor);
        Assert.Equal(((Optimizer)reference.Optimizer).LearningRate, ((Optimizer)resumed.Optimizer).LearningRate);
    }

    [Fact]
    public void WithoutTheOptimizerStateTheResumedRunDiffers()
    {
        // the control: the same resume with the optimizer's state dropped does not reproduce the run
        var train = Data(30, 0);
        var (reference, refScheduler) = Build("adam", DType.Float64);
        reference.Fit(train, Options(refScheduler));
        var path = Path.Combine(_dir, "run.safetensors");
        var (first, firstScheduler) = Build("adam", DType.Float64);
        using var cts = new CancellationTokenSource();
        Assert.Throws<OperationCanceledException>(() => first.Fit(train, Options(firstScheduler, onBatch: b =>
        {
            if (b.Position.GlobalStep == 11) { Checkpoint.Save(path, first, b.Position, firstScheduler); cts.Cancel(); }
        }, token: cts.Token)));
        var (resumed, scheduler) = Build("adam", DType.Float64);
        var info = Checkpoint.Load(path, resumed, scheduler);
        ((Optimizer)resumed.Optimizer).ResetState();
        resumed.Fit(train, Options(scheduler, info.Position));
        Assert.NotEqual(reference.Parameters[0].Value.ToArray<double>(), resumed.Parameters[0].Value.ToArray<double>());
    }

    [Fact]
    public void TheFileHoldsParametersOptimizerBuffersAndJsonMetadata()
    {
        var (model, scheduler) = Build("adam", DType.Float32);
        model.Fit(Data(30, 0), new FitOptions { Epochs = 1, BatchSize = 10, Scheduler = scheduler });
        var path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, model, new TrainingPosition(1, 0, 3, 0, 0), scheduler, new System.Collections.Generic.Dictionary<string, string> { ["note"] = "hi" });
        var tensors = SafeTensors.Load(path);
        Assert.Equal(new[] { "model.0.bias", "model.0.weight", "model.1.bias", "model.1.weight",
            "optimizer.0.bias.m", "optimizer.0.bias.v", "optimizer.0.weight.m", "optimizer.0.weight.v",
            "optimizer.1.bias.m", "optimizer.1.bias.v", "optimizer.1.weight.m", "optimizer.1.weight.v" }, tensors.Keys.OrderBy(k => k, StringComparer.Ordinal));
        Assert.Equal(DType.Float32, tensors["optimizer.0.weight.m"].DType);
        var meta = SafeTensors.ReadMetadata(path);
        Assert.Equal("hi", meta["note"]);
        Assert.Contains("\"step\":3", meta[Checkpoint.MetadataKey]);   // 30 rows / 10 per batch: 3 updates per parameter
        Assert.Contains("Corgi.NN.Adam", meta[Checkpoint.MetadataKey]);
        Assert.Equal("hi", Checkpoint.Load(path, Build("adam", DType.Float32).Model).Metadata["note"]);
    }

    [Fact]
    public void ACheckpointOfAnotherShapeNamesTheTensorAndLeavesTheModelUnchanged()
    {
        var (model, _) = Build("adam", DType.Float64, hidden: 8);
        var path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, model);
        var (other, _) = Build("adam", DType.Float64, hidden: 9);
        var before = other.Parameters[0].Value;
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, other));
        Assert.Contains("'model.0.weight' has shape [8,4]", e.Message);
        Assert.Contains("'0.weight' has shape [9,4]", e.Message);
        Assert.Same(before, other.Parameters[0].Value);
    }

    [Fact]
    public void AnotherOptimizerOrAPlainSafetensorsFileIsRefused()
    {
        var (model, _) = Build("adam", DType.Float64);
        model.Fit(Data(30, 0), new FitOptions { Epochs = 1, BatchSize = 10 });
        var path = Path.Combine(_dir, "c.safetensors");
        Checkpoint.Save(path, model);
        var e = Assert.Throws<InvalidDataException>(() => Checkpoint.Load(path, Build("sgd", DType.Float64).Model));
        Assert.Contains("Corgi.NN.Adam", e.Message);
        Assert.Contains("Corgi.NN.Sgd", e.Message);
        var plain = Path.Combine(_dir, "p.safetensors");
        model.Save(plain);
        Assert.Contains("not a Corgi checkpoint", Assert.Throws<InvalidDataException>(() => Checkpoint.Load(plain, model)).Message);
    }

    [Fact]
    public void FitWritesACheckpointPerEpochAndItResumes()
    {
        var train = Data(30, 0);
        var path = Path.Combine(_dir, "epoch.safetensors");
        var (reference, rs) = Build("adam", DType.Float64);
        reference.Fit(train, Options(rs));
        var (first, fs) = Build("adam", DType.Float64);
        first.Fit(train, new FitOptions { Epochs = 2, BatchSize = 4, Seed = 3, Validation = Data(12, 1), Scheduler = fs, CheckpointPath = path });
        var (resumed, scheduler) = Build("adam", DType.Float64);
        var info = Checkpoint.Load(path, resumed, scheduler);
        Assert.Equal(new TrainingPosition(2, 0, 16, 0, 3), info.Position);
        var history = resumed.Fit(train, Options(scheduler, info.Position));
        Assert.Equal(new[] { 3, 4 }, history.Epochs.Select(e => e.Epoch));
        AssertSameBits(reference, resumed);
    }

    [Fact]
    public void EarlyStoppingStateAndBestWeightsResumeToo()
    {
        var train = Data(30, 0);
        var path = Path.Combine(_dir, "es.safetensors");
        FitOptions WithStopping(LearningRateScheduler s, EarlyStopping es, int epochs, string? checkpoint = null, TrainingPosition? resume = null) => new()
        {
            Epochs = epochs, BatchSize = 4, Seed = 3, Validation = Data(12, 1), Scheduler = s, EarlyStopping = es, CheckpointPath = checkpoint, Resume = resume,
        };
        var (reference, rs) = Build("adam", DType.Float64);
        var referenceStopping = new EarlyStopping(patience: 2);
        var expected = reference.Fit(train, WithStopping(rs, referenceStopping, 12));
        Assert.True(expected.StoppedEarly);
        // this data and seed: best epoch 1, stopped after 3; so the checkpoint after epoch 2 holds epoch 1's weights
        // as the best ones, and the resumed run must restore those from the file
        Assert.Equal(3, expected.Epochs.Count);
        Assert.Equal(1, expected.BestEpoch);

        var (first, fs) = Build("adam", DType.Float64);
        first.Fit(train, WithStopping(fs, new EarlyStopping(patience: 2), 2, checkpoint: path));
        var (resumed, scheduler) = Build("adam", DType.Float64);
        var stopping = new EarlyStopping(patience: 2);
        var info = Checkpoint.Load(path, resumed, scheduler, stopping);
        Assert.Equal((1, 1), (stopping.BestEpoch, stopping.Wait));
        var history = resumed.Fit(train, WithStopping(scheduler, stopping, 12, resume: info.Position));

        Assert.Equal(expected.BestEpoch, history.BestEpoch);
        Assert.Equal(expected.StoppedEarly, history.StoppedEarly);
        Assert.Equal(expected.Epochs.Count, 2 + history.Epochs.Count);
        AssertSameBits(reference, resumed);
        Assert.Contains("given but the checkpoint has no early-stopping state", Assert.Throws<InvalidDataException>(() =>
        {
            var plain = Path.Combine(_dir, "plain.safetensors");
            Checkpoint.Save(plain, resumed);
            Checkpoint.Load(plain, resumed, earlyStopping: new EarlyStopping());
        }).Message);
    }

    private static void AssertSameBits(Model expected, Model actual)
    {
        var e = expected.NamedParameters;
        var a = actual.NamedParameters;
        for (int i = 0; i < e.Count; i++)
        {
            var x = e[i].Value.Value.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray();
            var y = a[i].Value.Value.To(DType.Float64).ToArray<double>().Select(BitConverter.DoubleToInt64Bits).ToArray();
            Assert.True(x.SequenceEqual(y), $"parameter {e[i].Key} differs");
            var se = ((Optimizer)expected.Optimizer).GetState(e[i].Value)!;
            var sa = ((Optimizer)actual.Optimizer).GetState(a[i].Value)!;
            Assert.Equal(se.Step, sa.Step);
            foreach (var b in se.BufferNames)
                Assert.Equal(se.BufferTensor(b, e[i].Value.Shape).To(DType.Float64).ToArray<double>(), sa.BufferTensor(b, a[i].Value.Shape).To(DType.Float64).ToArray<double>());
        }
    }
}
