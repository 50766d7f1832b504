/// Issue 11's indexing, shape, einsum, convolution, pooling and sampling ops: the reverse-mode gradient of
/// sum(w * op(inputs)) equals central finite differences (Helpers.gradientOf: float64, and float32 against its
/// float64 twin), on random shapes, indices and op parameters drawn from the case's seed. Values are in [-2, 2);
/// for the maximum-based ops they are distinct multiples of 0.1, so a step of 1e-6 never changes an arg-max.
module Corgi.Properties.OpSetBProperties

open System
open global.FsCheck
open global.FsCheck.FSharp
open Corgi
open Corgi.Properties.Config
open Corgi.Properties.Helpers

let private h = 1e-6

/// A tensor of the shape with values in [-2, 2) drawn from rnd.
let private values (rnd: Random) (shape: int[]) =
    Tensor(shape, Array.init (Array.fold (*) 1 shape) (fun _ -> rnd.NextDouble() * 4.0 - 2.0))

/// A tensor of the shape whose values are distinct multiples of 0.1, shuffled.
let private distinct (rnd: Random) (shape: int[]) =
    let n = Array.fold (*) 1 shape
    let v = Array.init n (fun i -> 0.1 * float i - 0.05 * float n)
    rnd.Shuffle v
    Tensor(shape, v)

/// A random shape of rank lo..hi with sizes 1..4.
let private shapeOf (rnd: Random) lo hi = Array.init (rnd.Next(lo, hi + 1)) (fun _ -> rnd.Next(1, 5))

/// A float index tensor of the shape with whole numbers in [0, n).
let private indices (rnd: Random) (shape: int[]) (n: int) =
    Tensor(shape, Array.init (Array.fold (*) 1 shape) (fun _ -> float (rnd.Next n)))

// ------------------------------------------------------------------ indexing

[<CorgiProperty(100)>]
let ``gather, random dimension and index`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let d = rnd.Next x.Rank
    let shape = x.Shape |> Array.mapi (fun i n -> if i = d then rnd.Next(1, 5) else rnd.Next(1, n + 1))
    let index = indices rnd shape (x.Size d)
    gradientOf h (fun t -> t.[0].Gather(d, index)) [| x |]

[<CorgiProperty(100)>]
let ``scatter (source and value) and scatter_add, from a larger source`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let d = rnd.Next x.Rank
    let shape = x.Shape |> Array.mapi (fun i n -> if i = d then rnd.Next(1, 5) else rnd.Next(1, n + 1))
    let src = values rnd (shape |> Array.map (fun n -> n + rnd.Next 2))
    let index = indices rnd shape (x.Size d)
    gradientOf h (fun t -> t.[0].Scatter(d, index, t.[1]) + t.[0].ScatterAdd(d, index, t.[1]) * 0.5 + t.[0].Scatter(d, index, 0.3) * 2.0) [| x; src |]

[<CorgiProperty(100)>]
let ``index_add with repeated indices and alpha`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let d = rnd.Next x.Rank
    let m = rnd.Next(1, 5)
    let src = values rnd (x.Shape |> Array.mapi (fun i n -> if i = d then m else n))
    let index = indices rnd [| m |] (x.Size d)
    gradientOf h (fun t -> t.[0].IndexAdd(d, index, t.[1], -1.5)) [| x; src |]

[<CorgiProperty(100)>]
let ``take_along_dim with broadcasting, and flattened`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let d = rnd.Next x.Rank
    let shape = x.Shape |> Array.mapi (fun i n -> if i = d then rnd.Next(1, 4) elif rnd.Next 2 = 0 then 1 else n)
    let index = indices rnd shape (x.Size d)
    let flat = indices rnd [| rnd.Next(1, 5) |] x.Count
    gradientOf h (fun t -> t.[0].TakeAlongDim(index, d).Sum() + t.[0].TakeAlongDim(flat) * 2.0) [| x |]

// ------------------------------------------------------------------ shapes

[<CorgiProperty(100)>]
let ``strided slice, split and chunk`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let d = rnd.Next x.Rank
    let n = x.Size d
    let start, stop, step = rnd.Next(-n, n), rnd.Next(-n, n + 1), rnd.Next(1, 4)
    let piece, chunks = rnd.Next(1, n + 1), rnd.Next(1, 4)
    gradientOf h (fun t ->
        let parts = Array.append (t.[0].Split(piece, d)) (t.[0].Chunk(chunks, d))
        let s = parts |> Array.mapi (fun i p -> weighted p * float (i + 1)) |> Array.reduce (+)
        weighted (t.[0].Slice(d, start, stop, step)) + s) [| x |]

[<CorgiProperty(100)>]
let ``flip, roll, movedim`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 4)
    let d = rnd.Next x.Rank
    let e = rnd.Next x.Rank
    let shift = rnd.Next(-5, 6)
    gradientOf h (fun t ->
        weighted (t.[0].Flip(d)) + weighted (t.[0].Roll(shift, d)) * 2.0 + weighted (t.[0].Roll(shift)) * 3.0
        + weighted (t.[0].Movedim(d, e)) * 0.5) [| x |]

[<CorgiProperty(100)>]
let ``repeat, tile, repeat_interleave`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let reps = Array.init (x.Rank + rnd.Next 2) (fun _ -> rnd.Next(1, 3))
    let d = rnd.Next x.Rank
    let counts = Array.init (x.Size d) (fun _ -> rnd.Next 3)
    let tile = rnd.Next(1, 3)
    gradientOf h (fun t ->
        weighted (t.[0].Repeat(reps)) + weighted (t.[0].Tile(tile)) * 2.0
        + weighted (t.[0].RepeatInterleave(counts, d)) * 3.0 + weighted (t.[0].RepeatInterleave(2)) * 0.5) [| x |]

[<CorgiProperty(120)>]
let ``pad in every mode`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let mode = [| PaddingMode.Constant; PaddingMode.Reflect; PaddingMode.Replicate; PaddingMode.Circular |].[rnd.Next 4]
    let dims = rnd.Next(1, x.Rank + 1)
    let widths =
        Array.init (2 * dims) (fun i ->
            let n = x.Size(x.Rank - 1 - i / 2)
            match mode with
            | PaddingMode.Reflect -> rnd.Next n
            | PaddingMode.Circular -> rnd.Next(n + 1)
            | PaddingMode.Constant -> rnd.Next(-1, 3) |> max (if n > 1 then -1 else 0)
            | _ -> rnd.Next 3)
    gradientOf h (fun t -> t.[0].Pad(widths, mode, 0.5)) [| x |]

[<CorgiProperty(100)>]
let ``tril, triu, diag, diagonal, trace`` (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 2 4)
    let k = rnd.Next(-2, 3)
    let d1 = rnd.Next x.Rank
    let d2 = (d1 + 1 + rnd.Next(x.Rank - 1)) % x.Rank
    let v = values rnd [| rnd.Next(1, 4) |]
    let m = values rnd [| x.Size 0; x.Size 1 |]
    gradientOf h (fun t ->
        weighted (t.[0].Tril(k)) + weighted (t.[0].Triu(-k)) * 2.0 + weighted (t.[0].Diagonal(k, d1, d2)) * 3.0
        + (weighted (t.[1].Diag(k)) + t.[2].Trace() * t.[2].Diag(k).Sum()) * 0.5) [| x; v; m |]

[<CorgiProperty(60)>]
let ``unflatten`` (seed: int) =
    let rnd = Random seed
    let a, b = rnd.Next(1, 4), rnd.Next(1, 4)
    let x = values rnd [| 2; a * b |]
    gradientOf h (fun t -> t.[0].Unflatten(1, a, -1)) [| x |]

// ------------------------------------------------------------------ einsum

let private equations =
    [| "bij,bjk->bik"; "ij,jk->ik"; "ij,jk"; "ij,ij->"; "i,j->ij"; "ii->"; "ii->i"; "ij->ji"; "ij->i"; "ba"
       "...ij,jk->...ik"; "i,i,i->"; "bi,bj->bij"; "iij,jk->ik"; "bi,bi->b" |]

/// Operand shapes for an equation, from sizes per letter (b 2, i, j, k 1..4, an ellipsis of 1..2 dimensions).
let private operandShapes (rnd: Random) (equation: string) =
    let size = Collections.Generic.Dictionary<char, int>()
    for c in "abijk" do size.[c] <- rnd.Next(1, 5)
    let ellipsis = Array.init (rnd.Next(1, 3)) (fun _ -> rnd.Next(1, 4))
    let lhs = (equation.Split "->").[0]
    lhs.Split ','
    |> Array.map (fun term ->
        let dims = term.Replace("...", "") |> Seq.map (fun c -> size.[c]) |> Array.ofSeq
        if term.Contains "..." then Array.append ellipsis dims else dims)

[<CorgiProperty(140)>]
let ``einsum over the common subscripts`` (seed: int) =
    let rnd = Random seed
    let eq = equations.[rnd.Next equations.Length]
    let inputs = operandShapes rnd eq |> Array.map (values rnd)
    gradientOf h (fun t -> Tensor.Einsum(eq, t)) inputs

[<CorgiProperty(40)>]
let ``einsum: second order of a batched product`` (seed: int) =
    let rnd = Random seed
    let a = values rnd [| 2; rnd.Next(1, 4); 3 |]
    let b = values rnd [| 2; 3; rnd.Next(1, 4) |]
    secondOrderOf 1e-5 (fun t -> Tensor.Einsum("bij,bjk->bik", t.[0], t.[1]).Square()) [| a; b |]

// ------------------------------------------------------------------ convolution

[<CorgiProperty(100)>]
let ``conv1d: stride, padding, dilation, groups, bias`` (seed: int) =
    let rnd = Random seed
    let groups = rnd.Next(1, 3)
    let c, o = groups * rnd.Next(1, 3), groups * rnd.Next(1, 3)
    let k, dilation = rnd.Next(1, 4), rnd.Next(1, 3)
    let padding = rnd.Next 2
    let span = dilation * (k - 1) + 1
    let l = max 1 (span - 2 * padding) + rnd.Next 4
    let x = values rnd [| rnd.Next(1, 3); c; l |]
    let w = values rnd [| o; c / groups; k |]
    let b = values rnd [| o |]
    let stride = rnd.Next(1, 3)
    gradientOf h (fun t -> t.[0].Conv1d(t.[1], t.[2], stride, padding, dilation, groups)) [| x; w; b |]

[<CorgiProperty(100)>]
let ``conv2d with dilation and groups (depthwise included)`` (seed: int) =
    let rnd = Random seed
    let groups = rnd.Next(1, 4)
    let c = groups * rnd.Next(1, 3)
    let o = groups * rnd.Next(1, 3)
    let kh, kw = rnd.Next(1, 3), rnd.Next(1, 4)
    let dh, dw = rnd.Next(1, 3), rnd.Next(1, 3)
    let ph, pw = rnd.Next 2, rnd.Next 2
    let hgt = max 1 (dh * (kh - 1) + 1 - 2 * ph) + rnd.Next 3
    let wid = max 1 (dw * (kw - 1) + 1 - 2 * pw) + rnd.Next 3
    let x = values rnd [| rnd.Next(1, 3); c; hgt; wid |]
    let w = values rnd [| o; c / groups; kh; kw |]
    let b = values rnd [| o |]
    let stride = struct (rnd.Next(1, 3), rnd.Next(1, 3))
    gradientOf h (fun t -> t.[0].Conv2d(t.[1], t.[2], stride, struct (ph, pw), struct (dh, dw), groups)) [| x; w; b |]

[<CorgiProperty(100)>]
let ``conv_transpose2d: stride, padding, output padding, groups, dilation`` (seed: int) =
    let rnd = Random seed
    let groups = rnd.Next(1, 3)
    let cin, cout = groups * rnd.Next(1, 3), rnd.Next(1, 3)
    let kh, kw = rnd.Next(1, 4), rnd.Next(1, 4)
    let sh, sw = rnd.Next(1, 3), rnd.Next(1, 3)
    let oph, opw = rnd.Next sh, rnd.Next sw
    let dil = rnd.Next(1, 3)
    let x = values rnd [| rnd.Next(1, 3); cin; rnd.Next(1, 4); rnd.Next(1, 4) |]
    let w = values rnd [| cin; cout; kh; kw |]
    let b = values rnd [| cout * groups |]
    // padding at most what keeps the output non-empty
    let ph = rnd.Next(1 + ((x.Size 2 - 1) * sh + dil * (kh - 1) + oph) / 2)
    let pw = rnd.Next(1 + ((x.Size 3 - 1) * sw + dil * (kw - 1) + opw) / 2)
    gradientOf h (fun t -> t.[0].ConvTranspose2d(t.[1], t.[2], struct (sh, sw), struct (ph, pw), struct (oph, opw), groups, Nullable<struct (int * int)>(struct (dil, dil)))) [| x; w; b |]

[<CorgiProperty(30)>]
let ``conv_transpose2d: second order`` (seed: int) =
    let rnd = Random seed
    let x = values rnd [| 1; 2; rnd.Next(1, 3); 2 |]
    let w = values rnd [| 2; 1; 2; 2 |]
    secondOrderOf 1e-5 (fun t -> t.[0].ConvTranspose2d(t.[1], null, 2, 1, 1).Square()) [| x; w |]

[<CorgiProperty(30)>]
let ``conv2d with dilation and groups: second order`` (seed: int) =
    let rnd = Random seed
    let x = values rnd [| 1; 2; rnd.Next(3, 5); rnd.Next(3, 5) |]
    let w = values rnd [| 2; 1; 2; 2 |]
    secondOrderOf 1e-5 (fun t -> t.[0].Conv2d(t.[1], null, 1, 1, 2, 2).Square()) [| x; w |]

// ------------------------------------------------------------------ pooling and sampling

[<CorgiProperty(100)>]
let ``max and avg pool1d`` (seed: int) =
    let rnd = Random seed
    let k = rnd.Next(1, 4)
    let padding = rnd.Next(k / 2 + 1)
    let x = distinct rnd [| rnd.Next(1, 3); rnd.Next(1, 3); max 1 (k - 2 * padding) + rnd.Next 4 |]
    let stride = rnd.Next(1, 3)
    gradientOf h (fun t -> t.[0].MaxPool1d(k, stride, padding) + t.[0].AvgPool1d(k, stride, padding) * 2.0) [| x |]

[<CorgiProperty(100)>]
let ``adaptive avg and max pool2d, global included`` (seed: int) =
    let rnd = Random seed
    let x = distinct rnd [| rnd.Next(1, 3); rnd.Next(1, 3); rnd.Next(1, 6); rnd.Next(1, 6) |]
    let oh, ow = rnd.Next(1, 5), rnd.Next(1, 5)
    gradientOf h (fun t ->
        weighted (t.[0].AdaptiveAvgPool2d(oh, ow)) + weighted (t.[0].AdaptiveMaxPool2d(oh, ow)) * 2.0
        + t.[0].AdaptiveAvgPool2d(1, 1).Sum() + t.[0].AdaptiveMaxPool2d(1, 1).Sum() * 0.5) [| x |]

[<CorgiProperty(100)>]
let ``upsample nearest and bilinear (both corner rules)`` (seed: int) =
    let rnd = Random seed
    let x = values rnd [| rnd.Next(1, 3); rnd.Next(1, 3); rnd.Next(1, 4); rnd.Next(1, 4) |]
    let oh, ow = rnd.Next(1, 7), rnd.Next(1, 7)
    let scale = rnd.Next(1, 3)
    gradientOf h (fun t ->
        weighted (t.[0].UpsampleNearest2d(oh, ow)) + weighted (t.[0].UpsampleNearest2d(scale)) * 2.0
        + weighted (t.[0].UpsampleBilinear2d(oh, ow)) * 3.0 + weighted (t.[0].UpsampleBilinear2d(oh, ow, true)) * 0.5) [| x |]

[<CorgiProperty(30)>]
let ``upsample bilinear and adaptive avg pool2d: second order`` (seed: int) =
    let rnd = Random seed
    let x = values rnd [| 1; 2; rnd.Next(1, 4); rnd.Next(1, 4) |]
    let oh, ow = rnd.Next(1, 6), rnd.Next(1, 6)
    secondOrderOf 1e-5 (fun t -> t.[0].UpsampleBilinear2d(oh, ow).Square() + t.[0].AdaptiveAvgPool2d(1, 2).Square().Sum()) [| x |]

// ------------------------------------------------------------------ recurrences

/// A random recurrence with `gates` gate blocks and `states` initial states (LSTM: 4 and 2, GRU: 3 and 1): L 1..4,
/// N 1..3, H 1..3, with or without b_hh, either direction, all rows full or random lengths; values in [-2, 2) (states
/// scaled to [-1, 1)). Returns the inputs (gates, W_hh, b_hh when drawn, states), whether b_hh is there, the direction
/// and the lengths.
let private recurrenceCase (gates: int) (states: int) (seed: int) =
    let rnd = Random seed
    let steps, batch, size = rnd.Next(1, 5), rnd.Next(1, 4), rnd.Next(1, 4)
    let bias = rnd.Next 2 = 0
    let reverse = rnd.Next 2 = 0
    let lengths = if rnd.Next 2 = 0 then null else Array.init batch (fun _ -> rnd.Next(1, steps + 1))
    let inputs =
        [| yield values rnd [| steps; batch; gates * size |]
           yield values rnd [| gates * size; size |]
           if bias then yield values rnd [| gates * size |]
           for _ in 1 .. states do yield values rnd [| batch; size |] * 0.5 |]
    inputs, bias, reverse, lengths

/// The LSTM's case: the op's three results flattened into one vector.
let private lstmCase (seed: int) =
    let inputs, bias, reverse, lengths = recurrenceCase 4 2 seed
    let op (t: Tensor[]) =
        let b : Tensor | null = if bias then t.[2] else null
        let struct (o, hn, cn) = Tensor.LstmRecurrence(t.[0], t.[1], b, t.[t.Length - 2], t.[t.Length - 1], reverse, lengths)
        Tensor.Concat([| o.Flatten(); hn.Flatten(); cn.Flatten() |])
    inputs, op

[<CorgiProperty(100)>]
let ``fused LSTM recurrence: lengths, directions, bias`` (seed: int) =
    let inputs, op = lstmCase seed
    gradientOf h op inputs

[<CorgiProperty(40)>]
let ``fused LSTM recurrence, second order (its createGraph backward)`` (seed: int) =
    let inputs, op = lstmCase seed
    secondOrderOf 1e-5 op inputs

/// The GRU's case: its two results flattened into one vector.
let private gruCase (seed: int) =
    let inputs, bias, reverse, lengths = recurrenceCase 3 1 seed
    let op (t: Tensor[]) =
        let b : Tensor | null = if bias then t.[2] else null
        let struct (o, hn) = Tensor.GruRecurrence(t.[0], t.[1], b, t.[t.Length - 1], reverse, lengths)
        Tensor.Concat([| o.Flatten(); hn.Flatten() |])
    inputs, op

[<CorgiProperty(100)>]
let ``fused GRU recurrence: lengths, directions, bias`` (seed: int) =
    let inputs, op = gruCase seed
    gradientOf h op inputs

[<CorgiProperty(40)>]
let ``fused GRU recurrence, second order (its createGraph backward)`` (seed: int) =
    let inputs, op = gruCase seed
    secondOrderOf 1e-5 op inputs

// ------------------------------------------------------------------ normalization

/// A random fused layer norm: a shape of rank 1..3 (sizes 1..4) normalized over its last 1..rank dimensions, with or
/// without γ and β, eps 1e-5 or 0.1. Values in [-2, 2); a normalized size of 1 normalizes everything to 0 (β alone).
let private layerNormCase (seed: int) =
    let rnd = Random seed
    let x = values rnd (shapeOf rnd 1 3)
    let k = rnd.Next(1, x.Rank + 1)
    let normalized = x.Shape.[x.Rank - k ..]
    let hasWeight, hasBias = rnd.Next 2 = 0, rnd.Next 2 = 0
    let eps = if rnd.Next 2 = 0 then 1e-5 else 0.1
    let inputs =
        [| yield x
           if hasWeight then yield values rnd normalized
           if hasBias then yield values rnd normalized |]
    let op (t: Tensor[]) =
        let w : Tensor | null = if hasWeight then t.[1] else null
        let b : Tensor | null = if hasBias then t.[t.Length - 1] else null
        t.[0].LayerNorm(normalized, w, b, eps)
    inputs, op

[<CorgiProperty(100)>]
let ``fused layer norm: trailing dimensions, affine or not`` (seed: int) =
    let inputs, op = layerNormCase seed
    gradientOf h op inputs

[<CorgiProperty(40)>]
let ``fused layer norm, second order (its createGraph backward)`` (seed: int) =
    let inputs, op = layerNormCase seed
    secondOrderOf 1e-5 op inputs
