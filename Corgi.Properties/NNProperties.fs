/// Corgi.NN against central finite differences: every cost with respect to its prediction (and, where the
/// cost is smooth in it, its target), the dense and convolution layers through their public Forward with
/// their parameters as the checked inputs, and whole models: the gradients that Model.Backward leaves on
/// every parameter equal central differences of the loss.
///
/// Step sizes: h = 1e-6 as for the ops; softmax cross-entropy on logits of magnitude 500-1000 uses h = 1e-5
/// (the step must stay well above the spacing of doubles near 1000, 1.1e-13, for the difference quotient to
/// keep 8 digits).
module Corgi.Properties.NNProperties

open System
open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.NN
open Corgi.Verification
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private h = 1e-6

/// The gradient of a scalar function (a cost) equals central differences with step h.
let private scalarGradientOf (h: float) (f: Tensor[] -> Tensor) (inputs: Tensor[]) : Property =
    TensorProperty.gradientWith (step h) f inputs

/// Two tensors of the same random shape (rank 0-4) with values in [-2, 2].
let private samePair: Arbitrary<Tensor * Tensor> =
    let gen = TensorGen.shape |> Gen.bind (fun s -> Gen.zip (TensorGen.tensorOf s) (TensorGen.tensorOf s))
    let shrink (a: Tensor, b: Tensor) =
        seq {
            for a2 in TensorShrink.values Domain.General a do yield a2, b
            for b2 in TensorShrink.values Domain.General b do yield a, b2
        }
    Arb.fromGenShrink (gen, shrink)

let private joined (items: seq<'T>) = String.Join(" ", items)

/// Smooth activations (no kink, so finite differences hold everywhere), including a custom one.
let activations: Activation[] =
    [| Activation.Identity()
       Activation.Sigmoid()
       Activation.Tanh()
       Activation.Softmax()
       Activation.LogSoftmax()
       Activation("swish", fun x -> x * x.Sigmoid()) |]

// ------------------------------------------------------------------ costs

[<CorgiProperty(200)>]
let ``mse, with respect to the prediction and the target`` () =
    Prop.forAll samePair (fun (prediction, target) ->
        scalarGradientOf h (fun t -> Cost.Mse().Compute(t.[0], t.[1])) [| prediction; target |])

[<CorgiProperty(200)>]
let ``cross-entropy on probability rows, one-hot and soft targets`` (c: ClassificationCase) =
    // the prediction is a probability row away from 0 (ln is well-conditioned); the soft target is softmax(logits)
    let ce = Cost.CrossEntropy()
    scalarGradientOf h (fun t -> ce.Compute(t.[0], t.[1])) [| c.Probabilities; c.OneHot |]
    .&. scalarGradientOf h (fun t -> ce.Compute(t.[0], t.[1])) [| c.Probabilities; c.Logits.Softmax() |]

[<CorgiProperty(300)>]
let ``softmax cross-entropy on logits, class-index, one-hot and soft targets`` (c: ClassificationCase) =
    let sce = Cost.SoftmaxCrossEntropy()
    let indices = c.Indices
    Prop.label "class indices" (scalarGradientOf h (fun t -> sce.Compute(t.[0], indices)) [| c.Logits |])
    .&. Prop.label "one-hot" (scalarGradientOf h (fun t -> sce.Compute(t.[0], t.[1])) [| c.Logits; c.OneHot |])
    .&. Prop.label "soft" (scalarGradientOf h (fun t -> sce.Compute(t.[0], t.[1])) [| c.Logits; c.Probabilities |])

[<CorgiProperty(160)>]
let ``softmax cross-entropy on logits of magnitude 500-1000`` (LargeLogitsCase c) =
    let sce = Cost.SoftmaxCrossEntropy()
    let indices = c.Indices
    Prop.label "class indices" (scalarGradientOf 1e-5 (fun t -> sce.Compute(t.[0], indices)) [| c.Logits |])
    .&. Prop.label "soft" (scalarGradientOf 1e-5 (fun t -> sce.Compute(t.[0], t.[1])) [| c.Logits; c.Probabilities |])

[<CorgiProperty(120)>]
let ``softmax cross-entropy on moderate logits shifted by 1000 or -1000`` (c: ClassificationCase) (up: bool) =
    // every row shifted alike: the loss and its gradient are those of the unshifted logits
    let logits = c.Logits + (if up then 1000.0 else -1000.0)
    let indices = c.Indices
    scalarGradientOf 1e-5 (fun t -> Cost.SoftmaxCrossEntropy().Compute(t.[0], indices)) [| logits |]

[<CorgiProperty(200)>]
let ``binary cross-entropy on probabilities away from 0 and 1, hard and soft targets`` (c: BinaryCase) =
    scalarGradientOf h (fun t -> Cost.BinaryCrossEntropy().Compute(t.[0], t.[1])) [| c.Probabilities; c.Targets |]

[<CorgiProperty(200)>]
let ``binary cross-entropy on logits: gradient, and equal to binary cross-entropy of the sigmoid`` (c: BinaryCase) =
    // logits z = ln(p / (1 - p)), so sigmoid(z) = p: the fused cost must equal BCE(p) and have the right gradient
    let p = c.Probabilities
    let z = (p / (1.0 - p)).Log()
    let fused = Cost.BinaryCrossEntropyWithLogits().Compute(z, c.Targets).Item()
    let plain = Cost.BinaryCrossEntropy().Compute(z.Sigmoid(), c.Targets).Item()
    Prop.label (sprintf "fused %.17g vs plain %.17g" fused plain) (abs (fused - plain) <= 1e-12 * max 1.0 (abs plain))
    .&. scalarGradientOf h (fun t -> Cost.BinaryCrossEntropyWithLogits().Compute(t.[0], t.[1])) [| z; c.Targets |]

// ------------------------------------------------------------------ layers through Forward

/// A dense layer's input [..., in] (batch rank 0-2), weights [out, in], optional bias [out] and a smooth activation.
type DenseCase =
    { Input: Tensor
      Weights: Tensor
      Bias: Tensor option
      Activation: Activation }

let private denseCase: Arbitrary<DenseCase> =
    let gen =
        gen {
            let! batch = TensorGen.shapeBetween 0 2
            let! inputs = Gen.choose (1, 4)
            let! outputs = Gen.choose (1, 4)
            let! x = TensorGen.tensorOf (Array.append batch [| inputs |])
            let! w = TensorGen.tensorOf [| outputs; inputs |]
            let! withBias = Gen.elements [ false; true ]
            let! b = if withBias then TensorGen.tensorOf [| outputs |] |> Gen.map Some else Gen.constant None
            let! a = Gen.elements activations
            return { Input = x; Weights = w; Bias = b; Activation = a }
        }
    let shrink (c: DenseCase) =
        seq {
            if c.Bias.IsSome then yield { c with Bias = None }
            for x in TensorShrink.shapeAxes (c.Input.Rank - 1) c.Input do yield { c with Input = x }
            for x in TensorShrink.values Domain.General c.Input do yield { c with Input = x }
            for w in TensorShrink.values Domain.General c.Weights do yield { c with Weights = w }
        }
    Arb.fromGenShrink (gen, shrink)

/// Puts the checker's tensors into a layer's parameter slots (a tracked leaf is kept as it is, so the
/// gradient reaches the checker's leaf; a perturbed copy becomes the new value).
let private assign (parameters: Parameter seq) (values: Tensor seq) =
    Seq.iter2 (fun (p: Parameter) v -> p.Value <- v) parameters values

[<CorgiProperty(300)>]
let ``dense layer through Forward: input, weights and bias`` () =
    Prop.forAll denseCase (fun c ->
        let inputs = c.Input.Shape.[c.Input.Rank - 1]
        let outputs = c.Weights.Size 0
        let layer = Dense(inputs, outputs, Initializer.Zeros(), c.Activation, c.Bias.IsSome)
        let parameters = Array.append [| c.Weights |] (Option.toArray c.Bias)
        gradientOf h (fun t ->
            assign layer.Parameters t.[1..]
            layer.Forward(t.[0])) (Array.append [| c.Input |] parameters)
        |> Prop.label $"{layer}")

[<CorgiProperty(300)>]
let ``convolution layer through Forward: input, filters and bias`` (c: Conv2dCase) (k: NonNegativeInt) =
    let a = activations.[k.Get % activations.Length]
    let f = c.Filters.Shape
    let (sh, sw), (ph, pw) = c.Stride, c.Padding
    let layer =
        Conv(struct (f.[0], f.[1], f.[2], f.[3]), struct (sh, sw), struct (ph, pw), Initializer.Zeros(), a, c.Bias.IsSome)
    gradientOf h (fun t ->
        assign layer.Parameters t.[1..]
        layer.Forward(t.[0])) c.Inputs
    |> Prop.label $"{layer}"

[<CorgiProperty(120)>]
let ``pooling, flatten and dropout layers through Forward`` (c: Pool2dCase) (d: DropoutCase) =
    // the layers take square windows: the case's vertical ones when they also fit horizontally, else 1x1
    let (k, _), (s, _), (p, _) = c.Kernel, c.Stride, c.Padding
    let k, p = if k <= c.Input.Size 3 + 2 * p then k, p else 1, 0
    let maxBlock = Sequential(MaxPool(k, s, p), Dropout(d.Probability, d.Random()), Flatten())
    let avgBlock = Sequential(AvgPool(k, s, p), Flatten())
    gradientOf h (fun t ->
        // a new dropout layer (same seed) per call: the same mask at x, x + h and x - h
        let maxBlock = Sequential(MaxPool(k, s, p), Dropout(d.Probability, d.Random()), Flatten())
        maxBlock.Forward(t.[0]) + avgBlock.Forward(t.[0])) [| c.Input |]
    |> Prop.label $"{maxBlock} + {avgBlock}"

// ------------------------------------------------------------------ whole models

/// A multilayer perceptron with a cost: layer sizes (input first), hidden activations, the cost (with the
/// output activation it expects), an input batch and a target, and the seed of the initial parameters.
type MlpCase =
    { Sizes: int[]
      Hidden: Activation[]
      Cost: string
      Input: Tensor
      Target: Tensor
      Seed: int }

let private mlpCase: Arbitrary<MlpCase> =
    let gen =
        gen {
            let! depth = Gen.choose (1, 3)
            let! sizes = Gen.arrayOfLength (depth + 1) (Gen.choose (1, 4))
            let! hidden = Gen.arrayOfLength (depth - 1) (Gen.elements activations)
            let! batch = Gen.choose (1, 4)
            let outputs = sizes.[depth]
            let! x = TensorGen.tensorOf [| batch; sizes.[0] |]
            let! cost = Gen.elements [ "mse"; "cross_entropy"; "softmax_cross_entropy"; "binary_cross_entropy" ]
            let! target =
                match cost with
                | "mse" -> TensorGen.tensorOf [| batch; outputs |]
                | "cross_entropy" -> TensorGen.probabilityRows batch outputs
                | "softmax_cross_entropy" ->
                    Gen.arrayOfLength batch (Gen.choose (0, outputs - 1))
                    |> Gen.map (fun l -> Tensor([| batch |], Array.map float l))
                | _ -> Gen.arrayOfLength (batch * outputs) (Gen.elements [ 0.0; 1.0 ]) |> Gen.map (fun v -> Tensor([| batch; outputs |], v))
            let! seed = Gen.choose (0, 10000)
            return { Sizes = sizes; Hidden = hidden; Cost = cost; Input = x; Target = target; Seed = seed }
        }
    // fewer rows (input and target alike), identity hidden activations, simpler inputs, seed 0
    let shrink (c: MlpCase) =
        seq {
            let rows = c.Input.Size 0
            if rows > 1 then yield { c with Input = TensorShrink.narrow 0 1 c.Input; Target = TensorShrink.narrow 0 1 c.Target }
            let identity = activations.[0]
            if c.Hidden |> Array.exists (fun a -> not (obj.ReferenceEquals(a, identity))) then
                yield { c with Hidden = c.Hidden |> Array.map (fun _ -> identity) }
            for x in TensorShrink.values Domain.General c.Input do yield { c with Input = x }
            if c.Seed <> 0 then yield { c with Seed = 0 }
        }
    Arb.fromGenShrink (gen, shrink)

/// The model of an MLP case: Dense layers with the hidden activations, then the output activation its cost expects.
let private mlpModel (c: MlpCase) =
    let init = Initializer.XavierNormal(c.Seed)
    let depth = c.Sizes.Length - 1
    let cost, output =
        match c.Cost with
        | "mse" -> Cost.Mse(), Activation.Tanh()
        | "cross_entropy" -> Cost.CrossEntropy(), Activation.Softmax()
        | "softmax_cross_entropy" -> Cost.SoftmaxCrossEntropy(), Activation.Identity()
        | _ -> Cost.BinaryCrossEntropy(), Activation.Sigmoid()
    let layers: ILayer[] =
        Array.init depth (fun i ->
            let a = if i = depth - 1 then output else c.Hidden.[i]
            Dense(c.Sizes.[i], c.Sizes.[i + 1], init, a) :> ILayer)
    Model(layers, GradientDescent(0.1), cost)

/// Model.Backward's gradient on every parameter equals the checker's reverse-mode gradient of the loss as a
/// function of the parameters, which equals central differences; the loss it returns equals Evaluate's.
let private modelChecks (model: Model) (x: Tensor) (target: Tensor) : Property =
    let parameters = model.Parameters |> Seq.toArray
    let originals = parameters |> Array.map (fun p -> p.Value)
    model.Forward(x) |> ignore
    let loss = model.Backward(target)
    let fromModel = parameters |> Array.map (fun p -> match p.Gradient with null -> Tensor.ZerosLike p.Value | g -> g)
    parameters |> Array.iter (fun p -> p.ClearGradient())
    let report =
        GradientChecker.Check(
            (fun (ps: Tensor[]) ->
                assign parameters ps
                model.Cost.Compute(model.Forward(x), target)),
            originals,
            step h)
    assign parameters originals
    let evaluated = model.Evaluate(x, target)
    let agree =
        Array.forall2 (fun (g: Tensor) (a: Tensor) -> g.AllClose(a, 1e-12, 1e-14)) fromModel (Seq.toArray report.AnalyticDerivatives)
    Prop.label report.Summary report.Passed
    .&. labelled $"Model.Backward's gradients differ from the checker's: {String.Join(Environment.NewLine, fromModel)}" agree
    .&. labelled $"Backward returned {loss}, Evaluate {evaluated}" (abs (loss - evaluated) <= 1e-13 * max 1.0 (abs loss))

[<CorgiProperty(300)>]
let ``a Sequential of Dense layers with a cost: every parameter's gradient equals central differences`` () =
    Prop.forAll mlpCase (fun c ->
        let model = mlpModel c
        // binary cross-entropy takes ln(1 - p) of the sigmoid's output p: near p = 1, 1 - p keeps only the
        // absolute precision of p (1e-16), and the difference quotient's rounding error grows like 1e-16 / ((1 - p) h).
        // Such cases (about 1 in 40000; seen: p = 1 - 8.6e-7, 5e-4 relative error in the numeric derivative) are
        // left out: the predictions must stay in [0.001, 0.999], where that error is below 1e-7
        let saturated =
            c.Cost = "binary_cross_entropy"
            && model.Predict(c.Input).ToArray() |> Array.exists (fun p -> p < 1e-3 || p > 1.0 - 1e-3)
        not saturated ==> lazy (modelChecks model c.Input c.Target |> Prop.label $"{joined c.Sizes} {c.Cost}: {joined model.Layers}"))

[<CorgiProperty(150)>]
let ``a convolutional model: conv, avg-pool, flatten, dense, softmax cross-entropy`` (c: Conv2dCase) (k: NonNegativeInt) =
    // the case's input, geometry and shapes; the model's own parameters (seeded), classes 2-3
    let f = c.Filters.Shape
    let out = c.OutputShape
    let pool = 1 + k.Get % (min out.[2] out.[3])
    let flat = out.[1] * (out.[2] / pool) * (out.[3] / pool)
    let classes = 2 + k.Get % 2
    let init = Initializer.XavierNormal(k.Get)
    let (sh, sw), (ph, pw) = c.Stride, c.Padding
    let model =
        Model(
            [| Conv(struct (f.[0], f.[1], f.[2], f.[3]), struct (sh, sw), struct (ph, pw), init, Activation.Tanh(), c.Bias.IsSome) :> ILayer
               AvgPool(pool)
               Flatten()
               Dense(flat, classes, init) |],
            GradientDescent(0.1),
            Cost.SoftmaxCrossEntropy())
    let labels = Tensor([| out.[0] |], Array.init out.[0] (fun i -> float ((i + k.Get) % classes)))
    modelChecks model c.Input labels |> Prop.label $"{joined model.Layers}"
