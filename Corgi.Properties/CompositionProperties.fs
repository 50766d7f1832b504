/// Random programs of 2-6 ops, checked end to end against central differences; shared nodes; untracked
/// inputs get no gradient and record nothing.
module Corgi.Properties.CompositionProperties

open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.Verification
open Corgi.FsCheck
open Corgi.Properties.Config
open Corgi.Properties.Helpers
open Corgi.Properties.Programs

let private h = 1e-6

[<CorgiProperty(600)>]
let ``random programs have the gradient of central differences`` (p: BroadcastPair) (prog: Program) =
    gradientOf h (fun t -> run id prog t.[0] t.[1]) [| p.Left; p.Right |]
    |> Prop.label (string prog)

[<CorgiProperty(240)>]
let ``untracked inputs get no gradient, and the tracked one gets the gradient with the other held constant``
    (p: BroadcastPair) (prog: Program) =
    let a = snapshot p.Left |> fun t -> t.Tracked()
    let b = snapshot p.Right
    let out = run weighted prog a b
    // a program may not use n0 at all; then nothing is tracked and a gets no gradient either
    if out.IsTracked then out.Backward()
    // the reference: the checker differentiating in a only, b a constant
    let report = GradientChecker.Check((fun (t: Tensor) -> run weighted prog t b), p.Left)
    let ga = match a.Gradient with null -> Tensor.ZerosLike a | g -> g
    labelled
        $"program {prog}{System.Environment.NewLine}b tracked={b.IsTracked} gradient={b.Gradient}{System.Environment.NewLine}{report.Summary}"
        (isNull b.Gradient && not b.IsTracked && report.Passed
         && ga.AllClose(report.AnalyticDerivatives.[0], 1e-12, 1e-12))

[<CorgiProperty(160)>]
let ``programs on untracked inputs record nothing`` (p: BroadcastPair) (prog: Program) =
    let ns = nodes prog p.Left p.Right
    let out = run weighted prog p.Left p.Right
    labelled (string prog) (ns |> Array.forall (fun n -> not n.IsTracked && n.IsLeaf) && not out.IsTracked && out.IsLeaf)

[<CorgiProperty(160)>]
let ``nothing is recorded inside NoGrad`` (p: BroadcastPair) (prog: Program) =
    let a, b = p.Left.Tracked(), p.Right.Tracked()
    use _ = Tensor.NoGrad()
    let out = run weighted prog a b
    labelled (string prog) (not out.IsTracked && out.IsLeaf)

[<CorgiProperty(200)>]
let ``a node with several consumers sums their gradients`` (x: Tensor) =
    // y feeds five consumers, one of them twice (y * y)
    gradientOf h (fun t ->
        let y = t.[0].Tanh()
        let parts = [ y * y; y.Exp(); (if y.Rank > 0 then y.Softmax(-1) else y); y.Sum() + y; -y ]
        parts |> List.map weighted |> List.reduce (+)) [| x |]

[<CorgiProperty(160)>]
let ``gradients accumulate across backward passes until cleared`` (x: Tensor) =
    let a = snapshot x |> fun t -> t.Tracked()
    let f () = weighted (a.Tanh() * a)
    f().Backward()
    let once = gradientOfTensor a
    f().Backward()
    let twice = gradientOfTensor a
    a.ClearGradient()
    let cleared = isNull a.Gradient
    f().Backward()
    let again = gradientOfTensor a
    labelled $"once {once}{System.Environment.NewLine}twice {twice}" (twice.AllClose(once * 2.0, 1e-14, 1e-15) && cleared && again.Equals once)

[<CorgiProperty(200)>]
let ``random programs pass the Jacobian check`` (p: BroadcastPair) (prog: Program) =
    // the last node itself (no weighting), every output element's gradient
    TensorProperty.jacobianWith (step h) (fun t -> let ns = nodes prog t.[0] t.[1] in ns.[ns.Length - 1]) [| p.Left; p.Right |]
    |> Prop.label (string prog)

[<CorgiProperty(160)>]
let ``conv2d with some operands untracked: only the tracked ones get a gradient, the same as with all tracked`` (c: Conv2dCase) (k: NonNegativeInt) =
    // a random non-empty subset of (input, filters[, bias]) is tracked
    let n = c.Inputs.Length
    let mask = 1 + k.Get % ((1 <<< n) - 1)
    let isTracked i = mask &&& (1 <<< i) <> 0
    let operands = c.Inputs |> Array.mapi (fun i t -> if isTracked i then (snapshot t).Tracked() else snapshot t)
    weighted (c.ConvolutionOf operands) |> fun y -> y.Backward()
    let all = c.Inputs |> Array.map (fun t -> (snapshot t).Tracked())
    weighted (c.ConvolutionOf all) |> fun y -> y.Backward()
    operands
    |> Array.mapi (fun i t ->
        if isTracked i then TensorProperty.equal (gradientOfTensor all.[i]) (gradientOfTensor t) |> Prop.label $"operand {i}"
        else labelled $"untracked operand {i} got a gradient" (isNull t.Gradient && not t.IsTracked))
    |> Array.reduce (.&.)
