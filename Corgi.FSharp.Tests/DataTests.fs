/// Tests of the data helpers (Corgi.FSharp/Data.fs): spirals, mini-batches, one-hot labels and accuracy.
module Corgi.FSharp.Tests.DataTests

open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

[<Fact>]
let ``two spirals: shapes, labels and the first point of each arm`` () =
    let x, y = Data.twoSpirals 50 1
    Assert.Equal<int list>([ 100; 2 ], Tensor.shape x)
    Assert.Equal<int list>([ 100 ], Tensor.shape y)
    // arm by arm: 50 zeros, then 50 ones
    Assert.Equal<float list>(List.replicate 50 0. @ List.replicate 50 1., Tensor.toArray y |> List.ofArray)
    // every arm starts at radius 0, the origin
    x |> Tensor.narrow 0 0 1 |> assertTensor [ 1; 2 ] [ 0.; 0. ]
    x |> Tensor.narrow 0 50 1 |> assertTensor [ 1; 2 ] [ 0.; 0. ]
    // and ends at radius 1
    let last = x |> Tensor.narrow 0 49 1 |> Tensor.toArray
    Assert.Equal(1., sqrt (last[0] * last[0] + last[1] * last[1]), 12)
    Assert.True(Tensor.equal x (fst (Data.twoSpirals 50 1)))
    let x3, y3 = Data.spirals 3 0.0 10 1
    Assert.Equal<int list>([ 30; 2 ], Tensor.shape x3)
    Assert.Equal(2., Tensor.max y3 |> Tensor.item)

[<Fact>]
let ``minibatches in order`` () =
    // 5 rows in batches of 2: rows 0-1, 2-3, 4
    let x = Tensor.arange 5 |> Tensor.reshape [ 5; 1 ]
    let y = Tensor.arange 5 * 10.
    let batches = Data.minibatches 2 (x, y) |> List.ofSeq
    Assert.Equal<int list>([ 2; 2; 1 ], batches |> List.map (fst >> Tensor.size 0))
    let xb, yb = batches[1]
    xb |> assertTensor [ 2; 1 ] [ 2.; 3. ]
    yb |> assertTensor [ 2 ] [ 20.; 30. ]

[<Fact>]
let ``shuffled minibatches: every row once, a new reproducible order each epoch`` () =
    let x = Tensor.arange 20 |> Tensor.reshape [ 20; 1 ]
    let y = Tensor.arange 20
    let epoch (batches: seq<Tensor * Tensor>) =
        [ for xb, yb in batches do
              // inputs and targets stay paired
              Assert.True(Tensor.equal (Tensor.reshape [ -1 ] xb) yb)
              yield! Tensor.toArray yb ]
    let batches = Data.shuffledMinibatches 7 6 (x, y)
    let first, second = epoch batches, epoch batches
    Assert.Equal<float list>([ 0. .. 19. ], List.sort first)
    Assert.Equal<float list>([ 0. .. 19. ], List.sort second)
    Assert.NotEqual<float list>(first, second)
    Assert.Equal<float list>(first, epoch (Data.shuffledMinibatches 7 6 (x, y)))

[<Fact>]
let ``one-hot and accuracy`` () =
    Data.oneHot 3 (tensor [ 2.; 0. ]) |> assertTensor [ 2; 3 ] [ 0.; 0.; 1.; 1.; 0.; 0. ]
    // arg-max per row: 1, 0; labels 1, 1: one of two
    let scores = tensor [ [ 0.1; 0.9 ]; [ 0.8; 0.2 ] ]
    Assert.Equal(0.5, scores |> Data.accuracy (tensor [ 1.; 1. ]))
    Assert.Equal(1.0, scores |> Data.accuracy (tensor [ [ 0.; 1. ]; [ 1.; 0. ] ]))

[<Fact>]
let ``data in float32: spiralsIn, toDType, oneHotIn`` () =
    let x64, y64 = Data.twoSpirals 20 1
    let x, y = Data.spiralsIn Corgi.DType.Float32 2 0.2 20 1
    Assert.Equal(Corgi.DType.Float32, x.DType)
    Assert.Equal(Corgi.DType.Float32, y.DType)
    // the float32 points are the float64 points rounded
    Assert.Equal<float32[]>(x64.ToArray() |> Array.map float32, x.ToArray<float32>())
    let x2, y2 = (x64, y64) |> Data.toDType Corgi.DType.Float32
    Assert.Equal<float32[]>(x.ToArray<float32>(), x2.ToArray<float32>())
    Assert.Equal(Corgi.DType.Float32, y2.DType)
    // labels [1, 0] as float32 one-hot rows [[0, 1], [1, 0]]
    let oneHot = tensor [ 1.; 0. ] |> Data.oneHotIn Corgi.DType.Float32 2
    Assert.Equal(Corgi.DType.Float32, oneHot.DType)
    oneHot |> assertTensor [ 2; 2 ] [ 0.; 1.; 1.; 0. ]
    // the batches keep the float32 dtype
    for xb, yb in Data.minibatches 16 (x, y) do
        Assert.Equal(Corgi.DType.Float32, xb.DType)
        Assert.Equal(Corgi.DType.Float32, yb.DType)
