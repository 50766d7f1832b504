/// Tests of the `tensor` builder (Corgi.FSharp/Builder.fs and Convert.fs). Expected shapes and values are
/// read off the literals: one dimension per nesting level, values in row-major order.
module Corgi.FSharp.Tests.BuilderTests

open System
open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

[<Fact>]
let ``a float gives a scalar`` () =
    let t = tensor 3.0
    assertTensor [] [ 3.0 ] t
    Assert.Equal(0, Tensor.rank t)

[<Fact>]
let ``a list gives a vector`` () = tensor [ 1.; 2. ] |> assertTensor [ 2 ] [ 1.; 2. ]

[<Fact>]
let ``nested lists give a matrix in row-major order`` () =
    tensor [ [ 1.; 2. ]; [ 3.; 4. ] ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]

[<Fact>]
let ``three levels of lists give a rank-3 tensor`` () =
    tensor [ [ [ 1.; 2. ]; [ 3.; 4. ] ]; [ [ 5.; 6. ]; [ 7.; 8. ] ]; [ [ 9.; 10. ]; [ 11.; 12. ] ] ]
    |> assertTensor [ 3; 2; 2 ] [ 1. .. 12. ]

[<Fact>]
let ``arrays and jagged arrays`` () =
    tensor [| 1.; 2.; 3. |] |> assertTensor [ 3 ] [ 1.; 2.; 3. ]
    tensor [| [| 1.; 2.; 3. |]; [| 4.; 5.; 6. |] |] |> assertTensor [ 2; 3 ] [ 1. .. 6. ]

[<Fact>]
let ``Array2D keeps its dimensions`` () =
    tensor (array2D [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]) |> assertTensor [ 2; 3 ] [ 1. .. 6. ]

[<Fact>]
let ``Array3D keeps its dimensions`` () =
    // element [i,j,k] = 100i + 10j + k over shape [2,1,2]: row-major 0, 1, 100, 101
    tensor (Array3D.init 2 1 2 (fun i j k -> float (100 * i + 10 * j + k)))
    |> assertTensor [ 2; 1; 2 ] [ 0.; 1.; 100.; 101. ]

[<Fact>]
let ``Array2D of ints`` () =
    tensor (Array2D.init 2 2 (fun i j -> i * 2 + j)) |> assertTensor [ 2; 2 ] [ 0.; 1.; 2.; 3. ]

[<Fact>]
let ``seqs, including seqs of lists`` () =
    tensor (seq { 0.0 .. 0.5 .. 1.0 }) |> assertTensor [ 3 ] [ 0.; 0.5; 1. ]
    tensor (seq { for i in 1..2 -> [ float i; 0. ] }) |> assertTensor [ 2; 2 ] [ 1.; 0.; 2.; 0. ]

[<Fact>]
let ``ints and other number types are converted`` () =
    tensor [ [ 1; 2 ]; [ 3; 4 ] ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]
    tensor [ 1.5f; 2.5f ] |> assertTensor [ 2 ] [ 1.5; 2.5 ]
    tensor [| 7L |] |> assertTensor [ 1 ] [ 7. ]
    tensor 4 |> assertTensor [] [ 4. ]

[<Fact>]
let ``empty lists give zero-sized dimensions`` () =
    tensor ([]: float list) |> assertTensor [ 0 ] []
    tensor [ ([]: float list); [] ] |> assertTensor [ 2; 0 ] []

[<Fact>]
let ``tensors can be elements`` () =
    tensor [ tensor [ 1.; 2. ]; tensor [ 3.; 4. ] ] |> assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ]

[<Fact>]
let ``the result is untracked`` () =
    Assert.False(tensor [ 1.; 2. ] |> Tensor.isTracked)
    Assert.False(tensor (tensor [ 1. ] |> Tensor.tracked) |> Tensor.isTracked)

[<Fact>]
let ``ragged rows name the element and both shapes`` () =
    assertArgumentError
        "tensor: ragged input: element [1] has shape [1] but element [0] has shape [2] (all elements of one level must have the same length)"
        (fun () -> tensor [ [ 1.; 2. ]; [ 3. ] ])

[<Fact>]
let ``ragged input deep inside names the full position`` () =
    assertArgumentError
        "tensor: ragged input: element [1][1] has shape [3] but element [1][0] has shape [2] (all elements of one level must have the same length)"
        (fun () -> tensor [ [ [ 1.; 2. ]; [ 3.; 4. ] ]; [ [ 5.; 6. ]; [ 7.; 8.; 9. ] ] ])

[<Fact>]
let ``blocks of different shapes are ragged`` () =
    assertArgumentError
        "tensor: ragged input: element [1] has shape [1,2] but element [0] has shape [2,2] (all elements of one level must have the same length)"
        (fun () -> tensor [ [ [ 1.; 2. ]; [ 3.; 4. ] ]; [ [ 5.; 6. ] ] ])

[<Fact>]
let ``numbers mixed with sequences are ragged`` () =
    assertArgumentError
        "tensor: ragged input: element [1] has shape [1] but element [0] has shape [] (numbers and sequences are mixed)"
        (fun () -> tensor [ box 1.0; box [ 2.0 ] ])

[<Fact>]
let ``strings, nulls and other types are refused with their position`` () =
    assertArgumentError
        "tensor: element [0] is the string \"a\"; only numbers can be tensor elements"
        (fun () -> tensor [ "a" ])
    assertArgumentError "tensor: element [1] is null" (fun () ->
        tensor [| [| 1. |]; Unchecked.defaultof<float[]> |])
    assertArgumentError
        "tensor: element [0] has type Boolean, which cannot be converted; use numbers, lists, arrays or seqs of them, Array2D, Array3D or tensors"
        (fun () -> tensor [ true ])

// ------------------------------------------------------------------ dtypes

[<Fact>]
let ``float32 literals give a float32 tensor`` () =
    let t = tensor [ 1.0f; 2.0f ]
    assertDType Corgi.DType.Float32 t
    assertTensor [ 2 ] [ 1.; 2. ] t
    Assert.Equal<float32[]>([| 1.0f; 2.0f |], Tensor.toArray32 t)

[<Fact>]
let ``nested float32 lists, arrays, seqs and Array2D give float32`` () =
    let m = tensor [ [ 1.0f; 2.0f ]; [ 3.0f; 4.0f ] ]
    assertDType Corgi.DType.Float32 m
    assertTensor [ 2; 2 ] [ 1.; 2.; 3.; 4. ] m
    tensor [| [| 1.0f |]; [| 2.0f |] |] |> assertTensor [ 2; 1 ] [ 1.; 2. ]
    assertDType Corgi.DType.Float32 (tensor [| [| 1.0f |]; [| 2.0f |] |])
    assertDType Corgi.DType.Float32 (tensor [| 1.0f; 2.0f; 3.0f |])
    assertDType Corgi.DType.Float32 (tensor (seq { 1.0f; 2.0f }))
    assertDType Corgi.DType.Float32 (tensor (array2D [ [ 1.0f; 2.0f ] ]))
    assertDType Corgi.DType.Float32 (tensor 2.5f)

[<Fact>]
let ``float32 values are stored exactly, 0.1f included`` () =
    // 0.1f is the float nearest 0.1 (13421773 / 2^27 = 0.100000001490116...), not the double 0.1
    let t = tensor [ 0.1f ]
    Assert.Equal(0.1f, (Tensor.toArray32 t).[0])
    Assert.Equal(float 0.1f, (Tensor.toArray t).[0])

[<Fact>]
let ``floats give float64, a mix of float32 and float promotes to float64`` () =
    assertDType Corgi.DType.Float64 (tensor [ 1.0; 2.0 ])
    let mixed = tensor [ box 1.0f; box 2.0 ]
    assertDType Corgi.DType.Float64 mixed
    assertTensor [ 2 ] [ 1.; 2. ] mixed

[<Fact>]
let ``whole numbers take the default dtype`` () =
    assertDType Corgi.DType.Float64 (tensor [ 1; 2 ])
    let t = Tensor.withDefaultDType Corgi.DType.Float32 (fun () -> tensor [ 1; 2 ])
    assertDType Corgi.DType.Float32 t
    assertTensor [ 2 ] [ 1.; 2. ] t

[<Fact>]
let ``float32 tensors as elements keep float32`` () =
    let row = tensor [ 1.0f; 2.0f ]
    let t = tensor [ row; row ]
    assertDType Corgi.DType.Float32 t
    assertTensor [ 2; 2 ] [ 1.; 2.; 1.; 2. ] t
