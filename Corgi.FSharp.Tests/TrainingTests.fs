/// Tests of Corgi.FSharp/Training.fs: schedules, metrics, datasets, CSV, Training.fit with validation and early
/// stopping, the history's plot-ready series, and a checkpoint resumed bit for bit.
module Corgi.FSharp.Tests.TrainingTests

open System
open System.IO
open System.Threading
open Xunit
open Corgi
open Corgi.NN
open Corgi.FSharp

let private blobs () =
    // two separable blobs on a line: class 0 around -1, class 1 around +1
    let x = tensor [ for i in 0 .. 39 -> [ (if i % 2 = 0 then -1.0 else 1.0) + float (i % 5) * 0.05; float (i % 3) * 0.1 ] ]
    let y = tensor [ for i in 0 .. 39 -> float (i % 2) ]
    Dataset.ofTensors (x, y)

let private build () =
    let optimizer = Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.05 }
    let model = Model.create (Layer.seed 3 >> Layer.dense 2 8 >> Layer.tanh >> Layer.dense 8 2) optimizer Cost.softmaxCrossEntropy
    model, optimizer

[<Fact>]
let ``schedules compose with pipes`` () =
    // warm-up over 2 steps (0, 1/2), then 0.5^(t − 2)
    let s = Schedule.warmup 2 0.0 |> Schedule.andThen 2 (Schedule.exponential 0.5)
    Assert.Equal<float list>([ 0.0; 0.5; 1.0; 0.5; 0.25 ], [ for t in 0 .. 4 -> s |> Schedule.factor t ])
    Assert.Equal(0.5 * 0.81, Schedule.step 2 0.5 |> Schedule.times (Schedule.exponential 0.9) |> Schedule.factor 2, 15)

[<Fact>]
let ``metrics take the labels first`` () =
    let scores = tensor [ [ 0.9; 0.1 ]; [ 0.2; 0.8 ]; [ 0.6; 0.4 ] ]
    let labels = tensor [ 0.; 1.; 1. ]
    Assert.Equal(2.0 / 3.0, scores |> Metrics.accuracy labels, 15)
    // class 1: precision 1/1, recall 1/2, F1 2/3; class 0: precision 1/2, recall 1, F1 2/3
    Assert.Equal(2.0 / 3.0, scores |> Metrics.macroF1 labels, 15)
    Assert.Equal(1.0, tensor [ 1.; 2. ] |> Metrics.mse (tensor [ 2.; 1. ]))

[<Fact>]
let ``fit with validation and early stopping gives a plot-ready history`` () =
    let model, _ = build ()
    let train, validation = blobs () |> Dataset.split 0.25 1
    Assert.Equal(10, Dataset.count validation)
    let history =
        model
        |> Training.fit
            { Training.Options.defaults with
                Epochs = 20; BatchSize = 8; Validation = Some validation
                Metrics = [ Corgi.Metrics.Metric.Accuracy ]
                EarlyStopping = Some(EarlyStopping("accuracy", patience = 3)) }
            train
    let losses = history |> History.trainLoss
    Assert.Equal(1, fst losses.Head)
    Assert.Equal(history.Epochs.Count, losses.Length)
    Assert.Equal(1.0, history |> History.metric "accuracy" |> List.map snd |> List.max)
    Assert.True(history.StoppedEarly)

[<Fact>]
let ``a checkpoint resumes bit for bit`` () =
    let path = Path.Combine(Path.GetTempPath(), $"corgi-fs-{Guid.NewGuid():N}.safetensors")
    try
        let data = blobs ()
        let options scheduler = { Training.Options.defaults with Epochs = 3; BatchSize = 8; Seed = 4; Scheduler = Some scheduler }
        let reference, ro = build ()
        reference |> Training.fit (options (Schedule.cosine 15 0.1 |> Schedule.perBatch ro)) data |> ignore
        let first, fo = build ()
        let scheduler = Schedule.cosine 15 0.1 |> Schedule.perBatch fo
        use cts = new CancellationTokenSource()
        let stop (b: BatchEnd) =
            if b.Position.GlobalStep = 7L then
                first |> Checkpoint.save path (Some b.Position) (Some scheduler)
                cts.Cancel()
        Assert.Throws<OperationCanceledException>(fun () ->
            first |> Training.fit { options scheduler with OnBatchEnd = Some stop; CancellationToken = cts.Token } data |> ignore) |> ignore
        let resumed, o = build ()
        let scheduler2 = Schedule.cosine 15 0.1 |> Schedule.perBatch o
        let position = resumed |> Checkpoint.load path (Some scheduler2)
        resumed |> Training.fit { options scheduler2 with Resume = position } data |> ignore
        for (name, expected), (_, actual) in List.zip (Model.parameters reference) (Model.parameters resumed) do
            Assert.True((expected.ToArray<float>() = actual.ToArray<float>()), $"parameter {name} differs")
    finally
        File.Delete path

[<Fact>]
let ``csv tables and standardization`` () =
    let path = Path.GetTempFileName()
    try
        File.WriteAllText(path, "a,b,kind\n1,10,x\n3,10,y\n")
        let table = path |> Dataset.csv "kind"
        Assert.Equal(Some [ "x"; "y" ], Dataset.classNames table)
        let s = table |> Dataset.fitStandardizer
        let x, _ = table |> Dataset.standardize s |> Dataset.all
        Assert.Equal<float[]>([| -1.; 0.; 1.; 0. |], x.ToArray<float>())
    finally
        File.Delete path
