namespace Corgi.FSharp

open Corgi

/// <summary>
/// F# slicing syntax for tensors, as DiffSharp has it: <c>t[0..2, *]</c>, <c>t[*, 1]</c>, <c>t[1, 1..]</c> on tensors of
/// rank 1 to 4. A range keeps its dimension (F# ranges include their end: <c>0..2</c> is 3 entries; a negative
/// bound counts from the end), an integer selects one entry and removes the dimension. The result is an
/// ordinary differentiable tensor (narrows and a reshape). All-integer indexing <c>t[i, j]</c> is the core's
/// indexer and returns the value as a float.
/// </summary>
[<AutoOpen>]
module TensorSlicing =

    /// One position of a slicing expression.
    [<RequireQualifiedAccess>]
    type internal SliceSpec =
        | Range of int option * int option
        | Index of int

    /// Applies the positions of a slicing expression (one per dimension).
    let internal applySlices (x: Tensor) (specs: SliceSpec[]) : Tensor =
        let shape = x.Shape
        let shapeText = shape |> Array.map string |> String.concat "," |> sprintf "[%s]"
        if specs.Length <> x.Rank then
            invalidArg "specs" $"slicing: {specs.Length} positions for a tensor of rank {x.Rank}, shape {shapeText}"
        let mutable t = x
        let kept = ResizeArray<int>()
        for d in 0 .. specs.Length - 1 do
            let n = shape.[d]
            let norm i = if i < 0 then i + n else i
            match specs.[d] with
            | SliceSpec.Range (start, stop) ->
                let s = start |> Option.map norm |> Option.defaultValue 0
                let e = stop |> Option.map norm |> Option.defaultValue (n - 1)
                let s = max 0 (min s n)
                let e = max (s - 1) (min e (n - 1))
                t <- t.Narrow(d, s, e - s + 1)
                kept.Add(e - s + 1)
            | SliceSpec.Index i ->
                let j = norm i
                if j < 0 || j >= n then
                    raise (System.ArgumentOutOfRangeException("index", $"slicing: index {i} is out of range for dimension {d} of shape {shapeText}"))
                t <- t.Narrow(d, j, 1)
        t.Reshape(kept.ToArray())

    type Corgi.Tensor with

        /// <summary>Slicing of a rank-1 tensor (range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0) |]

        /// <summary>Slicing of a rank-2 tensor (range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1) |]

        /// <summary>Slicing of a rank-2 tensor (range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1 |]

        /// <summary>Slicing of a rank-2 tensor (index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1) |]

        /// <summary>Slicing of a rank-3 tensor (range, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, start2: int option, end2: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2) |]

        /// <summary>Slicing of a rank-3 tensor (range, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, index2: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Index index2 |]

        /// <summary>Slicing of a rank-3 tensor (range, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, start2: int option, end2: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Range(start2, end2) |]

        /// <summary>Slicing of a rank-3 tensor (range, index, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, index2: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Index index2 |]

        /// <summary>Slicing of a rank-3 tensor (index, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, start2: int option, end2: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2) |]

        /// <summary>Slicing of a rank-3 tensor (index, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, index2: int) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Index index2 |]

        /// <summary>Slicing of a rank-3 tensor (index, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, index1: int, start2: int option, end2: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Index index1; SliceSpec.Range(start2, end2) |]

        /// <summary>Slicing of a rank-4 tensor (range, range, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, start2: int option, end2: int option, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2); SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (range, range, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, start2: int option, end2: int option, index3: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2); SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (range, range, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, index2: int, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Index index2; SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (range, range, index, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, start1: int option, end1: int option, index2: int, index3: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Range(start1, end1); SliceSpec.Index index2; SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (range, index, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, start2: int option, end2: int option, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Range(start2, end2); SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (range, index, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, start2: int option, end2: int option, index3: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Range(start2, end2); SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (range, index, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, index2: int, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Index index2; SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (range, index, index, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(start0: int option, end0: int option, index1: int, index2: int, index3: int) : Tensor =
            applySlices x [| SliceSpec.Range(start0, end0); SliceSpec.Index index1; SliceSpec.Index index2; SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (index, range, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, start2: int option, end2: int option, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2); SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (index, range, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, start2: int option, end2: int option, index3: int) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Range(start2, end2); SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (index, range, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, index2: int, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Index index2; SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (index, range, index, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, start1: int option, end1: int option, index2: int, index3: int) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Range(start1, end1); SliceSpec.Index index2; SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (index, index, range, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, index1: int, start2: int option, end2: int option, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Index index1; SliceSpec.Range(start2, end2); SliceSpec.Range(start3, end3) |]

        /// <summary>Slicing of a rank-4 tensor (index, index, range, index): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, index1: int, start2: int option, end2: int option, index3: int) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Index index1; SliceSpec.Range(start2, end2); SliceSpec.Index index3 |]

        /// <summary>Slicing of a rank-4 tensor (index, index, index, range): see <see cref="T:Corgi.FSharp.TensorSlicing"/>.</summary>
        member x.GetSlice(index0: int, index1: int, index2: int, start3: int option, end3: int option) : Tensor =
            applySlices x [| SliceSpec.Index index0; SliceSpec.Index index1; SliceSpec.Index index2; SliceSpec.Range(start3, end3) |]
