// Linear regression with `grad`: fit y = X·θ to generated data by gradient descent, print the falling
// loss, and check that the recovered coefficients are the ones the data was made with.
//
// Run: bash scripts/run-fsx-examples.sh   (or dotnet fsi examples/regression.fsx after packing to artifacts/;
// see quickstart.fsx for how the package is found).
#r "nuget: Corgi.FSharp"

open Corgi.FSharp

let expect (what: string) (ok: bool) =
    if not ok then invalidOp (sprintf "regression: %s" what)
    printfn "ok: %s" what

// Data: y = 3 x1 - 2 x2 + 0.5 + noise (std 0.1), 200 samples with standard-normal features.
let samples = 200
let trueCoefficients = [ 3.0; -2.0; 0.5 ] // x1, x2, intercept
let features = Tensor.randn 1 [ samples; 2 ]
// the design matrix: the features and a column of ones for the intercept
let design = Tensor.concat 1 [ features; Tensor.ones [ samples; 1 ] ]
let noise = Tensor.normal 2 0.0 0.1 [ samples ]
let y = design |> Tensor.matmul (tensor trueCoefficients) |> Tensor.add noise

/// Mean squared error of the coefficients θ (shape [3]).
let loss (theta: Tensor) =
    design |> Tensor.matmul theta |> Tensor.sub y |> Tensor.square |> Tensor.mean

let learningRate = 0.05
let steps = 200
let mutable theta = Tensor.zeros [ 3 ]
let losses = ResizeArray<float>()
for step in 0..steps do
    losses.Add(loss theta |> Tensor.item)
    if step % 20 = 0 then printfn "step %3d  loss %.6f" step losses[losses.Count - 1]
    // θ ← θ - η ∇L(θ); grad works on a tracked copy, so θ stays a plain value
    if step < steps then theta <- theta - learningRate * grad loss theta

let recovered = Tensor.toArray theta
printfn "recovered coefficients: x1 %.4f, x2 %.4f, intercept %.4f (true: 3, -2, 0.5)" recovered[0] recovered[1] recovered[2]

// gradient descent on a convex quadratic with a small step never increases the loss (up to rounding)
expect "the loss falls at every step" (Seq.pairwise losses |> Seq.forall (fun (before, after) -> after <= before + 1e-12))
expect "the final loss is near the noise variance 0.01" (losses[losses.Count - 1] < 0.02)
expect "the coefficients are recovered within 0.05"
    (List.forall2 (fun (t: float) (r: float) -> abs (t - r) < 0.05) trueCoefficients (List.ofArray recovered))
expect "theta is untracked (no graph kept between steps)" (not (Tensor.isTracked theta))
