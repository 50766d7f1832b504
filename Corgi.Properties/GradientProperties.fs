/// For every differentiable op of Corgi.Core: the reverse-mode gradient of sum(w * op(inputs)) equals
/// central finite differences (GradientChecker, float64, relative tolerance 1e-6) on random shapes.
///
/// Step sizes (per op, the `gradientOf h` argument): h = 1e-6 balances truncation (h²) against rounding
/// (ε/h) for functions of size O(1) and is used for almost every op; ops on large values (softmax of
/// 1000s, whose relative step must stay above the spacing of doubles near 1000) use 1e-5; the tolerances
/// follow from h (GradientCheckOptions.ForStepSize: 1000 (h² + ε/h), at least 1e-6). The costs, layers and
/// models of Corgi.NN are checked in NNProperties.fs.
module Corgi.Properties.GradientProperties

open System
open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private h = 1e-6

// ------------------------------------------------------------------ arithmetic (with broadcasting)

[<CorgiProperty(240)>]
let ``add`` (p: BroadcastPair) = gradientOf h (fun x -> x.[0] + x.[1]) [| p.Left; p.Right |]

[<CorgiProperty(240)>]
let ``sub`` (p: BroadcastPair) = gradientOf h (fun x -> x.[0] - x.[1]) [| p.Left; p.Right |]

[<CorgiProperty(240)>]
let ``mul`` (p: BroadcastPair) = gradientOf h (fun x -> x.[0] * x.[1]) [| p.Left; p.Right |]

[<CorgiProperty(240)>]
let ``div`` (p: BroadcastPair) =
    // the denominator is moved away from 0 keeping its shape: |b| in [0.5, 2.5]
    let denominator = Tensor(p.Right.Shape, p.Right.ToArray() |> Array.map (fun v -> if v < 0.0 then v - 0.5 else v + 0.5))
    gradientOf h (fun x -> x.[0] / x.[1]) [| p.Left; denominator |]

[<CorgiProperty(240)>]
let ``pow with a tensor exponent`` (p: BroadcastPair) =
    // base in [0.2, 3]: the derivative for the exponent needs ln(base)
    let basis = Tensor(p.Left.Shape, p.Left.ToArray() |> Array.map (fun v -> 0.2 + abs v))
    gradientOf h (fun x -> x.[0].Pow(x.[1])) [| basis; p.Right |]

[<CorgiProperty(240)>]
let ``maximum`` (p: SeparatedPair) = gradientOf h (fun x -> x.[0].Maximum(x.[1])) [| p.Left; p.Right |]

[<CorgiProperty(240)>]
let ``minimum`` (p: SeparatedPair) = gradientOf h (fun x -> x.[0].Minimum(x.[1])) [| p.Left; p.Right |]

[<CorgiProperty(160)>]
let ``axpy`` (p: BroadcastPair) (alpha: NormalFloat) =
    let alpha = Math.Clamp(alpha.Get, -3.0, 3.0)
    gradientOf h (fun x -> Tensor.Axpy(alpha, x.[0], x.[1])) [| p.Left; p.Right |]

[<CorgiProperty(160)>]
let ``scalar operators on either side`` (x: Tensor) =
    gradientOf h (fun t -> (2.5 * t[0] + 1.0) - (t[0] * 0.5) / 4.0 + (3.0 - t[0]) - t[0] / (t[0] * t[0] + 1.0)) [| x |]

// ------------------------------------------------------------------ element-wise

[<CorgiProperty(200)>]
let ``neg`` (x: Tensor) = gradientOf h (fun t -> t.[0].Neg() + (-t.[0])) [| x |]

[<CorgiProperty(200)>]
let ``reciprocal`` (NonZeroTensor x) = gradientOf h (fun t -> t.[0].Reciprocal()) [| x |]

[<CorgiProperty(240)>]
let ``pow with a scalar exponent (any exponent, not always 2)`` (PositiveTensor x) (k: NonNegativeInt) =
    let exponents = [| 3.0; -1.5; 0.5; 2.0; 1.0; 0.0; -1.0; 2.7; -0.3 |]
    let p = exponents.[k.Get % exponents.Length]
    gradientOf h (fun t -> t.[0].Pow(p)) [| x |]

[<CorgiProperty(200)>]
let ``integer powers of negative values`` (x: Tensor) (k: NonNegativeInt) =
    let p = float (2 + k.Get % 3)
    gradientOf h (fun t -> t.[0].Pow(p)) [| x |]

[<CorgiProperty(200)>]
let ``square`` (x: Tensor) = gradientOf h (fun t -> t.[0].Square()) [| x |]

[<CorgiProperty(200)>]
let ``exp`` (x: Tensor) = gradientOf h (fun t -> t.[0].Exp()) [| x |]

[<CorgiProperty(200)>]
let ``log`` (PositiveTensor x) = gradientOf h (fun t -> t.[0].Log()) [| x |]

[<CorgiProperty(200)>]
let ``sqrt`` (PositiveTensor x) = gradientOf h (fun t -> t.[0].Sqrt()) [| x |]

[<CorgiProperty(200)>]
let ``abs`` (AwayFromKinksTensor x) = gradientOf h (fun t -> t.[0].Abs()) [| x |]

[<CorgiProperty(120)>]
let ``sign is a constant`` (AwayFromKinksTensor x) =
    // derivative 0 almost everywhere: the result is untracked and the numeric derivative is 0 too
    gradientOf h (fun t -> t.[0].Sign() + t.[0]) [| x |]

[<CorgiProperty(240)>]
let ``clamp`` (k: NonNegativeInt) =
    // values are multiples of 0.1, the bounds odd multiples of 0.05: no value sits on a bound
    let bounds = [| -1.45, 0.35; -0.05, 0.05; -2.05, 2.05; 0.25, 1.15 |]
    let lo, hi = bounds.[k.Get % bounds.Length]
    Prop.forAll (Arb.fromGenShrink (TensorGen.tensorWith Domain.Tenths, TensorShrink.tensor Domain.Tenths)) (fun x ->
        gradientOf h (fun t -> t.[0].Clamp(lo, hi)) [| x |])

// ------------------------------------------------------------------ activations

[<CorgiProperty(200)>]
let ``relu`` (AwayFromKinksTensor x) = gradientOf h (fun t -> t.[0].Relu()) [| x |]

[<CorgiProperty(200)>]
let ``leaky relu`` (AwayFromKinksTensor x) (k: NonNegativeInt) =
    let slope = [| 0.01; 0.2; -0.5; 1.5 |].[k.Get % 4]
    gradientOf h (fun t -> t.[0].LeakyRelu(slope)) [| x |]

[<CorgiProperty(200)>]
let ``sigmoid`` (x: Tensor) = gradientOf h (fun t -> t.[0].Sigmoid()) [| x |]

[<CorgiProperty(200)>]
let ``tanh`` (x: Tensor) = gradientOf h (fun t -> t.[0].Tanh()) [| x |]

[<CorgiProperty(240)>]
let ``softmax along a random dimension`` (c: AxisCase) = gradientOf h (fun t -> t.[0].Softmax(c.Dim)) [| c.Input |]

[<CorgiProperty(240)>]
let ``log softmax along a random dimension`` (c: AxisCase) = gradientOf h (fun t -> t.[0].LogSoftmax(c.Dim)) [| c.Input |]

[<CorgiProperty(160)>]
let ``softmax and log softmax of large-magnitude inputs`` (c: AxisCase) (k: NonNegativeInt) =
    // 1000s (offset) and -1000s: the max shift keeps them finite; the gradient must match too
    let offset = if k.Get % 2 = 0 then 1000.0 else -1000.0
    let x = c.Input + offset
    gradientOf 1e-5 (fun t -> t.[0].Softmax(c.Dim) + t.[0].LogSoftmax(c.Dim) * 0.1) [| x |]

[<CorgiProperty(120)>]
let ``softmax of widely spread large values is finite and checks`` () =
    Prop.forAll (Arb.fromGen (TensorGen.shapeBetween 1 3 |> Gen.bind (TensorGen.tensorIn Domain.Large))) (fun x ->
        gradientOf 1e-5 (fun t -> t.[0].Softmax() + t.[0].LogSoftmax() * 1e-3) [| x |])

// ------------------------------------------------------------------ reductions

[<CorgiProperty(240)>]
let ``sum over random dimensions with and without keepDim`` (c: ReductionCase) =
    gradientOf h (fun t -> t.[0].Sum(c.Dims, c.KeepDim)) [| c.Input |]

[<CorgiProperty(240)>]
let ``mean over random dimensions with and without keepDim`` (c: ReductionCase) =
    gradientOf h (fun t -> t.[0].Mean(c.Dims, c.KeepDim)) [| c.Input |]

[<CorgiProperty(160)>]
let ``sum and mean of all elements`` (x: Tensor) = gradientOf h (fun t -> t.[0].Sum() * 0.7 + t.[0].Mean()) [| x |]

[<CorgiProperty(160)>]
let ``sum over one dimension`` (c: AxisCase) = gradientOf h (fun t -> t.[0].Sum(c.Dim, c.KeepDim)) [| c.Input |]

[<CorgiProperty(160)>]
let ``sum of the last k dimensions (the seed's sum)`` (x: Tensor) (k: NonNegativeInt) =
    gradientOf h (fun t -> t.[0].SumLast(k.Get % (x.Rank + 1))) [| x |]

[<CorgiProperty(160)>]
let ``sumTo a broadcast source shape`` (p: BroadcastPair) =
    // (left + right) has the broadcast shape; summing it back to either operand's shape
    let full = (p.Left + p.Right).Shape
    let x = Tensor(full, Array.init (Array.fold (*) 1 full) (fun i -> sin (float i)))
    gradientOf h (fun t -> t.[0].SumTo(p.Left.Shape) + t.[0].SumTo(p.Right.Shape).Sum()) [| x |]

[<CorgiProperty(240)>]
let ``max and min along a random dimension`` (c: AxisCase) =
    gradientOf h (fun t -> t.[0].Max(c.Dim, c.KeepDim) + t.[0].Min(c.Dim, c.KeepDim) * 0.5) [| c.Input |]

[<CorgiProperty(160)>]
let ``max and min with indices`` (c: AxisCase) =
    gradientOf h (fun t ->
        let struct (mx, _) = t.[0].MaxWithIndices(c.Dim, c.KeepDim)
        let struct (mn, _) = t.[0].MinWithIndices(c.Dim, c.KeepDim)
        mx - mn * 0.5) [| c.Input |]

[<CorgiProperty(160)>]
let ``max and min of all elements`` (DistinctTensor x) = gradientOf h (fun t -> t.[0].Max() * 2.0 + t.[0].Min()) [| x |]

// ------------------------------------------------------------------ shape ops

[<CorgiProperty(160)>]
let ``reshape (with an inferred dimension)`` (x: Tensor) (k: NonNegativeInt) =
    // a rotation of the dimensions, one of them -1 half of the time
    let s = x.Shape
    let r = s.Length
    let target = if r = 0 then [||] else Array.init r (fun i -> s.[(i + k.Get) % r])
    if r > 0 && k.Get % 2 = 0 then target.[k.Get % r] <- -1
    gradientOf h (fun t -> t.[0].Reshape(target)) [| x |]

[<CorgiProperty(160)>]
let ``flatten`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let s = k.Get % x.Rank
    let e = s + (k.Get / 3) % (x.Rank - s)
    gradientOf h (fun t -> t.[0].Flatten(s, e) + t.[0].Flatten().Sum()) [| x |]

[<CorgiProperty(160)>]
let ``squeeze and unsqueeze`` (x: Tensor) (k: NonNegativeInt) =
    let d = if x.Rank = 0 then 0 else k.Get % x.Rank
    let u = (k.Get % (x.Rank + 1))
    gradientOf h (fun t -> t.[0].Squeeze().Sum() + (if x.Rank > 0 then t.[0].Squeeze(d).Sum() else t.[0]) + t.[0].Unsqueeze(u) * 2.0) [| x |]

[<CorgiProperty(160)>]
let ``permute`` (x: Tensor) (k: NonNegativeInt) =
    let perm = nthPermutation x.Rank k.Get
    gradientOf h (fun t -> t.[0].Permute(perm)) [| x |]

[<CorgiProperty(160)>]
let ``transpose and T`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let d0, d1 = k.Get % x.Rank, (k.Get / 5) % x.Rank
    gradientOf h (fun t -> weighted (t.[0].Transpose(d0, d1)) + weighted t.[0].T * 3.0) [| x |]

[<CorgiProperty(160)>]
let ``broadcastTo and expand`` (x: Tensor) (k: NonNegativeInt) =
    // a new leading dimension, and every size-1 dimension expanded to 2 or 3
    let target = Array.append [| 1 + k.Get % 3 |] (x.Shape |> Array.map (fun d -> if d = 1 then 2 + k.Get % 2 else d))
    gradientOf h (fun t -> t.[0].BroadcastTo(target) + t.[0].Expand(target) * 0.5) [| x |]

[<CorgiProperty(160)>]
let ``narrow and slice`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let d = k.Get % x.Rank
    let n = x.Size d
    let start = (k.Get / 7) % n
    let len = 1 + (k.Get / 3) % (n - start)
    gradientOf h (fun t -> t.[0].Narrow(d, start, len) + t.[0].Slice(d, start - n, start + len)) [| x |]

[<CorgiProperty(160)>]
let ``index select with repeated indices`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let d = k.Get % x.Rank
    let n = x.Size d
    let indices = Array.init (1 + k.Get % 4) (fun i -> (k.Get / (i + 1) + i) % n)
    gradientOf h (fun t -> t.[0].IndexSelect(d, indices)) [| x |]

[<CorgiProperty(160)>]
let ``concat`` (x: Tensor) (k: NonNegativeInt) =
    // x and a narrowed copy of it with other values, joined along a random dimension
    let x = atLeast1D x
    let d = k.Get % x.Rank
    let y0 = x.Narrow(d, 0, 1 + (k.Get / 2) % x.Size d)
    let y = Tensor(y0.Shape, y0.ToArray() |> Array.map (fun v -> 0.3 - v * 0.5))
    gradientOf h (fun t -> Tensor.Concat([| t.[0]; t.[1]; t.[0] |], d)) [| x; y |]

[<CorgiProperty(160)>]
let ``stack`` (x: Tensor) (k: NonNegativeInt) =
    let d = k.Get % (x.Rank + 1)
    let y = Tensor(x.Shape, x.ToArray() |> Array.map (fun v -> 1.0 - v))
    gradientOf h (fun t -> Tensor.Stack([| t.[0]; t.[1] |], d)) [| x; y |]

// ------------------------------------------------------------------ linear algebra

[<CorgiProperty(320)>]
let ``matmul: 1-D, 2-D and batched, transpose flags, bias`` (c: MatMulCase) =
    gradientOf h c.ProductOf c.Inputs

[<CorgiProperty(120)>]
let ``matmul in the seed's tuple form`` (c: MatMulCase) =
    gradientOf h (fun t ->
        let bias: Tensor | null = if t.Length > 2 then t.[2] else null
        Tensor.MatMul(struct (t.[0], c.TransposeLeft), struct (t.[1], c.TransposeRight), bias)) c.Inputs

[<CorgiProperty(160)>]
let ``dot and outer`` (k: NonNegativeInt) =
    let n = 1 + k.Get % 6
    Prop.forAll (Arb.fromGen (Gen.zip (TensorGen.tensorOf [| n |]) (TensorGen.tensorOf [| n |]))) (fun (a, b) ->
        gradientOf h (fun t -> t.[0].Dot(t.[1]) + t.[0].Outer(t.[1]).Sum(0)) [| a; b |])

// ------------------------------------------------------------------ convolution, pooling, dropout

[<CorgiProperty(500)>]
let ``conv2d: input, filters and bias, random stride and padding`` (c: Conv2dCase) =
    gradientOf h c.ConvolutionOf c.Inputs

[<CorgiProperty(400)>]
let ``conv2d_relu: input, filters and bias, random stride and padding, away from the kink`` (c: Conv2dCase) =
    // a step of 1e-6 moves a pre-activation by at most about 1e-5 (values and kernels are O(1)), so cases with
    // a pre-activation within 1e-4 of 0 are left out: there the finite difference straddles the kink
    c.DistanceFromKink > 1e-4 ==> lazy (gradientOf h c.RectifiedConvolutionOf c.Inputs)

[<CorgiProperty(300)>]
let ``conv2d_relu equals conv2d then relu, values and gradients, including at the kink`` (c: Conv2dCase) =
    // the fused op gates the same products by the same sign test (relu'(0) = 0 on both sides), so values
    // are equal and gradients agree to rounding; no finite differences, so cases at the kink count too
    let run (op: Tensor[] -> Tensor) =
        let inputs = c.Inputs |> Array.map (fun t -> (snapshot t).Tracked())
        let y = op inputs
        (weighted y).Backward()
        y, inputs |> Array.map gradientOfTensor
    let fused, fusedGrads = run c.RectifiedConvolutionOf
    let plain, plainGrads = run (fun t -> (c.ConvolutionOf t).Relu())
    TensorProperty.equal plain fused
    .&. (Array.map2 (TensorProperty.close 1e-12 1e-12) plainGrads fusedGrads |> Array.reduce (.&.))

[<CorgiProperty(400)>]
let ``max pool2d away from ties, random window, stride and padding`` (c: Pool2dCase) =
    // the values differ pairwise by at least 0.1, so a step of 1e-6 never moves a window's maximum
    gradientOf h (fun t -> c.MaxPoolOf t.[0]) [| c.Input |]

[<CorgiProperty(400)>]
let ``avg pool2d, random window, stride and padding`` (c: Pool2dCase) =
    gradientOf h (fun t -> c.AvgPoolOf t.[0]) [| c.Input |]

[<CorgiProperty(160)>]
let ``dropout with a fixed mask, training and evaluation`` (c: DropoutCase) (training: bool) =
    // a fresh Random with the case's seed on every call: the same mask at x, x + h and x - h
    gradientOf h (fun t -> t.[0].Dropout(c.Probability, c.Random(), training)) [| c.Input |]

// ------------------------------------------------------------------ custom ops

[<CorgiProperty(120)>]
let ``a correct custom op checks`` (p: BroadcastPair) =
    // f(a, b) = a * exp(b) with its derivatives (g exp(b), g a exp(b)), broadcast gradients left to the engine
    let op (t: Tensor[]) =
        Tensor.Custom("a_exp_b", t,
            (fun xs -> xs.[0] * xs.[1].Exp()),
            (fun xs _ g -> [| g * xs.[1].Exp(); g * xs.[0] * xs.[1].Exp() |]))
    gradientOf h op [| p.Left; p.Right |]
