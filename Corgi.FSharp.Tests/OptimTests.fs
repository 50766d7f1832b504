/// Tests of optimizers as values (Corgi.FSharp/Optim.fs): one or two steps on a parameter with a known
/// gradient, against updates worked out by hand (in the comments), plus the options' defaults.
module Corgi.FSharp.Tests.OptimTests

open System
open Xunit
open Corgi.NN
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

/// A parameter w = [1, 2] whose gradient is set to g = [3, 4] (the gradient of sum(w * [3, 4])).
let withGradient (p: Parameter) =
    Tensor.sum (p.Value * tensor [ 3.; 4. ]) |> Tensor.backward
    p

let newParameter () = Parameter("w", tensor [ 1.; 2. ]) |> withGradient

/// Runs `steps` updates with the same gradient g = [3, 4] and returns the final value.
let run (steps: int) (optimizer: IOptimizer) =
    let p = newParameter ()
    for i in 1..steps do
        if i > 1 then withGradient p |> ignore
        optimizer |> Optim.update [ p ]
    p

[<Fact>]
let ``gradient descent: p - lr g`` () =
    // [1, 2] - 0.1 [3, 4] = [0.7, 1.6]
    (run 1 (Optim.gradientDescent 0.1)).Value |> assertTensor [ 2 ] [ 0.7; 1.6 ]
    (run 1 (Optim.sgd 0.1)).Value |> assertTensor [ 2 ] [ 0.7; 1.6 ]

[<Fact>]
let ``sgd with momentum over two steps`` () =
    // step 1: b = g = [3, 4], p = [0.7, 1.6]; step 2: b = 0.9 [3, 4] + [3, 4] = [5.7, 7.6], p = [0.7 - 0.57, 1.6 - 0.76]
    (run 2 (Optim.sgdWith { Optim.SgdOptions.defaults with LearningRate = 0.1; Momentum = 0.9 })).Value
    |> assertTensor [ 2 ] [ 0.13; 0.84 ]

[<Fact>]
let ``adam moves each weight by about lr per step at first`` () =
    // step 1: m̂ = g, v̂ = g², so the step is lr·g/(|g| + ε) = 0.001 (up to 3e-12)
    // step 2: m = 0.9·0.1g + 0.1g = 0.19g, m̂ = 0.19g / (1 - 0.81) = g; v = 0.999·0.001g² + 0.001g² = 0.001999g²,
    // v̂ = 0.001999g² / (1 - 0.999²) = g²: again 0.001
    let adam = Optim.adam Optim.AdamOptions.defaults
    (run 1 adam).Value |> assertTensor [ 2 ] [ 0.999; 1.999 ]
    (run 2 (Optim.adam Optim.AdamOptions.defaults)).Value |> assertTensor [ 2 ] [ 0.998; 1.998 ]
    // learning rate 0.01: ten times the step
    (run 1 (Optim.adam { Optim.AdamOptions.defaults with LearningRate = 0.01 })).Value |> assertTensor [ 2 ] [ 0.99; 1.99 ]

[<Fact>]
let ``adamW decays the weights before the Adam step`` () =
    // p (1 - lr λ) - lr · 1 = p · (1 - 1e-3 · 0.01) - 0.001: [0.99999 - 0.001, 1.99998 - 0.001]
    (run 1 (Optim.adamW Optim.AdamWOptions.defaults)).Value |> assertTensor [ 2 ] [ 0.99899; 1.99898 ]

[<Fact>]
let ``rmsProp's first step`` () =
    // s = (1 - 0.99) g² = 0.01 g², sqrt s = 0.1 |g|, step = lr · g / (0.1 |g| + ε) = 0.01 · 10 = 0.1, up to
    // the ε = 1e-8 in the denominator, which changes the step by about 0.1 · 1e-8 / 0.3 = 3e-9 (hence the tolerance)
    (run 1 (Optim.rmsProp Optim.RmsPropOptions.defaults)).Value |> assertClose 1e-8 (tensor [ 0.9; 1.9 ])

[<Fact>]
let ``gradient clipping by global norm`` () =
    // |g| = |[3, 4]| = 5 > 1, so g becomes [0.6, 0.8]; lr 1: [1 - 0.6, 2 - 0.8]
    (run 1 (Optim.sgdWith { Optim.SgdOptions.defaults with LearningRate = 1.0; MaxGradientNorm = Some 1.0 })).Value
    |> assertTensor [ 2 ] [ 0.4; 1.2 ]

[<Fact>]
let ``a custom rule, and gradients are cleared after an update`` () =
    // [1, 2] - 0.5 [3, 4] = [-0.5, 0]
    let p = run 1 (Optim.custom (fun value gradient -> value - 0.5 * gradient))
    p.Value |> assertTensor [ 2 ] [ -0.5; 0. ]
    Assert.True(Tensor.isTracked p.Value && Tensor.isLeaf p.Value)
    Assert.Equal(None, Option.ofObj p.Gradient)
    // a parameter without a gradient, and a frozen one, stay as they are
    let idle = Parameter("idle", tensor [ 1. ])
    let frozen = newParameter ()
    frozen.Frozen <- true
    Optim.custom (fun v g -> v - g) |> Optim.update [ idle; frozen ]
    idle.Value |> assertTensor [ 1 ] [ 1. ]
    frozen.Value |> assertTensor [ 2 ] [ 1.; 2. ]

[<Fact>]
let ``the learning rate can change between steps`` () =
    let gd = Optim.gradientDescent 0.1
    Assert.Equal(0.1, Optim.learningRate gd)
    gd |> Optim.setLearningRate 1.0
    // [1, 2] - 1.0 [3, 4]
    (run 1 gd).Value |> assertTensor [ 2 ] [ -2.; -2. ]

[<Fact>]
let ``invalid hyper-parameters are refused by the core`` () =
    Assert.ThrowsAny<ArgumentException>(fun () -> Optim.sgdWith { Optim.SgdOptions.defaults with Nesterov = true } |> ignore) |> ignore
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Optim.adam { Optim.AdamOptions.defaults with Beta1 = 1.0 } |> ignore) |> ignore
    Assert.Throws<ArgumentOutOfRangeException>(fun () -> Optim.sgd -1.0 |> ignore) |> ignore

[<Fact>]
let ``options records have the documented defaults`` () =
    Assert.Equal(
        ({ LearningRate = 0.01; Momentum = 0.0; Nesterov = false; Dampening = 0.0; WeightDecay = 0.0; MaxGradientNorm = None }: Optim.SgdOptions),
        Optim.SgdOptions.defaults)
    Assert.Equal(
        ({ LearningRate = 1e-3; Beta1 = 0.9; Beta2 = 0.999; Epsilon = 1e-8; WeightDecay = 0.0; MaxGradientNorm = None }: Optim.AdamOptions),
        Optim.AdamOptions.defaults)
    Assert.Equal(
        ({ LearningRate = 1e-3; Beta1 = 0.9; Beta2 = 0.999; Epsilon = 1e-8; WeightDecay = 0.01; MaxGradientNorm = None }: Optim.AdamWOptions),
        Optim.AdamWOptions.defaults)
    Assert.Equal(
        ({ LearningRate = 0.01; Alpha = 0.99; Epsilon = 1e-8; Momentum = 0.0; WeightDecay = 0.0; MaxGradientNorm = None }: Optim.RmsPropOptions),
        Optim.RmsPropOptions.defaults)
    // the records reach the core unchanged
    let adam = Optim.adam { Optim.AdamOptions.defaults with Beta2 = 0.99; MaxGradientNorm = Some 2.0 } :?> Adam
    Assert.Equal(0.99, adam.Beta2)
    Assert.Equal(Nullable 2.0, adam.MaxGradientNorm)
