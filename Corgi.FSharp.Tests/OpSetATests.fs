/// Tests of the F# face of issue 11's element-wise maths, activations, comparisons and reductions: F#'s own
/// functions (`sin`, `floor`, `round`, `atan2`...) through the static members of Corgi.Tensor, the data-last
/// Tensor functions and the activation layers. Expected values are derived by hand in the comments.
module Corgi.FSharp.Tests.OpSetATests

open System
open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

[<Fact>]
let ``F#'s trigonometric and rounding functions accept tensors`` () =
    let x = tensor [ 0.; Math.PI / 6. ]
    // sin 0 = 0, sin(pi/6) = 1/2; cos 0 = 1, cos(pi/6) = sqrt3/2
    sin x |> assertTensor [ 2 ] [ 0.; 0.5 ]
    cos x |> assertTensor [ 2 ] [ 1.; sqrt 3. / 2. ]
    tan (tensor [ Math.PI / 4. ]) |> assertTensor [ 1 ] [ 1. ]
    asin (tensor [ 0.5 ]) |> assertTensor [ 1 ] [ Math.PI / 6. ]
    acos (tensor [ 0.5 ]) |> assertTensor [ 1 ] [ Math.PI / 3. ]
    atan (tensor [ 1. ]) |> assertTensor [ 1 ] [ Math.PI / 4. ]
    // sinh(ln2) = 3/4, cosh(ln2) = 5/4
    sinh (tensor [ log 2. ]) |> assertTensor [ 1 ] [ 0.75 ]
    cosh (tensor [ log 2. ]) |> assertTensor [ 1 ] [ 1.25 ]
    log10 (tensor [ 1000. ]) |> assertTensor [ 1 ] [ 3. ]
    // atan2(1, -1) = 3pi/4
    atan2 (tensor [ 1. ]) (tensor [ -1. ]) |> assertTensor [ 1 ] [ 3. * Math.PI / 4. ]
    let r = tensor [ -1.5; 0.5; 2.5; 2.7 ]
    floor r |> assertTensor [ 4 ] [ -2.; 0.; 2.; 2. ]
    ceil r |> assertTensor [ 4 ] [ -1.; 1.; 3.; 3. ]
    // halves to even
    round r |> assertTensor [ 4 ] [ -2.; 0.; 2.; 3. ]
    truncate r |> assertTensor [ 4 ] [ -1.; 0.; 2.; 2. ]
    // 1.234 to two decimals: round(123.4) / 100
    tensor [ 1.234 ] |> Tensor.roundTo 2 |> assertTensor [ 1 ] [ 1.23 ]

[<Fact>]
let ``data-last element-wise functions`` () =
    // 2^3 = 8; log2 8 = 3; log1p and expm1 of 1e-20 are 1e-20 (exp/log would give 0)
    tensor [ 3. ] |> Tensor.exp2 |> assertTensor [ 1 ] [ 8. ]
    tensor [ 8. ] |> Tensor.log2 |> assertTensor [ 1 ] [ 3. ]
    Assert.Equal(1e-20, tensor [ 1e-20 ] |> Tensor.log1p |> Tensor.item)
    Assert.Equal(1e-20, tensor [ 1e-20 ] |> Tensor.expm1 |> Tensor.item)
    tensor [ 4. ] |> Tensor.rsqrt |> assertTensor [ 1 ] [ 0.5 ]
    tensor [ 0. ] |> Tensor.erf |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.erfc |> assertTensor [ 1 ] [ 1. ]
    // hypot(3, 4) = 5; lerp 1 -> 3 at 1/4 is 1.5
    tensor [ 3. ] |> Tensor.hypot (tensor [ 4. ]) |> assertTensor [ 1 ] [ 5. ]
    tensor [ 1. ] |> Tensor.lerp (tensor [ 3. ]) (tensor [ 0.25 ]) |> assertTensor [ 1 ] [ 1.5 ]
    // y |> Tensor.atan2 x is atan2(y, x): atan2(1, 0) = pi/2
    tensor [ 1. ] |> Tensor.atan2 (tensor [ 0. ]) |> assertTensor [ 1 ] [ Math.PI / 2. ]

[<Fact>]
let ``data-last activations`` () =
    let x = tensor [ -1.; 0.; 2. ]
    // relu6 and hardtanh are clamps; softsign x/(1+|x|); softplus(0) = ln2
    x |> Tensor.relu6 |> assertTensor [ 3 ] [ 0.; 0.; 2. ]
    x |> Tensor.hardtanh -0.5 1. |> assertTensor [ 3 ] [ -0.5; 0.; 1. ]
    x |> Tensor.softsign |> assertTensor [ 3 ] [ -0.5; 0.; 2. / 3. ]
    tensor [ 0. ] |> Tensor.softplus 1. 20. |> assertTensor [ 1 ] [ log 2. ]
    // elu(-ln2) = -1/2 (alpha 1), celu alpha 2 at -2 ln2 = -1
    tensor [ -log 2. ] |> Tensor.elu 1. |> assertTensor [ 1 ] [ -0.5 ]
    tensor [ -2. * log 2. ] |> Tensor.celu 2. |> assertTensor [ 1 ] [ -1. ]
    // gelu(0) = 0 in both forms; silu(0) = 0; logsigmoid(0) = -ln2; hardsigmoid(0) = 1/2; hardswish(0) = 0; mish(0) = 0
    tensor [ 0. ] |> Tensor.gelu |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.geluTanh |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.silu |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.logSigmoid |> assertTensor [ 1 ] [ -(log 2.) ]
    tensor [ 0. ] |> Tensor.hardsigmoid |> assertTensor [ 1 ] [ 0.5 ]
    tensor [ 0. ] |> Tensor.hardswish |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.mish |> assertTensor [ 1 ] [ 0. ]
    tensor [ 0. ] |> Tensor.selu |> assertTensor [ 1 ] [ 0. ]

[<Fact>]
let ``activation layers`` () =
    let x = tensor [ [ -1.; 0.; 2. ] ]
    let forward layer = (Layer.build layer).Forward x
    forward Layer.relu6 |> assertTensor [ 1; 3 ] [ 0.; 0.; 2. ]
    forward (Layer.hardtanh -0.5 1.) |> assertTensor [ 1; 3 ] [ -0.5; 0.; 1. ]
    forward Layer.softsign |> assertTensor [ 1; 3 ] [ -0.5; 0.; 2. / 3. ]
    for layer, f in
        [ Layer.gelu, Tensor.gelu; Layer.geluTanh, Tensor.geluTanh; Layer.silu, Tensor.silu; Layer.selu, Tensor.selu
          Layer.mish, Tensor.mish; Layer.hardsigmoid, Tensor.hardsigmoid; Layer.hardswish, Tensor.hardswish
          Layer.logSigmoid, Tensor.logSigmoid; Layer.softplus 2. 10., Tensor.softplus 2. 10.
          Layer.elu 0.5, Tensor.elu 0.5; Layer.celu 2., Tensor.celu 2. ] do
        forward layer |> assertClose 0. (f x)

[<Fact>]
let ``comparisons and selection, data-last`` () =
    let x = tensor [ 1.; 2.; 3. ]
    let y = tensor [ 2.; 2.; 2. ]
    // x |> Tensor.lt y reads "x less than y"
    x |> Tensor.lt y |> assertTensor [ 3 ] [ 1.; 0.; 0. ]
    x |> Tensor.le y |> assertTensor [ 3 ] [ 1.; 1.; 0. ]
    x |> Tensor.gt y |> assertTensor [ 3 ] [ 0.; 0.; 1. ]
    x |> Tensor.ge y |> assertTensor [ 3 ] [ 0.; 1.; 1. ]
    x |> Tensor.eq y |> assertTensor [ 3 ] [ 0.; 1.; 0. ]
    x |> Tensor.ne y |> assertTensor [ 3 ] [ 1.; 0.; 1. ]
    // x where x > 2, else y
    x |> Tensor.where (x |> Tensor.gt y) y |> assertTensor [ 3 ] [ 2.; 2.; 3. ]
    x |> Tensor.maskedFill (tensor [ 0.; 1.; 0. ]) 9. |> assertTensor [ 3 ] [ 1.; 9.; 3. ]
    x |> Tensor.clampBy (Some(tensor [ 1.5 ])) None |> assertTensor [ 3 ] [ 1.5; 2.; 3. ]
    x |> Tensor.clampBy None (Some y) |> assertTensor [ 3 ] [ 1.; 2.; 2. ]
    let odd = tensor [ nan; infinity; -infinity; 1. ]
    odd |> Tensor.isNaN |> assertTensor [ 4 ] [ 1.; 0.; 0.; 0. ]
    odd |> Tensor.isInf |> assertTensor [ 4 ] [ 0.; 1.; 1.; 0. ]
    odd |> Tensor.isFinite |> assertTensor [ 4 ] [ 0.; 0.; 0.; 1. ]
    odd |> Tensor.nanToNum 0. (Some 5.) (Some -5.) |> assertTensor [ 4 ] [ 0.; 5.; -5.; 1. ]
    odd |> Tensor.nanToNum 0. None None |> assertTensor [ 4 ] [ 0.; Double.MaxValue; -Double.MaxValue; 1. ]

[<Fact>]
let ``data-last reductions`` () =
    let x = tensor [ [ 1.; 2. ]; [ 3.; 4. ] ]
    // 1·2·3·4 = 24; rows 2 and 12
    x |> Tensor.prod |> assertTensor [] [ 24. ]
    x |> Tensor.prodDims [ 1 ] |> assertTensor [ 2 ] [ 2.; 12. ]
    // [1, 2, 3, 4]: mean 2.5, squared deviations sum to 5: var 5/3, population 5/4
    let v = tensor [ 1.; 2.; 3.; 4. ]
    v |> Tensor.var |> assertTensor [] [ 5. / 3. ]
    v |> Tensor.varDims [ 0 ] 0. |> assertTensor [] [ 1.25 ]
    v |> Tensor.std |> assertTensor [] [ sqrt (5. / 3.) ]
    v |> Tensor.stdDims [ 0 ] 0. |> assertTensor [] [ sqrt 1.25 ]
    tensor [ 1000.; 1000. ] |> Tensor.logSumExp |> assertTensor [] [ 1000. + log 2. ]
    x |> Tensor.logSumExpDims [ 1 ] |> assertTensor [ 2 ] [ log (exp 1. + exp 2.); log (exp 3. + exp 4.) ]
    // |[3, -4]| = 5, 7, 4
    let n = tensor [ 3.; -4. ]
    n |> Tensor.norm 2. |> assertTensor [] [ 5. ]
    n |> Tensor.norm 1. |> assertTensor [] [ 7. ]
    n |> Tensor.norm infinity |> assertTensor [] [ 4. ]
    x |> Tensor.normDims 1. [ 0 ] |> assertTensor [ 2 ] [ 4.; 6. ]
    x |> Tensor.amax [ 0 ] |> assertTensor [ 2 ] [ 3.; 4. ]
    x |> Tensor.amin [ 1 ] |> assertTensor [ 2 ] [ 1.; 3. ]
    x |> Tensor.all |> assertTensor [] [ 1. ]
    tensor [ 0.; 0. ] |> Tensor.any |> assertTensor [] [ 0. ]
    v |> Tensor.cumsum 0 |> assertTensor [ 4 ] [ 1.; 3.; 6.; 10. ]
    v |> Tensor.cumprod 0 |> assertTensor [ 4 ] [ 1.; 2.; 6.; 24. ]

[<Fact>]
let ``sort, topk and median, data-last`` () =
    let x = tensor [ 3.; 1.; 2.; 1. ]
    let values, indices = x |> Tensor.sort 0
    values |> assertTensor [ 4 ] [ 1.; 1.; 2.; 3. ]
    // stable: the first 1 (position 1) before the second (position 3)
    indices |> assertTensor [ 4 ] [ 1.; 3.; 2.; 0. ]
    let down, _ = x |> Tensor.sortDescending 0
    down |> assertTensor [ 4 ] [ 3.; 2.; 1.; 1. ]
    let top, topIndices = x |> Tensor.topk 2 -1
    top |> assertTensor [ 2 ] [ 3.; 2. ]
    topIndices |> assertTensor [ 2 ] [ 0.; 2. ]
    // lower median of [1, 1, 2, 3] is 1
    x |> Tensor.median |> assertTensor [] [ 1. ]
    let m, mi = tensor [ [ 3.; 1.; 2. ]; [ 9.; 7.; 8. ] ] |> Tensor.medianDim 1
    m |> assertTensor [ 2 ] [ 2.; 8. ]
    mi |> assertTensor [ 2 ] [ 2.; 2. ]
