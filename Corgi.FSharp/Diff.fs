namespace Corgi.FSharp

open System
open System.Threading
open Corgi

/// <summary>
/// Functional differentiation in the style of JAX and DiffSharp: <c>grad f x</c>, <c>valueAndGrad f x</c>,
/// <c>gradN f xs</c>, <c>jacobian f x</c>, <c>hessian f x</c>, <c>hvp f x v</c>, <c>vjp f x v</c> and
/// <c>diff f x</c>. Opened with <c>Corgi.FSharp</c>.
/// </summary>
/// <remarks>
/// <para>Each function differentiates with respect to a tracked version of its argument (a fresh tracked leaf
/// sharing the values when the argument is untracked) and reads gradients with <c>Tensor.Gradients</c>, which
/// leaves every tensor's accumulated <c>Gradient</c> as it was: calling <c>grad</c> leaves no gradient on the
/// argument or on tracked tensors that <c>f</c> captures.</para>
/// <para>They nest: inside the function of another differentiation the backward pass is recorded
/// (<c>createGraph</c>), so the result can be differentiated again, e.g.
/// <c>grad (fun x -> grad f x |> Tensor.sum) x</c>. At the top level the results are untracked, also for a
/// tracked argument.</para>
/// </remarks>
[<AutoOpen>]
module Diff =

    // How many differentiation operators are evaluating their function in this asynchronous flow.
    let private depth = AsyncLocal<int>()

    let private within (f: unit -> 'T) : 'T =
        depth.Value <- depth.Value + 1
        try
            f ()
        finally
            depth.Value <- depth.Value - 1

    let private shapeText (t: Tensor) = "[" + String.Join(",", t.Shape) + "]"

    /// The tensor to differentiate with respect to, and whether the backward pass must be recorded.
    let private prepare (x: Tensor) : Tensor * bool =
        // Only inside another differentiation must the backward pass be recorded; at the top level the results
        // are plain values even for a tracked argument, so `theta <- theta - lr * grad f theta` never grows a graph.
        let createGraph = depth.Value > 0
        (if x.IsTracked then x else x.Tracked()), createGraph

    let private gradients (output: Tensor) (inputs: Tensor[]) (seed: Tensor | null) (createGraph: bool) : Tensor[] =
        let gs = Tensor.Gradients(output, inputs, seed, createGraph)
        gs |> Array.mapi (fun i g ->
            match g with
            | null -> Tensor.ZerosLike inputs[i]
            | g -> g)

    let private requireScalar (op: string) (y: Tensor) =
        if y.Count <> 1 then
            invalidArg "f" (sprintf "%s: f must return a one-element tensor, but it returned shape %s; use jacobian or vjp for tensor-valued functions" op (shapeText y))

    let private result (createGraph: bool) (t: Tensor) = if createGraph then t else t.Detach()

    /// <summary>
    /// The value of a scalar-valued function and its gradient at <paramref name="x"/>:
    /// <c>let loss, g = valueAndGrad f x</c>. The gradient has x's shape.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">f returned more than one element.</exception>
    [<CompiledName("ValueAndGrad")>]
    let valueAndGrad (f: Tensor -> Tensor) (x: Tensor) : Tensor * Tensor =
        let x', createGraph = prepare x
        let y = within (fun () -> f x')
        requireScalar "grad" y
        let g = (gradients y [| x' |] null createGraph)[0]
        result createGraph y, g

    /// <summary>
    /// The gradient of a scalar-valued function at <paramref name="x"/> (x's shape):
    /// <c>grad (fun x -> Tensor.sum (x * x)) (tensor [1.; 2.])</c> is <c>[2; 4]</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">f returned more than one element.</exception>
    [<CompiledName("Grad")>]
    let grad (f: Tensor -> Tensor) (x: Tensor) : Tensor = snd (valueAndGrad f x)

    /// <summary>The value of a scalar-valued function of several tensors and its gradients, one per input.</summary>
    /// <exception cref="T:System.ArgumentException">f returned more than one element.</exception>
    [<CompiledName("ValueAndGradN")>]
    let valueAndGradN (f: Tensor list -> Tensor) (xs: Tensor list) : Tensor * Tensor list =
        let prepared = xs |> List.map prepare
        let inputs = prepared |> List.map fst
        let createGraph = prepared |> List.exists snd
        let y = within (fun () -> f inputs)
        requireScalar "gradN" y
        let gs = gradients y (Array.ofList inputs) null createGraph
        result createGraph y, List.ofArray gs

    /// <summary>
    /// The gradients of a scalar-valued function of several tensors, one per input:
    /// <c>let [gw; gb] = gradN (fun [w; b] -> loss w b) [w; b]</c>.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">f returned more than one element.</exception>
    [<CompiledName("GradN")>]
    let gradN (f: Tensor list -> Tensor) (xs: Tensor list) : Tensor list = snd (valueAndGradN f xs)

    /// <summary>
    /// The vector-Jacobian product vᵀ·J of f at x, where <paramref name="v"/> has the shape of f x; the result has
    /// x's shape. One backward pass, whatever the sizes.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">v's shape differs from the shape of f x.</exception>
    [<CompiledName("Vjp")>]
    let vjp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor =
        let x', createGraph = prepare x
        let y = within (fun () -> f x')
        if y.Shape <> v.Shape then
            invalidArg (nameof v) (sprintf "vjp: v has shape %s but f returned shape %s" (shapeText v) (shapeText y))
        (gradients y [| x' |] v createGraph)[0]

    /// <summary>
    /// The Jacobian of f at x: a tensor of shape (shape of f x) @ (shape of x) whose element [i..; j..] is
    /// d(f x)[i..] / dx[j..]. One backward pass per output element; the rows have x's dtype.
    /// </summary>
    [<CompiledName("Jacobian")>]
    let jacobian (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        let x', createGraph = prepare x
        let y = within (fun () -> f x')
        let shape = Array.append y.Shape x.Shape
        if y.Count = 0 || x.Count = 0 then
            Tensor.Zeros(shape, x.DType)
        else
            let rows =
                Array.init y.Count (fun i ->
                    let seed = Tensor.FromArray(y.Shape, Array.init y.Count (fun j -> if i = j then 1.0 else 0.0), y.DType)
                    (gradients y [| x' |] seed createGraph)[0])
            Tensor.Stack(rows, 0).Reshape shape

    /// <summary>
    /// The Hessian of a scalar-valued function at x (the Jacobian of its gradient), of shape (shape of x) @ (shape of x).
    /// </summary>
    /// <exception cref="T:System.ArgumentException">f returned more than one element.</exception>
    [<CompiledName("Hessian")>]
    let hessian (f: Tensor -> Tensor) (x: Tensor) : Tensor = jacobian (grad f) x

    /// <summary>
    /// The Hessian-vector product H·v of a scalar-valued function at x, without forming H (two backward passes):
    /// the gradient of sum(grad f x * v).
    /// </summary>
    /// <exception cref="T:System.ArgumentException">v's shape differs from x's, or f returned more than one element.</exception>
    [<CompiledName("Hvp")>]
    let hvp (f: Tensor -> Tensor) (x: Tensor) (v: Tensor) : Tensor =
        if x.Shape <> v.Shape then
            invalidArg (nameof v) (sprintf "hvp: v has shape %s but x has shape %s" (shapeText v) (shapeText x))
        grad (fun x -> (grad f x * v).Sum()) x

    /// <summary>
    /// The derivative of a scalar function of one scalar (one-element tensors in and out) at x:
    /// <c>diff (fun x -> x ** 3.0) (tensor 2.0)</c> is 12. Nests: <c>diff (diff f) x</c> is the second derivative.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">x or f x has more than one element.</exception>
    [<CompiledName("Diff")>]
    let diff (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if x.Count <> 1 then
            invalidArg (nameof x) (sprintf "diff: x must have one element, but it has shape %s; use grad or jacobian" (shapeText x))
        grad f x

    /// <summary>The second derivative of a scalar function of one scalar at x: <c>diff (diff f) x</c>.</summary>
    [<CompiledName("Diff2")>]
    let diff2 (f: Tensor -> Tensor) (x: Tensor) : Tensor = diff (diff f) x

    /// <summary>The n-th derivative of a scalar function of one scalar at x (n = 0 gives f x).</summary>
    /// <exception cref="T:System.ArgumentException">n is negative.</exception>
    [<CompiledName("DiffN")>]
    let diffn (n: int) (f: Tensor -> Tensor) (x: Tensor) : Tensor =
        if n < 0 then invalidArg (nameof n) (sprintf "diffn: the order n must be >= 0, but it is %d" n)
        let rec derivative k (g: Tensor -> Tensor) = if k = 0 then g else derivative (k - 1) (diff g)
        let d = derivative n f
        if n = 0 then d x else d x
