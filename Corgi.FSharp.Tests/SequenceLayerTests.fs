/// Tests of the normalization, embedding, recurrent and attention layers as F# values (Corgi.FSharp/Layer.fs):
/// hand-derived values (in the comments), composition with >>, dtypes, seeds, train/eval, and a model-level
/// finite-difference check.
module Corgi.FSharp.Tests.SequenceLayerTests

open System
open Xunit
open Corgi
open Corgi.NN
open Corgi.Verification
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

let forward (layer: Layer) (x: Tensor) = (Layer.build layer).Forward x

[<Fact>]
let ``layerNorm of 1 2 3`` () =
    // mean 2, biased variance 2/3: (x - 2)/sqrt(2/3 + 1e-5) = ±1.224726 (1.224745 without eps)
    let s = 1.0 / sqrt (2.0 / 3.0 + 1e-5)
    forward (Layer.layerNorm 3) (tensor [ 1.; 2.; 3. ]) |> assertTensor [ 3 ] [ -s; 0.; s ]

[<Fact>]
let ``rmsNorm and groupNorm by hand`` () =
    // rms of [3, 4] is sqrt(12.5): [0.848528, 1.131371] (eps 2.2e-16 is below the tolerance)
    forward (Layer.rmsNorm 2) (tensor [ 3.; 4. ]) |> assertClose 1e-12 (tensor [ 3. / sqrt 12.5; 4. / sqrt 12.5 ])
    // two groups [1, 2] and [3, 4]: each becomes ±0.5 / sqrt(0.25 + 1e-5)
    let g = 0.5 / sqrt (0.25 + 1e-5)
    forward (Layer.groupNorm 2 4) (tensor [ [ [ 1. ]; [ 2. ]; [ 3. ]; [ 4. ] ] ]) |> assertTensor [ 1; 4; 1 ] [ -g; g; -g; g ]

[<Fact>]
let ``an embedding, an LSTM and a norm compose with >> in float32`` () =
    let net = Layer.seed 1 >> Layer.dtype DType.Float32 >> Layer.embedding 10 4 >> Layer.lstm 4 8 >> Layer.layerNorm 8
    let built = Layer.build net
    let y = built.Forward(tensor [ [ 1.; 2.; 3.; 4.; 5. ]; [ 9.; 8.; 7.; 0.; 0. ] ])
    Assert.Equal<int list>([ 2; 5; 8 ], Tensor.shape y)
    Assert.Equal(DType.Float32, y.DType)
    // a seeded blueprint builds the same network
    assertClose 0.0 y ((Layer.build net).Forward(tensor [ [ 1.; 2.; 3.; 4.; 5. ]; [ 9.; 8.; 7.; 0.; 0. ] ]))
    // 10·4 + 4·8·(4 + 8 + 2) + 2·8 parameters
    Assert.Equal(40 + 448 + 16, built.Parameters |> Seq.sumBy (fun p -> p.Count))

[<Fact>]
let ``recurrent options: bidirectional stacked GRU`` () =
    let opts = { Layer.RecurrentOptions.defaults with Layers = 2; Bidirectional = true }
    let y = forward (Layer.seed 2 >> Layer.gruWith opts 3 5) (Tensor.RandomNormal([| 4; 6; 3 |], 1))
    Assert.Equal<int list>([ 4; 6; 10 ], Tensor.shape y)
    let r = forward (Layer.seed 2 >> Layer.rnn 3 5) (Tensor.RandomNormal([| 4; 6; 3 |], 1))
    Assert.Equal<int list>([ 4; 6; 5 ], Tensor.shape r)

[<Fact>]
let ``a causal transformer encoder does not look ahead`` () =
    let opts = { Layer.TransformerOptions.defaults with Causal = true; Dropout = 0.0 }
    let net = Layer.build (Layer.seed 3 >> Layer.sinusoidalEncoding 8 >> Layer.transformerEncoderWith opts 8 2 16)
    let x = Tensor.RandomNormal([| 1; 4; 8 |], 2)
    let changed = Tensor.Concat([| x.Narrow(1, 0, 2); Tensor.RandomNormal([| 1; 2; 8 |], 3) |], 1)
    let a, b = net.Forward x, net.Forward changed
    // positions 0 and 1 only see positions 0 and 1, which are the same in both inputs
    assertClose 1e-12 (a.Narrow(1, 0, 2)) (b.Narrow(1, 0, 2))
    Assert.NotEqual<float>(a.GetFlat 24, b.GetFlat 24)   // position 3, feature 0 sees the changed positions

[<Fact>]
let ``batch norm in a model follows train and eval`` () =
    let model = Model.create (Layer.seed 4 >> Layer.conv 1 2 3 >> Layer.batchNorm2d 2 >> Layer.relu) (Optim.sgd 0.1) Cost.mse
    let x = Tensor.RandomNormal([| 3; 1; 5; 5 |], 5)
    let bn = model.Layers[1] :?> BatchNorm2d
    model.Forward x |> ignore
    Assert.Equal(1L, bn.BatchesTracked)
    model.Predict x |> ignore   // evaluation: the running statistics stay
    Assert.Equal(1L, bn.BatchesTracked)
    Assert.Contains("BatchNorm2d(2)", model.Summary(3, 1, 5, 5).ToString())

[<Fact>]
let ``model-level finite differences of a small transformer in both dtypes`` () =
    for dtype in [ DType.Float64; DType.Float32 ] do
        let opts = { Layer.TransformerOptions.defaults with Dropout = 0.0; NormFirst = true }
        let net = Layer.build (Layer.seed 5 >> Layer.dtype dtype >> Layer.learnedEncoding 3 4 >> Layer.transformerEncoderWith opts 4 2 6 >> Layer.dense 4 2)
        let ps = Array.ofSeq net.Parameters
        let x = Tensor.RandomNormal([| 2; 3; 4 |], 6, dtype = dtype)
        let w = Tensor.RandomNormal([| 2; 3; 2 |], 7)
        let f (xs: Tensor[]) =
            ps |> Array.iteri (fun i p -> p.Value <- xs[i + 1])
            let y = net.Forward xs[0]
            (y * w.To y.DType).Sum()
        let report = GradientChecker.Check(Func<Tensor[], Tensor> f, Array.append [| x |] (ps |> Array.map (fun p -> p.Value)))
        Assert.True(report.Passed, report.Summary)
