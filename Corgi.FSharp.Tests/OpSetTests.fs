/// Tests of issue 11's indexing, shape, einsum, convolution and pooling wrappers (Corgi.FSharp/Tensor.fs) and
/// of F# slicing syntax (Corgi.FSharp/Slicing.fs). Expected values are worked out by hand in the comments.
module Corgi.FSharp.Tests.OpSetTests

open System
open Xunit
open Corgi
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

// m = [[0, 1, 2], [3, 4, 5], [6, 7, 8]]
let private m () = Tensor.arange 9 |> Tensor.reshape [ 3; 3 ]

// ------------------------------------------------------------------ slicing syntax

[<Fact>]
let ``ranges keep their dimension and include their end`` () =
    let t = m ()
    t[0..1, *] |> assertTensor [ 2; 3 ] [ 0.; 1.; 2.; 3.; 4.; 5. ]
    t.[1.., 1..] |> assertTensor [ 2; 2 ] [ 4.; 5.; 7.; 8. ]
    t[..0, ..1] |> assertTensor [ 1; 2 ] [ 0.; 1. ]
    // a negative bound counts from the end: -1 is the last row
    t[-1.., *] |> assertTensor [ 1; 3 ] [ 6.; 7.; 8. ]
    (Tensor.arange 5)[1..3] |> assertTensor [ 3 ] [ 1.; 2.; 3. ]

[<Fact>]
let ``an integer removes its dimension`` () =
    let t = m ()
    t[*, 1] |> assertTensor [ 3 ] [ 1.; 4.; 7. ]
    t[1, *] |> assertTensor [ 3 ] [ 3.; 4.; 5. ]
    t[2, 0..1] |> assertTensor [ 2 ] [ 6.; 7. ]
    // 3-D: x[i,j,k] = 4i + 2j + k
    let x = Tensor.arange 8 |> Tensor.reshape [ 2; 2; 2 ]
    x[1, *, 0] |> assertTensor [ 2 ] [ 4.; 6. ]
    x[*, 1, *] |> assertTensor [ 2; 2 ] [ 2.; 3.; 6.; 7. ]
    // all integers: the core's indexer, a float
    Assert.Equal(5.0, t[1, 2])

[<Fact>]
let ``slicing is differentiable`` () =
    // d/dt Σ t[*, 1] = 1 in column 1
    let g = Diff.grad (fun t -> t[*, 1] |> Tensor.sum) (m ())
    g |> assertTensor [ 3; 3 ] [ 0.; 1.; 0.; 0.; 1.; 0.; 0.; 1.; 0. ]

[<Fact>]
let ``slicing errors name the shape`` () =
    let ex = Assert.Throws<ArgumentOutOfRangeException>(fun () -> (m ())[3, *] |> ignore)
    Assert.Contains("slicing: index 3 is out of range for dimension 0 of shape [3,3]", ex.Message)

// ------------------------------------------------------------------ wrappers (data-last)

[<Fact>]
let ``indexing wrappers`` () =
    let x = tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    // row 0 takes column 2, row 1 column 0
    x |> Tensor.gather 1 (tensor [ [ 2. ]; [ 0. ] ]) |> assertTensor [ 2; 1 ] [ 3.; 4. ]
    Tensor.zeros [ 3 ] |> Tensor.scatterAdd 0 (tensor [ 0.; 2.; 0. ]) (tensor [ 1.; 2.; 3. ]) |> assertTensor [ 3 ] [ 4.; 0.; 2. ]
    Tensor.zeros [ 3 ] |> Tensor.scatter 0 (tensor [ 1. ]) (tensor [ 7. ]) |> assertTensor [ 3 ] [ 0.; 7.; 0. ]
    Tensor.zeros [ 3 ] |> Tensor.indexAdd 0 (tensor [ 2.; 2. ]) (tensor [ 1.; 2. ]) |> assertTensor [ 3 ] [ 0.; 0.; 3. ]
    tensor [ 1.; 0. ] |> Tensor.oneHot 2 |> assertTensor [ 2; 2 ] [ 0.; 1.; 1.; 0. ]
    x |> Tensor.takeAlongDim 1 (tensor [ [ 1. ] ]) |> assertTensor [ 2; 1 ] [ 2.; 5. ]

[<Fact>]
let ``shape wrappers`` () =
    let v = tensor [ 1.; 2.; 3. ]
    v |> Tensor.flip [ 0 ] |> assertTensor [ 3 ] [ 3.; 2.; 1. ]
    v |> Tensor.roll 1 0 |> assertTensor [ 3 ] [ 3.; 1.; 2. ]
    v |> Tensor.pad [ 1; 0 ] |> assertTensor [ 4 ] [ 0.; 1.; 2.; 3. ]
    v |> Tensor.padWith PaddingMode.Replicate 0. [ 0; 2 ] |> assertTensor [ 5 ] [ 1.; 2.; 3.; 3.; 3. ]
    v |> Tensor.repeatInterleave 2 0 |> assertTensor [ 6 ] [ 1.; 1.; 2.; 2.; 3.; 3. ]
    v |> Tensor.sliceStep 0 0 3 2 |> assertTensor [ 2 ] [ 1.; 3. ]
    Assert.Equal(2, v |> Tensor.split 2 0 |> Array.length)
    m () |> Tensor.trace |> assertTensor [] [ 12. ]               // 0 + 4 + 8
    m () |> Tensor.triu 0 |> Tensor.sum |> assertTensor [] [ 20. ] // 0+1+2+4+5+8
    m () |> Tensor.diagonal 1 0 1 |> assertTensor [ 2 ] [ 1.; 5. ]
    Tensor.zeros [ 2; 6 ] |> Tensor.unflatten 1 [ 2; -1 ] |> Tensor.movedim 2 0 |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 3; 2; 2 ], s)

[<Fact>]
let ``einsum wrapper`` () =
    let a = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
    Tensor.einsum "ij,jk->ik" [ a; a ] |> assertTensor [ 2; 2 ] [ 7.; 10.; 15.; 22. ]
    Tensor.einsum "ii" [ a ] |> assertTensor [] [ 5. ]

[<Fact>]
let ``convolution and pooling wrappers`` () =
    let x = Tensor.arange 4 |> Tensor.reshape [ 1; 1; 4 ]                  // [0, 1, 2, 3]
    x |> Tensor.conv1d (tensor [ 1.; 1. ] |> Tensor.reshape [ 1; 1; 2 ]) |> assertTensor [ 1; 1; 3 ] [ 1.; 3.; 5. ]
    x |> Tensor.maxPool1d 2 |> assertTensor [ 1; 1; 2 ] [ 1.; 3. ]
    x |> Tensor.avgPool1d 2 |> assertTensor [ 1; 1; 2 ] [ 0.5; 2.5 ]
    let img = Tensor.arange 4 |> Tensor.reshape [ 1; 1; 2; 2 ]              // [[0, 1], [2, 3]]
    img |> Tensor.adaptiveAvgPool2d 1 1 |> assertTensor [ 1; 1; 1; 1 ] [ 1.5 ]
    img |> Tensor.adaptiveMaxPool2d 1 1 |> assertTensor [ 1; 1; 1; 1 ] [ 3. ]
    img |> Tensor.upsampleNearest2d 2 |> Tensor.shape |> fun s -> Assert.Equal<int list>([ 1; 1; 4; 4 ], s)
    img |> Tensor.upsampleBilinear2dTo true 3 3 |> Tensor.sum |> assertTensor [] [ 13.5 ] // mean 1.5 over 9 samples
    // each pixel spread over a 2x2 block: the sum is 4·(0+1+2+3)
    img |> Tensor.convTranspose2dWith 2 0 0 1 None (Tensor.ones [ 1; 1; 2; 2 ]) |> Tensor.sum |> assertTensor [] [ 24. ]
    img |> Tensor.conv2dGrouped 1 0 1 1 None (Tensor.ones [ 1; 1; 2; 2 ]) |> assertTensor [ 1; 1; 1; 1 ] [ 6. ]
