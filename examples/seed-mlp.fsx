// The seed's "fully-connected neural network (full version)" in F#, with the seed's shape: an
// initializer, activations, a cost, an optimizer, two dense layers, a model, and a loop of
// forward / backward / update that prints the loss (the C# twin is examples/Seed).
//
// The seed leaves the data to the reader ("set inputs, and targets"); here each input row is random and
// its target is the one-hot position of the largest of its first `outputSize` features.
//
// Run: bash scripts/run-fsx-examples.sh   (or dotnet fsi examples/seed-mlp.fsx after packing to artifacts/;
// see quickstart.fsx for how the package is found).
#r "nuget: Corgi.FSharp"

open System
open Corgi.FSharp

let learningRate = 0.1
let inputSize, hiddenSize, outputSize, batchSize, iterations = 8, 32, 3, 32, 300
let random = Random 7

// the seed's shape: each piece is a value, then the layers, then the model
let initializer = Init.he
let relu = Layer.relu
let softmax = Layer.softmax
let ce = Cost.crossEntropy
let gd = Optim.gradientDescent learningRate
let l1 = Layer.initializer initializer >> Layer.dense inputSize hiddenSize >> relu
let l2 = Layer.dense hiddenSize outputSize >> softmax
let model = Model.create (Layer.seed 42 >> l1 >> l2) gd ce

let mutable loss = nan
let mutable firstLoss = nan
for i in 0 .. iterations - 1 do
    let input = Array.zeroCreate (inputSize * batchSize)
    let target = Array.zeroCreate (outputSize * batchSize)
    // set inputs, and targets
    // tensors in Corgi are never mutated after creation, so we initialise the values first
    for b in 0 .. batchSize - 1 do
        let mutable best = 0
        for j in 0 .. inputSize - 1 do
            input[b * inputSize + j] <- random.NextDouble() * 2.0 - 1.0
            if j < outputSize && input[b * inputSize + j] > input[b * inputSize + best] then best <- j
        target[b * outputSize + best] <- 1.0
    let input = Tensor.create [ batchSize; inputSize ] input
    let target = Tensor.create [ batchSize; outputSize ] target

    let _result = model |> Model.forward input
    loss <- model |> Model.backward target
    // update the parameters, and clear gradients (the backward pass only sets gradients)
    model |> Model.update
    if i = 0 then firstLoss <- loss
    if i % 30 = 0 || i = iterations - 1 then printfn "iteration %3d: loss: %.6f" i loss

printfn "final loss %.4f (chance level is ln 3 = %.4f)" loss (log 3.0)
// The model must have learnt something: the loss falls well below chance.
if not (loss < 0.5 * log 3.0 && loss < firstLoss) then
    invalidOp (sprintf "seed-mlp: the loss did not fall enough (first %.4f, last %.4f)" firstLoss loss)
printfn "seed-mlp: ok"
