namespace Corgi.FSharp

open System
open System.Collections
open System.Collections.Generic
open Corgi

/// Conversion of F# values of any nesting (scalars, lists, arrays, seqs, Array2D/Array3D, tensors) to
/// tensors, by run-time type tests. Used by the `tensor` function.
module internal Convert =

    let private formatShape (shape: int list) =
        "[" + String.Join(",", shape) + "]"

    let private formatPath (path: int list) =
        match path with
        | [] -> "the top level"
        | _ -> "element " + String.Join("", path |> List.rev |> List.map (sprintf "[%d]"))

    /// Which floating-point element types the input held, to choose the tensor's dtype.
    type private Seen() =
        /// A float32 number, float32 array or float32 tensor was met.
        member val Float32 = false with get, set
        /// A float (double) number, array or float64 tensor was met.
        member val Float64 = false with get, set

    let private scalarOf (seen: Seen) (value: objnull) : float voption =
        match value with
        | :? float as v ->
            seen.Float64 <- true
            ValueSome v
        | :? float32 as v ->
            seen.Float32 <- true
            ValueSome(float v)
        | :? int as v -> ValueSome(float v)
        | :? int64 as v -> ValueSome(float v)
        | :? int16 as v -> ValueSome(float v)
        | :? byte as v -> ValueSome(float v)
        | :? sbyte as v -> ValueSome(float v)
        | :? uint32 as v -> ValueSome(float v)
        | :? decimal as v -> ValueSome(float v)
        | _ -> ValueNone

    /// Appends the row-major values of `value` to `out` and returns its shape. `path` is the reversed
    /// position of `value` in the outer structure, for error messages.
    let rec private flatten (seen: Seen) (path: int list) (value: objnull) (out: List<float>) : int list =
        match scalarOf seen value with
        | ValueSome v ->
            out.Add v
            []
        | ValueNone ->
            match value with
            | null -> invalidArg "value" (sprintf "tensor: %s is null" (formatPath path))
            | :? Tensor as t ->
                if t.DType = DType.Float32 then seen.Float32 <- true else seen.Float64 <- true
                out.AddRange(t.ToArray())
                List.ofArray t.Shape
            | :? string as s ->
                invalidArg "value" (sprintf "tensor: %s is the string \"%s\"; only numbers can be tensor elements" (formatPath path) s)
            | :? (float[]) as a ->
                seen.Float64 <- true
                out.AddRange a
                [ a.Length ]
            | :? (float32[]) as a ->
                seen.Float32 <- true
                for v in a do
                    out.Add(float v)
                [ a.Length ]
            | :? (float[,]) as a ->
                seen.Float64 <- true
                let t = Tensor.From(a, DType.Float64)
                out.AddRange(t.ToArray())
                List.ofArray t.Shape
            | :? (float[,,]) as a ->
                seen.Float64 <- true
                let t = Tensor.From(a, DType.Float64)
                out.AddRange(t.ToArray())
                List.ofArray t.Shape
            | :? Array as a when a.Rank > 1 ->
                // Array2D / Array3D: the array's own dimensions, then whatever its elements hold
                let dims = List.init a.Rank a.GetLength
                let mutable inner: int list option = None
                let mutable i = 0
                for element in a do // row-major for rectangular .NET arrays with zero lower bounds
                    let elementShape = flatten seen (i :: path) element out
                    match inner with
                    | None -> inner <- Some elementShape
                    | Some s when s <> elementShape ->
                        invalidArg "value" (sprintf "tensor: ragged input: %s has shape %s but the first element has shape %s" (formatPath (i :: path)) (formatShape elementShape) (formatShape s))
                    | Some _ -> ()
                    i <- i + 1
                dims @ defaultArg inner []
            | :? IEnumerable<float> as s ->
                seen.Float64 <- true
                let before = out.Count
                out.AddRange s
                [ out.Count - before ]
            | :? IEnumerable<float32> as s ->
                seen.Float32 <- true
                let before = out.Count
                for v in s do
                    out.Add(float v)
                [ out.Count - before ]
            | :? IEnumerable as e ->
                let mutable first: int list option = None
                let mutable n = 0
                for element in e do
                    let elementShape = flatten seen (n :: path) element out
                    match first with
                    | None -> first <- Some elementShape
                    | Some s when s <> elementShape ->
                        let what =
                            match s, elementShape with
                            | [], _ | _, [] -> "numbers and sequences are mixed"
                            | _ -> "all elements of one level must have the same length"
                        invalidArg "value" (sprintf "tensor: ragged input: %s has shape %s but %s has shape %s (%s)" (formatPath (n :: path)) (formatShape elementShape) (formatPath (0 :: path)) (formatShape s) what)
                    | Some _ -> ()
                    n <- n + 1
                n :: defaultArg first []
            | other ->
                invalidArg "value" (sprintf "tensor: %s has type %s, which cannot be converted; use numbers, lists, arrays or seqs of them, Array2D, Array3D or tensors" (formatPath path) (other.GetType().Name))

    /// Converts a boxed F# value to an untracked tensor. Its dtype follows the elements: float32 numbers
    /// (and float32 tensors) give float32, floats give float64, both give float64 (promotion), and whole
    /// numbers alone (or no elements) give the default dtype.
    let ofObj (value: objnull) : Tensor =
        let out = List<float>()
        let seen = Seen()
        let shape = flatten seen [] value out
        let dtype =
            if seen.Float64 then DType.Float64
            elif seen.Float32 then DType.Float32
            else Tensor.DefaultDType
        Tensor.FromArray(Array.ofList shape, out.ToArray(), dtype)
