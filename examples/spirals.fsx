// A two-spirals classifier (the CS231n spiral set): 2 -> 64 -> 64 -> 2 with ReLU, softmax cross-entropy
// on the logits, Adam, trained with Model.fitWith. The progress line is live on a terminal (rewritten in
// place with \r) and one plain line per epoch when the output is redirected; then the training accuracy,
// which must be at least 95%.
//
// Run: bash scripts/run-fsx-examples.sh   (or dotnet fsi examples/spirals.fsx after packing to artifacts/;
// see quickstart.fsx for how the package is found).
#r "nuget: Corgi.FSharp"

open System.Diagnostics
open Corgi.FSharp

let x, labels = Data.twoSpirals 200 1 // x [400, 2], labels [400] (0 or 1)

// layers are values; >> is F#'s own function composition
let network =
    Layer.seed 2
    >> Layer.dense 2 64 >> Layer.relu
    >> Layer.dense 64 64 >> Layer.relu
    >> Layer.dense 64 2 // logits: Cost.softmaxCrossEntropy applies the softmax

let model =
    Model.create network (Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.01 }) Cost.softmaxCrossEntropy

printfn "%O, %d parameters" model (Model.parameterCount model)
let options = { Model.FitOptions.defaults with Epochs = 60; BatchSize = 20; Seed = 3; ProgressInterval = 5 }
let clock = Stopwatch.StartNew()
let losses = model |> Model.fitWith Progress.console options (x, labels)
let accuracy = model |> Model.accuracy x labels
printfn "mean loss per epoch: first %.4f, last %.4f" (List.head losses) (List.last losses)
printfn "training accuracy: %.1f%% on %d points (%.1f s)" (100.0 * accuracy) (Tensor.size 0 x) clock.Elapsed.TotalSeconds
if accuracy < 0.95 then invalidOp (sprintf "spirals: training accuracy %.3f is below 0.95" accuracy)
printfn "spirals: ok"
