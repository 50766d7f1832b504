/// Tests of grad, valueAndGrad, gradN, vjp, jacobian, hessian, hvp and diff (Corgi.FSharp/Diff.fs) against
/// derivatives worked out by hand (in the comments) and against central finite differences.
module Corgi.FSharp.Tests.DiffTests

open System
open Xunit
open Corgi.FSharp
open Corgi.FSharp.Tests.Assertions

let sumOfSquares (x: Tensor) = Tensor.sum (x * x)
let sumOfCubes (x: Tensor) = Tensor.sum (x ** 3.)

[<Fact>]
let ``grad of a sum of squares is 2x`` () =
    grad sumOfSquares (tensor [ 1.; 2.; 3. ]) |> assertTensor [ 3 ] [ 2.; 4.; 6. ]

[<Fact>]
let ``valueAndGrad returns f x and its gradient`` () =
    // 1 + 4 + 9 = 14
    let value, g = valueAndGrad sumOfSquares (tensor [ 1.; 2.; 3. ])
    value |> assertTensor [] [ 14. ]
    g |> assertTensor [ 3 ] [ 2.; 4.; 6. ]

[<Fact>]
let ``grad of a matrix function has the matrix's shape`` () =
    // f(W) = sum(x·W) with x = [1, 2]: df/dW[i,j] = x[i]
    let x = tensor [ [ 1.; 2. ] ]
    grad (fun w -> x |> Tensor.matmul w |> Tensor.sum) (Tensor.zeros [ 2; 3 ])
    |> assertTensor [ 2; 3 ] [ 1.; 1.; 1.; 2.; 2.; 2. ]

[<Fact>]
let ``gradN differentiates with respect to every input`` () =
    // f(a, b) = sum(a*b): df/da = b, df/db = a; value 1*3 + 2*4 = 11
    let f (xs: Tensor list) = Tensor.sum (xs[0] * xs[1])
    let value, gs = valueAndGradN f [ tensor [ 1.; 2. ]; tensor [ 3.; 4. ] ]
    value |> assertTensor [] [ 11. ]
    gs[0] |> assertTensor [ 2 ] [ 3.; 4. ]
    gs[1] |> assertTensor [ 2 ] [ 1.; 2. ]
    let gs = gradN f [ tensor [ 1.; 2. ]; tensor [ 3.; 4. ] ]
    Assert.Equal(2, gs.Length)

[<Fact>]
let ``gradN for a linear model's weight and bias`` () =
    // L(w, b) = sum((w x + b - y)^2) with x = [1, 2], y = [1, 1], w = 1, b = 0: residuals r = [0, 1]
    // dL/dw = sum(2 r x) = 2*(0*1 + 1*2) = 4;  dL/db = sum(2 r) = 2
    let x, y = tensor [ 1.; 2. ], tensor [ 1.; 1. ]
    let loss (ps: Tensor list) = Tensor.sum ((ps[0] * x + ps[1] - y) ** 2.)
    let gs = gradN loss [ tensor 1.; tensor 0. ]
    gs[0] |> assertTensor [] [ 4. ]
    gs[1] |> assertTensor [] [ 2. ]

[<Fact>]
let ``vjp contracts the Jacobian with v`` () =
    // f x = x*x has J = diag(2x); vᵀJ = 2 x v = [2*1*1, 2*2*10]
    vjp (fun x -> x * x) (tensor [ 1.; 2. ]) (tensor [ 1.; 10. ]) |> assertTensor [ 2 ] [ 2.; 40. ]

[<Fact>]
let ``jacobian of an element-wise square is diagonal`` () =
    // d(x_i^2)/dx_j = 2 x_i [i = j]
    jacobian (fun x -> x * x) (tensor [ 1.; 2.; 3. ])
    |> assertTensor [ 3; 3 ] [ 2.; 0.; 0.; 0.; 4.; 0.; 0.; 0.; 6. ]

[<Fact>]
let ``jacobian of a linear map is its matrix`` () =
    // f x = W x with W 2x3: J = W
    let w = tensor [ [ 1.; 2.; 3. ]; [ 4.; 5.; 6. ] ]
    jacobian (fun x -> w |> Tensor.matmul x) (tensor [ 0.5; -1.; 2. ])
    |> assertTensor [ 2; 3 ] [ 1.; 2.; 3.; 4.; 5.; 6. ]

[<Fact>]
let ``jacobian of softmax matches finite differences`` () =
    // analytically J = diag(s) - s sᵀ; compare row by row with central differences
    let x = tensor [ 0.3; -1.2; 2.0 ]
    let j = jacobian (Tensor.softmax 0) x
    Assert.Equal<int list>([ 3; 3 ], Tensor.shape j)
    for i in 0..2 do
        let row = finiteDifferenceGrad (fun x -> Tensor.softmax 0 x |> Tensor.narrow 0 i 1 |> Tensor.sum) x
        j |> Tensor.narrow 0 i 1 |> Tensor.reshape [ 3 ] |> assertClose 1e-6 row
    let s = Tensor.softmax 0 x |> Tensor.toArray
    for a in 0..2 do
        for b in 0..2 do
            let expected = (if a = b then s[a] else 0.) - s[a] * s[b]
            Assert.Equal(expected, Tensor.get [ a; b ] j, 12)

[<Fact>]
let ``jacobian of a scalar function is its gradient`` () =
    jacobian sumOfSquares (tensor [ 1.; 2. ]) |> assertTensor [ 2 ] [ 2.; 4. ]

[<Fact>]
let ``hessian of a sum of cubes is diag(6x)`` () =
    hessian sumOfCubes (tensor [ 1.; 2. ]) |> assertTensor [ 2; 2 ] [ 6.; 0.; 0.; 12. ]

[<Fact>]
let ``hessian with cross terms`` () =
    // f = (x0 + x1)^2: every second derivative is 2
    hessian (fun x -> Tensor.sum x ** 2.) (tensor [ 1.; 2. ]) |> assertTensor [ 2; 2 ] [ 2.; 2.; 2.; 2. ]
    // f = x0^2 x1: H = [[2 x1, 2 x0], [2 x0, 0]] at (3, 5) = [[10, 6], [6, 0]]
    let f (x: Tensor) = (Tensor.narrow 0 0 1 x ** 2. * Tensor.narrow 0 1 1 x) |> Tensor.sum
    hessian f (tensor [ 3.; 5. ]) |> assertTensor [ 2; 2 ] [ 10.; 6.; 6.; 0. ]

[<Fact>]
let ``hvp is the Hessian times v`` () =
    // sum of cubes: H = diag(6x) = diag(6, 12)
    hvp sumOfCubes (tensor [ 1.; 2. ]) (tensor [ 1.; -1. ]) |> assertTensor [ 2 ] [ 6.; -12. ]
    // (x0 + x1)^2: H v = 2 (v0 + v1) in each entry = [8, 8] for v = [1, 3]
    hvp (fun x -> Tensor.sum x ** 2.) (tensor [ 1.; 2. ]) (tensor [ 1.; 3. ]) |> assertTensor [ 2 ] [ 8.; 8. ]

[<Fact>]
let ``diff of scalar functions and higher derivatives`` () =
    let cube (x: Tensor) = x ** 3.
    // d/dx x^3 = 3x^2 = 12, d2 = 6x = 12, d3 = 6, d4 = 0 at x = 2
    diff cube (tensor 2.) |> assertTensor [] [ 12. ]
    diff2 cube (tensor 2.) |> assertTensor [] [ 12. ]
    diffn 3 cube (tensor 2.) |> assertTensor [] [ 6. ]
    diffn 4 cube (tensor 2.) |> assertTensor [] [ 0. ]
    diffn 0 cube (tensor 2.) |> assertTensor [] [ 8. ]
    // d/dx e^(2x) = 2 e^(2x) = 2 at 0; second derivative 4
    diff (fun x -> exp (2. * x)) (tensor 0.) |> assertTensor [] [ 2. ]
    diff (diff (fun x -> exp (2. * x))) (tensor 0.) |> assertTensor [] [ 4. ]

[<Fact>]
let ``nested grad: the gradient of a gradient`` () =
    // grad f = 3x^2, its sum is sum(3x^2), whose gradient is 6x = [6, 12]
    grad (fun x -> grad sumOfCubes x |> Tensor.sum) (tensor [ 1.; 2. ]) |> assertTensor [ 2 ] [ 6.; 12. ]

[<Fact>]
let ``nested grad through a closure over the outer variable`` () =
    // inner: d/dx sum(x x y) = 2 x y; outer: d/dy sum(2 x0 y) = 2 x0 = [2, 4]
    let x0 = tensor [ 1.; 2. ]
    grad (fun y -> grad (fun x -> Tensor.sum (x * x * y)) x0 |> Tensor.sum) (tensor [ 5.; 7. ])
    |> assertTensor [ 2 ] [ 2.; 4. ]

[<Fact>]
let ``grad matches finite differences on a composite function`` () =
    let f (x: Tensor) = x |> Tensor.tanh |> Tensor.mul (Tensor.sigmoid x) |> Tensor.logSoftmax 0 |> Tensor.narrow 0 1 1 |> Tensor.sum
    let x = tensor [ 0.5; -0.3; 1.7; 0.1 ]
    grad f x |> assertClose 1e-6 (finiteDifferenceGrad f x)

[<Fact>]
let ``top-level results are untracked`` () =
    let value, g = valueAndGrad sumOfSquares (tensor [ 1. ])
    Assert.False(Tensor.isTracked value)
    Assert.False(Tensor.isTracked g)
    Assert.False(hessian sumOfCubes (tensor [ 1. ]) |> Tensor.isTracked)
    // also for a tracked argument, so that `theta <- theta - lr * grad f theta` keeps no graph
    let theta = tensor [ 1.; 2. ] |> Tensor.tracked
    let value, g = valueAndGrad sumOfSquares theta
    Assert.False(Tensor.isTracked value)
    Assert.False(Tensor.isTracked g)
    g |> assertTensor [ 2 ] [ 2.; 4. ]

[<Fact>]
let ``no gradients are left on the argument or on captured tensors`` () =
    let w = tensor [ 2.; 3. ] |> Tensor.tracked
    let x = tensor [ 1.; 1. ] |> Tensor.tracked
    // d/dx sum(w x x) = 2 w x = [4, 6]
    grad (fun x -> Tensor.sum (w * x * x)) x |> assertTensor [ 2 ] [ 4.; 6. ]
    Assert.Equal(None, Tensor.gradient x)
    Assert.Equal(None, Tensor.gradient w)
    hessian (fun x -> Tensor.sum (w * x * x)) x |> assertTensor [ 2; 2 ] [ 4.; 0.; 0.; 6. ]
    Assert.Equal(None, Tensor.gradient x)
    Assert.Equal(None, Tensor.gradient w)

[<Fact>]
let ``gradients accumulated before are kept`` () =
    let x = tensor [ 1. ] |> Tensor.tracked
    x * 5. |> Tensor.backward
    grad (fun x -> x * x |> Tensor.sum) x |> assertTensor [ 1 ] [ 2. ]
    (Tensor.gradient x).Value |> assertTensor [ 1 ] [ 5. ]

[<Fact>]
let ``a function that ignores its argument has a zero gradient`` () =
    grad (fun _ -> tensor 3.) (tensor [ 1.; 2. ]) |> assertTensor [ 2 ] [ 0.; 0. ]

[<Fact>]
let ``grad of a tensor-valued function is refused`` () =
    assertArgumentError
        "grad: f must return a one-element tensor, but it returned shape [2]; use jacobian or vjp for tensor-valued functions"
        (fun () -> grad (fun x -> x * 2.) (tensor [ 1.; 2. ]))

[<Fact>]
let ``hvp and diff check their arguments`` () =
    assertArgumentError "hvp: v has shape [3] but x has shape [2]" (fun () ->
        hvp sumOfCubes (tensor [ 1.; 2. ]) (tensor [ 1.; 2.; 3. ]))
    assertArgumentError
        "diff: x must have one element, but it has shape [2]; use grad or jacobian"
        (fun () -> diff sumOfCubes (tensor [ 1.; 2. ]))

// ------------------------------------------------------------------ float32

[<Fact>]
let ``grad in float32 is float32 and exact on small integers`` () =
    // d/dx sum(x^2) = 2x = [2, 4, 6]: exact in float32
    let g = grad sumOfSquares (tensor [ 1.0f; 2.0f; 3.0f ])
    assertDType Corgi.DType.Float32 g
    Assert.Equal<float32[]>([| 2.0f; 4.0f; 6.0f |], Tensor.toArray32 g)

[<Fact>]
let ``grad through a conversion to float64 comes back float32`` () =
    // f(x) = sum(float64(x)): the gradient is ones, in x's dtype
    let g = grad (Tensor.float64 >> Tensor.sum) (tensor [ 1.0f; 2.0f ])
    assertDType Corgi.DType.Float32 g
    Assert.Equal<float32[]>([| 1.0f; 1.0f |], Tensor.toArray32 g)

[<Fact>]
let ``jacobian of a float32 function is float32`` () =
    // f(x) = x * [2, 3] elementwise: J = diag(2, 3)
    let j = jacobian (fun x -> x * tensor [ 2.0f; 3.0f ]) (tensor [ 1.0f; 1.0f ])
    assertDType Corgi.DType.Float32 j
    assertTensor [ 2; 2 ] [ 2.; 0.; 0.; 3. ] j

[<Fact>]
let ``hessian in float32`` () =
    // f = sum(x^3): H = diag(6x) = diag(6, 12)
    let h = hessian sumOfCubes (tensor [ 1.0f; 2.0f ])
    assertDType Corgi.DType.Float32 h
    assertTensor [ 2; 2 ] [ 6.; 0.; 0.; 12. ] h

[<Fact>]
let ``Check in float32 compares with the float64 twin`` () =
    let report = Check.gradient1 (fun t -> (t |> Tensor.tanh |> Tensor.sum)) (tensor [ 0.3f; -1.2f; 2.0f ])
    Assert.True(report.Passed, report.Summary)
    Assert.Equal(Corgi.DType.Float32, Check.dtype report)
    let strict = Check.defaultOptions |> Check.withFloat32Tolerance 0.0
    Assert.Equal(0.0, strict.Float32Tolerance)
    Assert.Equal(Corgi.DType.Float64, Check.dtype (Check.gradient1 Tensor.sum (tensor [ 1.0 ])))
