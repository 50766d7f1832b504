namespace Corgi.FSharp

open System
open System.Threading
open Corgi
open Corgi.Data
open Corgi.NN
open Corgi.NN.Schedules

/// <summary>
/// Learning-rate schedules as closed forms of the step t (<c>Corgi.NN.Schedules.Schedule</c>), data last so they
/// compose with pipes: <c>Schedule.warmup 5 0.1 |&gt; Schedule.andThen 5 (Schedule.cosine 100 0.0)</c>.
/// </summary>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Schedule =
    /// <summary>f(t) = 1.</summary>
    let constant: Schedule = Schedule.Constant()
    /// <summary>γ^⌊t / stepSize⌋ (PyTorch's StepLR).</summary>
    let step (stepSize: int) (gamma: float) : Schedule = Schedule.Step(stepSize, gamma)
    /// <summary>γ^(number of milestones ≤ t) (MultiStepLR).</summary>
    let multiStep (milestones: int list) (gamma: float) : Schedule = Schedule.MultiStep(milestones, gamma)
    /// <summary>γ^t (ExponentialLR).</summary>
    let exponential (gamma: float) : Schedule = Schedule.Exponential gamma
    /// <summary>m + (1 − m)(1 + cos(π·min(t, T)/T))/2 (CosineAnnealingLR), with m = minFactor.</summary>
    let cosine (period: int) (minFactor: float) : Schedule = Schedule.CosineAnnealing(period, minFactor)
    /// <summary>s + (1 − s)·t/W for t &lt; W, then 1.</summary>
    let warmup (steps: int) (startFactor: float) : Schedule = Schedule.LinearWarmup(steps, startFactor)
    /// <summary>The one-cycle policy over N steps with PyTorch's defaults (30 % rising, div 25, final div 1e4).</summary>
    let oneCycle (totalSteps: int) : Schedule = Schedule.OneCycle totalSteps
    /// <summary>A schedule from a function of the step.</summary>
    let custom (name: string) (factor: int -> float) : Schedule = Schedule.Custom(name, Func<int, float> factor)
    /// <summary><c>first</c> for <c>steps</c> steps, then <c>next</c> from its step 0.</summary>
    let andThen (steps: int) (next: Schedule) (first: Schedule) : Schedule = first.Then(steps, next)
    /// <summary>The product f(t)·g(t).</summary>
    let times (g: Schedule) (f: Schedule) : Schedule = f * g
    /// <summary>The factor at step t.</summary>
    let factor (t: int) (schedule: Schedule) : float = schedule.Factor t
    /// <summary>A scheduler stepping per batch: lr = base · schedule(t), with the optimizer's current rate as the base.</summary>
    let perBatch (optimizer: Optimizer) (schedule: Schedule) : LearningRateScheduler = LearningRateScheduler(optimizer, schedule)
    /// <summary>A scheduler stepping per epoch.</summary>
    let perEpoch (optimizer: Optimizer) (schedule: Schedule) : LearningRateScheduler =
        LearningRateScheduler(optimizer, schedule, interval = ScheduleInterval.Epoch)
    /// <summary>A scheduler with a reduce-on-plateau rule (decay, patience) times the schedule, stepping per epoch.</summary>
    let withPlateau (decay: float) (patience: int) (optimizer: Optimizer) (schedule: Schedule) : LearningRateScheduler =
        LearningRateScheduler(optimizer, schedule, ReduceOnPlateau(decay, patience), ScheduleInterval.Epoch)

/// <summary>Metrics of scores [samples, classes] or predictions against labels or targets (<c>Corgi.Metrics</c>); data last.</summary>
[<RequireQualifiedAccess>]
module Metrics =
    /// <summary>Arg-max accuracy.</summary>
    let accuracy (labels: Tensor) (scores: Tensor) : float = Corgi.Metrics.Classification.Accuracy(scores, labels)
    /// <summary>Top-k accuracy.</summary>
    let topK (k: int) (labels: Tensor) (scores: Tensor) : float = Corgi.Metrics.Classification.TopKAccuracy(scores, labels, k)
    /// <summary>The confusion matrix (precision, recall, F1 per class and macro).</summary>
    let confusion (labels: Tensor) (scores: Tensor) : Corgi.Metrics.ConfusionMatrix = Corgi.Metrics.Classification.ConfusionMatrix(scores, labels)
    /// <summary>The macro-averaged F1.</summary>
    let macroF1 (labels: Tensor) (scores: Tensor) : float = (confusion labels scores).MacroF1
    /// <summary>Mean squared error.</summary>
    let mse (targets: Tensor) (predictions: Tensor) : float = Corgi.Metrics.Regression.MeanSquaredError(predictions, targets)
    /// <summary>Mean absolute error.</summary>
    let mae (targets: Tensor) (predictions: Tensor) : float = Corgi.Metrics.Regression.MeanAbsoluteError(predictions, targets)
    /// <summary>The coefficient of determination R².</summary>
    let r2 (targets: Tensor) (predictions: Tensor) : float = Corgi.Metrics.Regression.R2(predictions, targets)

/// <summary>Datasets, loaders, splits and standardization (<c>Corgi.Data</c>); data last.</summary>
[<RequireQualifiedAccess>]
module Dataset =
    /// <summary>A dataset over (inputs, targets) whose first dimension indexes samples.</summary>
    let ofTensors (x: Tensor, y: Tensor) : IDataset = Dataset.FromTensors(x, y)
    /// <summary>A dataset holding the (input, target) samples of a sequence.</summary>
    let ofSamples (samples: seq<Tensor * Tensor>) : IDataset = Dataset.FromSamples(samples |> Seq.map Sample)
    /// <summary>A dataset from IDX files (inputs scaled by <c>scale</c>, labels): <c>Dataset.idx (1.0 / 255.0) "train-labels.gz" "train-images.gz"</c>.</summary>
    let idx (scale: float) (labelsPath: string) (inputsPath: string) : IDataset = Dataset.FromIdx(inputsPath, labelsPath, scale)
    /// <summary>The number of samples.</summary>
    let count (dataset: IDataset) : int = dataset.Count
    /// <summary>(training, validation) with round(fraction · count) validation samples drawn from the seed.</summary>
    let split (validationFraction: float) (seed: int) (dataset: IDataset) : IDataset * IDataset =
        let struct (train, validation) = Dataset.Split(dataset, validationFraction, seed)
        train, validation
    /// <summary>All samples as (inputs, targets).</summary>
    let all (dataset: IDataset) : Tensor * Tensor = let b = Dataset.All dataset in b.Inputs, b.Targets
    /// <summary>The dataset with a function applied to the inputs of every batch.</summary>
    let mapInputs (f: Tensor -> Tensor) (dataset: IDataset) : IDataset =
        Dataset.Map(dataset, Func<Batch, Batch>(fun b -> Batch(f b.Inputs, b.Targets)))
    /// <summary>A standardizer fitted on the inputs of a (training) dataset.</summary>
    let fitStandardizer (dataset: IDataset) : Standardizer = Standardizer.Fit dataset
    /// <summary>The dataset with standardized inputs.</summary>
    let standardize (standardizer: Standardizer) (dataset: IDataset) : IDataset = mapInputs standardizer.Transform dataset
    /// <summary>The batches of one epoch of a loader (batch size, shuffled from the seed).</summary>
    let batches (batchSize: int) (seed: int) (epoch: int) (dataset: IDataset) : seq<Tensor * Tensor> =
        DataLoader(dataset, batchSize, true, seed).Batches(epoch) |> Seq.map (fun b -> b.Inputs, b.Targets)
    /// <summary>A CSV table with a class-name label column, all other columns as features.</summary>
    let csv (labelColumn: string) (path: string) : CsvTable = Csv.Load(path, CsvOptions(LabelColumn = labelColumn))
    /// <summary>The class names of a CSV table by index (None for a numeric label).</summary>
    let classNames (table: CsvTable) : string list option = table.ClassNames |> Option.ofObj |> Option.map List.ofSeq
    /// <summary>A CSV table read with options (feature columns, label kind, class names, delimiter, dtype).</summary>
    let csvWith (options: CsvOptions) (path: string) : CsvTable = Csv.Load(path, options)

/// <summary>Series of a <c>TrainingHistory</c> as (epoch, value) lists, ready to plot: <c>history |&gt; History.trainLoss |&gt; Chart.Line</c>.</summary>
[<RequireQualifiedAccess>]
module History =
    let private series (values: Collections.Generic.IReadOnlyList<float>) = values |> Seq.mapi (fun i v -> i + 1, v) |> List.ofSeq
    /// <summary>(epoch, mean training loss).</summary>
    let trainLoss (history: TrainingHistory) : (int * float) list = series history.TrainLoss
    /// <summary>(epoch, validation loss).</summary>
    let validationLoss (history: TrainingHistory) : (int * float) list = series history.ValidationLoss
    /// <summary>(epoch, learning rate at the epoch's end).</summary>
    let learningRate (history: TrainingHistory) : (int * float) list = series history.LearningRate
    /// <summary>(epoch, a validation metric).</summary>
    let metric (name: string) (history: TrainingHistory) : (int * float) list = series (history.Metric name)
    /// <summary>The epochs' records.</summary>
    let epochs (history: TrainingHistory) : EpochRecord list = List.ofSeq history.Epochs

/// <summary>Fit on datasets with validation, metrics, a scheduler, early stopping, accumulation, callbacks and checkpoints.</summary>
/// <example>
/// <code>
/// let history =
///     model |&gt; Training.fit { Training.Options.defaults with Epochs = 30; Validation = Some validation
///                                                              Metrics = [ Corgi.Metrics.Metric.Accuracy ] } train
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Training =
    /// <summary>Settings of <c>Training.fit</c> (see <c>Corgi.NN.FitOptions</c>).</summary>
    type Options =
        {
            /// <summary>Passes over the data.</summary>
            Epochs: int
            /// <summary>Samples per batch.</summary>
            BatchSize: int
            /// <summary>Whether each epoch has a new order.</summary>
            Shuffle: bool
            /// <summary>The seed of the orders.</summary>
            Seed: int
            /// <summary>Skip a short last batch.</summary>
            DropLast: bool
            /// <summary>Validation data, evaluated after every epoch.</summary>
            Validation: IDataset option
            /// <summary>Metrics on the validation data.</summary>
            Metrics: Corgi.Metrics.Metric list
            /// <summary>A learning-rate scheduler.</summary>
            Scheduler: LearningRateScheduler option
            /// <summary>Early stopping.</summary>
            EarlyStopping: EarlyStopping option
            /// <summary>Batches per optimizer update.</summary>
            AccumulationSteps: int
            /// <summary>Cancels the fit.</summary>
            CancellationToken: CancellationToken
            /// <summary>Called after every batch.</summary>
            OnBatchEnd: (BatchEnd -> unit) option
            /// <summary>Called after every epoch.</summary>
            OnEpochEnd: (EpochRecord -> unit) option
            /// <summary>A checkpoint written after every epoch.</summary>
            CheckpointPath: string option
            /// <summary>Where to resume (from <c>Checkpoint.load</c>).</summary>
            Resume: TrainingPosition option
            /// <summary>Batches prepared ahead on a background task (0: none).</summary>
            Prefetch: int
        }

    /// <summary>The defaults of <see cref="T:Corgi.FSharp.TrainingModule.Options"/>.</summary>
    [<RequireQualifiedAccess>]
    module Options =
        /// <summary>One epoch of shuffled batches of 32 (seed 0), nothing else.</summary>
        let defaults: Options =
            { Epochs = 1; BatchSize = 32; Shuffle = true; Seed = 0; DropLast = false; Validation = None; Metrics = []
              Scheduler = None; EarlyStopping = None; AccumulationSteps = 1; CancellationToken = CancellationToken.None
              OnBatchEnd = None; OnEpochEnd = None; CheckpointPath = None; Resume = None; Prefetch = 0 }

    /// <summary>The C# options of an F# record.</summary>
    let toCore (o: Options) : FitOptions =
        FitOptions(
            Epochs = o.Epochs, BatchSize = o.BatchSize, Shuffle = o.Shuffle, Seed = o.Seed, DropLast = o.DropLast,
            Validation = Option.toObj o.Validation, Metrics = Array.ofList o.Metrics, Scheduler = Option.toObj o.Scheduler,
            EarlyStopping = Option.toObj o.EarlyStopping, AccumulationSteps = o.AccumulationSteps, CancellationToken = o.CancellationToken,
            OnBatchEnd = (match o.OnBatchEnd with Some f -> Action<BatchEnd> f | None -> null),
            OnEpochEnd = (match o.OnEpochEnd with Some f -> Action<EpochRecord> f | None -> null),
            CheckpointPath = Option.toObj o.CheckpointPath, Resume = Option.toObj o.Resume, Prefetch = o.Prefetch)

    /// <summary>Trains on a dataset and returns the history.</summary>
    let fit (options: Options) (train: IDataset) (model: Model) : TrainingHistory = model.Fit(train, toCore options)

    /// <summary><c>fit</c> with a progress callback.</summary>
    let fitWith (onProgress: TrainingProgress -> unit) (options: Options) (train: IDataset) (model: Model) : TrainingHistory =
        model.Fit(train, toCore options, Action<TrainingProgress> onProgress)

/// <summary>Resumable checkpoints (<c>Corgi.IO.Checkpoint</c>).</summary>
[<RequireQualifiedAccess>]
module Checkpoint =
    /// <summary>Writes the model, its optimizer's state, the scheduler and the position to one file, atomically.</summary>
    let save (path: string) (position: TrainingPosition option) (scheduler: LearningRateScheduler option) (model: Model) : unit =
        Corgi.IO.Checkpoint.Save(path, model, Option.toObj position, Option.toObj scheduler)

    /// <summary>Restores a checkpoint into a model built the same way; returns the position to resume from.</summary>
    let load (path: string) (scheduler: LearningRateScheduler option) (model: Model) : TrainingPosition option =
        Corgi.IO.Checkpoint.Load(path, model, Option.toObj scheduler).Position |> Option.ofObj
