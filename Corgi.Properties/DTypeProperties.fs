/// Properties of float32 and float64 living side by side: PyTorch's promotion rules (float32 op float64 gives
/// float64; a rank-0 tensor does not widen a dimensioned one; a C# number widens nothing), conversion with
/// To/Float32/Float64 and its gradient, and mixed-dtype binary ops, matmul and conv2d: the result has the
/// promoted dtype, every gradient has its own tensor's dtype, and the gradients check against central
/// differences of the float64 twin (GradientChecker: float32 tolerance 1000 ε₃₂ when any input is float32).
module Corgi.Properties.DTypeProperties

open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private h = 1e-6

/// PyTorch's rule, written independently of Tensor.ResultDType: the dimensioned operands decide; only when
/// every operand is rank 0 do the rank-0 ones.
let private expectedDType (operands: Tensor[]) =
    let dimensioned = operands |> Array.filter (fun t -> t.Rank > 0)
    let deciding = if dimensioned.Length > 0 then dimensioned else operands
    if deciding |> Array.exists (fun t -> t.DType = DType.Float64) then DType.Float64 else DType.Float32

/// After backward of weighted(op(inputs)) on tracked copies: the result's dtype, and each input's gradient dtype.
let private dtypesAfterBackward (op: Tensor[] -> Tensor) (inputs: Tensor[]) =
    let leaves = inputs |> Array.map (fun x -> x.Detach().Tracked())
    let y = op leaves
    (weighted y).Backward()
    y.DType, leaves |> Array.map (fun l -> (gradientOfTensor l).DType)

/// The result has the expected dtype, each gradient its input's dtype, and the gradient checks.
let private mixedChecksTo (expected: DType) (op: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    let resultDType, gradientDTypes = dtypesAfterBackward op inputs
    let inputDTypes = inputs |> Array.map (fun x -> x.DType)
    let gradientDTypes, inputDTypes = System.String.Join(",", gradientDTypes), System.String.Join(",", inputDTypes)
    labelled $"result dtype {resultDType}, expected {expected} (inputs {inputDTypes})" (resultDType = expected)
    .&. labelled $"gradient dtypes {gradientDTypes}, expected the inputs' {inputDTypes}" (gradientDTypes = inputDTypes)
    .&. TensorProperty.gradientWith (step h) (op >> weighted) inputs

/// The result has the promoted dtype of the inputs (expectedDType), each gradient its input's dtype, and the gradient checks.
let private mixedChecks (op: Tensor[] -> Tensor) (inputs: Tensor[]) : Property = mixedChecksTo (expectedDType inputs) op inputs

// ------------------------------------------------------------------ promotion

[<CorgiProperty(200)>]
let ``binary ops give the promoted dtype (rank-0 operands do not widen dimensioned ones)`` (p: MixedPair) =
    let a, b = p.Left, p.Right
    let expected = expectedDType [| a; b |]
    let results = [ "add", a + b; "sub", a - b; "mul", a * b; "div", a / (b.Abs() + 0.5); "maximum", a.Maximum(b); "minimum", a.Minimum(b) ]
    labelled $"Tensor.ResultDType gives {p.ResultDType}, expected {expected}" (p.ResultDType = expected)
    .&. (results |> List.map (fun (name, r) -> labelled $"{name} gave {r.DType}, expected {expected}" (r.DType = expected)) |> List.reduce (.&.))

[<CorgiProperty(200)>]
let ``float32 op float64 is float64 and equals the op on the widened float32 values`` (p: MixedPair) =
    // widening float32 to float64 is exact, so a float64 result is the float64 op on exact values
    let a, b = p.Left, p.Right
    (expectedDType [| a; b |] = DType.Float64) ==> lazy (
        TensorProperty.equal (a.Float64() + b.Float64()) (a + b)
        .&. TensorProperty.equal (a.Float64() * b.Float64()) (a * b))

[<CorgiProperty(120)>]
let ``a C# number widens nothing: float32 * 2.0 stays float32`` (x: Tensor) (k: NonNegativeInt) =
    let x32 = x.Float32()
    let s = [| 2.0; 0.1; -3.5; 1e-3 |].[k.Get % 4]
    [ "x * s", x32 * s; "s * x", s * x32; "x + s", x32 + s; "s - x", s - x32; "x / s", x32 / s; "x ** 2", x32.Pow(2.0) ]
    |> List.map (fun (name, r) -> labelled $"{name} gave {r.DType}" (r.DType = DType.Float32))
    |> List.reduce (.&.)

[<CorgiProperty(120)>]
let ``rank-0 tensors: float32 with a float64 scalar stays float32, two scalars promote`` (x: Tensor) (v: NormalFloat) =
    let x = atLeast1D x
    let s64 = Tensor.Scalar(v.Get, DType.Float64)
    let s32 = Tensor.Scalar(v.Get, DType.Float32)
    labelled "float32 [dims] + float64 []" ((x.Float32() + s64).DType = DType.Float32)
    .&. labelled "float64 [dims] + float32 []" ((x + s32).DType = DType.Float64)
    .&. labelled "float32 [] + float64 []" ((s32 + s64).DType = DType.Float64)
    .&. labelled "float32 [] + float32 []" ((s32 * s32).DType = DType.Float32)

// ------------------------------------------------------------------ conversion

[<CorgiProperty(160)>]
let ``To rounds to nearest float32 and widens exactly back`` (x: Tensor) =
    let x32 = x.To(DType.Float32)
    let rounded = Tensor(x.Shape, x.ToArray() |> Array.map float32)
    TensorProperty.equal rounded x32
    .&. labelled "float32 -> float64 -> float32 is the identity" (x32.Float64().Float32().Equals x32)
    .&. labelled "float64 -> float32 -> float64 moves each value by at most half an ulp"
            ((x32.Float64() - x).Abs().ToArray() |> Array.forall2 (fun v e -> e <= abs v * 6e-8) (x.ToArray()))
    .&. labelled "To the same dtype is the tensor itself" (obj.ReferenceEquals(x.To(DType.Float64), x) && obj.ReferenceEquals(x32.Float32(), x32))

[<CorgiProperty(160)>]
let ``the gradient of x.To(Float64).Sum() w.r.t. float32 x is float32 ones, and conversely`` (x: Tensor) =
    let x32 = x.Float32().Tracked()
    x32.To(DType.Float64).Sum().Backward()
    let g32 = gradientOfTensor x32
    let x64 = x.Detach().Tracked()
    x64.Float32().Sum().Backward()
    let g64 = gradientOfTensor x64
    TensorProperty.equal (Tensor.Ones(x.Shape, DType.Float32)) g32
    .&. TensorProperty.equal (Tensor.Ones(x.Shape, DType.Float64)) g64

[<CorgiProperty(160)>]
let ``gradients flow through conversions to float64 and back and check`` (p: BroadcastPair) (d: DType) =
    // f(a, b) = weighted(tanh(a.Float64() * b.Float64()).To(a's dtype) + a) for a float32 and b of either dtype:
    // the gradient crosses two conversions. (Written dtype-generic, converting back to the argument's dtype,
    // so the float64 twin runs wholly in float64: an explicit Float32() inside f would round the twin too.)
    let inputs = [| p.Left.Float32(); p.Right.To(d).Detach() |]
    mixedChecksTo DType.Float32 (fun t -> (t.[0].Float64() * t.[1].Float64()).Tanh().To(t.[0].DType) + t.[0]) inputs

// ------------------------------------------------------------------ mixed-dtype ops

[<CorgiProperty(200)>]
let ``mixed-dtype binary ops: promoted result, gradients in each input's dtype, gradient checks`` (p: MixedPair) =
    mixedChecks (fun t -> t.[0] * t.[1] + (t.[0] - t.[1]).Tanh() + t.[0] / (t.[1].Square() + 1.0)) [| p.Left; p.Right |]

[<CorgiProperty(200)>]
let ``mixed-dtype matmul with bias: promoted result and gradient dtypes, gradient checks`` (c: MatMulCase) (dl: DType) (dr: DType) (db: DType) =
    let c = { c with Left = c.Left.To(dl).Detach(); Right = c.Right.To(dr).Detach(); Bias = c.Bias |> Option.map (fun b -> b.To(db).Detach()) }
    // the product of two (dimensioned) operands promotes; the bias then meets the product as in product + bias,
    // so a rank-0 product (vector·vector) and a rank-0 float64 bias give float64, like PyTorch's a @ b + bias
    let product = c.ProductOf [| c.Left; c.Right |]
    let expected = expectedDType (Array.append [| product |] (Option.toArray c.Bias))
    labelled $"the product without bias is {product.DType}" (product.DType = expectedDType [| c.Left; c.Right |])
    .&. mixedChecksTo expected c.ProductOf c.Inputs

[<CorgiProperty(150)>]
let ``mixed-dtype conv2d with bias: promoted result and gradient dtypes, gradient checks`` (c: Conv2dCase) (dx: DType) (df: DType) (db: DType) =
    let c = { c with Input = c.Input.To(dx).Detach(); Filters = c.Filters.To(df).Detach(); Bias = c.Bias |> Option.map (fun b -> b.To(db).Detach()) }
    mixedChecks c.ConvolutionOf c.Inputs

[<CorgiProperty(100)>]
let ``generated cases in a dtype have that dtype`` (c: MatMulCase) (r: ReductionCase) (d: DType) =
    let m = c.WithDType d
    let red = r.WithDType d
    labelled "MatMulCase.WithDType" (m.Inputs |> Array.forall (fun t -> t.DType = d))
    .&. labelled "ReductionCase.WithDType" (red.Input.DType = d)
    .&. labelled "the product has the case's dtype" (m.Product().DType = d)

[<CorgiProperty(100)>]
let ``WithDType keeps the case type and converts every tensor`` (p: BroadcastPair) (s: SeparatedPair) (c: Conv2dCase) (d: DType) =
    let p' : BroadcastPair = p.WithDType d
    let s' : SeparatedPair = s.WithDType d
    let c' : Conv2dCase = c.WithDType d
    labelled "BroadcastPair" (p'.Left.DType = d && p'.Right.DType = d)
    .&. labelled "SeparatedPair" (s'.Left.DType = d && s'.Right.DType = d)
    .&. labelled "Conv2dCase" (c'.Inputs |> Array.forall (fun t -> t.DType = d))
