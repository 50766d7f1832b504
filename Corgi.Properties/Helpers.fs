/// Helpers shared by the property files.
module Corgi.Properties.Helpers

open System
open Corgi
open Corgi.Verification
open Corgi.FsCheck
open global.FsCheck
open global.FsCheck.FSharp

/// Fixed, uneven weights for a shape (0.5 + cos(1.7 i + 0.3)), so a weighted sum reduces an op's output to a
/// scalar without symmetric cancellations (the plain sum of a softmax is constant).
let weightsFor (shape: int[]) =
    let n = Array.fold (*) 1 shape
    Tensor(shape, Array.init n (fun i -> 0.5 + cos (1.7 * float i + 0.3)))

/// sum(y * w) with the weights above, in y's dtype (so a float32 op's output is reduced in float32, not widened).
let weighted (y: Tensor) = (y * weightsFor(y.Shape).To(y.DType)).Sum()

/// The two dtypes every gradient property runs in.
let dtypes = [| DType.Float64; DType.Float32 |]

/// The inputs in a dtype (untracked copies; float64 to float32 rounds the generators' short decimals once).
let inDType (dtype: DType) (inputs: Tensor[]) = inputs |> Array.map (fun x -> x.To(dtype).Detach())

/// The property for each dtype (the inputs converted), each labelled with its dtype.
let inBothDTypes (property: Tensor[] -> Property) (inputs: Tensor[]) : Property =
    dtypes
    |> Array.map (fun dt -> property (inDType dt inputs) |> Prop.label $"in {dt.Name()}")
    |> Array.reduce (.&.)

/// Options for a step size, with tolerances derived from it (see GradientCheckOptions.ForStepSize).
let step (h: float) = GradientCheckOptions.ForStepSize h

/// The gradients left on fresh tracked leaves (sharing the inputs' values) by `step`, which runs f and backward.
let private gradientsAfter (step: Tensor[] -> unit) (inputs: Tensor[]) =
    let leaves = inputs |> Array.map (fun x -> x.Detach().Tracked())
    step leaves
    leaves |> Array.map (fun x -> x.Gradient)

/// f's gradients are the same (exactly: the same arithmetic runs) when f runs inside a dispose scope:
/// with the whole step in the scope and the gradients read after it ends, and with the loss moved out of
/// the scope and differentiated after it (so everything its backward pass reads must survive the scope).
let scopedAgrees (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    let plain = gradientsAfter (fun xs -> (f xs).Backward()) inputs
    let inside = gradientsAfter (fun xs -> using (Tensor.NewDisposeScope()) (fun _ -> (f xs).Backward())) inputs
    let movedOut =
        gradientsAfter (fun xs -> (using (Tensor.NewDisposeScope()) (fun _ -> (f xs).MoveToOuterDisposeScope())).Backward()) inputs
    let same (a: (Tensor | null)[]) (b: (Tensor | null)[]) = Array.forall2 (fun x y -> obj.Equals(x, y)) a b
    (same plain inside |> Prop.label "the step inside a dispose scope gives other gradients")
    .&. (same plain movedOut |> Prop.label "the loss moved out of a dispose scope gives other gradients")

/// The gradient of weighted(op(inputs)) equals central differences with step h, and is the same when the
/// op runs in a dispose scope (scopedAgrees), in both dtypes: the inputs as given in float64, then converted
/// to float32, where the float32 gradient is compared with central differences of the float64 twin with
/// float32's tolerance (GradientCheckOptions.ForDType: 1000 ε₃₂ added to the tolerances of step h).
let gradientOf (h: float) (op: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    inputs
    |> inBothDTypes (fun xs ->
        let report = GradientChecker.Check(Func<Tensor[], Tensor>(op >> weighted), xs, step h)
        let expected = if xs |> Array.exists (fun x -> x.DType = DType.Float32) then DType.Float32 else DType.Float64
        TensorProperty.ofReport report
        .&. Prop.label $"the check ran in {report.DType}, not {expected}" (report.DType = expected)
        .&. scopedAgrees (op >> weighted) xs)

/// The gradient of weighted(op(inputs)) equals central differences in float64 only (for inputs a float32
/// rounding would move onto a kink or a tie).
let gradientOf64 (h: float) (op: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    TensorProperty.gradientWith (step h) (op >> weighted) inputs .&. scopedAgrees (op >> weighted) inputs

/// The Hessian-vector product of weighted(op(inputs)) equals central differences of its gradient, step h,
/// in both dtypes (float32 against the float64 twin).
let secondOrderOf (h: float) (op: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    inputs |> inBothDTypes (TensorProperty.secondOrderWith (step h) (op >> weighted))

/// A rank-0 tensor becomes a one-element vector (for ops that need a dimension).
let atLeast1D (x: Tensor) = if x.Rank = 0 then x.Reshape(1).Detach() else x

/// The k-th permutation of 0..n-1 (k taken modulo n!).
let nthPermutation (n: int) (k: int) =
    let fact m = Seq.fold (*) 1 [ 1 .. m ]
    let items = ResizeArray [ 0 .. n - 1 ]
    let result = ResizeArray()
    let mutable k = k % fact n
    for i in n .. -1 .. 1 do
        let f = fact (i - 1)
        result.Add items.[k / f]
        items.RemoveAt(k / f)
        k <- k % f
    result.ToArray()

/// A copy of a tensor's values and shape (to compare after an op ran).
let snapshot (t: Tensor) = Tensor(t.Shape, t.ToArray())

/// The gradient of a tensor, which must have one.
let gradientOfTensor (t: Tensor) =
    match t.Gradient with
    | null -> invalidOp $"no gradient reached {t}"
    | g -> g

/// A property labelled with a message.
let labelled (message: string) (ok: bool) : Property = Prop.label message ok
