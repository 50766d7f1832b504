/// Second order: Hessian-vector products (a backward pass with createGraph, then the backward pass of
/// gradient · v) against central differences of first-order gradients along v, (∇f(x + hv) - ∇f(x - hv)) / 2h.
/// The step is 1e-5: the gradient is computed to about ε|∇f|, so its difference quotient has a rounding error
/// near ε|∇f|/h = 2e-11 |∇f| and a truncation error near h² = 1e-10, both far below the 1e-6 tolerance.
/// Linear ops (sums, shape ops, add) have a zero Hessian, so they are composed with a square or a tanh:
/// what is checked then is that their backward is itself recorded and differentiable.
module Corgi.Properties.SecondOrderProperties

open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers
open Corgi.Properties.Programs

let private h = 1e-5

[<CorgiProperty(80)>]
let ``d2/dx2 of x^3 is 6x`` (x: Tensor) =
    let a = (snapshot x).Tracked()
    a.Pow(3.0).Sum().Backward(createGraph = true)
    let g = gradientOfTensor a
    a.ClearGradient()
    g.Sum().Backward()
    TensorProperty.close 1e-12 1e-12 (x * 6.0) (gradientOfTensor a)

[<CorgiProperty(120)>]
let ``exp log sqrt`` (PositiveTensor x) =
    secondOrderOf h (fun t -> t.[0].Exp() + t.[0].Log() + t.[0].Sqrt()) [| x |]

[<CorgiProperty(120)>]
let ``tanh sigmoid square`` (x: Tensor) =
    secondOrderOf h (fun t -> t.[0].Tanh() + t.[0].Sigmoid() * 2.0 + t.[0].Square()) [| x |]

[<CorgiProperty(120)>]
let ``reciprocal and scalar powers`` (PositiveTensor x) (k: NonNegativeInt) =
    let p = [| 3.0; -1.5; 0.5; 2.7 |].[k.Get % 4]
    secondOrderOf h (fun t -> t.[0].Reciprocal() + t.[0].Pow(p)) [| x |]

[<CorgiProperty(120)>]
let ``mul div and pow of broadcast pairs`` (p: BroadcastPair) =
    let positive = Tensor(p.Left.Shape, p.Left.ToArray() |> Array.map (fun v -> 0.3 + abs v))
    secondOrderOf h (fun t -> t.[0] * t.[1] + t.[1] / (t.[0] + 0.2) + t.[0].Pow(t.[1])) [| positive; p.Right |]

[<CorgiProperty(120)>]
let ``softmax and log softmax`` (c: AxisCase) =
    secondOrderOf h (fun t -> t.[0].Softmax(c.Dim) + t.[0].LogSoftmax(c.Dim) * 0.5) [| c.Input |]

[<CorgiProperty(160)>]
let ``matmul with flags and bias, squared`` (c: MatMulCase) =
    secondOrderOf h (fun t -> (c.ProductOf t).Square() + (c.ProductOf t).Tanh()) c.Inputs

[<CorgiProperty(120)>]
let ``reductions under a nonlinearity`` (c: ReductionCase) =
    secondOrderOf h (fun t -> t.[0].Sum(c.Dims, c.KeepDim).Square() + t.[0].Mean(c.Dims, c.KeepDim).Tanh()) [| c.Input |]

[<CorgiProperty(120)>]
let ``max along a dimension under a square`` (c: AxisCase) =
    secondOrderOf h (fun t -> t.[0].Max(c.Dim, c.KeepDim).Square() + t.[0].Min(c.Dim, c.KeepDim).Exp()) [| c.Input |]

[<CorgiProperty(120)>]
let ``shape ops under a square`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let perm = nthPermutation x.Rank k.Get
    let d = k.Get % x.Rank
    let target = Array.append [| 2 |] x.Shape
    secondOrderOf h (fun t ->
        let y = t.[0]
        weighted (y.Permute(perm).Square()) + weighted (y.Narrow(d, 0, 1).Tanh())
        + weighted (Tensor.Concat([| y; y.Square() |], d).Square()) + weighted (y.BroadcastTo(target).Sigmoid())
        + weighted (y.Reshape(-1).IndexSelect(0, 0, 0).Square())) [| x |]

[<CorgiProperty(120)>]
let ``kinked ops away from their kinks`` (AwayFromKinksTensor x) =
    secondOrderOf h (fun t -> t.[0].Relu().Square() + t.[0].Abs().Pow(3.0) + t.[0].LeakyRelu(0.1).Square() + t.[0].Clamp(-0.05, 0.05) * t.[0]) [| x |]

[<CorgiProperty(240)>]
let ``random programs`` (p: BroadcastPair) (prog: Program) =
    TensorProperty.secondOrderWith (step h) (fun t -> run weighted prog t.[0] t.[1]) [| p.Left; p.Right |]
    |> Prop.label (string prog)

// ------------------------------------------------------------------ convolution, pooling, costs, layers

[<CorgiProperty(300)>]
let ``conv2d under a square and a tanh (input, filters and bias)`` (c: Conv2dCase) =
    // conv2d is bilinear: its Hessian couples input and filters; the square and tanh add diagonal terms
    secondOrderOf h (fun t -> let y = c.ConvolutionOf t in y.Square() * 0.5 + y.Tanh()) c.Inputs

[<CorgiProperty(200)>]
let ``conv2d_relu under a square and a tanh, away from the kink (input, filters and bias)`` (c: Conv2dCase) =
    // the gated input, filter and bias gradient ops and their derivatives; steps of 1e-5 move a
    // pre-activation by about 1e-4, so cases within 1e-3 of the kink are left out
    c.DistanceFromKink > 1e-3
    ==> lazy (secondOrderOf h (fun t -> let y = c.RectifiedConvolutionOf t in y.Square() * 0.5 + y.Tanh()) c.Inputs)

[<CorgiProperty(120)>]
let ``max and avg pool2d under a square`` (c: Pool2dCase) =
    // max pooling's backward is a scatter whose derivative is a gather; avg pooling's adjoint differentiates to avg pooling
    secondOrderOf h (fun t -> (c.MaxPoolOf t.[0]).Square() + (c.AvgPoolOf t.[0]).Square() + (c.AvgPoolOf (t.[0].Square())).Tanh()) [| c.Input |]

[<CorgiProperty(120)>]
let ``the costs (Hessian of softmax cross-entropy, cross-entropy, binary cross-entropy, mse)`` (c: ClassificationCase) (b: BinaryCase) =
    let sce, ce = NN.Cost.SoftmaxCrossEntropy(), NN.Cost.CrossEntropy()
    TensorProperty.secondOrderWith (step h) (fun t -> sce.Compute(t.[0], t.[1])) [| c.Logits; c.Probabilities |]
    .&. TensorProperty.secondOrderWith (step h) (fun t -> ce.Compute(t.[0], t.[1])) [| c.Probabilities; c.OneHot |]
    .&. TensorProperty.secondOrderWith (step h) (fun t -> NN.Cost.BinaryCrossEntropy().Compute(t.[0], t.[1])) [| b.Probabilities; b.Targets |]
    .&. TensorProperty.secondOrderWith (step h) (fun t -> NN.Cost.Mse().Compute(t.[0].Tanh(), t.[1])) [| c.Logits; c.Probabilities |]

[<CorgiProperty(150)>]
let ``a conv layer then a dense layer with softmax cross-entropy`` (c: Conv2dCase) =
    // the Hessian-vector product of a small network's loss in its input and parameters
    let y = c.OutputShape
    let features = y.[1] * y.[2] * y.[3]
    let dense = Tensor([| 2; features |], Array.init (2 * features) (fun i -> 0.3 * sin (float i)))
    let labels = Tensor([| y.[0] |], Array.init y.[0] (fun i -> float (i % 2)))
    secondOrderOf h (fun t ->
        let hidden = (c.ConvolutionOf t).Tanh().Flatten(1)
        NN.Cost.SoftmaxCrossEntropy().Compute(hidden.MatMul(dense, transposeOther = true), labels)) c.Inputs
