/// Issue 11's element-wise maths, activations, comparisons/selection and reductions: the reverse-mode gradient of
/// sum(w * op(inputs)) equals central finite differences (GradientChecker, step 1e-6), in float64 and float32
/// (Helpers.gradientOf), on random shapes and broadcast pairs. Inputs are mapped into each function's domain
/// (asin's (-1, 1), acosh's (1, inf)) and kept off the kinks of the piecewise ones by offsets stated per property.
module Corgi.Properties.OpSetAProperties

open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private h = 1e-6

/// A tensor of the domain's values, with its own shrinker.
let private tensorsIn (domain: Domain) = Arb.fromGenShrink (TensorGen.tensorWith domain, TensorShrink.tensor domain)

// ------------------------------------------------------------------ element-wise maths

[<CorgiProperty>]
let ``sin, cos and tan (tan on [-1.4, 1.4])`` (x: Tensor) =
    gradientOf h (fun t -> t.[0].Sin() + t.[0].Cos() * 0.5 + (t.[0] * 0.7).Tan() * 0.25) [| x |]

[<CorgiProperty>]
let ``asin, acos and atanh on [-0.9, 0.9]`` (x: Tensor) =
    gradientOf h (fun t -> let u = t.[0] * 0.45 in u.Asin() + u.Acos() * 0.5 + u.Atanh() * 0.25) [| x |]

[<CorgiProperty>]
let ``atan, sinh, cosh and asinh`` (x: Tensor) =
    gradientOf h (fun t -> t.[0].Atan() + t.[0].Sinh() * 0.5 + t.[0].Cosh() * 0.25 + t.[0].Asinh() * 0.75) [| x |]

[<CorgiProperty>]
let ``acosh on [1.2, 4]`` (PositiveTensor x) = gradientOf h (fun t -> (t.[0] + 1.0).Acosh()) [| x |]

[<CorgiProperty>]
let ``exp2, expm1, erf and erfc`` (x: Tensor) =
    gradientOf h (fun t -> t.[0].Exp2() + t.[0].Expm1() * 0.5 + t.[0].Erf() * 0.25 + t.[0].Erfc() * 0.75) [| x |]

[<CorgiProperty>]
let ``log2, log10 and rsqrt of positive values`` (PositiveTensor x) =
    gradientOf h (fun t -> t.[0].Log2() + t.[0].Log10() * 0.5 + t.[0].Rsqrt() * 0.25) [| x |]

[<CorgiProperty>]
let ``log1p on [-0.8, 0.8]`` (x: Tensor) = gradientOf h (fun t -> (t.[0] * 0.4).Log1p()) [| x |]

[<CorgiProperty>]
let ``floor, ceil, round and trunc have zero gradient away from integers and halves`` () =
    // odd multiples of 0.05 are never integers nor halves, so a step of 1e-6 crosses no jump
    Prop.forAll (tensorsIn Domain.OddTwentieths) (fun x ->
        gradientOf h (fun t -> t.[0].Floor() + t.[0].Ceil() * 0.5 + t.[0].Round() * 0.25 + t.[0].Trunc() * 0.75 + t.[0]) [| x |])

[<CorgiProperty>]
let ``atan2 and hypot with broadcasting, away from the origin and the branch cut`` () =
    // y (the first operand) has |values| >= 0.5: away from the origin, where both are singular, and from atan2's
    // jump from pi to -pi along y = 0, x < 0
    Prop.forAll (Arb.fromGen (TensorGen.broadcastPairIn Domain.NonZero Domain.General)) (fun (a, b) ->
        gradientOf h (fun t -> t.[0].Atan2(t.[1]) + t.[0].Hypot(t.[1]) * 0.5) [| a; b |])

[<CorgiProperty>]
let ``lerp with a broadcast tensor weight`` (p: BroadcastPair) =
    let weight = Tensor(p.Right.Shape, p.Right.ToArray() |> Array.map (fun v -> 0.25 * v + 0.5))
    gradientOf h (fun t -> t.[0].Lerp(t.[1], t.[2])) [| p.Left; p.Right; weight |]

[<CorgiProperty>]
let ``sin has second derivative -sin`` (x: Tensor) = secondOrderOf h (fun t -> t.[0].Sin() * t.[0].Erf()) [| x |]

// ------------------------------------------------------------------ activations

[<CorgiProperty>]
let ``gelu exact and tanh, silu, mish`` (x: Tensor) =
    gradientOf h (fun t -> t.[0].Gelu() + t.[0].Gelu(true) * 0.5 + t.[0].Silu() * 0.25 + t.[0].Mish() * 0.75) [| x |]

[<CorgiProperty>]
let ``gelu exact and tanh have second derivatives through their fused backward`` (x: Tensor) =
    // gelu's backward is one op of (g, x); this checks its derivatives in g and in x on unrestricted inputs
    secondOrderOf h (fun t -> t.[0].Gelu() + t.[0].Gelu(true) * 0.5 + (t.[0] * 3.0).Gelu() * 0.25) [| x |]

[<CorgiProperty>]
let ``softplus with beta and threshold`` (x: Tensor) (k: NonNegativeInt) =
    // the thresholds are off the grid of beta x (multiples of 0.005), so no value sits on the switch to x
    let beta, threshold = [| 1.0, 20.0; 2.0, 1.5025; 0.5, 0.3025; -1.0, 20.0 |].[k.Get % 4]
    gradientOf h (fun t -> t.[0].Softplus(beta, threshold)) [| x |]

[<CorgiProperty>]
let ``logsigmoid and softsign`` (AwayFromKinksTensor x) =
    gradientOf h (fun t -> t.[0].LogSigmoid() + t.[0].Softsign() * 0.5) [| x |]

[<CorgiProperty>]
let ``logsigmoid of large-magnitude inputs`` () =
    Prop.forAll (Arb.fromGen (TensorGen.shapeBetween 1 3 |> Gen.bind (TensorGen.tensorIn Domain.Large))) (fun x ->
        gradientOf 1e-5 (fun t -> t.[0].LogSigmoid()) [| x |])

[<CorgiProperty>]
let ``elu, selu and celu away from 0`` (AwayFromKinksTensor x) (k: NonNegativeInt) =
    let alpha = [| 1.0; 0.5; 2.0 |].[k.Get % 3]
    gradientOf h (fun t -> t.[0].Elu(alpha) + t.[0].Selu() * 0.5 + t.[0].Celu(alpha) * 0.25) [| x |]

[<CorgiProperty>]
let ``hardtanh, relu6, hardsigmoid and hardswish away from their kinks`` (AwayFromKinksTensor x) =
    // 4x + 0.02 is an odd multiple of 0.02 with |4x| >= 0.4: never 0, ±1, ±3 or 6
    gradientOf h (fun t ->
        let u = t.[0] * 4.0 + 0.02
        u.Hardtanh() + u.Hardtanh(-2.0, 5.0) * 0.3 + u.Relu6() * 0.5 + u.Hardsigmoid() * 0.25 + u.Hardswish() * 0.75) [| x |]

[<CorgiProperty>]
let ``activations have second derivatives (their derivatives are tensor ops)`` (AwayFromKinksTensor x) =
    secondOrderOf h (fun t ->
        let u = t.[0]
        u.Gelu() + u.Gelu(true) * 0.5 + u.Silu() * 0.25 + u.Mish() * 0.75 + u.Softplus(2.0, 20.0) * 0.3
        + u.LogSigmoid() * 0.6 + u.Softsign() * 0.2 + u.Elu(0.5) * 0.4 + u.Selu() * 0.1 + u.Celu(2.0) * 0.7) [| x |]

[<CorgiProperty>]
let ``element-wise maths have second derivatives`` (x: Tensor) =
    secondOrderOf h (fun t ->
        let u = t.[0] * 0.45
        u.Asin() + u.Acos() * 0.5 + u.Atan() * 0.25 + u.Atanh() * 0.75 + u.Tan() * 0.3 + u.Sinh() * 0.6 + u.Asinh() * 0.2
        + u.Exp2() * 0.4 + u.Expm1() * 0.1 + u.Log1p() * 0.7 + u.Erfc() * 0.8) [| x |]

// ------------------------------------------------------------------ comparisons and selection

[<CorgiProperty>]
let ``comparisons are constants (no gradient to either side)`` (p: SeparatedPair) =
    // the pair never ties, so a small step never flips a comparison
    gradientOf h (fun t ->
        let a, b = t.[0], t.[1]
        a * a.Gt(b) + b * a.Le(b) + (a + b) * a.Lt(b) - a * a.Ge(b) + b * a.Eq(b) + a * a.Ne(b)) [| p.Left; p.Right |]

[<CorgiProperty>]
let ``where broadcasts condition, input and other`` (p: BroadcastPair) =
    // a fixed 0/1 pattern of the left operand's shape as the condition
    let cond = Tensor(p.Left.Shape, weightsFor(p.Left.Shape).ToArray() |> Array.map (fun w -> if w > 0.5 then 1.0 else 0.0))
    gradientOf h (fun t -> Tensor.Where(cond, t.[0] * t.[1], t.[1].Sin())) [| p.Left; p.Right |]

[<CorgiProperty>]
let ``where routes the second derivative too`` (p: BroadcastPair) =
    let cond = Tensor(p.Right.Shape, weightsFor(p.Right.Shape).ToArray() |> Array.map (fun w -> if w > 0.5 then 1.0 else 0.0))
    secondOrderOf h (fun t -> Tensor.Where(cond, t.[0] * t.[1], t.[0].Sin()) * t.[1]) [| p.Left; p.Right |]

[<CorgiProperty>]
let ``masked fill with a broadcast mask`` (x: Tensor) =
    let x = atLeast1D x
    let last = x.Shape.[x.Rank - 1]
    let mask = Tensor([| last |], Array.init last (fun i -> float (i % 2)))
    gradientOf h (fun t -> t.[0].MaskedFill(mask, 0.7)) [| x |]

[<CorgiProperty>]
let ``clamp with tensor bounds, gradient to x and to the bound that binds`` (p: SeparatedPair) =
    // x: multiples of 0.1; bounds: odd multiples of 0.05 (lo) and lo + 1 (hi): never tied with x, lo < hi
    let hi = p.Right + 1.0
    gradientOf h (fun t -> t.[0].Clamp(t.[1], t.[2]) + t.[0].Clamp(t.[1], null) * 0.5 + t.[0].Clamp(null, t.[2]) * 0.25)
        [| p.Left; p.Right; hi.Detach() |]

[<CorgiProperty>]
let ``nan_to_num is the identity on finite values, isfinite a constant`` (x: Tensor) =
    gradientOf h (fun t -> t.[0].NanToNum() + t.[0] * t.[0].IsFinite() + t.[0].IsNaN() + t.[0].IsInf()) [| x |]

// ------------------------------------------------------------------ reductions

/// A few dimensions of x drawn from k (none, some or all; negative half of the time).
let private dimsFrom (x: Tensor) (k: int) =
    [| 0 .. x.Rank - 1 |] |> Array.filter (fun d -> (k >>> d) &&& 1 = 1) |> Array.map (fun d -> if k % 3 = 0 then d - x.Rank else d)

[<CorgiProperty>]
let ``prod over random dimensions, zeros included`` (c: ReductionCase) =
    // values are multiples of 0.01 in [-2, 2], so exact zeros (one or several per group) occur
    gradientOf h (fun t -> t.[0].Prod(c.Dims, c.KeepDim)) [| c.Input |]

[<CorgiProperty>]
let ``prod with zeros has the right second derivative`` (c: ReductionCase) (k: NonNegativeInt) =
    // zeros planted at a fifth or so of the positions, so groups with one, two and more zeros all occur
    let values = c.Input.ToArray() |> Array.mapi (fun i v -> if (7 * i + k.Get) % 5 = 0 then 0.0 else v)
    secondOrderOf h (fun t -> t.[0].Prod(c.Dims, c.KeepDim)) [| Tensor(c.Input.Shape, values) |]

[<CorgiProperty>]
let ``var and std over random dimensions, corrections 0 and 1`` (c: ReductionCase) (k: NonNegativeInt) =
    // distinct values (an offset of 0.037 per position) keep the variance away from 0, where std has no derivative
    let x = c.Input + Tensor(c.Input.Shape, Array.init c.Input.Count (fun i -> 0.037 * float i))
    let n = c.Dims |> Array.fold (fun acc d -> acc * x.Size d) 1
    let correction = if n > 1 then float (k.Get % 2) else 0.0
    // a group of one element has variance 0 (correction 0), where std has no derivative: var alone then
    let std (t: Tensor) = if n > 1 then t.Std(c.Dims, correction, c.KeepDim) else t.Var(c.Dims, correction, c.KeepDim)
    gradientOf h (fun t -> t.[0].Var(c.Dims, correction, c.KeepDim) + std t.[0]) [| x.Detach() |]

[<CorgiProperty>]
let ``logsumexp over random dimensions, also of 1000s`` (c: ReductionCase) (k: NonNegativeInt) =
    let offset = [| 0.0; 1000.0; -1000.0 |].[k.Get % 3]
    let step = if offset = 0.0 then h else 1e-5
    gradientOf step (fun t -> t.[0].LogSumExp(c.Dims, c.KeepDim)) [| c.Input + offset |]

[<CorgiProperty>]
let ``norm for p = 1, 2, 3, 1.5 and inf over random dimensions`` (DistinctTensor x) (k: NonNegativeInt) =
    // distinct values shifted to [0.1, 6.1]: no |x| at the kink 0, no tie for the inf-norm
    let x = (x + 3.1).Detach()
    let p = [| 1.0; 2.0; 3.0; 1.5; infinity; -infinity |].[k.Get % 6]
    gradientOf h (fun t -> t.[0].Norm(p, dimsFrom x (k.Get / 6), k.Get % 2 = 0)) [| x |]

[<CorgiProperty>]
let ``the 2-norm of signed values over random dimensions`` (AwayFromKinksTensor x) (k: NonNegativeInt) =
    gradientOf h (fun t -> t.[0].Norm(2.0, dimsFrom x k.Get, k.Get % 2 = 0)) [| x |]

[<CorgiProperty>]
let ``amax and amin over random dimensions away from ties`` (DistinctTensor x) (k: NonNegativeInt) =
    let dims = dimsFrom x k.Get
    gradientOf h (fun t -> t.[0].Amax(dims, k.Get % 2 = 0) + t.[0].Amin(dims, k.Get % 2 = 0) * 0.5) [| x |]

[<CorgiProperty>]
let ``all and any are constants`` (AwayFromKinksTensor x) (k: NonNegativeInt) =
    let dims = dimsFrom x k.Get
    // 0.505 is off the grid of values (multiples of 0.01), so a step never flips the comparison
    gradientOf h (fun t -> t.[0] * (t.[0].Gt(0.505).All(dims, true) + t.[0].Gt(0.505).Any(dims, true))) [| x |]

[<CorgiProperty>]
let ``cumsum and cumprod along a random dimension, zeros included`` (c: AxisCase) =
    gradientOf h (fun t -> t.[0].CumSum(c.Dim) + t.[0].CumProd(c.Dim) * 0.5) [| c.Input |]

[<CorgiProperty>]
let ``cumprod has the right second derivative away from zeros`` (NonZeroTensor x) (k: NonNegativeInt) =
    let x = atLeast1D x
    secondOrderOf h (fun t -> t.[0].CumProd(k.Get % x.Rank)) [| x |]

[<CorgiProperty>]
let ``sort, topk and median along a random dimension`` (DistinctTensor x) (k: NonNegativeInt) =
    let dim = k.Get % x.Rank
    let n = x.Size dim
    gradientOf h (fun t ->
        let struct (sorted, _) = t.[0].Sort(dim, k.Get % 2 = 0)
        let struct (top, _) = t.[0].TopK(1 + k.Get % n, dim, k.Get % 3 = 0)
        let struct (median, _) = t.[0].Median(dim, k.Get % 2 = 1)
        weighted sorted + weighted top * 0.5 + weighted median * 0.25 + t.[0].Median() * 0.3) [| x |]

[<CorgiProperty>]
let ``logsumexp, var, norm and cumsum have second derivatives`` (c: ReductionCase) =
    // an offset of 0.0037 (i + 1) + 0.001 keeps the values (multiples of 0.01) distinct and nonzero for up to 69
    // elements, so the 2-norm stays away from its kink at 0 (a group of one element is |x|)
    let x = c.Input + Tensor(c.Input.Shape, Array.init c.Input.Count (fun i -> 0.0037 * float (i + 1) + 0.001))
    secondOrderOf h (fun t ->
        t.[0].LogSumExp(c.Dims, true) + t.[0].Var(c.Dims, 0.0, true) * 0.5 + t.[0].Norm(2.0, c.Dims, true) * 0.25
        + weighted (t.[0].CumSum(-1)) * 0.3) [| x.Detach() |]
