/// The seed's (corgi README's) dynamic-graph example in F#.
module Corgi.FSharp.Tests.SeedExampleTests

open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

// The loop takes c through 10, 20, 30, 40, 50 (not > 50), 60 -> 300, 310 -> 1550, 1560 -> 7800,
// 7810 -> 39050, 39060 -> 195300. As a polynomial (ab added each time, times a from the 6th step on):
//   c = ((((5ab + ab)a + ab)a + ab)a + ab)a = b (6a^6 + a^5 + a^4 + a^3 + a^2)
// at a = 5, b = 2: c = 2 * 97650 = 195300;  dc/db = 97650;
//   dc/da = b (36a^5 + 5a^4 + 4a^3 + 3a^2 + 2a) = 2 * 116210 = 232420  (the values the README asserts).
let dynamicGraph (a: Tensor) (b: Tensor) =
    let mutable c = tensor [ 0. ] |> Tensor.tracked
    for _ in 1..10 do
        c <- c + a * b
        if c.[0] > 50.0 then c <- c * a
    c

[<Fact>]
let ``the seed's dynamic graph with tracked tensors and backward`` () =
    let a = tensor [ 5. ] |> Tensor.tracked
    let b = tensor [ 2. ] |> Tensor.tracked
    let c = dynamicGraph a b
    c |> assertTensor [ 1 ] [ 195300. ]
    Tensor.backward c
    (Tensor.gradient c).Value |> assertTensor [ 1 ] [ 1. ]
    (Tensor.gradient b).Value |> assertTensor [ 1 ] [ 97650. ]
    (Tensor.gradient a).Value |> assertTensor [ 1 ] [ 232420. ]

[<Fact>]
let ``the seed's dynamic graph with gradN`` () =
    let value, gs = valueAndGradN (fun ps -> dynamicGraph ps[0] ps[1]) [ tensor [ 5. ]; tensor [ 2. ] ]
    value |> assertTensor [ 1 ] [ 195300. ]
    gs[0] |> assertTensor [ 1 ] [ 232420. ]
    gs[1] |> assertTensor [ 1 ] [ 97650. ]
