/// Tests of the Tensor module (Corgi.FSharp/Tensor.fs): creation, data-last argument order, pipelines,
/// reductions, shapes, gradients as options. Expected values are worked out by hand in the comments.
module Corgi.FSharp.Tests.TensorTests

open System
open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

// ------------------------------------------------------------------ creation

[<Fact>]
let ``zeros, ones, full and the like functions`` () =
    Tensor.zeros [ 2; 3 ] |> assertTensor [ 2; 3 ] (List.replicate 6 0.)
    Tensor.ones [| 2 |] |> assertTensor [ 2 ] [ 1.; 1. ]
    Tensor.full [ 2 ] 7. |> assertTensor [ 2 ] [ 7.; 7. ]
    let m = tensor [ [ 1.; 2. ] ]
    Tensor.zerosLike m |> assertTensor [ 1; 2 ] [ 0.; 0. ]
    Tensor.onesLike m |> assertTensor [ 1; 2 ] [ 1.; 1. ]
    Tensor.fullLike 3. m |> assertTensor [ 1; 2 ] [ 3.; 3. ]
    Tensor.scalar 2.5 |> assertTensor [] [ 2.5 ]
    Tensor.ofSeq [ 1.; 2. ] |> assertTensor [ 2 ] [ 1.; 2. ]
    Tensor.create [ 2; 2 ] [ 1.; 2.; 3.; 4. ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]
    Tensor.ofArray2D (array2D [ [ 1.; 2. ] ]) |> assertTensor [ 1; 2 ] [ 1.; 2. ]

[<Fact>]
let ``ranges and the identity`` () =
    Tensor.arange 4 |> assertTensor [ 4 ] [ 0.; 1.; 2.; 3. ]
    // 0, 0.25, 0.5, 0.75 are below 1; 1 itself is excluded
    Tensor.arangeFrom 0. 1. 0.25 |> assertTensor [ 4 ] [ 0.; 0.25; 0.5; 0.75 ]
    // 5 points from 0 to 1 inclusive: steps of 1/4
    Tensor.linspace 0. 1. 5 |> assertTensor [ 5 ] [ 0.; 0.25; 0.5; 0.75; 1. ]
    Tensor.eye 2 |> assertTensor [ 2; 2 ] [ 1.; 0.; 0.; 1. ]

[<Fact>]
let ``random tensors are reproducible from the seed and in range`` () =
    Assert.True(Tensor.equal (Tensor.rand 42 [ 5 ]) (Tensor.rand 42 [ 5 ]))
    Assert.False(Tensor.equal (Tensor.rand 42 [ 5 ]) (Tensor.rand 43 [ 5 ]))
    Assert.True(Tensor.toArray (Tensor.rand 1 [ 100 ]) |> Array.forall (fun v -> v >= 0. && v < 1.))
    Assert.True(Tensor.toArray (Tensor.uniform 1 -2. -1. [ 100 ]) |> Array.forall (fun v -> v >= -2. && v < -1.))
    Assert.Equal<int list>([ 2; 3 ], Tensor.randn 7 [ 2; 3 ] |> Tensor.shape)
    Assert.Equal<int list>([ 4 ], Tensor.normal 7 10. 0.1 [ 4 ] |> Tensor.shape)

// ------------------------------------------------------------------ information

[<Fact>]
let ``shape, rank, count, size, item, get`` () =
    let m = tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    Assert.Equal<int list>([ 2; 3 ], Tensor.shape m)
    Assert.Equal(2, Tensor.rank m)
    Assert.Equal(6, Tensor.count m)
    Assert.Equal(3, Tensor.size -1 m)
    Assert.Equal(6., Tensor.get [ 1; 2 ] m)
    Assert.Equal(2., Tensor.get [ 0; -2 ] m)
    Assert.Equal(5., Tensor.getFlat 4 m)
    Assert.Equal(4., m.[1, 0])
    Assert.Equal(9., tensor 9. |> Tensor.item)

[<Fact>]
let ``toArray2D round-trips and refuses other ranks`` () =
    let a = array2D [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    Assert.Equal<float[,]>(a, tensor a |> Tensor.toArray2D)
    assertArgumentError
        "toArray2D: the tensor has shape [3] (rank 1); only a rank-2 tensor converts to float[,]"
        (fun () -> tensor [ 1.; 2.; 3. ] |> Tensor.toArray2D)

[<Fact>]
let ``allClose and equal`` () =
    let a = tensor [ 1.; 2. ]
    Assert.True(a |> Tensor.allClose (tensor [ 1.; 2. + 1e-12 ]))
    Assert.False(a |> Tensor.equal (tensor [ 1.; 2. + 1e-12 ]))
    Assert.True(a |> Tensor.allCloseWith 0. 0.1 (tensor [ 1.05; 2. ]))

// ------------------------------------------------------------------ data-last order and pipelines

[<Fact>]
let ``binary functions take the data last`` () =
    let x, y = tensor [ 6. ], tensor [ 2. ]
    x |> Tensor.sub y |> assertTensor [ 1 ] [ 4. ] // x - y
    x |> Tensor.div y |> assertTensor [ 1 ] [ 3. ] // x / y
    x |> Tensor.add y |> assertTensor [ 1 ] [ 8. ]
    x |> Tensor.mul y |> assertTensor [ 1 ] [ 12. ]
    x |> Tensor.pow 2. |> assertTensor [ 1 ] [ 36. ]
    x |> Tensor.powTensor y |> assertTensor [ 1 ] [ 36. ]
    x |> Tensor.maximum y |> assertTensor [ 1 ] [ 6. ]
    x |> Tensor.minimum y |> assertTensor [ 1 ] [ 2. ]
    x |> Tensor.addScalar 1. |> Tensor.subScalar 3. |> Tensor.mulScalar 2. |> Tensor.divScalar 4. |> assertTensor [ 1 ] [ 2. ]
    // axpy alpha x y = alpha x + y: 3*2 + 6
    x |> Tensor.axpy 3. y |> assertTensor [ 1 ] [ 12. ]

[<Fact>]
let ``matmul w x is x times w`` () =
    // [1,2] (1x2) times [[1,2,3],[4,5,6]] (2x3) = [1+8, 2+10, 3+12]
    tensor [ [ 1.; 2. ] ] |> Tensor.matmul (tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ])
    |> assertTensor [ 1; 3 ] [ 9.; 12.; 15. ]
    // x · wᵀ with w = [[1,2],[3,4]]: [1,1]·[1,2] = 3, [1,1]·[3,4] = 7
    tensor [ [ 1.; 1. ] ] |> Tensor.matmulT (tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]) |> assertTensor [ 1; 2 ] [ 3.; 7. ]
    tensor [ 1.; 2. ] |> Tensor.dot (tensor [ 3.; 4. ]) |> assertTensor [] [ 11. ]
    tensor [ 1.; 2. ] |> Tensor.outer (tensor [ 3.; 4.; 5. ]) |> assertTensor [ 2; 3 ] [ 3.; 4.; 5.; 6.; 8.; 10. ]

[<Fact>]
let ``a dense layer as a pipeline`` () =
    let x = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
    let w = tensor [ [ 1.; 0. ]; [ 0.; -1. ] ]
    let b = tensor [ 0.5; 0.5 ]
    // x·w = [[1,-2],[3,-4]]; + b = [[1.5,-1.5],[3.5,-3.5]]; relu = [[1.5,0],[3.5,0]]; sum = 5
    x |> Tensor.matmul w |> Tensor.add b |> Tensor.relu |> Tensor.sum |> assertTensor [] [ 5. ]

[<Fact>]
let ``element-wise functions`` () =
    let x = tensor [ -1.; 0.; 4. ]
    x |> Tensor.neg |> assertTensor [ 3 ] [ 1.; 0.; -4. ]
    x |> Tensor.abs |> assertTensor [ 3 ] [ 1.; 0.; 4. ]
    x |> Tensor.sign |> assertTensor [ 3 ] [ -1.; 0.; 1. ]
    x |> Tensor.square |> assertTensor [ 3 ] [ 1.; 0.; 16. ]
    x |> Tensor.clamp -0.5 2. |> assertTensor [ 3 ] [ -0.5; 0.; 2. ]
    x |> Tensor.relu |> assertTensor [ 3 ] [ 0.; 0.; 4. ]
    x |> Tensor.leakyRelu 0.1 |> assertTensor [ 3 ] [ -0.1; 0.; 4. ]
    tensor [ 4.; 0.25 ] |> Tensor.sqrt |> assertTensor [ 2 ] [ 2.; 0.5 ]
    tensor [ 4.; 0.25 ] |> Tensor.reciprocal |> assertTensor [ 2 ] [ 0.25; 4. ]
    tensor [ 0.; 1. ] |> Tensor.exp |> assertTensor [ 2 ] [ 1.; Math.E ]
    tensor [ 1.; Math.E ] |> Tensor.log |> assertTensor [ 2 ] [ 0.; 1. ]
    // sigmoid 0 = 1/2; tanh 0 = 0; sigmoid ln 3 = 1/(1 + 1/3) = 3/4
    tensor [ 0.; log 3. ] |> Tensor.sigmoid |> assertTensor [ 2 ] [ 0.5; 0.75 ]
    tensor [ 0. ] |> Tensor.tanh |> assertTensor [ 1 ] [ 0. ]

[<Fact>]
let ``softmax and logSoftmax along a dimension`` () =
    // softmax [0, ln 3] = [1, 3] / 4
    let x = tensor [ [ 0.; log 3. ]; [ log 3.; 0. ] ]
    x |> Tensor.softmax -1 |> assertTensor [ 2; 2 ] [ 0.25; 0.75; 0.75; 0.25 ]
    x |> Tensor.logSoftmax 1 |> assertTensor [ 2; 2 ] [ log 0.25; log 0.75; log 0.75; log 0.25 ]
    // along dim 0 the columns are [0, ln 3] and [ln 3, 0]
    x |> Tensor.softmax 0 |> assertTensor [ 2; 2 ] [ 0.25; 0.75; 0.75; 0.25 ]

[<Fact>]
let ``reductions over all elements and over dimensions`` () =
    let m = tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    m |> Tensor.sum |> assertTensor [] [ 21. ]
    m |> Tensor.mean |> assertTensor [] [ 3.5 ]
    m |> Tensor.sumDim 0 |> assertTensor [ 3 ] [ 5.; 7.; 9. ]
    m |> Tensor.sumDims [ 1 ] |> assertTensor [ 2 ] [ 6.; 15. ]
    m |> Tensor.sumDimsKeep [ 1 ] |> assertTensor [ 2; 1 ] [ 6.; 15. ]
    m |> Tensor.meanDim 1 |> assertTensor [ 2 ] [ 2.; 5. ]
    m |> Tensor.meanDims [ 0; 1 ] |> assertTensor [] [ 3.5 ]
    m |> Tensor.meanDimsKeep [ 0 ] |> assertTensor [ 1; 3 ] [ 2.5; 3.5; 4.5 ]
    m |> Tensor.sumLast 2 |> assertTensor [] [ 21. ]
    m |> Tensor.sumTo [ 1; 3 ] |> assertTensor [ 1; 3 ] [ 5.; 7.; 9. ]
    m |> Tensor.max |> assertTensor [] [ 6. ]
    m |> Tensor.min |> assertTensor [] [ 1. ]
    m |> Tensor.maxDim 1 |> assertTensor [ 2 ] [ 3.; 6. ]
    m |> Tensor.minDim 0 |> assertTensor [ 3 ] [ 1.; 2.; 3. ]
    tensor [ [ 3.; 9.; 1. ] ] |> Tensor.argMax 1 |> assertTensor [ 1 ] [ 1. ]
    tensor [ [ 3.; 9.; 1. ] ] |> Tensor.argMin 1 |> assertTensor [ 1 ] [ 2. ]
    let values, indices = tensor [ [ 3.; 9.; 1. ]; [ 7.; 2.; 8. ] ] |> Tensor.maxWithIndices 1
    values |> assertTensor [ 2 ] [ 9.; 8. ]
    indices |> assertTensor [ 2 ] [ 1.; 2. ]
    let values, indices = tensor [ [ 3.; 9.; 1. ]; [ 7.; 2.; 8. ] ] |> Tensor.minWithIndices 1
    values |> assertTensor [ 2 ] [ 1.; 2. ]
    indices |> assertTensor [ 2 ] [ 2.; 1. ]

[<Fact>]
let ``shape functions`` () =
    let m = tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    m |> Tensor.reshape [ 3; -1 ] |> assertTensor [ 3; 2 ] [ 1. .. 6. ]
    m |> Tensor.flatten |> assertTensor [ 6 ] [ 1. .. 6. ]
    m |> Tensor.transpose |> assertTensor [ 3; 2 ] [ 1.; 4.; 2.; 5.; 3.; 6. ]
    m |> Tensor.permute [ 1; 0 ] |> assertTensor [ 3; 2 ] [ 1.; 4.; 2.; 5.; 3.; 6. ]
    m |> Tensor.transposeDims 0 1 |> assertTensor [ 3; 2 ] [ 1.; 4.; 2.; 5.; 3.; 6. ]
    m |> Tensor.unsqueeze 0 |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 1; 2; 3 ], s)
    m |> Tensor.unsqueeze 0 |> Tensor.squeeze |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 2; 3 ], s)
    m |> Tensor.unsqueeze 2 |> Tensor.squeezeDim 2 |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 2; 3 ], s)
    m |> Tensor.unsqueeze 0 |> Tensor.flattenDims 0 1 |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 2; 3 ], s)
    tensor [ 1.; 2. ] |> Tensor.broadcastTo [ 2; 2 ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 1.; 2. ]
    m |> Tensor.narrow 1 1 2 |> assertTensor [ 2; 2 ] [ 2.; 3.; 5.; 6. ]
    m |> Tensor.slice 1 0 1 |> assertTensor [ 2; 1 ] [ 1.; 4. ]
    m |> Tensor.indexSelect 1 [ 2; 0; 2 ] |> assertTensor [ 2; 3 ] [ 3.; 1.; 3.; 6.; 4.; 6. ]
    [ tensor [ 1.; 2. ]; tensor [ 3. ] ] |> Tensor.concat 0 |> assertTensor [ 3 ] [ 1.; 2.; 3. ]
    [ tensor [ 1.; 2. ]; tensor [ 3.; 4. ] ] |> Tensor.stack 1 |> assertTensor [ 2; 2 ] [ 1.; 3.; 2.; 4. ]

[<Fact>]
let ``MathNet matrices round-trip`` () =
    let m = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
    m |> Tensor.toMatrix |> Tensor.ofMatrix |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]

[<Fact>]
let ``core errors pass through with their message`` () =
    let ex = Assert.ThrowsAny<ArgumentException>(fun () -> Tensor.zeros [ 2; 3 ] |> Tensor.matmul (Tensor.zeros [ 4; 5 ]) |> ignore)
    Assert.StartsWith("matmul: cannot multiply [2,3] by [4,5]: inner dimensions 3 and 4 differ", ex.Message)

// ------------------------------------------------------------------ tracking and gradients

[<Fact>]
let ``gradient is None until a backward pass reaches the tensor`` () =
    let x = tensor [ 1.; 2. ] |> Tensor.tracked
    Assert.True(Tensor.isTracked x)
    Assert.True(Tensor.isLeaf x)
    Assert.Equal(None, Tensor.gradient x)
    Assert.Equal(None, tensor [ 1. ] |> Tensor.gradient)
    // d/dx sum(x*x) = 2x
    x * x |> Tensor.sum |> Tensor.backward
    match Tensor.gradient x with
    | Some g -> g |> assertTensor [ 2 ] [ 2.; 4. ]
    | None -> failwith "expected a gradient"
    Tensor.clearGradient x
    Assert.Equal(None, Tensor.gradient x)

[<Fact>]
let ``takeGradient returns the gradient once`` () =
    let x = tensor [ 3. ] |> Tensor.tracked
    x * 2. |> Tensor.backward
    (Tensor.takeGradient x).Value |> assertTensor [ 1 ] [ 2. ]
    Assert.Equal(None, Tensor.takeGradient x)

[<Fact>]
let ``backwardWith contracts with the seed`` () =
    // y = 3x, seed [1, 10]: dL/dx = 3 * seed
    let x = tensor [ 1.; 2. ] |> Tensor.tracked
    x * 3. |> Tensor.backwardWith (tensor [ 1.; 10. ])
    (Tensor.gradient x).Value |> assertTensor [ 2 ] [ 3.; 30. ]

[<Fact>]
let ``untracked, detach, start and stop tracking`` () =
    let x = tensor [ 1. ] |> Tensor.tracked
    let y = x * 2.
    Assert.False(Tensor.isLeaf y)
    Assert.False(y |> Tensor.detach |> Tensor.isTracked)
    Assert.False(y |> Tensor.untracked |> Tensor.isTracked)
    let z = tensor [ 1. ]
    Assert.False(Tensor.startTracking z)
    Assert.True(Tensor.isTracked z)
    Assert.True(Tensor.stopTracking z)
    Assert.False(Tensor.isTracked z)

[<Fact>]
let ``retainGradient keeps an intermediate gradient`` () =
    // y = 2x, L = sum(y*y): dL/dy = 2y = 4x = [4]
    let x = tensor [ 1. ] |> Tensor.tracked
    let y = x * 2. |> Tensor.retainGradient
    y * y |> Tensor.sum |> Tensor.backward
    (Tensor.gradient y).Value |> assertTensor [ 1 ] [ 4. ]

[<Fact>]
let ``noGrad records nothing`` () =
    let x = tensor [ 1. ] |> Tensor.tracked
    let y = Tensor.noGrad (fun () ->
        Assert.False(Tensor.isGradEnabled ())
        x * 2.)
    Assert.False(Tensor.isTracked y)
    Assert.True(Tensor.isGradEnabled ())

[<Fact>]
let ``scoped disposes what it makes, keeps its tensor result, gradients and what the result's graph reaches`` () =
    let x = tensor [ 1.; 2.; 3. ] |> Tensor.tracked
    let mutable inside = Unchecked.defaultof<Corgi.Tensor>
    // loss = sum(x * x) = 1 + 4 + 9 = 14; d/dx = 2x
    let loss =
        Tensor.scoped (fun () ->
            inside <- x + 1.
            x * x |> Tensor.sum)
    Assert.True(Tensor.isDisposed inside)
    Assert.Throws<ObjectDisposedException>(fun () -> inside.ToArray() |> ignore) |> ignore
    Assert.Equal("tensor(disposed, shape=[3])", Tensor.format inside) // FSI can still print it
    Assert.False(Tensor.isDisposed loss)
    loss |> assertTensor [] [ 14. ]
    Tensor.backward loss // x * x was kept: loss's graph reaches it
    (Tensor.gradient x).Value |> assertTensor [ 3 ] [ 2.; 4.; 6. ]
    // a float result, with backward inside: the gradient survives
    Tensor.clearGradient x
    let value = Tensor.scoped (fun () -> let l = x * 3. |> Tensor.sum in Tensor.backward l; Tensor.item l)
    Assert.Equal(18., value)
    (Tensor.gradient x).Value |> assertTensor [ 3 ] [ 3.; 3.; 3. ]

[<Fact>]
let ``moveToOuterScope and detachFromScope keep tensors past their scope`` () =
    let x = tensor [ 1.; 2. ]
    let mutable moved = Unchecked.defaultof<Corgi.Tensor>
    let mutable detached = Unchecked.defaultof<Corgi.Tensor>
    Tensor.scoped (fun () ->
        Tensor.scoped (fun () ->
            moved <- x * 2. |> Tensor.moveToOuterScope
            detached <- x * 3. |> Tensor.detachFromScope)
        Assert.False(Tensor.isDisposed moved))
    Assert.True(Tensor.isDisposed moved) // the outer scope disposed it
    detached |> assertTensor [ 2 ] [ 3.; 6. ]

[<Fact>]
let ``custom operations are differentiable`` () =
    // cube with its derivative 3x^2: at 2, value 8 and gradient 12
    let cube x =
        Tensor.custom "cube" (fun xs -> xs[0] * xs[0] * xs[0]) (fun xs _ g -> [ Some(g * 3.0 * xs[0] * xs[0]) ]) [ x ]
    let x = tensor [ 2. ] |> Tensor.tracked
    let y = cube x
    y |> assertTensor [ 1 ] [ 8. ]
    Tensor.backward y
    (Tensor.gradient x).Value |> assertTensor [ 1 ] [ 12. ]

// ------------------------------------------------------------------ convolution, pooling, dropout

[<Fact>]
let ``layerNorm, data-last`` () =
    // [1, 3]: mean 2, biased variance 1, so (x - 2) / sqrt(1 + eps); with eps 0, γ = [2, 2] and β = [1, 0]: [-2 + 1, 2 + 0] = [-1, 2]
    tensor [ [ 1.; 3. ] ] |> Tensor.layerNormWith 0.0 (Some(tensor [ 2.; 2. ])) (Some(tensor [ 1.; 0. ])) [ 2 ] |> assertTensor [ 1; 2 ] [ -1.; 2. ]
    // eps 1e-5 by default: ±1 / sqrt(1 + 1e-5)
    let v = 1.0 / sqrt (1.0 + 1e-5)
    tensor [ [ 1.; 3. ] ] |> Tensor.layerNorm [ 2 ] |> assertTensor [ 1; 2 ] [ -v; v ]

[<Fact>]
let ``gruRecurrence, data-last`` () =
    // L = N = H = 1, input gates [0.3, -0.4, 0.6], W_hh = 0.5, b_hh = 0.1, h0 = 0.2: h' = 0.4307565095005508
    // (worked out in RecurrenceTests.GruOneStepByHand in Corgi.Tests)
    let gates = tensor [ [ [ 0.3; -0.4; 0.6 ] ] ]
    let output, h = gates |> Tensor.gruRecurrence (Tensor.full [ 3; 1 ] 0.5) (Some(Tensor.full [ 3 ] 0.1)) (Tensor.full [ 1; 1 ] 0.2)
    output |> assertTensor [ 1; 1; 1 ] [ 0.4307565095005508 ]
    h |> assertTensor [ 1; 1 ] [ 0.4307565095005508 ]

[<Fact>]
let ``lstmRecurrence, data-last`` () =
    // L = N = H = 1, every gate's pre-activation 0.5 (W_hh · h0 = 0, no bias): c = σ(0.5) tanh(0.5) = 0.28764913664496794,
    // h = σ(0.5) tanh(c) = 0.17426971865610508 (see RecurrenceTests in Corgi.Tests)
    let gates = Tensor.full [ 1; 1; 4 ] 0.5
    let output, h, c = gates |> Tensor.lstmRecurrence (Tensor.full [ 4; 1 ] 0.5) None (Tensor.zeros [ 1; 1 ], Tensor.zeros [ 1; 1 ])
    output |> assertTensor [ 1; 1; 1 ] [ 0.17426971865610508 ]
    h |> assertTensor [ 1; 1 ] [ 0.17426971865610508 ]
    c |> assertTensor [ 1; 1 ] [ 0.28764913664496794 ]

[<Fact>]
let ``conv2d and pooling, data-last`` () =
    // x = [[1,2,3],[4,5,6]], one 2x2 filter of ones: window sums 1+2+4+5 = 12 and 2+3+5+6 = 16
    let x = tensor [ [ [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ] ] ]
    let ones = Tensor.ones [ 1; 1; 2; 2 ]
    x |> Tensor.conv2d ones |> assertTensor [ 1; 1; 1; 2 ] [ 12.; 16. ]
    // padding 1 and stride 2 over the padded 4x5 image: windows at columns 0, 2 and rows 0, 2
    // row 0: [0+0+0+1, 0+0+2+3] = [1, 5]; row 2: [0+4+0+0, 5+6+0+0] = [4, 11]; bias 10
    x |> Tensor.conv2dWith 2 1 (Some(tensor [ 10. ])) ones |> assertTensor [ 1; 1; 2; 2 ] [ 11.; 15.; 14.; 21. ]
    // fused relu: without bias [12, 16] stay; the padded windows [1, 5, 4, 11] with bias -4 are
    // [-3, 1, 0, 7] -> [0, 1, 0, 7]
    x |> Tensor.conv2dRelu ones |> assertTensor [ 1; 1; 1; 2 ] [ 12.; 16. ]
    x |> Tensor.conv2dReluWith 2 1 (Some(tensor [ -4. ])) ones |> assertTensor [ 1; 1; 2; 2 ] [ 0.; 1.; 0.; 7. ]
    let p = tensor [ [ [ [ 1.; 5. ]; [ 3.; 2. ] ] ] ]
    p |> Tensor.maxPool2d 2 |> assertTensor [ 1; 1; 1; 1 ] [ 5. ]
    p |> Tensor.avgPool2d 2 |> assertTensor [ 1; 1; 1; 1 ] [ 2.75 ]
    // window 1, stride 1: the identity
    p |> Tensor.maxPool2dWith 1 0 1 |> assertTensor [ 1; 1; 2; 2 ] [ 1.; 5.; 3.; 2. ]
    // window 2, stride 1, zero padding 1 on a 2x2 image: a 3x3 result; the corner windows hold one value, /4
    (p |> Tensor.avgPool2dWith 1 1 2 |> Tensor.toArray)[0] |> fun v -> Assert.Equal(0.25, v)
    let d = Tensor.ones [ 100 ] |> Tensor.dropout 0.5 (Random 1) |> Tensor.toArray
    Assert.True(d |> Array.forall (fun v -> v = 0. || v = 2.))

// ------------------------------------------------------------------ dtypes

[<Fact>]
let ``dtype, float32, float64 and toDType convert both ways`` () =
    let x = Tensor.ofSeq [ 0.5; 1.25 ]
    assertDType Corgi.DType.Float64 x
    let x32 = x |> Tensor.float32
    assertDType Corgi.DType.Float32 x32
    Assert.Equal(Corgi.DType.Float32, Tensor.dtype x32)
    // 0.5 and 1.25 are exact in float32, so the round trip is exact
    Assert.Equal(x, x32 |> Tensor.float64)
    Assert.Same(x, x |> Tensor.toDType Corgi.DType.Float64)
    assertDType Corgi.DType.Float32 (x |> Tensor.toDType Corgi.DType.Float32)

[<Fact>]
let ``float32 rounds to nearest`` () =
    // 0.1 is not a float: float32 keeps the nearest float, 0.100000001490116...
    let t = Tensor.ofSeq [ 0.1 ] |> Tensor.float32
    Assert.Equal(float 0.1f, Tensor.item t)
    Assert.NotEqual(0.1, Tensor.item t)

[<Fact>]
let ``dtype-taking creators`` () =
    for dt in [ Corgi.DType.Float32; Corgi.DType.Float64 ] do
        let z = Tensor.zerosOf dt [ 2; 3 ]
        assertDType dt z
        assertTensor [ 2; 3 ] (List.replicate 6 0.0) z
        let o = Tensor.onesOf dt [ 2 ]
        assertDType dt o
        assertTensor [ 2 ] [ 1.; 1. ] o
        let f = Tensor.fullOf dt [ 1; 2 ] 7.5
        assertDType dt f
        assertTensor [ 1; 2 ] [ 7.5; 7.5 ] f
        Tensor.arangeOf dt 4 |> assertTensor [ 4 ] [ 0.; 1.; 2.; 3. ]
        assertDType dt (Tensor.arangeOf dt 4)
        Tensor.linspaceOf dt 0.0 1.0 5 |> assertTensor [ 5 ] [ 0.; 0.25; 0.5; 0.75; 1. ]
        Tensor.eyeOf dt 2 |> assertTensor [ 2; 2 ] [ 1.; 0.; 0.; 1. ]
        Tensor.scalarOf dt 3.0 |> assertTensor [] [ 3. ]
        assertDType dt (Tensor.scalarOf dt 3.0)
        Tensor.createOf dt [ 2; 2 ] [ 1.; 2.; 3.; 4. ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]
        assertDType dt (Tensor.createOf dt [ 2 ] [ 1.; 2. ])
        assertDType dt (Tensor.ofSeqOf dt [ 1.; 2. ])
        assertDType dt (Tensor.randOf dt 1 [ 3 ])
        assertDType dt (Tensor.randnOf dt 1 [ 3 ])
    assertDType Corgi.DType.Float32 (Tensor.ofSeq32 [ 1.0f ])

[<Fact>]
let ``random creators draw the same values in both dtypes, rounded once`` () =
    let a = Tensor.randnOf Corgi.DType.Float64 7 [ 5 ]
    let b = Tensor.randnOf Corgi.DType.Float32 7 [ 5 ]
    Assert.Equal(a |> Tensor.float32, b)

[<Fact>]
let ``withDefaultDType changes the factories' default and restores it`` () =
    let z = Tensor.withDefaultDType Corgi.DType.Float32 (fun () -> Tensor.zeros [ 2 ])
    assertDType Corgi.DType.Float32 z
    Assert.Equal(Corgi.DType.Float64, Tensor.defaultDType ())
    assertDType Corgi.DType.Float64 (Tensor.zeros [ 2 ])

[<Fact>]
let ``resultDType follows PyTorch's promotion`` () =
    let a32 = Tensor.onesOf Corgi.DType.Float32 [ 2 ]
    let b64 = Tensor.ones [ 2 ]
    Assert.Equal(Corgi.DType.Float64, Tensor.resultDType a32 b64)
    // a rank-0 float64 tensor does not widen a dimensioned float32 one
    Assert.Equal(Corgi.DType.Float32, Tensor.resultDType a32 (Tensor.scalar 2.0))
    Assert.Equal(Corgi.DType.Float32, Tensor.resultDType a32 a32)

[<Fact>]
let ``arithmetic in float32 by hand`` () =
    // [1, 2] * [3, 4] + 0.5 = [3.5, 8.5], exact in float32; a float (0.5) does not widen it
    let r = tensor [ 1.0f; 2.0f ] * tensor [ 3.0f; 4.0f ] + 0.5
    assertDType Corgi.DType.Float32 r
    Assert.Equal<float32[]>([| 3.5f; 8.5f |], Tensor.toArray32 r)
    // float32 + float64 gives float64
    assertDType Corgi.DType.Float64 (tensor [ 1.0f ] + tensor [ 1.0 ])

[<Fact>]
let ``toArray2D of a float32 matrix`` () =
    let m = tensor [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ] ] |> Tensor.toArray2D
    Assert.Equal(4.0, m.[1, 1])

[<Fact>]
let ``toArray32 of a float64 tensor names the conversion`` () =
    let ex = Assert.Throws<InvalidOperationException>(fun () -> Tensor.ones [ 2 ] |> Tensor.toArray32 |> ignore)
    Assert.Contains("float64", ex.Message)

[<Fact>]
let ``detectAnomalies names the op that made NaN from finite inputs`` () =
    let x = tensor [ 1.0; 0.0 ]
    let e = Assert.Throws<System.InvalidOperationException>(fun () -> Tensor.detectAnomalies (fun () -> x |> Tensor.log |> ignore))
    Assert.Contains("anomaly: log", e.Message)
    // outside the scope the same op passes through
    Assert.Equal(System.Double.NegativeInfinity, (x |> Tensor.log).[1])
