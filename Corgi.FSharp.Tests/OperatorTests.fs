/// Tests of F# operators on tensors (the core's C# operators plus the static members in
/// Corgi.Core/Tensor.FSharpInterop.cs that F#'s `**`, `exp`, `log`, `sqrt`, `abs` and `tanh` look up).
module Corgi.FSharp.Tests.OperatorTests

open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

let t = tensor [ 1.; 2. ]

[<Fact>]
let ``tensor op tensor`` () =
    t + t |> assertTensor [ 2 ] [ 2.; 4. ]
    t - tensor [ 3.; 3. ] |> assertTensor [ 2 ] [ -2.; -1. ]
    t * t |> assertTensor [ 2 ] [ 1.; 4. ]
    t / tensor [ 2.; 8. ] |> assertTensor [ 2 ] [ 0.5; 0.25 ]
    -t |> assertTensor [ 2 ] [ -1.; -2. ]

[<Fact>]
let ``scalar on the right`` () =
    t + 1. |> assertTensor [ 2 ] [ 2.; 3. ]
    t - 1. |> assertTensor [ 2 ] [ 0.; 1. ]
    t * 3. |> assertTensor [ 2 ] [ 3.; 6. ]
    t / 2. |> assertTensor [ 2 ] [ 0.5; 1. ]

[<Fact>]
let ``scalar on the left`` () =
    1. + t |> assertTensor [ 2 ] [ 2.; 3. ]
    1. - t |> assertTensor [ 2 ] [ 0.; -1. ]
    3. * t |> assertTensor [ 2 ] [ 3.; 6. ]
    2. / t |> assertTensor [ 2 ] [ 2.; 1. ]

[<Fact>]
let ``power with a float or a tensor exponent`` () =
    t ** 2. |> assertTensor [ 2 ] [ 1.; 4. ]
    t ** 0.5 |> assertTensor [ 2 ] [ 1.; sqrt 2. ]
    // [1, 2] ** [3, 2] = [1, 4]
    t ** tensor [ 3.; 2. ] |> assertTensor [ 2 ] [ 1.; 4. ]

[<Fact>]
let ``the derivative of x ** 3 is 3x^2, not 2x`` () =
    // the Rust crate's powf derivative was always 2x; at x = 2: 3 * 4 = 12
    let x = tensor [ 2. ] |> Tensor.tracked
    x ** 3. |> Tensor.backward
    (Tensor.gradient x).Value |> assertTensor [ 1 ] [ 12. ]

[<Fact>]
let ``F# math functions work on tensors`` () =
    exp (tensor [ 0. ]) |> assertTensor [ 1 ] [ 1. ]
    log (tensor [ 1. ]) |> assertTensor [ 1 ] [ 0. ]
    sqrt (tensor [ 9. ]) |> assertTensor [ 1 ] [ 3. ]
    abs (tensor [ -2.; 2. ]) |> assertTensor [ 2 ] [ 2.; 2. ]
    tanh (tensor [ 0. ]) |> assertTensor [ 1 ] [ 0. ]

[<Fact>]
let ``operators broadcast`` () =
    // [[1],[2]] + [10, 20] = [[11, 21], [12, 22]]
    tensor [ [ 1. ]; [ 2. ] ] + tensor [ 10.; 20. ] |> assertTensor [ 2; 2 ] [ 11.; 21.; 12.; 22. ]
