/// Gradient checks for F#: the reverse-mode derivative of a function against central finite differences
/// (a thin curried, data-last layer over <see cref="T:Corgi.Verification.GradientChecker"/>).
/// <example>
/// <code>
/// let report = Check.gradient2 (fun a b -> (a * b).Tanh().Sum()) a b
/// if not report.Passed then printfn "%s" report.Summary
/// </code>
/// </example>
[<RequireQualifiedAccess>]
module Corgi.FSharp.Check

open System
open Corgi
open Corgi.Verification

/// The default step (1e-6) and tolerances (relative 1e-6, absolute floor 1e-6 times the function's scale).
let defaultOptions: GradientCheckOptions = GradientCheckOptions.Default

/// Options for a step size, with tolerances derived from it (1000 (h² + ε/h), at least 1e-6).
let options (stepSize: float) : GradientCheckOptions = GradientCheckOptions.ForStepSize stepSize

let private arrayFn (f: Tensor list -> Tensor) = Func<Tensor[], Tensor>(fun xs -> f (List.ofArray xs))

/// Checks the gradient of a scalar function of several tensors with the given options.
let gradientWith (options: GradientCheckOptions) (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport =
    GradientChecker.Check(arrayFn f, Array.ofList inputs, options)

/// Checks the gradient of a scalar function of several tensors: <c>Check.gradient (fun xs -> ...) [a; b]</c>.
let gradient (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport = gradientWith defaultOptions f inputs

/// Checks the gradient of a scalar function of one tensor with the given options.
let gradient1With (options: GradientCheckOptions) (f: Tensor -> Tensor) (x: Tensor) : GradientCheckReport =
    GradientChecker.Check(Func<Tensor, Tensor> f, x, options)

/// Checks the gradient of a scalar function of one tensor: <c>x |> Check.gradient1 (fun t -> t.Exp().Sum())</c>.
let gradient1 (f: Tensor -> Tensor) (x: Tensor) : GradientCheckReport = gradient1With defaultOptions f x

/// Checks the gradient of a scalar function of two tensors with the given options.
let gradient2With (options: GradientCheckOptions) (f: Tensor -> Tensor -> Tensor) (a: Tensor) (b: Tensor) : GradientCheckReport =
    GradientChecker.Check(Func<Tensor[], Tensor>(fun xs -> f xs.[0] xs.[1]), [| a; b |], options)

/// Checks the gradient of a scalar function of two tensors.
let gradient2 (f: Tensor -> Tensor -> Tensor) (a: Tensor) (b: Tensor) : GradientCheckReport = gradient2With defaultOptions f a b

/// Checks the Jacobian of a tensor-valued function of several tensors with the given options.
let jacobianWith (options: GradientCheckOptions) (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport =
    GradientChecker.CheckJacobian(arrayFn f, Array.ofList inputs, options)

/// Checks the Jacobian of a tensor-valued function of several tensors (one backward pass per output element).
let jacobian (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport = jacobianWith defaultOptions f inputs

/// Checks the Jacobian of a tensor-valued function of one tensor: <c>x |> Check.jacobian1 (fun t -> t.Softmax())</c>.
let jacobian1 (f: Tensor -> Tensor) (x: Tensor) : GradientCheckReport =
    GradientChecker.CheckJacobian(Func<Tensor, Tensor> f, x, defaultOptions)

/// Checks Hessian-vector products of a scalar function of several tensors with the given options, along a
/// random direction drawn with the options' seed.
let secondOrderWith (options: GradientCheckOptions) (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport =
    GradientChecker.CheckSecondOrder(arrayFn f, Array.ofList inputs, options, null)

/// Checks Hessian-vector products (the gradient of the gradient) of a scalar function of several tensors.
let secondOrder (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport = secondOrderWith defaultOptions f inputs

/// Checks the Hessian-vector product along the given directions (one per input, of its shape).
let secondOrderAlong (directions: Tensor list) (f: Tensor list -> Tensor) (inputs: Tensor list) : GradientCheckReport =
    GradientChecker.CheckSecondOrder(arrayFn f, Array.ofList inputs, defaultOptions, Array.ofList directions)

/// Checks Hessian-vector products of a scalar function of one tensor.
let secondOrder1 (f: Tensor -> Tensor) (x: Tensor) : GradientCheckReport =
    GradientChecker.CheckSecondOrder(Func<Tensor, Tensor> f, x, defaultOptions, null)

/// Options whose float32 tolerance (added to both tolerances when a float32 input is checked against the float64
/// twin of the computation; default 1000·ε₃₂ ≈ 1.19e-4) is the given one.
let withFloat32Tolerance (tolerance: float) (options: GradientCheckOptions) : GradientCheckOptions =
    GradientCheckOptions(options.StepSize, options.RelativeTolerance, options.AbsoluteTolerance, options.Seed, tolerance)

/// The dtype whose analytic derivatives a check compared: float32 when any input was float32 (against central
/// differences of the float64 twin), else float64.
let dtype (report: GradientCheckReport) : DType = report.DType

/// Whether a check passed.
let passed (report: GradientCheckReport) : bool = report.Passed

/// The readable summary of a check.
let summary (report: GradientCheckReport) : string = report.Summary
