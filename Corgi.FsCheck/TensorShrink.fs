namespace Corgi.FsCheck

open System
open Corgi

/// Shrinkers that keep a case valid: shapes shrink by narrowing dimensions (to 1, or to half) and
/// dropping size-1 dimensions, consistently across operands that must stay compatible; values shrink
/// towards simple numbers of the same domain (1, 0.05, ...), and to one decimal. Narrowing keeps values
/// in their domain and keeps distinct values distinct, so every shrunk case is still a valid input.
[<RequireQualifiedAccess>]
module TensorShrink =

    /// The number of decimals of a value (up to 6; 7 for anything longer).
    let private decimals (x: float) =
        let mutable k = 0
        while k < 7 && Math.Round(x, k) <> x do
            k <- k + 1
        k

    /// Strictly simpler values of the same domain (simplest first); empty when x is as simple as it gets.
    /// "Simpler" is fewer decimals, then a smaller magnitude (for Large: magnitude 1000), so shrinking
    /// always terminates.
    let valueCandidates (domain: Domain) (x: float) : float list =
        let sign = if x < 0.0 then -1.0 else 1.0
        let oneDecimal = Math.Round(x, 1)
        let candidates, valid =
            match domain with
            | Domain.General -> [ 0.0; sign; oneDecimal ], (fun v -> abs v <= 2.0)
            | Domain.Positive -> [ 1.0; oneDecimal ], (fun v -> v >= 0.2 && v <= 3.0)
            | Domain.NonZero -> [ sign; oneDecimal ], (fun v -> abs v >= 0.5 && abs v <= 2.0)
            | Domain.AwayFromKinks -> [ sign; oneDecimal ], (fun v -> abs v >= 0.1 && abs v <= 2.0)
            | Domain.Tenths -> [ 0.0; sign ], (fun v -> abs v <= 2.0)
            | Domain.OddTwentieths -> [ sign * 0.05 ], (fun _ -> true)
            | Domain.Large -> [ sign * 1000.0 ], (fun _ -> true)
        let simpler (v: float) =
            match domain with
            | Domain.Large -> abs x <> 1000.0
            | _ -> (decimals v, abs v) < (decimals x, abs x)
        candidates |> List.filter (fun v -> v <> x && valid v && simpler v) |> List.distinct

    /// The tensor with all values replaced by the domain's simplest value, then element by element
    /// (for tensors of at most 16 elements).
    let values (domain: Domain) (t: Tensor) : seq<Tensor> =
        seq {
            let data = t.ToArray()
            let shape = t.Shape
            let allSimple = data |> Array.map (fun x -> match valueCandidates domain x with v :: _ -> v | [] -> x)
            if allSimple <> data then yield Tensor(shape, allSimple)
            if data.Length <= 16 then
                for i in 0 .. data.Length - 1 do
                    for v in valueCandidates domain data.[i] do
                        let d = Array.copy data
                        d.[i] <- v
                        if d <> allSimple then yield Tensor(shape, d)
        }

    /// The first len elements along an axis (the tensor itself when len is the full size).
    let narrow (axis: int) (len: int) (t: Tensor) : Tensor = t.Narrow(axis, 0, len).Detach()

    let private shorter n = List.distinct [ 1; n / 2 ] |> List.filter (fun l -> l >= 1 && l < n)

    /// Smaller shapes of one tensor: size-1 dimensions dropped, then each dimension narrowed to 1 or to half.
    /// Only the first <paramref name="leadingAxes"/> dimensions are touched.
    let shapeAxes (leadingAxes: int) (t: Tensor) : seq<Tensor> =
        seq {
            for a in 0 .. leadingAxes - 1 do
                if t.Size a = 1 then yield t.Squeeze(a).Detach()
            for a in 0 .. leadingAxes - 1 do
                for l in shorter (t.Size a) do
                    yield narrow a l t
        }

    /// Smaller shapes of one tensor (all dimensions).
    let shape (t: Tensor) : seq<Tensor> = shapeAxes t.Rank t

    /// Shape then value shrinks of one tensor.
    let tensor (domain: Domain) (t: Tensor) : seq<Tensor> = Seq.append (shape t) (values domain t)

    /// Shrinks operands that must stay broadcast-compatible: their first batchRanks.[i] dimensions are
    /// aligned on the right (as in broadcasting); an aligned dimension is narrowed in every operand where it
    /// is larger than 1, or dropped from every operand when it is 1 (or missing) everywhere.
    let aligned (operands: (Tensor * int) list) : seq<Tensor list> =
        seq {
            let outRank = operands |> List.map snd |> List.fold max 0
            let axisOf (rank: int) j = j - (outRank - rank)
            for j in 0 .. outRank - 1 do
                let sizes =
                    operands
                    |> List.map (fun (t, br) -> let a = axisOf br j in if a >= 0 then t.Size a else 1)
                let n = List.max sizes
                if n > 1 then
                    for l in shorter n do
                        yield operands |> List.map (fun (t, br) ->
                            let a = axisOf br j
                            if a >= 0 && t.Size a = n then narrow a l t else t)
                else
                    yield operands |> List.map (fun (t, br) ->
                        let a = axisOf br j
                        if a >= 0 then t.Squeeze(a).Detach() else t)
        }

    /// Shrinks a broadcast pair: aligned shapes, then each side's values.
    let broadcastPair (p: BroadcastPair) : seq<BroadcastPair> =
        seq {
            for ts in aligned [ p.Left, p.Left.Rank; p.Right, p.Right.Rank ] do
                match ts with
                | [ a; b ] -> yield { Left = a; Right = b }
                | _ -> ()
            for a in values Domain.General p.Left do yield { p with Left = a }
            for b in values Domain.General p.Right do yield { p with Right = b }
        }

    /// Shrinks a separated pair like a broadcast pair (values stay on their grids).
    let separatedPair (p: SeparatedPair) : seq<SeparatedPair> =
        seq {
            for ts in aligned [ p.Left, p.Left.Rank; p.Right, p.Right.Rank ] do
                match ts with
                | [ a; b ] -> yield { Left = a; Right = b }
                | _ -> ()
            for a in values Domain.Tenths p.Left do yield { p with Left = a }
            for b in values Domain.OddTwentieths p.Right do yield { p with Right = b }
        }

    let private materialT (t: Tensor) = t.Transpose(-2, -1).Detach()

    /// Shrinks a matrix product: drop the bias, drop the transpose flags (transposing the stored operand so the
    /// product is unchanged), narrow m, k, n and the batch dimensions consistently, then shrink values.
    let matMulCase (c: MatMulCase) : seq<MatMulCase> =
        seq {
            if c.Bias.IsSome then yield { c with Bias = None }
            if c.TransposeLeft then yield { c with Left = materialT c.Left; TransposeLeft = false }
            if c.TransposeRight then yield { c with Right = materialT c.Right; TransposeRight = false }
            if c.Bias.IsNone then
                let a, b = c.Left, c.Right
                // logical axes: rows of the left, inner of both, columns of the right
                let rowsA = if a.Rank >= 2 then Some(if c.TransposeLeft then a.Rank - 1 else a.Rank - 2) else None
                let innerA = if a.Rank = 1 then 0 elif c.TransposeLeft then a.Rank - 2 else a.Rank - 1
                let innerB = if b.Rank = 1 then 0 elif c.TransposeRight then b.Rank - 1 else b.Rank - 2
                let colsB = if b.Rank >= 2 then Some(if c.TransposeRight then b.Rank - 2 else b.Rank - 1) else None
                match rowsA with
                | Some ax -> for l in shorter (a.Size ax) do yield { c with Left = narrow ax l a }
                | None -> ()
                for l in shorter (a.Size innerA) do
                    yield { c with Left = narrow innerA l a; Right = narrow innerB l b }
                match colsB with
                | Some ax -> for l in shorter (b.Size ax) do yield { c with Right = narrow ax l b }
                | None -> ()
                let batchRank (t: Tensor) = max 0 (t.Rank - 2)
                for ts in aligned [ a, batchRank a; b, batchRank b ] do
                    match ts with
                    | [ a2; b2 ] -> yield { c with Left = a2; Right = b2 }
                    | _ -> ()
            for a in values Domain.General c.Left do yield { c with Left = a }
            for b in values Domain.General c.Right do yield { c with Right = b }
            match c.Bias with
            | Some bias -> for v in values Domain.General bias do yield { c with Bias = Some v }
            | None -> ()
        }

    let private normalise rank (d: int) = if d < 0 then d + rank else d

    /// Shrinks a sum/mean case: fewer dimensions, keepDim off, smaller input (dropping only dimensions that
    /// are not reduced), simpler values.
    let reductionCase (c: ReductionCase) : seq<ReductionCase> =
        seq {
            let rank = c.Input.Rank
            let dims = c.Dims |> Array.map (normalise rank)
            for i in 0 .. c.Dims.Length - 1 do
                yield { c with Dims = Array.removeAt i c.Dims }
            if c.KeepDim then yield { c with KeepDim = false }
            if c.Dims <> dims then yield { c with Dims = dims }
            for a in 0 .. rank - 1 do
                if c.Input.Size a = 1 && not (Array.contains a dims) then
                    let remapped = dims |> Array.map (fun d -> if d > a then d - 1 else d)
                    yield { c with Input = c.Input.Squeeze(a).Detach(); Dims = remapped }
            for a in 0 .. rank - 1 do
                for l in shorter (c.Input.Size a) do
                    yield { c with Input = narrow a l c.Input }
            for v in values Domain.General c.Input do yield { c with Input = v }
        }

    /// Shrinks an axis case: keepDim off, smaller input (values stay distinct; only other dimensions are dropped).
    let axisCase (c: AxisCase) : seq<AxisCase> =
        seq {
            let rank = c.Input.Rank
            let d = normalise rank c.Dim
            if c.KeepDim then yield { c with KeepDim = false }
            if c.Dim <> d then yield { c with Dim = d }
            for a in 0 .. rank - 1 do
                if a <> d && c.Input.Size a = 1 then
                    yield { c with Input = c.Input.Squeeze(a).Detach(); Dim = (if d > a then d - 1 else d) }
            for a in 0 .. rank - 1 do
                for l in shorter (c.Input.Size a) do
                    yield { c with Input = narrow a l c.Input }
        }

    /// Whether a conv2d case is valid: the kernel fits the padded input, strides at least 1, paddings at least 0.
    let private convValid (c: Conv2dCase) =
        let x, f = c.Input.Shape, c.Filters.Shape
        let (sh, sw), (ph, pw) = c.Stride, c.Padding
        sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0 && f.[2] <= x.[2] + 2 * ph && f.[3] <= x.[3] + 2 * pw

    /// Shrinks a conv2d case, keeping it valid: drop the bias, stride 1 or square, less padding (or square), fewer images,
    /// channels (in the input and the filters together) and filters (with their bias), smaller kernels and
    /// images, then simpler values.
    let conv2dCase (c: Conv2dCase) : seq<Conv2dCase> =
        seq {
            if c.Bias.IsSome then yield { c with Bias = None }
            let (sh, sw), (ph, pw) = c.Stride, c.Padding
            if (sh, sw) <> (1, 1) then yield { c with Stride = (1, 1) }
            if sh <> sw then yield { c with Stride = (min sh sw, min sh sw) }
            if (ph, pw) <> (0, 0) then yield { c with Padding = (0, 0) }
            if ph <> pw then yield { c with Padding = (min ph pw, min ph pw) }
            if ph > 0 then yield { c with Padding = (ph - 1, pw) }
            if pw > 0 then yield { c with Padding = (ph, pw - 1) }
            for l in shorter (c.Input.Size 0) do
                yield { c with Input = narrow 0 l c.Input }
            for l in shorter (c.Input.Size 1) do
                yield { c with Input = narrow 1 l c.Input; Filters = narrow 1 l c.Filters }
            for l in shorter (c.Filters.Size 0) do
                yield { c with Filters = narrow 0 l c.Filters; Bias = c.Bias |> Option.map (narrow 0 l) }
            for a in [ 2; 3 ] do
                for l in shorter (c.Filters.Size a) do
                    yield { c with Filters = narrow a l c.Filters }
            for a in [ 2; 3 ] do
                for l in shorter (c.Input.Size a) do
                    yield { c with Input = narrow a l c.Input }
            for x in values Domain.General c.Input do yield { c with Input = x }
            for f in values Domain.General c.Filters do yield { c with Filters = f }
            match c.Bias with
            | Some b -> for v in values Domain.General b do yield { c with Bias = Some v }
            | None -> ()
        }
        |> Seq.filter convValid

    /// Whether a pooling case is valid: the window fits the padded input and the padding is at most half of it.
    let private poolValid (c: Pool2dCase) =
        let x = c.Input.Shape
        let (kh, kw), (sh, sw), (ph, pw) = c.Kernel, c.Stride, c.Padding
        kh >= 1 && kw >= 1 && sh >= 1 && sw >= 1 && ph >= 0 && pw >= 0
        && 2 * ph <= kh && 2 * pw <= kw && kh <= x.[2] + 2 * ph && kw <= x.[3] + 2 * pw

    /// Shrinks a pooling case, keeping it valid: no padding, stride 1 or at most the kernel size, smaller windows,
    /// fewer images and channels, smaller images (values stay pairwise distinct).
    let pool2dCase (c: Pool2dCase) : seq<Pool2dCase> =
        seq {
            let (kh, kw), (sh, sw), (ph, pw) = c.Kernel, c.Stride, c.Padding
            if (ph, pw) <> (0, 0) then yield { c with Padding = (0, 0) }
            if (sh, sw) <> (1, 1) then yield { c with Stride = (1, 1) }
            // a stride larger than the window skips inputs; the window's size is simpler (never back up: no cycles)
            let atMostKernel = (min sh kh, min sw kw)
            if atMostKernel <> (sh, sw) then yield { c with Stride = atMostKernel }
            for l in shorter kh do
                yield { c with Kernel = (l, kw) }
            for l in shorter kw do
                yield { c with Kernel = (kh, l) }
            for a in 0 .. 3 do
                for l in shorter (c.Input.Size a) do
                    yield { c with Input = narrow a l c.Input }
        }
        |> Seq.filter poolValid

    /// Probability rows renormalised to sum to 1 (after their classes were narrowed).
    let private renormalised (p: Tensor) = (p / p.Sum([| 1 |], true)).Detach()

    /// Shrinks a classification case: fewer rows, fewer classes (probability rows renormalised, labels taken
    /// modulo the new number of classes), then simpler logits of the given domain.
    let classificationCaseIn (domain: Domain) (c: ClassificationCase) : seq<ClassificationCase> =
        seq {
            for l in shorter c.Batch do
                yield { Logits = narrow 0 l c.Logits; Probabilities = narrow 0 l c.Probabilities; Labels = c.Labels.[.. l - 1] }
            for l in shorter c.Classes do
                yield
                    { Logits = narrow 1 l c.Logits
                      Probabilities = renormalised (narrow 1 l c.Probabilities)
                      Labels = c.Labels |> Array.map (fun y -> y % l) }
            if c.Labels |> Array.exists ((<>) 0) then yield { c with Labels = Array.zeroCreate c.Labels.Length }
            for z in values domain c.Logits do yield { c with Logits = z }
        }

    /// Shrinks a classification case with logits in [-2, 2].
    let classificationCase (c: ClassificationCase) : seq<ClassificationCase> = classificationCaseIn Domain.General c

    /// Shrinks a large-logits case (the logits stay large: they shrink towards ±1000).
    let largeLogitsCase (LargeLogitsCase c) : seq<LargeLogitsCase> =
        classificationCaseIn Domain.Large c |> Seq.map LargeLogitsCase

    /// Shrinks a binary cross-entropy case: both tensors narrowed alike (size-1 dimensions dropped from both),
    /// then probabilities towards 0.5 and soft targets towards 0 or 1.
    let binaryCase (c: BinaryCase) : seq<BinaryCase> =
        seq {
            let p, t = c.Probabilities, c.Targets
            for a in 0 .. p.Rank - 1 do
                if p.Size a = 1 then yield { Probabilities = p.Squeeze(a).Detach(); Targets = t.Squeeze(a).Detach() }
            for a in 0 .. p.Rank - 1 do
                for l in shorter (p.Size a) do
                    yield { Probabilities = narrow a l p; Targets = narrow a l t }
            let pv, tv = p.ToArray(), t.ToArray()
            if pv |> Array.exists ((<>) 0.5) then yield { c with Probabilities = Tensor(p.Shape, Array.map (fun _ -> 0.5) pv) }
            let rounded = tv |> Array.map Math.Round
            if rounded <> tv then yield { c with Targets = Tensor(t.Shape, rounded) }
        }

    /// Shrinks a dropout case: a smaller input and simpler values, probability 0.5, seed 0.
    let dropoutCase (c: DropoutCase) : seq<DropoutCase> =
        seq {
            for x in tensor Domain.General c.Input do yield { c with Input = x }
            if c.Probability <> 0.5 && c.Probability > 0.0 && c.Probability < 1.0 then yield { c with Probability = 0.5 }
            if c.Seed <> 0 then yield { c with Seed = 0 }
        }

    /// Shrinks a mixed pair as a broadcast pair (smaller shapes, shorter values), keeping each operand's dtype.
    let mixedPair (p: MixedPair) : seq<MixedPair> =
        let da, db = p.Left.DType, p.Right.DType
        broadcastPair { BroadcastPair.Left = p.Left.To(DType.Float64).Detach(); Right = p.Right.To(DType.Float64).Detach() }
        |> Seq.map (fun q -> MixedPair(q.Left.To(da).Detach(), q.Right.To(db).Detach()))
