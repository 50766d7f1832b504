/// Tests of layers as values (Corgi.FSharp/Layer.fs): composition with >>, shapes and values on small inputs
/// worked out by hand (in the comments), the checks made while building, seeds, sharing and initializers.
module Corgi.FSharp.Tests.LayerTests

open System
open Xunit
open Corgi.NN
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

/// A Dense layer with the given weights [out, in] and bias [out].
let denseOf (weights: float list list) (bias: float list) =
    let d = Dense(List.length weights[0], List.length weights)
    d.Weights.Value <- tensor weights
    (nonNull d.Bias).Value <- tensor bias
    d

let forward (layer: Layer) (x: Tensor) = (Layer.build layer).Forward x

[<Fact>]
let ``dense computes x times W transposed plus b`` () =
    // every weight and bias 0.5: each output is 0.5*1 + 0.5*2 + 0.5 = 2
    forward (Layer.initializer (Init.constant 0.5) >> Layer.dense 2 3) (tensor [ [ 1.; 2. ] ])
    |> assertTensor [ 1; 3 ] [ 2.; 2.; 2. ]

[<Fact>]
let ``dense then relu then dense composes in order`` () =
    // l1: W = [[1, -1], [2, 0]], b = [0, -7]; x = [3, 1]: x·Wᵀ + b = [3 - 1 + 0, 6 + 0 - 7] = [2, -1]
    // relu: [2, 0]; l2: W = [[1, 10]], b = [0.5]: 2 + 0 + 0.5 = 2.5 (without the relu: 2 - 10 + 0.5 = -7.5)
    let l1 = denseOf [ [ 1.; -1. ]; [ 2.; 0. ] ] [ 0.; -7. ]
    let l2 = denseOf [ [ 1.; 10. ] ] [ 0.5 ]
    let x = tensor [ [ 3.; 1. ] ]
    forward (Layer.ofLayer l1 >> Layer.relu >> Layer.ofLayer l2) x |> assertTensor [ 1; 1 ] [ 2.5 ]
    forward (Layer.ofLayer l1 >> Layer.ofLayer l2) x |> assertTensor [ 1; 1 ] [ -7.5 ]
    forward (Layer.sequential [ Layer.ofLayer l1; Layer.relu; Layer.ofLayer l2 ]) x |> assertTensor [ 1; 1 ] [ 2.5 ]
    forward (Layer.compose (Layer.ofLayer l1) (Layer.compose Layer.relu (Layer.ofLayer l2))) x |> assertTensor [ 1; 1 ] [ 2.5 ]

[<Fact>]
let ``a blueprint builds its layers in order`` () =
    let net = Layer.build (Layer.dense 4 8 >> Layer.relu >> Layer.dropout 0.1 >> Layer.dense 8 2 >> Layer.softmax)
    let names = net.Layers |> Seq.map string |> List.ofSeq
    Assert.Equal<string list>([ "Dense(4 -> 8)"; "relu"; "Dropout(0.1)"; "Dense(8 -> 2)"; "softmax" ], names)
    Assert.Empty((Layer.build Layer.identity).Layers)
    Assert.Empty((Layer.build (Layer.seed 1 >> Layer.initializer Init.zeros)).Layers)

[<Fact>]
let ``a small CNN has the expected shapes`` () =
    // [5,1,8,8] -conv 3x3-> [5,2,6,6] -maxpool 2-> [5,2,3,3] -flatten-> [5,18] -dense-> [5,4]
    let net = Layer.seed 1 >> Layer.conv 1 2 3 >> Layer.relu >> Layer.maxPool 2 >> Layer.flatten >> Layer.dense 18 4
    let y = forward net (Tensor.randn 0 [ 5; 1; 8; 8 ])
    Assert.Equal<int list>([ 5; 4 ], Tensor.shape y)
    // with padding 1 and stride 2 a 3x3 conv maps 8x8 to 4x4; avg pooling with stride 1 and window 2 to 3x3
    let options = { Layer.ConvOptions.defaults with Stride = 2; Padding = 1 }
    let net = Layer.convWith options 1 3 3 >> Layer.avgPoolWith { Layer.PoolOptions.defaults with Stride = Some 1 } 2
    Assert.Equal<int list>([ 2; 3; 3; 3 ], forward net (Tensor.randn 0 [ 2; 1; 8; 8 ]) |> Tensor.shape)

[<Fact>]
let ``conv and pooling values`` () =
    // all filter values and the bias 1: each 2x2 window sum + 1; x = [[1,2,3],[4,5,6]]
    // windows: 1+2+4+5 = 12 -> 13, 2+3+5+6 = 16 -> 17
    let x = tensor [ [ [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ] ] ]
    forward (Layer.initializer (Init.constant 1.0) >> Layer.conv 1 1 2) x |> assertTensor [ 1; 1; 1; 2 ] [ 13.; 17. ]
    // max of [[1,5],[3,2]] is 5, mean is 11/4
    let p = tensor [ [ [ [ 1.; 5. ]; [ 3.; 2. ] ] ] ]
    forward (Layer.maxPool 2) p |> assertTensor [ 1; 1; 1; 1 ] [ 5. ]
    forward (Layer.avgPool 2) p |> assertTensor [ 1; 1; 1; 1 ] [ 2.75 ]
    forward Layer.flatten p |> assertTensor [ 1; 4 ] [ 1.; 5.; 3.; 2. ]

[<Fact>]
let ``activation layers`` () =
    let x = tensor [ -1.; 0.; 2. ]
    forward Layer.relu x |> assertTensor [ 3 ] [ 0.; 0.; 2. ]
    forward (Layer.leakyRelu 0.1) x |> assertTensor [ 3 ] [ -0.1; 0.; 2. ]
    // sigmoid 0 = 0.5, tanh 0 = 0
    forward Layer.sigmoid (tensor [ 0. ]) |> assertTensor [ 1 ] [ 0.5 ]
    forward Layer.tanh (tensor [ 0. ]) |> assertTensor [ 1 ] [ 0. ]
    // softmax [0, ln 3] = [1, 3] / 4; log-softmax = ln of that
    forward Layer.softmax (tensor [ [ 0.; log 3. ] ]) |> assertTensor [ 1; 2 ] [ 0.25; 0.75 ]
    forward Layer.logSoftmax (tensor [ [ 0.; log 3. ] ]) |> assertTensor [ 1; 2 ] [ log 0.25; log 0.75 ]
    forward (Layer.activation "square" (fun t -> t * t)) x |> assertTensor [ 3 ] [ 1.; 0.; 4. ]
    let net = Layer.build (Layer.ofFunction "first-two" (Tensor.narrow 0 0 2))
    Assert.Equal("first-two", string net.Layers[0])
    net.Forward x |> assertTensor [ 2 ] [ -1.; 0. ]

[<Fact>]
let ``building refuses layers that do not fit`` () =
    // positions count from 0 like the parameter names: the relu is at 1, the second dense layer at 2
    assertArgumentError "layer: Dense(4 -> 5) at position 2 takes 4 input features, but the layer before it gives 3"
        (fun () -> Layer.build (Layer.dense 2 3 >> Layer.relu >> Layer.dense 4 5))
    assertArgumentError "layer: Conv(3 -> 4, 3x3, stride (1, 1), padding (0, 0)) at position 1 takes 3 input channels, but the layer before it gives 2"
        (fun () -> Layer.build (Layer.conv 1 2 3 >> Layer.conv 3 4 3))
    // after flatten the feature count is not known, so any dense layer is accepted at build time
    Layer.build (Layer.conv 1 2 3 >> Layer.flatten >> Layer.dense 7 1) |> ignore
    assertArgumentError "layer: a residual block must keep the shape, but it maps 2 features to 3"
        (fun () -> Layer.build (Layer.dense 1 2 >> Layer.residual (Layer.dense 2 3)))

[<Fact>]
let ``errors from the core pass through`` () =
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Layer.build (Layer.dense 0 3) |> ignore)
    Assert.StartsWith("dense: the input size must be at least 1, got 0", e.Message)
    let e = Assert.Throws<ArgumentOutOfRangeException>(fun () -> Layer.build (Layer.dropout 1.5) |> ignore)
    Assert.StartsWith("dropout: the probability must be in [0, 1], got 1.5", e.Message)

[<Fact>]
let ``the same seed builds the same weights`` () =
    let blueprint = Layer.seed 5 >> Layer.dense 3 4 >> Layer.relu >> Layer.dense 4 2
    let weights (net: Sequential) = net.Parameters |> Seq.map (fun p -> p.Value) |> List.ofSeq
    let a, b = weights (Layer.build blueprint), weights (Layer.build blueprint)
    Assert.Equal(4, a.Length)
    List.iter2 (fun (x: Tensor) y -> Assert.True(Tensor.equal x y)) a b
    let c = weights (Layer.build (Layer.seed 6 >> Layer.dense 3 4 >> Layer.relu >> Layer.dense 4 2))
    Assert.False(Tensor.equal a[0] c[0])
    // He uniform bound for fan-in 3: sqrt(2/3)
    Assert.True(Tensor.toArray a[0] |> Array.forall (fun v -> abs v <= sqrt (2. / 3.)))

[<Fact>]
let ``a blueprint used twice makes two layers; a shared one makes one`` () =
    let block = Layer.dense 2 2
    let twice = Layer.build (block >> block)
    Assert.Equal(2, twice.Layers.Count)
    Assert.NotSame(twice.Layers[0], twice.Layers[1])
    Assert.Equal(4, twice.Parameters.Count)
    let tied = Layer.shared (Layer.dense 2 2)
    let net = Layer.build (tied >> Layer.relu >> tied)
    Assert.Same(net.Layers[0], net.Layers[2])
    // a parameter shared by two layers is listed once
    Assert.Equal(2, net.Parameters.Count)

[<Fact>]
let ``residual adds the block's output to its input`` () =
    // block: weights and bias 0.5 on x = [1, 2] give [2, 2]; y = x + [2, 2] = [3, 4]
    forward (Layer.residual (Layer.initializer (Init.constant 0.5) >> Layer.dense 2 2)) (tensor [ [ 1.; 2. ] ])
    |> assertTensor [ 1; 2 ] [ 3.; 4. ]

[<Fact>]
let ``dropout is active while training and the identity while evaluating`` () =
    let net = Layer.build (Layer.seed 3 >> Layer.dropout 0.5)
    let x = Tensor.ones [ 1000 ]
    // inverted dropout: kept values are scaled by 1 / (1 - 0.5) = 2
    let y = net.Forward x |> Tensor.toArray
    Assert.True(y |> Array.forall (fun v -> v = 0. || v = 2.))
    Assert.Contains(0., y)
    Assert.Contains(2., y)
    net.Training <- false
    Assert.True(Tensor.equal x (net.Forward x))

[<Fact>]
let ``dense options: no bias, a separate bias initializer`` () =
    let net = Layer.build (Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 3 2)
    Assert.Equal(1, net.Parameters.Count)
    let options = { Layer.DenseOptions.defaults with Init = Some(Init.constant 0.5); BiasInit = Some Init.zeros }
    // 0.5 * (1 + 2) + 0 = 1.5
    forward (Layer.denseWith options 2 1) (tensor [ [ 1.; 2. ] ]) |> assertTensor [ 1; 1 ] [ 1.5 ]

[<Fact>]
let ``options records have the documented defaults`` () =
    Assert.Equal(({ Bias = true; Init = None; BiasInit = None }: Layer.DenseOptions), Layer.DenseOptions.defaults)
    Assert.Equal(({ Stride = 1; Padding = 0; Bias = true; Init = None }: Layer.ConvOptions), Layer.ConvOptions.defaults)
    Assert.Equal(({ Stride = None; Padding = 0 }: Layer.PoolOptions), Layer.PoolOptions.defaults)

[<Fact>]
let ``initializers`` () =
    let make (init: Init) shape = (init.Create(Random 1)).Create(shape, 2, 3)
    make Init.zeros [| 2 |] |> assertTensor [ 2 ] [ 0.; 0. ]
    make (Init.constant 3.) [| 1; 2 |] |> assertTensor [ 1; 2 ] [ 3.; 3. ]
    // Xavier uniform bound for fan-in 2, fan-out 3: sqrt(6 / 5)
    Assert.True(make Init.xavierUniform [| 50 |] |> Tensor.toArray |> Array.forall (fun v -> abs v <= sqrt 1.2))
    let counting = Init.custom "fan" (fun _ shape fanIn fanOut -> Tensor.full shape (float (fanIn * 10 + fanOut)))
    // a dense 2 -> 3 layer: fan-in 2, fan-out 3
    forward (Layer.initializer counting >> Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 2 3) (tensor [ [ 1.; 0. ] ])
    |> assertTensor [ 1; 3 ] [ 23.; 23.; 23. ]
    let wrong = Init.custom "wrong" (fun _ _ _ _ -> Tensor.zeros [ 1 ])
    assertArgumentError "init: the custom initializer returned shape [1] for a parameter of shape [3,2]"
        (fun () -> Layer.build (Layer.initializer wrong >> Layer.dense 2 3))
    // the same seed gives the same C# initializer values
    Assert.True(Tensor.equal ((Init.toInitializer 4 Init.he).Create([| 3 |], 2, 2)) ((Init.toInitializer 4 Init.he).Create([| 3 |], 2, 2)))
    Assert.Equal("he_normal", string Init.heNormal)

[<Fact>]
let ``Layer.dtype builds float32 parameters that compute in float32`` () =
    // weights of ones, no bias: [1, 2] · Wᵀ = [3, 3, 3] in float32
    let net =
        Layer.build (
            Layer.dtype Corgi.DType.Float32
            >> Layer.initializer (Init.constant 1.0)
            >> Layer.denseWith { Layer.DenseOptions.defaults with Bias = false } 2 3
            >> Layer.relu
        )
    Assert.All(net.Parameters, fun p -> Assert.Equal(Corgi.DType.Float32, p.Value.DType))
    let y = net.Forward(Corgi.Tensor([| 1; 2 |], [| 1.0f; 2.0f |]))
    Assert.Equal(Corgi.DType.Float32, y.DType)
    y |> assertTensor [ 1; 3 ] [ 3.; 3.; 3. ]
    // without Layer.dtype: the default dtype (float64)
    Assert.Equal(Corgi.DType.Float64, (Layer.build (Layer.dense 2 3)).Parameters[0].Value.DType)
    // a convolution after Layer.dtype, and the dtype carries into a sub-network
    let conv = Layer.build (Layer.dtype Corgi.DType.Float32 >> Layer.sequential [ Layer.conv 1 2 3 ])
    Assert.All(conv.Parameters, fun p -> Assert.Equal(Corgi.DType.Float32, p.Value.DType))
