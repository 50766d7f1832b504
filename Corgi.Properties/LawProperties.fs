/// Algebraic laws of the ops: broadcasting commutes with them, commutativity and associativity, sums,
/// reshape/transpose round trips, softmax normalisation, immutability of inputs, and tracked/untracked
/// agreement. Exact equality is asked for where IEEE arithmetic guarantees it (the same operations on the
/// same values in the same order); a tolerance where reassociation changes the rounding.
module Corgi.Properties.LawProperties

open System
open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private broadcastShape (a: Tensor) (b: Tensor) = (Tensor.ZerosLike(a) + Tensor.ZerosLike(b)).Shape

/// Named binary ops for the laws below (inputs from a BroadcastPair; the second operand of div/pow kept away from 0).
let private binaryOps: (string * (Tensor -> Tensor -> Tensor)) list =
    [ "add", (fun a b -> a + b)
      "sub", (fun a b -> a - b)
      "mul", (fun a b -> a * b)
      "div", (fun a b -> a / (b.Abs() + 0.5))
      "pow", (fun a b -> (a.Abs() + 0.2).Pow(b))
      "maximum", (fun a b -> a.Maximum(b))
      "minimum", (fun a b -> a.Minimum(b)) ]

/// Named unary ops for the laws below (total on [-2, 2]).
let private unaryOps: (string * (Tensor -> Tensor)) list =
    [ "neg", (fun x -> x.Neg())
      "reciprocal", (fun x -> (x.Abs() + 0.5).Reciprocal())
      "pow 3", (fun x -> x.Pow(3.0))
      "pow 0.5", (fun x -> (x.Abs() + 0.1).Pow(0.5))
      "square", (fun x -> x.Square())
      "exp", (fun x -> x.Exp())
      "log", (fun x -> (x.Abs() + 0.1).Log())
      "sqrt", (fun x -> (x.Abs() + 0.1).Sqrt())
      "abs", (fun x -> x.Abs())
      "sign", (fun x -> x.Sign())
      "clamp", (fun x -> x.Clamp(-0.5, 0.7))
      "relu", (fun x -> x.Relu())
      "leaky relu", (fun x -> x.LeakyRelu(0.1))
      "sigmoid", (fun x -> x.Sigmoid())
      "tanh", (fun x -> x.Tanh()) ]

/// Ops that may change the shape (any rank accepted).
let private shapeAndReductionOps: (string * (Tensor -> Tensor)) list =
    [ "sum", (fun x -> x.Sum())
      "sum keepDim 0", (fun x -> if x.Rank > 0 then x.Sum([| 0 |], true) else x)
      "mean", (fun x -> x.Mean())
      "max", (fun x -> if x.Count > 0 then x.Max() else x)
      "max dim -1", (fun x -> if x.Rank > 0 then x.Max(-1) else x)
      "softmax", (fun x -> if x.Rank > 0 then x.Softmax() else x)
      "log softmax", (fun x -> if x.Rank > 0 then x.LogSoftmax() else x)
      "reshape -1", (fun x -> x.Reshape(-1))
      "flatten", (fun x -> x.Flatten())
      "squeeze", (fun x -> x.Squeeze())
      "unsqueeze 0", (fun x -> x.Unsqueeze(0))
      "T", (fun x -> x.T)
      "permute reversed", (fun x -> x.Permute(Array.rev [| 0 .. x.Rank - 1 |]))
      "broadcast to [2,...]", (fun x -> x.BroadcastTo(Array.append [| 2 |] x.Shape))
      "narrow", (fun x -> if x.Rank > 0 then x.Narrow(0, 0, 1) else x)
      "index select", (fun x -> if x.Rank > 0 then x.IndexSelect(0, 0, 0) else x)
      "concat", (fun x -> if x.Rank > 0 then Tensor.Concat([| x; x |], 0) else x)
      "stack", (fun x -> Tensor.Stack([| x; x |], 0))
      "matmul x xT", (fun x -> if x.Rank >= 2 then x.MatMul(x, false, true) else x) ]

// ------------------------------------------------------------------ broadcasting

[<CorgiProperty(240)>]
let ``broadcasting commutes with the binary ops`` (p: BroadcastPair) =
    // op(a, b) = op(broadcast a, broadcast b): exactly for IEEE arithmetic (the same correctly rounded operation on
    // the same values), to 1e-15 for pow, whose vectorised kernel may round differently from its scalar tail
    let s = broadcastShape p.Left p.Right
    let a, b = p.Left.BroadcastTo(s), p.Right.BroadcastTo(s)
    binaryOps
    |> List.map (fun (name, op) ->
        let compare = if name = "pow" then TensorProperty.close 1e-15 0.0 else TensorProperty.equal
        compare (op a b) (op p.Left p.Right) |> Prop.label name)
    |> List.reduce (.&.)

[<CorgiProperty(160)>]
let ``broadcasting commutes with the unary ops`` (x: Tensor) =
    // to 1e-15 relative, not exactly: TensorPrimitives' vectorised exp/log/pow round differently (by an ulp) from
    // their scalar path, so the same value can map to neighbouring doubles depending on the span's length
    let target = Array.append [| 3 |] (x.Shape |> Array.map (fun d -> if d = 1 then 2 else d))
    unaryOps
    |> List.map (fun (name, op) -> TensorProperty.close 1e-15 0.0 ((op x).BroadcastTo(target)) (op (x.BroadcastTo(target))) |> Prop.label name)
    |> List.reduce (.&.)

// ------------------------------------------------------------------ arithmetic

[<CorgiProperty(240)>]
let ``a + b = b + a and a * b = b * a exactly`` (p: BroadcastPair) =
    TensorProperty.equal (p.Left + p.Right) (p.Right + p.Left) .&. TensorProperty.equal (p.Left * p.Right) (p.Right * p.Left)

[<CorgiProperty(240)>]
let ``(a * b) * c is close to a * (b * c), (a + b) + c to a + (b + c)`` (p: BroadcastPair) (c: Tensor) =
    // c is broadcast against the pair when it can be; else the pair's left operand is reused
    let c =
        try
            (c + p.Left + p.Right) |> ignore
            c
        with :? ArgumentException -> p.Left * 0.5 + 0.25
    TensorProperty.close 1e-14 1e-15 ((p.Left * p.Right) * c) (p.Left * (p.Right * c))
    .&. TensorProperty.close 1e-14 1e-14 ((p.Left + p.Right) + c) (p.Left + (p.Right + c))

[<CorgiProperty(160)>]
let ``a - b = a + (-b) and a / b = a * (1 / b)`` (p: BroadcastPair) =
    let b = p.Right.Abs() + 0.5
    TensorProperty.equal (p.Left - p.Right) (p.Left + (-p.Right))
    .&. TensorProperty.close 1e-15 0.0 (p.Left / b) (p.Left * b.Reciprocal())

// ------------------------------------------------------------------ reductions

[<CorgiProperty(240)>]
let ``sum over all axes equals the sum of sums`` (c: ReductionCase) =
    let total = c.Input.Sum()
    let partial = c.Input.Sum(c.Dims, c.KeepDim)
    let all = c.Input.Sum([| 0 .. c.Input.Rank - 1 |])
    TensorProperty.close 1e-13 1e-13 total (partial.Sum()) .&. TensorProperty.close 1e-13 1e-13 total all

[<CorgiProperty(160)>]
let ``mean is sum divided by the count`` (c: ReductionCase) =
    let n = c.Dims |> Array.fold (fun acc d -> acc * c.Input.Size d) 1
    TensorProperty.close 1e-14 1e-15 (c.Input.Sum(c.Dims, c.KeepDim) / float n) (c.Input.Mean(c.Dims, c.KeepDim))

[<CorgiProperty(160)>]
let ``max along a dimension is the negated min of the negation, and bounds every element`` (c: AxisCase) =
    let x = c.Input
    let mx = x.Max(c.Dim, true)
    let struct (values, indices) = x.MaxWithIndices(c.Dim, c.KeepDim)
    let argmax = x.ArgMax(c.Dim, c.KeepDim)
    [ TensorProperty.equal mx (-((-x).Min(c.Dim, true)))
      labelled $"max {mx} is below an element of {x}" ((mx - x).ToArray() |> Array.forall (fun d -> d >= 0.0))
      TensorProperty.equal (Tensor.Scalar(Array.max (x.ToArray()))) (x.Max())
      TensorProperty.equal (x.Max(c.Dim, c.KeepDim)) values
      TensorProperty.equal argmax indices ]
    |> List.reduce (.&.)

// ------------------------------------------------------------------ shape round trips

[<CorgiProperty(240)>]
let ``reshape, transpose and permute round trips`` (x: Tensor) (k: NonNegativeInt) =
    let perm = nthPermutation x.Rank k.Get
    let inverse = Array.zeroCreate perm.Length
    perm |> Array.iteri (fun i p -> inverse.[p] <- i)
    let y = atLeast1D x
    let d0, d1 = k.Get % y.Rank, (k.Get / 3) % y.Rank
    let u = k.Get % (x.Rank + 1)
    [ "reshape", TensorProperty.equal x (x.Reshape(-1).Reshape(x.Shape))
      "flatten", TensorProperty.equal x (x.Flatten().Reshape(x.Shape))
      "permute", TensorProperty.equal x (x.Permute(perm).Permute(inverse))
      "transpose", TensorProperty.equal y (y.Transpose(d0, d1).Transpose(d0, d1))
      "T", TensorProperty.equal y y.T.T
      "unsqueeze/squeeze", TensorProperty.equal x (x.Unsqueeze(u).Squeeze(u)) ]
    |> List.map (fun (name, prop) -> Prop.label name prop)
    |> List.reduce (.&.)

[<CorgiProperty(160)>]
let ``narrowed pieces concatenate back to the whole`` (x: Tensor) (k: NonNegativeInt) =
    let x = atLeast1D x
    let d = k.Get % x.Rank
    let n = x.Size d
    let cut = k.Get % (n + 1)
    let pieces = [| x.Narrow(d, 0, cut); x.Narrow(d, cut, n - cut) |]
    TensorProperty.equal x (Tensor.Concat(pieces, d))
    .&. TensorProperty.equal (x.Unsqueeze(d)) (Tensor.Stack([| x |], d))

[<CorgiProperty(160)>]
let ``matmul with transpose flags equals matmul of transposed copies plus bias`` (c: MatMulCase) =
    let materialise flag (x: Tensor) = if flag && x.Rank >= 2 then x.Transpose(-2, -1) else x
    let plain = (materialise c.TransposeLeft c.Left).MatMul(materialise c.TransposeRight c.Right)
    let expected = match c.Bias with Some b -> plain + b | None -> plain
    TensorProperty.close 1e-13 1e-13 expected (c.Product())

// ------------------------------------------------------------------ softmax

[<CorgiProperty(240)>]
let ``softmax sums to 1 along its dimension, also for large inputs`` (c: AxisCase) (k: NonNegativeInt) =
    let offset = [| 0.0; 1000.0; -1000.0; 1e5 |].[k.Get % 4]
    let x = c.Input * (if k.Get % 3 = 0 then 300.0 else 1.0) + offset
    let y = x.Softmax(c.Dim)
    let total = y.Sum([| c.Dim |])
    let logTotal = x.LogSoftmax(c.Dim).Exp().Sum([| c.Dim |])
    let finite = y.ToArray() |> Array.forall Double.IsFinite
    labelled $"softmax {y}" finite
    .&. TensorProperty.close 1e-13 1e-13 (Tensor.OnesLike total) total
    .&. TensorProperty.close 1e-12 1e-12 (Tensor.OnesLike logTotal) logTotal

[<Xunit.Fact>]
let ``softmax of 1000 and 1000 is one half each (the Rust crate gave NaN)`` () =
    // by hand: exp(0) / (exp(0) + exp(0)) after subtracting the max
    Xunit.Assert.Equal(Tensor.Of(0.5, 0.5), Tensor.Of(1000.0, 1000.0).Softmax())

// ------------------------------------------------------------------ immutability and tracking

let private allOps: (string * (Tensor -> Tensor -> Tensor)) list =
    binaryOps
    @ (unaryOps |> List.map (fun (n, op) -> n, (fun a _ -> op a)))
    @ (shapeAndReductionOps |> List.map (fun (n, op) -> n, (fun a _ -> op a)))
    @ [ "matmul", (fun a b -> if a.Rank >= 1 && b.Rank >= 1 && a.Size(-1) = (if b.Rank = 1 then b.Size 0 else b.Size(-2)) then a.MatMul(b) else a + b) ]

[<CorgiProperty(160)>]
let ``no op changes its inputs' values, forward or backward`` (p: BroadcastPair) =
    let a, b = p.Left.Tracked(), p.Right.Tracked()
    let a0, b0 = snapshot p.Left, snapshot p.Right
    allOps
    |> List.map (fun (name, op) ->
        let y = op a b
        if y.IsTracked then y.Backward(Tensor.OnesLike y, createGraph = true)
        a.ClearGradient()
        b.ClearGradient()
        (TensorProperty.equal a0 (snapshot a) .&. TensorProperty.equal b0 (snapshot b)) |> Prop.label name)
    |> List.reduce (.&.)

[<CorgiProperty(160)>]
let ``tracked and untracked inputs give the same values`` (p: BroadcastPair) =
    allOps
    |> List.map (fun (name, op) ->
        let tracked = op (p.Left.Tracked()) (p.Right.Tracked())
        let untracked = op p.Left p.Right
        Prop.label name (TensorProperty.equal untracked (tracked.Detach()))
        .&. labelled $"{name}: untracked result recorded a graph" (not untracked.IsTracked))
    |> List.reduce (.&.)

// ------------------------------------------------------------------ accuracy against System.Math

/// Tensors of 1-12 elements (long enough for the vectorised kernels' main loop) whose magnitudes span
/// 1e-300 to 10, and values just around 1.
let private wideRange: Arbitrary<Tensor> =
    let magnitude = Gen.choose (-3000, 10) |> Gen.map (fun e -> 10.0 ** (float e / 10.0))
    let nearOne = Gen.choose (-160, -10) |> Gen.map (fun e -> 1.0 + 10.0 ** (float e / 10.0))
    let value =
        Gen.frequency [ 3, Gen.zip (Gen.elements [ -1.0; 1.0 ]) magnitude |> Gen.map (fun (s, m) -> s * m); 1, nearOne ]
    Gen.choose (1, 12)
    |> Gen.bind (fun n -> Gen.arrayOfLength n value)
    |> Gen.map (fun v -> Tensor([| v.Length |], v))
    |> fun g -> Arb.fromGenShrink (g, TensorShrink.shape)

[<CorgiProperty(400)>]
let ``element-wise functions agree with System.Math to a few ulp, tiny and large values included`` () =
    // the reference is the scalar System.Math function of each element; 4 ulp (1e-15 relative) is allowed,
    // since the vectorised kernels are not correctly rounded
    Prop.forAll wideRange (fun x ->
        let v = x.ToArray()
        let against (name: string) (actual: Tensor) (reference: float -> float) (inDomain: float -> bool) =
            let a = actual.ToArray()
            let bad =
                Array.zip v a
                |> Array.filter (fun (xi, ai) ->
                    let r = reference xi
                    inDomain xi && not (abs (ai - r) <= 1e-15 * abs r))
            let shown = bad |> Array.map (fun (xi, ai) -> sprintf "x=%.17g got %.17g want %.17g" xi ai (reference xi))
            labelled (name + ": " + String.Join("; ", shown)) (bad.Length = 0)
        let abs' = x.Abs()
        [ against "tanh" (x.Tanh()) Math.Tanh (fun _ -> true)
          against "sigmoid" (x.Sigmoid()) (fun t -> 1.0 / (1.0 + Math.Exp(-t))) (fun t -> abs t <= 30.0)
          against "exp" (x.Exp()) Math.Exp (fun t -> abs t <= 30.0)
          against "log" (abs'.Log()) (fun t -> Math.Log(abs t)) (fun t -> t <> 0.0)
          against "sqrt" (abs'.Sqrt()) (fun t -> Math.Sqrt(abs t)) (fun _ -> true)
          against "reciprocal" (x.Reciprocal()) (fun t -> 1.0 / t) (fun t -> abs t >= 1e-300)
          against "pow 3" (x.Pow(3.0)) (fun t -> Math.Pow(t, 3.0)) (fun t -> abs t >= 1e-100 && abs t <= 1e100)
          against "pow 0.5" (abs'.Pow(0.5)) (fun t -> Math.Pow(abs t, 0.5)) (fun _ -> true)
          against "square" (x.Square()) (fun t -> t * t) (fun _ -> true) ]
        |> List.reduce (.&.))

// ------------------------------------------------------------------ convolution and pooling

/// Rows 0, s, 2s, ... (n of them) of a dimension.
let private every (s: int) (n: int) = Array.init n (fun i -> i * s)

[<CorgiProperty(200)>]
let ``conv2d with a 1x1 kernel is a matmul over the channels (of the strided input)`` (c: Conv2dCase) =
    // y[n, o, i, j] = b[o] + sum_c w[o, c] x[n, c, i*sh, j*sw]: the channels-last input times the filters' transpose
    let (sh, sw) = c.Stride
    let case = { c with Filters = c.Filters.Narrow(2, 0, 1).Narrow(3, 0, 1).Detach(); Padding = (0, 0) }
    let x, o = c.Input, c.Filters.Size 0
    let out = case.OutputShape
    let sampled = x.IndexSelect(2, every sh out.[2]).IndexSelect(3, every sw out.[3])
    let product = sampled.Permute(0, 2, 3, 1).MatMul(case.Filters.Reshape(o, -1), transposeOther = true)
    let withBias = match c.Bias with Some b -> product + b | None -> product
    TensorProperty.close 1e-13 1e-13 (withBias.Permute(0, 3, 1, 2)) (case.Convolution())

[<CorgiProperty(200)>]
let ``conv2d with padding equals conv2d of the zero-padded input`` (c: Conv2dCase) =
    let (ph, pw) = c.Padding
    let x = c.Input
    let n, ch, hh, ww = x.Size 0, x.Size 1, x.Size 2, x.Size 3
    let rows = Tensor.Zeros(n, ch, ph, ww)
    let tall = Tensor.Concat([| rows; x; rows |], 2)
    let cols = Tensor.Zeros(n, ch, hh + 2 * ph, pw)
    let padded = Tensor.Concat([| cols; tall; cols |], 3)
    // the same product of the same numbers, but a BLAS kernel may round differently with the buffers' alignment
    TensorProperty.close 1e-13 1e-13 (c.Convolution()) ({ c with Input = padded; Padding = (0, 0) }.Convolution())

[<CorgiProperty(300)>]
let ``conv2d of a batch is the stack of per-sample conv2d, bias and backward included`` (c: Conv2dCase) =
    // the Rust crate panicked on a batched convolution with a bias; here values and gradients of the batch must
    // equal those of its samples one by one (input gradients row by row, filter and bias gradients summed)
    let n = c.Input.Size 0
    let tracked = c.Inputs |> Array.map (fun t -> (snapshot t).Tracked())
    let batch = c.ConvolutionOf tracked
    weighted batch |> fun y -> y.Backward()
    let batchGradients = tracked |> Array.map gradientOfTensor
    let w = weightsFor batch.Shape
    let perSample =
        [| for i in 0 .. n - 1 ->
               let xi = (snapshot (c.Input.Narrow(0, i, 1))).Tracked()
               let ps = tracked.[1..] |> Array.map (fun t -> (snapshot t).Tracked())
               let yi = c.ConvolutionOf(Array.append [| xi |] ps)
               (yi * w.Narrow(0, i, 1)).Sum().Backward()
               yi, gradientOfTensor xi, ps |> Array.map gradientOfTensor |]
    let stacked = Tensor.Concat(perSample |> Array.map (fun (y, _, _) -> y.Detach()), 0)
    let inputGradient = Tensor.Concat(perSample |> Array.map (fun (_, g, _) -> g), 0)
    let parameterGradients =
        [| for j in 0 .. tracked.Length - 2 -> perSample |> Array.map (fun (_, _, gs) -> gs.[j]) |> Array.reduce (+) |]
    // close, not equal: the batch is one GEMM over all samples' columns, whose vectorised dot products may add
    // the same terms in another order than the per-sample GEMMs (seen: 0.2 against 0.19999999999999998)
    [ TensorProperty.close 1e-13 1e-13 stacked (batch.Detach()) |> Prop.label "values"
      TensorProperty.close 1e-13 1e-13 inputGradient batchGradients.[0] |> Prop.label "input gradient" ]
    @ [ for j in 0 .. parameterGradients.Length - 1 ->
            TensorProperty.close 1e-12 1e-12 parameterGradients.[j] batchGradients.[j + 1]
            |> Prop.label (if j = 0 then "filter gradient" else "bias gradient") ]
    |> List.reduce (.&.)

/// Images [n, c, kh·a, kw·b] with window (kh, kw), for pooling in tiles (kernel = stride, no padding).
let private tiles: Arbitrary<Tensor * int * int> =
    gen {
        let! n = Gen.choose (1, 2)
        let! c = Gen.choose (1, 3)
        let! kh = Gen.choose (1, 3)
        let! kw = Gen.frequency [ 2, Gen.constant kh; 1, Gen.choose (1, 3) ]
        let! a = Gen.choose (1, 3)
        let! b = Gen.choose (1, 3)
        let! x = TensorGen.tensorOf [| n; c; kh * a; kw * b |]
        return x, kh, kw
    }
    |> Arb.fromGen

[<CorgiProperty(200)>]
let ``pooling in tiles (kernel = stride) is a reshape then a mean or a max`` () =
    Prop.forAll tiles (fun (x, kh, kw) ->
        let n, c, a, b = x.Size 0, x.Size 1, x.Size 2 / kh, x.Size 3 / kw
        let blocks = x.Reshape(n, c, a, kh, b, kw)
        let avg, mx =
            if kh = kw then x.AvgPool2d(kh), x.MaxPool2d(kh)
            else x.AvgPool2d(struct (kh, kw), struct (kh, kw), struct (0, 0)), x.MaxPool2d(struct (kh, kw), struct (kh, kw), struct (0, 0))
        // mean = sum / (kh kw) against the kernel's sum * (1 / (kh kw)), summed in other orders: a few roundings of
        // values up to 2 apart, which near a mean of 0 is an absolute, not a relative, error
        TensorProperty.close 1e-14 1e-14 (blocks.Mean([| 3; 5 |])) avg |> Prop.label "avg"
        .&. (TensorProperty.equal (blocks.Max(5).Max(3)) mx |> Prop.label "max"))

[<CorgiProperty(160)>]
let ``max pool is at least avg pool without padding, and both lie within the input's range`` (c: Pool2dCase) =
    // without padding the window must fit the input itself
    let (kh, kw) = c.Kernel
    let c = { c with Padding = (0, 0); Kernel = (min kh (c.Input.Size 2), min kw (c.Input.Size 3)) }
    let mx, avg = c.MaxPoolOf c.Input, c.AvgPoolOf c.Input
    let lo, hi = c.Input.Min().Item(), c.Input.Max().Item()
    labelled $"max {mx}{Environment.NewLine}avg {avg}"
        (Array.forall2 (fun m a -> m >= a - 1e-15) (mx.ToArray()) (avg.ToArray())
         && mx.ToArray() |> Array.forall (fun v -> v >= lo && v <= hi)
         && avg.ToArray() |> Array.forall (fun v -> v >= lo - 1e-15 && v <= hi + 1e-15))

// ------------------------------------------------------------------ costs

[<CorgiProperty(200)>]
let ``softmax cross-entropy on logits equals cross-entropy on softmax(logits)`` (c: ClassificationCase) =
    // both are -sum(t ln softmax(z)) / B; the fused one takes the log through log-softmax
    let sce, ce = NN.Cost.SoftmaxCrossEntropy(), NN.Cost.CrossEntropy()
    let p = c.Logits.Softmax()
    [ "class indices", sce.Compute(c.Logits, c.Indices), ce.Compute(p, c.OneHot)
      "one-hot", sce.Compute(c.Logits, c.OneHot), ce.Compute(p, c.OneHot)
      "soft", sce.Compute(c.Logits, c.Probabilities), ce.Compute(p, c.Probabilities) ]
    |> List.map (fun (name, fused, composed) -> TensorProperty.close 1e-12 1e-13 composed fused |> Prop.label name)
    |> List.reduce (.&.)

[<CorgiProperty(200)>]
let ``softmax cross-entropy's gradient is (softmax(logits) - target) / batch, finite for logits of 1000s`` (LargeLogitsCase c) (k: NonNegativeInt) =
    // d/dz of -sum(t (z - logsumexp z)) / B is (softmax(z) sum(t) - t) / B, with sum(t) = 1 per row; the logits
    // here are 500-1000 in magnitude (or 1000 plus moderate values): exp(z) alone would overflow
    let z = if k.Get % 2 = 0 then c.Logits else c.Logits * 0.001 + 1000.0
    let target = if k.Get % 3 = 0 then c.Probabilities else c.OneHot
    let logits = (snapshot z).Tracked()
    let loss = NN.Cost.SoftmaxCrossEntropy().Compute(logits, if k.Get % 3 = 1 then c.Indices else target)
    loss.Backward()
    let g = gradientOfTensor logits
    let expected = (z.Softmax() - target) / float c.Batch
    labelled $"loss {loss}" (Double.IsFinite(loss.Item()) && loss.Item() >= -1e-9)
    .&. labelled $"gradient {g}" (g.ToArray() |> Array.forall Double.IsFinite)
    .&. TensorProperty.close 1e-12 1e-14 expected g

// ------------------------------------------------------------------ dropout

[<CorgiProperty(200)>]
let ``dropout: evaluation and p = 0 pass the input through; training zeroes or scales by 1 / (1 - p), reproducibly`` (c: DropoutCase) =
    let x, p = c.Input, c.Probability
    let y = x.Dropout(p, c.Random())
    let again = x.Dropout(p, c.Random())
    let scaled = if p < 1.0 then 1.0 / (1.0 - p) else 0.0
    let elementOk (xi: float) (yi: float) = yi = 0.0 || yi = xi * scaled
    [ TensorProperty.equal x (x.Dropout(p, c.Random(), training = false)) |> Prop.label "evaluation"
      TensorProperty.equal x (x.Dropout(0.0, c.Random())) |> Prop.label "p = 0"
      TensorProperty.equal y again |> Prop.label "same seed, same mask"
      labelled $"dropout({p}) of {x} gave {y}" (y.Shape = x.Shape && Array.forall2 elementOk (x.ToArray()) (y.ToArray()))
      labelled $"p = 1 kept something: {y}" (p < 1.0 || y.ToArray() |> Array.forall ((=) 0.0)) ]
    |> List.reduce (.&.)

[<CorgiProperty(40)>]
let ``dropout keeps about 1 - p of 4000 elements, and its mean stays near the input's`` (c: DropoutCase) =
    // ones in, so the output is the mask: kept elements are 1 / (1 - p). The kept count is binomial(4000, 1 - p);
    // 6 standard deviations bound it with a failure chance below 1e-8 per case
    let n = 4000
    let p = c.Probability
    let y = Tensor.Ones(n).Dropout(p, c.Random())
    let kept = y.ToArray() |> Array.filter (fun v -> v <> 0.0) |> Array.length
    let mean = float n * (1.0 - p)
    let sd = sqrt (float n * p * (1.0 - p))
    labelled $"p = {p}: kept {kept} of {n}, expected {mean} ± {6.0 * sd}" (abs (float kept - mean) <= 6.0 * sd)

[<CorgiProperty(100)>]
let ``a model predicts without dropout, and trains with it`` (c: DropoutCase) (seed: int) =
    // Predict switches every dropout layer off (and back on); Forward in training mode applies the mask
    let x = (atLeast1D c.Input).Reshape(1, -1)
    let features = x.Size 1
    let dense = NN.Dense(features, 2, NN.Initializer.XavierNormal(seed), NN.Activation.Tanh())
    let model = NN.Model([| NN.Dropout(c.Probability, c.Seed) :> NN.ILayer; dense |], NN.GradientDescent(0.1), NN.Cost.Mse())
    let plain = dense.Forward(x).Detach()
    let predicted = model.Predict(x)
    let trained = model.Forward(x).Detach()
    let masked = dense.Forward(x.Dropout(c.Probability, c.Random())).Detach()
    TensorProperty.equal plain predicted |> Prop.label "predict"
    .&. (TensorProperty.equal masked trained |> Prop.label "forward while training")
    .&. labelled "the training flag came back" model.Training

// ------------------------------------------------------------------ immutability and tracking of the NN ops

[<CorgiProperty(120)>]
let ``conv2d, pooling, dropout and the costs change no input, and agree tracked and untracked`` (c: Conv2dCase) (q: Pool2dCase) (d: DropoutCase) (k: ClassificationCase) =
    let ops: (string * Tensor[] * (Tensor[] -> Tensor)) list =
        [ "conv2d", c.Inputs, c.ConvolutionOf
          "max pool", [| q.Input |], (fun t -> q.MaxPoolOf t.[0])
          "avg pool", [| q.Input |], (fun t -> q.AvgPoolOf t.[0])
          "dropout", [| d.Input |], (fun t -> t.[0].Dropout(d.Probability, d.Random()))
          "mse", [| k.Logits; k.Probabilities |], (fun t -> NN.Cost.Mse().Compute(t.[0], t.[1]))
          "cross-entropy", [| k.Probabilities; k.OneHot |], (fun t -> NN.Cost.CrossEntropy().Compute(t.[0], t.[1]))
          "softmax cross-entropy", [| k.Logits; k.Probabilities |], (fun t -> NN.Cost.SoftmaxCrossEntropy().Compute(t.[0], t.[1]))
          "binary cross-entropy", [| k.Probabilities; k.OneHot |], (fun t -> NN.Cost.BinaryCrossEntropy().Compute(t.[0], t.[1])) ]
    ops
    |> List.map (fun (name, inputs, op) ->
        let copies = inputs |> Array.map snapshot
        let tracked = inputs |> Array.map (fun t -> t.Tracked())
        let y = op tracked
        y.Backward(Tensor.OnesLike y, createGraph = true)
        let untracked = op inputs
        (Array.map2 TensorProperty.equal copies (inputs |> Array.map snapshot) |> Array.reduce (.&.))
        .&. TensorProperty.equal untracked (y.Detach())
        .&. labelled "untracked result recorded a graph" (not untracked.IsTracked)
        |> Prop.label name)
    |> List.reduce (.&.)
