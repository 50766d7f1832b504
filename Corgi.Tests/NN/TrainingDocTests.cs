using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using System.Threading;
using Corgi.Data;
using Corgi.IO;
using Corgi.Metrics;
using Corgi.NN;
using Corgi.NN.Schedules;
using Xunit;

namespace Corgi.Tests.NN;

/// <summary>
/// The code of docs/training.md's sections on data, schedules, Fit, metrics and checkpoints. Each region between
/// "// doc:NAME" and "// end" is run here, and <see cref="TheDocsHoldTheseSnippetsVerbatim"/> checks that the page
/// shows exactly that code, so the page cannot drift from code that runs.
/// </summary>
public class TrainingDocTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corgi-doc-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string WriteCsv()
    {
        var path = Path.Combine(_dir, "flowers.csv");
        var rows = Enumerable.Range(0, 60).Select(i =>
            FormattableString.Invariant($"{i},{(i % 3) * 2 + (i % 7) * 0.1},{(i % 3 == 1 ? 3 : 0) + (i % 5) * 0.1},{new[] { "rose", "tulip", "iris" }[i % 3]}"));
        File.WriteAllLines(path, new[] { "id,width,height,species" }.Concat(rows));
        return path;
    }

    private static Model NewModel(int features = 2, int classes = 3) => new(new ILayer[]
    {
        new Dense(features, 16, Initializer.He(seed: 1), Activation.Relu()),
        new Dense(16, classes, Initializer.He(seed: 1)),
    }, new Adam(0.01), Cost.SoftmaxCrossEntropy());

    [Fact]
    public void DataSnippet()
    {
        string path = WriteCsv();
        // doc:data
        var table = Csv.Load(path, new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "width", "height" } });
        // table.Inputs [60, 2]; table.Targets [60] = class indices; table.ClassNames = ["iris", "rose", "tulip"] (ordinal order)
        var (trainRaw, validationRaw) = Dataset.Split(table, validationFraction: 0.2, seed: 1);
        var standardizer = Standardizer.Fit(trainRaw);            // mean and std of the TRAINING part only
        var train = Dataset.Map(trainRaw, standardizer.Apply);
        var validation = Dataset.Map(validationRaw, standardizer.Apply);

        var loader = new DataLoader(train, batchSize: 16, shuffle: true, seed: 7, prefetch: 2);
        foreach (var (x, y) in loader.Batches(epoch: 0))
        {
            // x [16, 2] (the last batch [0..16]), y [16]
        }
        // end
        Assert.Equal(new[] { "iris", "rose", "tulip" }, table.ClassNames);
        Assert.Equal(48, train.Count);
        Assert.Equal(12, validation.Count);
        Assert.Equal(3, loader.BatchesPerEpoch);
    }

    [Fact]
    public void ScheduleSnippet()
    {
        // doc:schedules
        var adam = new Adam(learningRate: 0.1);
        var schedule = Schedule.LinearWarmup(steps: 10, startFactor: 0.1)          // 0.1·lr rising to lr over 10 steps
                           .Then(10, Schedule.CosineAnnealing(period: 90, minFactor: 0.01));
        var scheduler = new LearningRateScheduler(adam, schedule);                 // sets adam.LearningRate = 0.01 now
        for (int step = 0; step < 10; step++) scheduler.Step();                     // after each optimizer update
        // adam.LearningRate == 0.1 (end of the warm-up); after 100 steps: 0.001
        // end
        Assert.Equal(0.1, adam.LearningRate, 15);
        for (int step = 0; step < 90; step++) scheduler.Step();
        Assert.Equal(0.001, adam.LearningRate, 15);
    }

    [Fact]
    public void FitSnippet()
    {
        var table = Csv.Load(WriteCsv(), new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "width", "height" } });
        var (train, validation) = Dataset.Split(table, 0.2, seed: 1);
        var model = NewModel();
        var adam = (Adam)model.Optimizer;
        // doc:fit
        var history = model.Fit(train, new FitOptions
        {
            Epochs = 50, BatchSize = 16, Seed = 1,
            Validation = validation,
            Metrics = new[] { Metric.Accuracy, Metric.MacroF1 },
            Scheduler = new LearningRateScheduler(adam, Schedule.CosineAnnealing(50), interval: ScheduleInterval.Epoch),
            EarlyStopping = new EarlyStopping("val_loss", patience: 5, minDelta: 1e-4, restoreBestWeights: true),
            AccumulationSteps = 1,
            OnEpochEnd = e => Console.WriteLine(e),   // "epoch 3  loss 0.41  val_loss 0.38  accuracy 0.92  macro_f1 0.91  lr 0.0099"
        });
        IReadOnlyList<double> trainLoss = history.TrainLoss, validationLoss = history.ValidationLoss;
        IReadOnlyList<double> accuracy = history.Metric("accuracy");
        // end
        Assert.Equal(history.Epochs.Count, trainLoss.Count);
        Assert.Equal(validationLoss.Count, accuracy.Count);
        Assert.True(accuracy.Max() > 0.9);
    }

    [Fact]
    public void MetricsSnippet()
    {
        // doc:metrics
        var scores = new Tensor(new[] { 4, 3 }, new[] { 0.9, 0.05, 0.05, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.1, 0.5, 0.4 });
        var labels = new Tensor(new[] { 4 }, new[] { 0.0, 1, 2, 2 });
        double accuracy = Classification.Accuracy(scores, labels);           // 0.5
        double top2 = Classification.TopKAccuracy(scores, labels, k: 2);     // 1.0
        var cm = Classification.ConfusionMatrix(scores, labels);             // [[1,0,0],[0,0,1],[0,1,1]]
        double f1 = cm.MacroF1;                                              // (1 + 0 + 0.5) / 3 = 0.5
        Console.WriteLine(cm.Report(new[] { "rose", "tulip", "iris" }));
        double r2 = Regression.R2(new Tensor(new[] { 4 }, new[] { 1.0, 2, 3, 4 }), new Tensor(new[] { 4 }, new[] { 1.0, 3, 2, 6 }));   // 4/7
        // end
        Assert.Equal((0.5, 1.0, 0.5), (accuracy, top2, f1));
        Assert.Equal(4.0 / 7, r2, 14);
    }

    [Fact]
    public void CheckpointSnippet()
    {
        var train = Dataset.FromTensors(Tensor.RandomNormal(new[] { 40, 2 }, seed: 1), new Tensor(new[] { 40 }, Enumerable.Range(0, 40).Select(i => (double)(i % 3)).ToArray()));
        string path = Path.Combine(_dir, "run.ckpt.safetensors");
        // doc:checkpoint
        // first process: checkpoint at every epoch end (or from OnBatchEnd with its Position)
        var model = NewModel();
        var scheduler = new LearningRateScheduler((Adam)model.Optimizer, Schedule.Exponential(0.99));
        var options = new FitOptions { Epochs = 4, BatchSize = 8, Seed = 5, Scheduler = scheduler, CheckpointPath = path };
        model.Fit(train, options);

        // a new process: build the same model, optimizer and scheduler, load, and fit on from the saved position
        var resumed = NewModel();
        var resumedScheduler = new LearningRateScheduler((Adam)resumed.Optimizer, Schedule.Exponential(0.99));
        CheckpointInfo info = Checkpoint.Load(path, resumed, resumedScheduler);   // info.Position: epoch 4, update 20
        resumed.Fit(train, new FitOptions { Epochs = 6, BatchSize = 8, Seed = 5, Scheduler = resumedScheduler, Resume = info.Position });
        // end
        Assert.Equal(new TrainingPosition(4, 0, 20, 0, 5), info.Position);
        var reference = NewModel();
        reference.Fit(train, new FitOptions { Epochs = 6, BatchSize = 8, Seed = 5, Scheduler = new LearningRateScheduler((Adam)reference.Optimizer, Schedule.Exponential(0.99)) });
        Assert.Equal(reference.Parameters[0].Value.ToArray<double>(), resumed.Parameters[0].Value.ToArray<double>());
    }

    [Fact]
    public void TheDocsHoldTheseSnippetsVerbatim()
    {
        var root = AppContext.BaseDirectory;
        while (!File.Exists(Path.Combine(root, "Corgi.sln"))) root = Path.GetDirectoryName(root) ?? throw new InvalidOperationException("Corgi.sln not found above the test binaries");
        var source = File.ReadAllText(Path.Combine(root, "Corgi.Tests", "NN", "TrainingDocTests.cs"));
        var doc = File.ReadAllText(Path.Combine(root, "docs", "training.md"));
        var regions = Regex.Matches(source, @"// doc:(\w+)\r?\n(.*?)\r?\n\s*// end", RegexOptions.Singleline);
        Assert.Equal(5, regions.Count);
        foreach (Match m in regions)
        {
            var lines = m.Groups[2].Value.Split('\n').Select(l => l.TrimEnd('\r')).ToArray();
            int indent = lines.Where(l => l.Trim().Length > 0).Min(l => l.Length - l.TrimStart().Length);
            var snippet = string.Join("\n", lines.Select(l => l.Length >= indent ? l[indent..] : l.TrimStart()));
            Assert.True(doc.Replace("\r\n", "\n").Contains(snippet), $"docs/training.md lacks the '{m.Groups[1].Value}' snippet:\n{snippet}");
        }
    }
}
