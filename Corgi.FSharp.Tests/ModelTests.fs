/// Tests of Model, Cost and Progress (Corgi.FSharp/Model.fs): the seed's forward / backward / update on a
/// one-weight model worked out by hand (in the comments), fit, accuracy, save/load, and options instead of nulls.
module Corgi.FSharp.Tests.ModelTests

open System
open System.IO
open Xunit
open Corgi.NN
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

/// y = w·x with one weight w = 2, no bias; mean squared error; gradient descent with lr 0.1.
let oneWeight () =
    let layer = Layer.initializer (Init.constant 2.0) >> Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 1 1
    Model.create layer (Optim.gradientDescent 0.1) Cost.mse

let x = tensor [ [ 1. ]; [ 2. ] ]
let y = tensor [ [ 1. ]; [ 2. ] ]

[<Fact>]
let ``forward, backward and update by hand`` () =
    let model = oneWeight ()
    // output w·x = [2, 4]; loss = mean((2 - 1)², (4 - 2)²) = (1 + 4) / 2 = 2.5
    model |> Model.forward x |> assertTensor [ 2; 1 ] [ 2.; 4. ]
    Assert.Equal(2.5, model |> Model.backward y, 12)
    // dL/dw = mean(2 (w x - y) x) = (2·1·1 + 2·2·2) / 2 = 5
    match Model.gradients model with
    | [ "0.weight", Some g ] -> g |> assertTensor [ 1; 1 ] [ 5. ]
    | other -> failwithf "unexpected gradients %A" other
    model |> Model.update
    // w = 2 - 0.1·5 = 1.5, and the gradient is gone
    Model.parameter "0.weight" model |> Option.get |> assertTensor [ 1; 1 ] [ 1.5 ]
    Assert.Equal<(string * Tensor option) list>([ "0.weight", None ], Model.gradients model)

[<Fact>]
let ``step is forward, backward and update`` () =
    let model = oneWeight ()
    Assert.Equal(2.5, model |> Model.step x y, 12)
    // with w = 1.5: output [1.5, 3], loss = (0.25 + 1) / 2 = 0.625
    Assert.Equal(0.625, model |> Model.evaluate x y, 12)

[<Fact>]
let ``backward without a forward pass is refused`` () =
    let e = Assert.Throws<InvalidOperationException>(fun () -> oneWeight () |> Model.backward y |> ignore)
    Assert.StartsWith("model: backward needs a forward pass first", e.Message)

[<Fact>]
let ``parameters are named like nn.Sequential and there are no nulls`` () =
    let model = Model.create (Layer.seed 1 >> Layer.dense 3 4 >> Layer.relu >> Layer.dense 4 2) (Optim.sgd 0.1) Cost.mse
    Assert.Equal<string list>([ "0.weight"; "0.bias"; "2.weight"; "2.bias" ], Model.parameters model |> List.map fst)
    Assert.Equal<int list list>([ [ 4; 3 ]; [ 4 ]; [ 2; 4 ]; [ 2 ] ], Model.parameters model |> List.map (snd >> Tensor.shape))
    // 4·3 + 4 + 2·4 + 2 = 26
    Assert.Equal(26, Model.parameterCount model)
    Assert.Equal(4, (Model.parameterList model).Length)
    Assert.Equal(3, (Model.layers model).Length)
    Assert.Equal(None, Model.parameter "1.weight" model)
    Assert.True(Model.gradients model |> List.forall (snd >> Option.isNone))

[<Fact>]
let ``predict records no graph and switches dropout off`` () =
    let model = Model.create (Layer.seed 1 >> Layer.dense 2 8 >> Layer.dropout 0.5 >> Layer.dense 8 1) (Optim.sgd 0.1) Cost.mse
    let input = Tensor.randn 3 [ 4; 2 ]
    let a = model |> Model.predict input
    Assert.False(Tensor.isTracked a)
    Assert.True(Tensor.equal a (model |> Model.predict input))
    // in training mode the dropout masks differ from call to call
    let b = model |> Model.forward input
    let c = model |> Model.forward input
    Assert.False(Tensor.equal b c)

[<Fact>]
let ``accuracy counts rows whose arg-max is the label`` () =
    // the identity layer: predictions are argmax of [1,0], [0,1], [2,3] = 0, 1, 1; labels 0, 1, 0: 2 of 3
    let identity = Dense(2, 2)
    identity.Weights.Value <- Tensor.eye 2
    (nonNull identity.Bias).Value <- Tensor.zeros [ 2 ]
    let model = Model.create (Layer.ofLayer identity) (Optim.sgd 0.1) Cost.softmaxCrossEntropy
    let inputs = tensor [ [ 1.; 0. ]; [ 0.; 1. ]; [ 2.; 3. ] ]
    Assert.Equal(2. / 3., model |> Model.accuracy inputs (tensor [ 0.; 1.; 0. ]), 12)
    Assert.Equal(2. / 3., model |> Model.predict inputs |> Data.accuracy (tensor [ 0.; 1.; 0. ]), 12)

[<Fact>]
let ``fit reduces the loss and returns one mean loss per epoch`` () =
    let inputs, labels = Data.twoSpirals 50 1
    let model =
        Model.create
            (Layer.seed 2 >> Layer.dense 2 32 >> Layer.relu >> Layer.dense 32 32 >> Layer.relu >> Layer.dense 32 2)
            (Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.01 })
            Cost.softmaxCrossEntropy
    let before = model |> Model.evaluate inputs labels
    let losses = model |> Model.fit { Model.FitOptions.defaults with Epochs = 30; BatchSize = 10; Seed = 1 } (inputs, labels)
    Assert.Equal(30, losses.Length)
    let after = model |> Model.evaluate inputs labels
    Assert.True(after < before / 2., sprintf "loss before %f, after %f" before after)
    Assert.True(List.last losses < List.head losses / 2., sprintf "epoch losses %A" losses)

[<Fact>]
let ``fitWith reports progress`` () =
    // 10 rows in batches of 4: 3 steps per epoch (4, 4, 2)
    let inputs, targets = Tensor.randn 1 [ 10; 1 ], Tensor.randn 2 [ 10; 1 ]
    let reports = ResizeArray<TrainingProgress>()
    let losses = oneWeight () |> Model.fitWith reports.Add { Model.FitOptions.defaults with Epochs = 2; BatchSize = 4 } (inputs, targets)
    // by default only the end of each epoch
    Assert.Equal<(int * int * bool) list>([ 1, 3, true; 2, 3, true ], [ for r in reports -> r.Epoch, r.Step, r.EndOfEpoch ])
    Assert.Equal<float list>(losses, [ for r in reports -> r.MeanLoss ])
    reports.Clear()
    oneWeight () |> Model.fitWith reports.Add { Model.FitOptions.defaults with Epochs = 2; BatchSize = 4; ProgressInterval = 1 } (inputs, targets) |> ignore
    Assert.Equal<(int * int) list>([ 1, 1; 1, 2; 1, 3; 2, 1; 2, 2; 2, 3 ], [ for r in reports -> r.Epoch, r.Step ])
    Assert.StartsWith("epoch 2/2  step 3/3  loss ", Progress.format reports[5])

[<Fact>]
let ``fit options have the documented defaults and bad ones are refused`` () =
    Assert.Equal(
        ({ Epochs = 1; BatchSize = 32; Shuffle = true; Seed = 0; DropLast = false; ProgressInterval = 0; DisposeScopePerStep = true }: Model.FitOptions),
        Model.FitOptions.defaults)
    Assert.Throws<ArgumentOutOfRangeException>(fun () ->
        oneWeight () |> Model.fit { Model.FitOptions.defaults with BatchSize = 0 } (x, y) |> ignore)
    |> ignore

[<Fact>]
let ``save and load round-trip the parameters`` () =
    let blueprint seed = Layer.seed seed >> Layer.dense 2 3 >> Layer.tanh >> Layer.dense 3 1
    let a = Model.create (blueprint 1) (Optim.sgd 0.1) Cost.mse
    let b = Model.create (blueprint 2) (Optim.sgd 0.1) Cost.mse
    let path = Path.Combine(Path.GetTempPath(), sprintf "corgi-fsharp-%O.safetensors" (Guid.NewGuid()))
    try
        a |> Model.save path
        let firstOf model = Model.parameters model |> List.head |> snd
        Assert.False(Tensor.equal (firstOf a) (firstOf b))
        b |> Model.load path
        List.iter2 (fun (na, ta) (nb, tb) ->
            Assert.Equal<string>((na: string), nb)
            Assert.True(Tensor.equal ta tb)) (Model.parameters a) (Model.parameters b)
        // a model of another shape is refused and left unchanged
        let c = Model.create (Layer.dense 2 4 >> Layer.dense 4 1) (Optim.sgd 0.1) Cost.mse
        let before = Model.parameters c
        let e = Assert.Throws<InvalidDataException>(fun () -> c |> Model.load path)
        Assert.Contains("misshaped '0.weight' (file [3,2], model [4,2])", e.Message)
        List.iter2 (fun (_, t1) (_, t2) -> Assert.Same(t1, t2)) before (Model.parameters c)
    finally
        File.Delete path

[<Fact>]
let ``costs by hand`` () =
    // mse of [1, 3] against [2, 2]: (1 + 1) / 2 = 1
    tensor [ 1.; 3. ] |> Cost.compute Cost.mse (tensor [ 2.; 2. ]) |> assertTensor [] [ 1. ]
    // softmax of logits [0, ln 3] is [0.25, 0.75]; class 1: -ln 0.75
    tensor [ [ 0.; log 3. ] ] |> Cost.compute Cost.softmaxCrossEntropy (tensor [ 1. ]) |> assertTensor [] [ -(log 0.75) ]
    // cross-entropy on probabilities [0.25, 0.75] with one-hot [0, 1]: -ln 0.75
    tensor [ [ 0.25; 0.75 ] ] |> Cost.compute Cost.crossEntropy (tensor [ [ 0.; 1. ] ]) |> assertTensor [] [ -(log 0.75) ]
    // binary cross-entropy of p = 0.5 against t = 1: -ln 0.5
    tensor [ 0.5 ] |> Cost.compute Cost.binaryCrossEntropy (tensor [ 1. ]) |> assertTensor [] [ log 2. ]
    let mae = Cost.custom "mae" (fun output target -> Tensor.mean (Tensor.abs (output - target)))
    Assert.Equal("mae", Cost.name mae)
    // mean(|1 - 2|, |3 - 2|) = 1
    tensor [ 1.; 3. ] |> Cost.compute mae (tensor [ 2.; 2. ]) |> assertTensor [] [ 1. ]

[<Fact>]
let ``a custom cost trains a model`` () =
    // mean absolute error: dL/dw = mean(sign(w x - y) x) = (1 + 2) / 2 = 1.5 at w = 2; w = 2 - 0.1·1.5 = 1.85
    let model = oneWeight ()
    model |> Model.setOptimizer (Optim.gradientDescent 0.1)
    model.Cost <- Cost.custom "mae" (fun output target -> Tensor.mean (Tensor.abs (output - target)))
    model |> Model.step x y |> ignore
    Model.parameter "0.weight" model |> Option.get |> assertTensor [ 1; 1 ] [ 1.85 ]

[<Fact>]
let ``Progress.console writes a live line on a terminal and epoch lines otherwise`` () =
    let report step endOfEpoch =
        TrainingProgress(1, 2, step, 3, 0.5, 0.25, 100.0, 10L, TimeSpan.Zero, endOfEpoch)
    let original = Console.Out
    use writer = new StringWriter()
    Console.SetOut writer
    try
        Progress.console (report 1 false)
        Progress.console (report 3 true)
    finally
        Console.SetOut original
    let text = writer.ToString()
    // the end-of-epoch line shows the epoch's mean loss (0.25), a step line the batch's loss (0.5)
    if Console.IsOutputRedirected then
        // test runners redirect the output: only the end of the epoch, as a plain line
        Assert.Equal("epoch 1/2  step 3/3  loss 0.2500  100 samples/s" + Environment.NewLine, text)
    else
        Assert.Equal(
            "\r" + "epoch 1/2  step 1/3  loss 0.5000  100 samples/s".PadRight 72
            + "\r" + "epoch 1/2  step 3/3  loss 0.2500  100 samples/s".PadRight 72,
            text)

[<Fact>]
let ``a float32 model: createIn, training step by hand, toDType and back`` () =
    // the one-weight model in float32: w = 2, x = [1, 2], y = [1, 2]; loss 2.5, dL/dw = 5, w ← 2 - 0.1·5 = 1.5
    let layer = Layer.initializer (Init.constant 2.0) >> Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 1 1
    let model = Model.createIn Corgi.DType.Float32 layer (Optim.gradientDescent 0.1) Cost.mse
    Assert.Equal(Corgi.DType.Float32, Model.dtype model)
    // float64 data is converted to the model's dtype
    Assert.Equal(2.5, model |> Model.step x y, 6)
    match Model.parameter "0.weight" model with
    | Some w ->
        Assert.Equal(Corgi.DType.Float32, w.DType)
        w |> assertTensor [ 1; 1 ] [ 1.5 ]
    | None -> failwith "no weight"
    Assert.Equal(Corgi.DType.Float32, (model |> Model.predict x).DType)
    // float32 -> float64 is exact, and back rounds to the same float32 values
    let wide = model |> Model.toDType Corgi.DType.Float64
    Assert.Same(model, wide)
    Assert.Equal(Corgi.DType.Float64, Model.dtype model)
    model |> Model.parameters |> List.iter (fun (_, t) -> Assert.Equal(Corgi.DType.Float64, t.DType))
    model |> Model.toDType Corgi.DType.Float32 |> Model.dtype |> fun d -> Assert.Equal(Corgi.DType.Float32, d)

[<Fact>]
let ``a float32 model saves and loads bit for bit`` () =
    let path = Path.Combine(Path.GetTempPath(), "corgi-fs-model32-" + string (Guid.NewGuid()) + ".safetensors")
    try
        let build () =
            Model.createIn Corgi.DType.Float32 (Layer.seed 3 >> Layer.dense 2 4 >> Layer.relu >> Layer.dense 4 2) (Optim.sgd 0.1) Cost.softmaxCrossEntropy
        let model = build ()
        model |> Model.save path
        let other = Model.createIn Corgi.DType.Float32 (Layer.seed 4 >> Layer.dense 2 4 >> Layer.relu >> Layer.dense 4 2) (Optim.sgd 0.1) Cost.softmaxCrossEntropy
        other |> Model.load path
        for (_, a), (_, b) in List.zip (Model.parameters model) (Model.parameters other) do
            Assert.Equal(Corgi.DType.Float32, b.DType)
            Assert.Equal<float32[]>(a.ToArray<float32>(), b.ToArray<float32>())
    finally
        File.Delete path
