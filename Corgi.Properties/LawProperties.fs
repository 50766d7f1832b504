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
