// A tabular classifier trained from a CSV file named on the command line:
//   dotnet run -c Release --project examples/Tabular -- examples/Tabular/blobs.csv
// Reads the features x1..x4 and the class-name label "species" (the id column is left out), holds out 20 % for
// validation, standardizes with the training part's statistics, trains 4 -> 32 (ReLU) -> 3 with Adam under a
// warm-up + cosine schedule per epoch and early stopping on the validation loss, prints one line per epoch and a
// metrics report, and exits 1 if the validation accuracy is below 90 %.
//
//   ... -- blobs.csv --resume-check
// checks resumable checkpoints across processes: this process trains the whole run; a child process trains
// the first 13 updates and writes a checkpoint; a second child loads it into new objects, trains to the end and
// saves the parameters; they must equal this process's bit for bit (exit 1 otherwise).
using System;
using System.Diagnostics;
using System.IO;
using System.Linq;
using Corgi;
using Corgi.Data;
using Corgi.IO;
using Corgi.Metrics;
using Corgi.NN;
using Corgi.NN.Schedules;

const double RequiredAccuracy = 0.90;
if (args.Length < 1)
{
    Console.Error.WriteLine("usage: Corgi.Examples.Tabular <file.csv> [--resume-check]");
    return 2;
}
string csvPath = args[0];
var table = Csv.Load(csvPath, new CsvOptions { LabelColumn = "species", FeatureColumns = new[] { "x1", "x2", "x3", "x4" } });
var (trainRaw, validationRaw) = Dataset.Split(table, validationFraction: 0.2, seed: 1);
var standardizer = Standardizer.Fit(trainRaw);               // statistics of the training part only
var train = Dataset.Map(trainRaw, standardizer.Apply);
var validation = Dataset.Map(validationRaw, standardizer.Apply);
int classes = table.ClassNames!.Count;

(Model Model, LearningRateScheduler Scheduler) Build()
{
    var init = Initializer.He(seed: 2);
    var adam = new Adam(learningRate: 0.01);
    var model = new Model(new ILayer[]
    {
        new Dense(table.FeatureNames.Count, 32, init, Activation.Relu()),
        new Dense(32, classes, init),
    }, adam, Cost.SoftmaxCrossEntropy());
    // per epoch: 3 epochs of linear warm-up from 0.1·lr, then a cosine decay to 0.05·lr over 37 epochs
    var schedule = Schedule.LinearWarmup(3, 0.1).Then(3, Schedule.CosineAnnealing(37, 0.05));
    return (model, new LearningRateScheduler(adam, schedule, interval: ScheduleInterval.Epoch));
}

FitOptions Options(LearningRateScheduler scheduler) => new()
{
    Epochs = 40, BatchSize = 16, Seed = 3, Validation = validation, Metrics = new[] { Metric.Accuracy, Metric.MacroF1 },
    Scheduler = scheduler,
};

if (args.Length >= 3 && args[1] == "--phase1")
{
    // child 1: train until update 13 (mid-epoch), write the checkpoint, stop
    var (m, s) = Build();
    var cts = new System.Threading.CancellationTokenSource();
    try
    {
        m.Fit(train, new FitOptions
        {
            Epochs = 40, BatchSize = 16, Seed = 3, Validation = validation, Scheduler = s, CancellationToken = cts.Token,
            OnBatchEnd = b => { if (b.Position.GlobalStep == 13) { Checkpoint.Save(args[2], m, b.Position, s); cts.Cancel(); } },
        });
    }
    catch (OperationCanceledException) { }
    return 0;
}
if (args.Length >= 4 && args[1] == "--phase2")
{
    // child 2: new objects, everything from the file
    var (m, s) = Build();
    var info = Checkpoint.Load(args[2], m, s);
    m.Fit(train, new FitOptions { Epochs = 40, BatchSize = 16, Seed = 3, Validation = validation, Scheduler = s, Resume = info.Position });
    m.Save(args[3]);
    return 0;
}
if (args.Length >= 2 && args[1] == "--resume-check") return ResumeCheck();

Console.WriteLine($"{csvPath}: {table.Count} rows, features {string.Join(", ", table.FeatureNames)}, classes {string.Join(", ", table.ClassNames)}");
Console.WriteLine($"train {train.Count} / validation {validation.Count}; standardized with mean [{string.Join(", ", standardizer.Mean.Select(v => v.ToString("F2")))}]");
var (model, scheduler) = Build();
var clock = Stopwatch.StartNew();
var history = model.Fit(train, new FitOptions
{
    Epochs = 40, BatchSize = 16, Seed = 3, Validation = validation, Metrics = new[] { Metric.Accuracy, Metric.MacroF1 },
    Scheduler = scheduler, EarlyStopping = new EarlyStopping("val_loss", patience: 6, minDelta: 1e-4),
    OnEpochEnd = e => Console.WriteLine(e),
});
if (history.StoppedEarly) Console.WriteLine($"early stop after epoch {history.Epochs.Count}; best epoch {history.BestEpoch} restored");

var (outputs, targets) = model.PredictAll(validation);
var confusion = Classification.ConfusionMatrix(outputs, targets);
Console.WriteLine();
Console.WriteLine(confusion.Report(table.ClassNames.ToArray()));
double accuracy = confusion.Accuracy;
Console.WriteLine();
Console.WriteLine($"validation accuracy: {accuracy:P1} (required: {RequiredAccuracy:P0}), top-2 accuracy {Classification.TopKAccuracy(outputs, targets, 2):P1}, {clock.Elapsed.TotalSeconds:F1} s");
return accuracy >= RequiredAccuracy ? 0 : 1;

int ResumeCheck()
{
    var dir = Directory.CreateTempSubdirectory("corgi-tabular-").FullName;
    try
    {
        var (reference, s) = Build();
        reference.Fit(train, Options(s));
        var checkpoint = Path.Combine(dir, "run.ckpt.safetensors");
        var resumed = Path.Combine(dir, "resumed.safetensors");
        Child("--phase1", checkpoint);
        Child("--phase2", checkpoint, resumed);
        var loaded = SafeTensors.Load(resumed);
        foreach (var (name, p) in reference.NamedParameters)
        {
            var a = p.Value.ToArray<double>();
            var b = loaded[name].ToArray<double>();
            if (!a.Select(BitConverter.DoubleToInt64Bits).SequenceEqual(b.Select(BitConverter.DoubleToInt64Bits)))
            {
                Console.WriteLine($"resume check FAILED: parameter {name} differs from the uninterrupted run");
                return 1;
            }
        }
        Console.WriteLine($"resume check passed: a run stopped after 13 updates and resumed in a fresh process equals the uninterrupted run bit for bit ({reference.NamedParameters.Count} tensors)");
        return 0;
    }
    finally
    {
        Directory.Delete(dir, recursive: true);
    }
}

void Child(params string[] rest)
{
    // the same program in a new process: its apphost, or `dotnet Corgi.Examples.Tabular.dll`
    var host = Environment.ProcessPath!;
    var start = new ProcessStartInfo(host) { UseShellExecute = false };
    if (Path.GetFileNameWithoutExtension(host) == "dotnet") start.ArgumentList.Add(typeof(Dataset).Assembly.Location.Replace("Corgi.Core.dll", "Corgi.Examples.Tabular.dll"));
    start.ArgumentList.Add(csvPath);
    foreach (var r in rest) start.ArgumentList.Add(r);
    using var process = Process.Start(start)!;
    process.WaitForExit();
    if (process.ExitCode != 0) throw new InvalidOperationException($"child process {string.Join(" ", rest)} exited with {process.ExitCode}");
}
