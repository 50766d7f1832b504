namespace Corgi.FSharp

open System
open System.Text.RegularExpressions
open Corgi

/// The Corgi tensor (`Corgi.Tensor`): an immutable N-d array of floats with dynamic reverse-mode
/// automatic differentiation. Opening `Corgi.FSharp` is enough to name it.
type Tensor = Corgi.Tensor

/// <summary>
/// Functions over tensors in pipeline style: every function takes the tensor it works on last, so
/// <c>x |> Tensor.matmul w |> Tensor.add b |> Tensor.relu |> Tensor.sum</c> reads left to right.
/// </summary>
/// <remarks>
/// <para>Binary functions are data-last too: <c>Tensor.sub y x</c> is <c>x - y</c>, <c>Tensor.div y x</c> is
/// <c>x / y</c> and <c>Tensor.matmul w x</c> is <c>x · w</c>, so that <c>x |> Tensor.sub y</c> reads
/// "x minus y". The operators <c>+ - * / **</c> keep the usual order.</para>
/// <para>Shapes are given as any sequence of ints (<c>[2; 3]</c>, <c>[|2; 3|]</c>) and returned as <c>int list</c>.
/// Errors from the core (shape mismatches, bad axes) pass through with their messages.</para>
/// </remarks>
[<RequireQualifiedAccess>]
[<CompilationRepresentation(CompilationRepresentationFlags.ModuleSuffix)>]
module Tensor =

    let inline private shapeArray (shape: seq<int>) = Array.ofSeq shape

    // ------------------------------------------------------------------ creation

    /// <summary>A rank-0 (scalar) tensor: <c>Tensor.scalar 3.0</c>.</summary>
    [<CompiledName("Scalar")>]
    let scalar (value: float) : Tensor = Tensor.Scalar value

    /// <summary>A rank-1 tensor of the given values (copied): <c>Tensor.ofSeq [1.; 2.; 3.]</c>.</summary>
    [<CompiledName("OfSeq")>]
    let ofSeq (values: seq<float>) : Tensor = Tensor.Of(Array.ofSeq values)

    /// <summary>A rank-2 tensor from an F# <c>Array2D</c> (copied).</summary>
    [<CompiledName("OfArray2D")>]
    let ofArray2D (values: float[,]) : Tensor = Tensor.From values

    /// <summary>A tensor of the given shape from row-major values: <c>Tensor.create [2; 2] [1.; 2.; 3.; 4.]</c>.</summary>
    /// <exception cref="T:System.ArgumentException">The number of values differs from the product of the shape.</exception>
    [<CompiledName("Create")>]
    let create (shape: seq<int>) (values: seq<float>) : Tensor = Tensor.FromArray(shapeArray shape, Array.ofSeq values)

    /// <summary>A tensor of zeros: <c>Tensor.zeros [2; 3]</c>.</summary>
    [<CompiledName("Zeros")>]
    let zeros (shape: seq<int>) : Tensor = Tensor.Zeros(shapeArray shape)

    /// <summary>A tensor of ones: <c>Tensor.ones [2; 3]</c>.</summary>
    [<CompiledName("Ones")>]
    let ones (shape: seq<int>) : Tensor = Tensor.Ones(shapeArray shape)

    /// <summary>A tensor filled with one value: <c>Tensor.full [2; 3] 7.0</c>.</summary>
    [<CompiledName("Full")>]
    let full (shape: seq<int>) (value: float) : Tensor = Tensor.Full(shapeArray shape, value)

    /// <summary>Zeros with the shape of <paramref name="like"/>.</summary>
    [<CompiledName("ZerosLike")>]
    let zerosLike (like: Tensor) : Tensor = Tensor.ZerosLike like

    /// <summary>Ones with the shape of <paramref name="like"/>.</summary>
    [<CompiledName("OnesLike")>]
    let onesLike (like: Tensor) : Tensor = Tensor.OnesLike like

    /// <summary>A tensor filled with <paramref name="value"/>, with the shape of <paramref name="like"/>.</summary>
    [<CompiledName("FullLike")>]
    let fullLike (value: float) (like: Tensor) : Tensor = Tensor.Full(like.Shape, value)

    /// <summary>The values 0, 1, ..., count - 1 (rank 1): <c>Tensor.arange 5</c>.</summary>
    [<CompiledName("Arange")>]
    let arange (count: int) : Tensor = Tensor.Arange count

    /// <summary>The values start, start + step, ... below stop (rank 1): <c>Tensor.arangeFrom 0.0 1.0 0.25</c> is [0, 0.25, 0.5, 0.75].</summary>
    /// <exception cref="T:System.ArgumentException">The step is zero or a bound is not finite.</exception>
    [<CompiledName("ArangeFrom")>]
    let arangeFrom (start: float) (stop: float) (step: float) : Tensor = Tensor.Arange(start, stop, step)

    /// <summary><paramref name="count"/> evenly spaced values from start to stop inclusive (rank 1).</summary>
    [<CompiledName("Linspace")>]
    let linspace (start: float) (stop: float) (count: int) : Tensor = Tensor.Linspace(start, stop, count)

    /// <summary>The n x n identity matrix.</summary>
    [<CompiledName("Eye")>]
    let eye (n: int) : Tensor = Tensor.Eye n

    /// <summary>Uniform random values in [0, 1) from a seed (reproducible): <c>Tensor.rand 42 [2; 3]</c>.</summary>
    [<CompiledName("Rand")>]
    let rand (seed: int) (shape: seq<int>) : Tensor = Tensor.RandomUniform(shapeArray shape, seed)

    /// <summary>Standard normal random values from a seed (reproducible): <c>Tensor.randn 42 [2; 3]</c>.</summary>
    [<CompiledName("Randn")>]
    let randn (seed: int) (shape: seq<int>) : Tensor = Tensor.RandomNormal(shapeArray shape, seed)

    /// <summary>Uniform random values in [low, high) from a seed.</summary>
    [<CompiledName("Uniform")>]
    let uniform (seed: int) (low: float) (high: float) (shape: seq<int>) : Tensor =
        Tensor.RandomUniform(shapeArray shape, seed, low, high)

    /// <summary>Normal random values with the given mean and standard deviation from a seed.</summary>
    [<CompiledName("Normal")>]
    let normal (seed: int) (mean: float) (std: float) (shape: seq<int>) : Tensor =
        Tensor.RandomNormal(shapeArray shape, seed, mean, std)

    // ------------------------------------------------------------------ dtypes

    /// <summary>The dtype of the tensor's values: <c>DType.Float32</c> or <c>DType.Float64</c>.</summary>
    [<CompiledName("DTypeOf")>]
    let dtype (x: Tensor) : DType = x.DType

    /// <summary>
    /// The tensor's values in <paramref name="dtype"/>, differentiable (the gradient flows back in the
    /// tensor's own dtype); the tensor itself when it already has that dtype: <c>x |> Tensor.toDType DType.Float32</c>.
    /// </summary>
    [<CompiledName("ToDType")>]
    let toDType (dtype: DType) (x: Tensor) : Tensor = x.To dtype

    /// <summary>The tensor in float32 (rounded to nearest), differentiable: <c>x |> Tensor.float32</c>.</summary>
    [<CompiledName("Float32")>]
    let float32 (x: Tensor) : Tensor = x.Float32()

    /// <summary>The tensor in float64 (exact from float32), differentiable: <c>x |> Tensor.float64</c>.</summary>
    [<CompiledName("Float64")>]
    let float64 (x: Tensor) : Tensor = x.Float64()

    /// <summary>The dtype of an op on two tensors, as in PyTorch: float32 with float64 gives float64, except that a
    /// rank-0 tensor does not widen a dimensioned one.</summary>
    [<CompiledName("ResultDType")>]
    let resultDType (a: Tensor) (b: Tensor) : DType = Tensor.ResultDType(a, b)

    /// <summary>The dtype factories use when none is given (float64 unless changed).</summary>
    [<CompiledName("DefaultDType")>]
    let defaultDType () : DType = Tensor.DefaultDType

    /// <summary>
    /// Runs <paramref name="f"/> with <paramref name="dtype"/> as the default dtype of the factories
    /// (<c>Tensor.zeros</c>, <c>tensor [1.; 2.]</c>, ...), restoring the previous default afterwards:
    /// <c>Tensor.withDefaultDType DType.Float32 (fun () -> Tensor.zeros [2; 3])</c>.
    /// </summary>
    [<CompiledName("WithDefaultDType")>]
    let withDefaultDType (dtype: DType) (f: unit -> 'T) : 'T =
        use _ = Tensor.DefaultDTypeScope dtype
        f ()

    /// <summary>A rank-0 tensor of a dtype: <c>Tensor.scalarOf DType.Float32 3.0</c>.</summary>
    [<CompiledName("ScalarOf")>]
    let scalarOf (dtype: DType) (value: float) : Tensor = Tensor.Scalar(value, dtype)

    /// <summary>A rank-1 tensor of a dtype from values (rounded to float32 for <c>DType.Float32</c>).</summary>
    [<CompiledName("OfSeqOf")>]
    let ofSeqOf (dtype: DType) (values: seq<float>) : Tensor =
        let v = Array.ofSeq values
        Tensor.FromArray([| v.Length |], v, dtype)

    /// <summary>A rank-1 float32 tensor of float32 values (copied): <c>Tensor.ofSeq32 [1.0f; 2.0f]</c>.</summary>
    [<CompiledName("OfSeq32")>]
    let ofSeq32 (values: seq<float32>) : Tensor = Tensor.Of(Array.ofSeq values)

    /// <summary>A tensor of a dtype and shape from row-major values: <c>Tensor.createOf DType.Float32 [2; 2] [1.; 2.; 3.; 4.]</c>.</summary>
    /// <exception cref="T:System.ArgumentException">The number of values differs from the product of the shape.</exception>
    [<CompiledName("CreateOf")>]
    let createOf (dtype: DType) (shape: seq<int>) (values: seq<float>) : Tensor =
        Tensor.FromArray(shapeArray shape, Array.ofSeq values, dtype)

    /// <summary>A tensor of zeros of a dtype: <c>Tensor.zerosOf DType.Float32 [2; 3]</c>.</summary>
    [<CompiledName("ZerosOf")>]
    let zerosOf (dtype: DType) (shape: seq<int>) : Tensor = Tensor.Zeros(shapeArray shape, dtype)

    /// <summary>A tensor of ones of a dtype: <c>Tensor.onesOf DType.Float32 [2; 3]</c>.</summary>
    [<CompiledName("OnesOf")>]
    let onesOf (dtype: DType) (shape: seq<int>) : Tensor = Tensor.Ones(shapeArray shape, dtype)

    /// <summary>A tensor of a dtype filled with one value: <c>Tensor.fullOf DType.Float32 [2; 3] 7.0</c>.</summary>
    [<CompiledName("FullOf")>]
    let fullOf (dtype: DType) (shape: seq<int>) (value: float) : Tensor = Tensor.Full(shapeArray shape, value, dtype)

    /// <summary>The values 0, 1, ..., count - 1 in a dtype: <c>Tensor.arangeOf DType.Float32 5</c>.</summary>
    [<CompiledName("ArangeOf")>]
    let arangeOf (dtype: DType) (count: int) : Tensor = Tensor.Arange(count, dtype)

    /// <summary><paramref name="count"/> evenly spaced values from start to stop inclusive, in a dtype.</summary>
    [<CompiledName("LinspaceOf")>]
    let linspaceOf (dtype: DType) (start: float) (stop: float) (count: int) : Tensor = Tensor.Linspace(start, stop, count, dtype)

    /// <summary>The n x n identity matrix in a dtype.</summary>
    [<CompiledName("EyeOf")>]
    let eyeOf (dtype: DType) (n: int) : Tensor = Tensor.Eye(n, dtype)

    /// <summary>Uniform random values in [0, 1) of a dtype from a seed: <c>Tensor.randOf DType.Float32 42 [2; 3]</c>.</summary>
    [<CompiledName("RandOf")>]
    let randOf (dtype: DType) (seed: int) (shape: seq<int>) : Tensor =
        Tensor.RandomUniform(shapeArray shape, seed, 0.0, 1.0, dtype)

    /// <summary>Standard normal random values of a dtype from a seed: <c>Tensor.randnOf DType.Float32 42 [2; 3]</c>.</summary>
    [<CompiledName("RandnOf")>]
    let randnOf (dtype: DType) (seed: int) (shape: seq<int>) : Tensor =
        Tensor.RandomNormal(shapeArray shape, seed, 0.0, 1.0, dtype)

    /// <summary>The values of a float32 tensor as float32 (copied): <c>Tensor.toArray32 x</c>.</summary>
    /// <exception cref="T:System.InvalidOperationException">The tensor is float64: convert it with <see cref="float32"/> first.</exception>
    [<CompiledName("ToArray32")>]
    let toArray32 (x: Tensor) : float32[] = x.ToArray<float32>()

    // ------------------------------------------------------------------ tracking and gradients

    /// <summary>The tensor marked as tracked (gradients are computed for it): a tracked leaf sharing the values, or the tensor itself when already tracked.</summary>
    [<CompiledName("Tracked")>]
    let tracked (x: Tensor) : Tensor = x.Tracked()

    /// <summary>An untracked tensor with the same values and no graph.</summary>
    [<CompiledName("Untracked")>]
    let untracked (x: Tensor) : Tensor = x.Untracked()

    /// <summary>An untracked tensor sharing the values, cut from the graph (the same as <see cref="untracked"/>).</summary>
    [<CompiledName("Detach")>]
    let detach (x: Tensor) : Tensor = x.Detach()

    /// <summary>Whether gradients are computed and stored for the tensor.</summary>
    [<CompiledName("IsTracked")>]
    let isTracked (x: Tensor) : bool = x.IsTracked

    /// <summary>Whether the tensor is a leaf (not the result of a recorded operation).</summary>
    [<CompiledName("IsLeaf")>]
    let isLeaf (x: Tensor) : bool = x.IsLeaf

    /// <summary>Starts tracking the tensor in place (the seed's <c>start_tracking</c>); returns whether it was tracked before.</summary>
    [<CompiledName("StartTracking")>]
    let startTracking (x: Tensor) : bool = x.StartTracking()

    /// <summary>Stops tracking the tensor in place (the seed's <c>stop_tracking</c>); returns whether it was tracked before.</summary>
    [<CompiledName("StopTracking")>]
    let stopTracking (x: Tensor) : bool = x.StopTracking()

    /// <summary>Asks an intermediate tracked tensor to keep its gradient after a backward pass; returns it.</summary>
    [<CompiledName("RetainGradient")>]
    let retainGradient (x: Tensor) : Tensor = x.RetainGradient()

    /// <summary>
    /// Runs the backward pass from the tensor, seeded with ones: accumulates the gradient of every tracked
    /// leaf it depends on (read them with <see cref="gradient"/>).
    /// </summary>
    /// <exception cref="T:System.InvalidOperationException">The tensor is not tracked.</exception>
    [<CompiledName("Backward")>]
    let backward (x: Tensor) : unit = x.Backward()

    /// <summary>Runs the backward pass from the tensor with an explicit upstream gradient <paramref name="seed"/> of the tensor's shape.</summary>
    /// <exception cref="T:System.InvalidOperationException">The tensor is not tracked.</exception>
    /// <exception cref="T:System.ArgumentException">The seed's shape differs from the tensor's.</exception>
    [<CompiledName("BackwardWith")>]
    let backwardWith (seed: Tensor) (x: Tensor) : unit = x.Backward(seed)

    /// <summary>The gradient accumulated by backward passes, or <c>None</c> when none has reached the tensor.</summary>
    [<CompiledName("Gradient")>]
    let gradient (x: Tensor) : Tensor option = Option.ofObj x.Gradient

    /// <summary>Forgets the tensor's accumulated gradient.</summary>
    [<CompiledName("ClearGradient")>]
    let clearGradient (x: Tensor) : unit = x.ClearGradient()

    /// <summary>Returns the accumulated gradient (or <c>None</c>) and clears it.</summary>
    [<CompiledName("TakeGradient")>]
    let takeGradient (x: Tensor) : Tensor option = Option.ofObj (x.TakeGradient())

    /// <summary>
    /// Runs <paramref name="f"/> with graph recording off (results are untracked), like PyTorch's <c>no_grad</c>:
    /// <c>Tensor.noGrad (fun () -> w - 0.1 * g)</c>.
    /// </summary>
    [<CompiledName("NoGrad")>]
    let noGrad (f: unit -> 'T) : 'T =
        use _scope = Tensor.NoGrad()
        f ()

    /// <summary>Whether operations record the graph here (false inside <see cref="noGrad"/>).</summary>
    [<CompiledName("IsGradEnabled")>]
    let isGradEnabled () : bool = Tensor.IsGradEnabled

    /// <summary>
    /// Runs <paramref name="f"/> with anomaly detection on (PyTorch's <c>detect_anomaly</c>): the first op, forward
    /// or backward, that makes NaN or Inf from finite inputs raises <c>InvalidOperationException</c> naming the op,
    /// the shapes and, in a backward pass, the forward op: <c>Tensor.detectAnomalies (fun () -> loss |> Tensor.backward)</c>.
    /// </summary>
    [<CompiledName("DetectAnomalies")>]
    let detectAnomalies (f: unit -> 'T) : 'T =
        use _scope = Tensor.DetectAnomalies()
        f ()

    /// <summary>
    /// Runs <paramref name="f"/> in a dispose scope (TorchSharp's <c>NewDisposeScope</c>): the tensors it makes are
    /// disposed when it returns and their large buffers reused by the next step. A tensor result is moved out of
    /// the scope (with everything its graph reaches); gradients stored by <see cref="backward"/> and parameter values
    /// survive too. <c>Tensor.scoped (fun () -> let loss = x |> Tensor.matmul w |> Tensor.sum in Tensor.backward loss; Tensor.item loss)</c>.
    /// </summary>
    [<CompiledName("Scoped")>]
    let scoped (f: unit -> 'T) : 'T =
        use _scope = Tensor.NewDisposeScope()
        let result = f ()
        match box result with
        | :? Tensor as t -> t.MoveToOuterDisposeScope() |> ignore
        | _ -> ()
        result

    /// <summary>Hands the tensor to the dispose scope enclosing its own (or out of scopes when there is none); returns it.</summary>
    [<CompiledName("MoveToOuterDisposeScope")>]
    let moveToOuterScope (x: Tensor) : Tensor = x.MoveToOuterDisposeScope()

    /// <summary>Takes the tensor out of its dispose scope, so no scope disposes it; returns it.</summary>
    [<CompiledName("DetachFromDisposeScope")>]
    let detachFromScope (x: Tensor) : Tensor = x.DetachFromDisposeScope()

    /// <summary>Whether the tensor was disposed with its dispose scope (its values are gone; its shape remains).</summary>
    [<CompiledName("IsDisposed")>]
    let isDisposed (x: Tensor) : bool = x.IsDisposed

    // ------------------------------------------------------------------ values and shape information

    /// <summary>The dimension sizes: <c>Tensor.shape (Tensor.zeros [2; 3])</c> is <c>[2; 3]</c>; a scalar gives <c>[]</c>.</summary>
    [<CompiledName("Shape")>]
    let shape (x: Tensor) : int list = List.ofArray x.Shape

    /// <summary>The number of dimensions (0 for a scalar).</summary>
    [<CompiledName("Rank")>]
    let rank (x: Tensor) : int = x.Rank

    /// <summary>The number of elements.</summary>
    [<CompiledName("Count")>]
    let count (x: Tensor) : int = x.Count

    /// <summary>The size of one dimension (negative counts from the end).</summary>
    [<CompiledName("Size")>]
    let size (dim: int) (x: Tensor) : int = x.Size dim

    /// <summary>A copy of the values in row-major order, as floats (exact for both dtypes).</summary>
    [<CompiledName("ToArray")>]
    let toArray (x: Tensor) : float[] = x.ToArray()

    /// <summary>The values of a rank-2 tensor as an <c>Array2D</c>.</summary>
    /// <exception cref="T:System.ArgumentException">The tensor is not of rank 2.</exception>
    [<CompiledName("ToArray2D")>]
    let toArray2D (x: Tensor) : float[,] =
        if x.Rank <> 2 then
            invalidArg (nameof x) (sprintf "toArray2D: the tensor has shape [%s] (rank %d); only a rank-2 tensor converts to float[,]" (String.Join(",", x.Shape)) x.Rank)
        let rows, cols = x.Size 0, x.Size 1
        let values = x.ToArray()
        Array2D.init rows cols (fun i j -> values[i * cols + j])

    /// <summary>The value of a one-element tensor (any rank).</summary>
    /// <exception cref="T:System.InvalidOperationException">The tensor does not have exactly one element.</exception>
    [<CompiledName("Item")>]
    let item (x: Tensor) : float = x.Item()

    /// <summary>The element at an N-dimensional index (negative counts from the end): <c>Tensor.get [0; 1] m</c>.</summary>
    /// <exception cref="T:System.ArgumentException">The number of indices differs from the rank.</exception>
    /// <exception cref="T:System.IndexOutOfRangeException">An index is out of range.</exception>
    [<CompiledName("Get")>]
    let get (index: seq<int>) (x: Tensor) : float = x.[Array.ofSeq index]

    /// <summary>The element at a row-major flat position.</summary>
    [<CompiledName("GetFlat")>]
    let getFlat (flatIndex: int) (x: Tensor) : float = x.GetFlat flatIndex

    /// <summary>Whether the two tensors have the same shape and exactly the same values.</summary>
    [<CompiledName("Equal")>]
    let equal (other: Tensor) (x: Tensor) : bool = x.Equals other

    /// <summary>Whether both tensors have the same shape and agree within rtol 1e-5 and atol 1e-8 (like <c>torch.allclose</c>).</summary>
    [<CompiledName("AllClose")>]
    let allClose (other: Tensor) (x: Tensor) : bool = x.AllClose(other)

    /// <summary>Whether both tensors have the same shape and |x - other| &lt;= atol + rtol |other| element-wise.</summary>
    [<CompiledName("AllCloseWith")>]
    let allCloseWith (rtol: float) (atol: float) (other: Tensor) (x: Tensor) : bool = x.AllClose(other, rtol, atol)

    /// <summary>The values as a MathNet matrix (rank 2 only).</summary>
    [<CompiledName("ToMatrix")>]
    let toMatrix (x: Tensor) : MathNet.Numerics.LinearAlgebra.Matrix<float> = x.ToMatrix()

    /// <summary>A rank-2 tensor from a MathNet matrix.</summary>
    [<CompiledName("OfMatrix")>]
    let ofMatrix (matrix: MathNet.Numerics.LinearAlgebra.Matrix<float>) : Tensor = Tensor.FromMatrix matrix

    // ------------------------------------------------------------------ arithmetic (data-last)

    /// <summary><c>Tensor.add y x</c> is <c>x + y</c> (element-wise, broadcasting).</summary>
    [<CompiledName("Add")>]
    let add (y: Tensor) (x: Tensor) : Tensor = x.Add y

    /// <summary><c>Tensor.sub y x</c> is <c>x - y</c>: <c>x |> Tensor.sub y</c> reads "x minus y".</summary>
    [<CompiledName("Sub")>]
    let sub (y: Tensor) (x: Tensor) : Tensor = x.Sub y

    /// <summary><c>Tensor.mul y x</c> is <c>x * y</c> (element-wise, broadcasting).</summary>
    [<CompiledName("Mul")>]
    let mul (y: Tensor) (x: Tensor) : Tensor = x.Mul y

    /// <summary><c>Tensor.div y x</c> is <c>x / y</c>: <c>x |> Tensor.div y</c> reads "x divided by y".</summary>
    [<CompiledName("Div")>]
    let div (y: Tensor) (x: Tensor) : Tensor = x.Div y

    /// <summary><c>Tensor.addScalar s x</c> is <c>x + s</c>.</summary>
    [<CompiledName("AddScalar")>]
    let addScalar (s: float) (x: Tensor) : Tensor = x + s

    /// <summary><c>Tensor.subScalar s x</c> is <c>x - s</c>.</summary>
    [<CompiledName("SubScalar")>]
    let subScalar (s: float) (x: Tensor) : Tensor = x - s

    /// <summary><c>Tensor.mulScalar s x</c> is <c>x * s</c>.</summary>
    [<CompiledName("MulScalar")>]
    let mulScalar (s: float) (x: Tensor) : Tensor = x * s

    /// <summary><c>Tensor.divScalar s x</c> is <c>x / s</c>.</summary>
    [<CompiledName("DivScalar")>]
    let divScalar (s: float) (x: Tensor) : Tensor = x / s

    /// <summary><c>Tensor.pow p x</c> is <c>x ** p</c> element-wise, with derivative p x^(p-1).</summary>
    [<CompiledName("Pow")>]
    let pow (exponent: float) (x: Tensor) : Tensor = x.Pow exponent

    /// <summary><c>Tensor.powTensor p x</c> is <c>x ** p</c> with a tensor exponent (broadcasting).</summary>
    [<CompiledName("PowTensor")>]
    let powTensor (exponent: Tensor) (x: Tensor) : Tensor = x.Pow exponent

    /// <summary>Element-wise maximum of x and y (broadcasting); ties send the gradient to x.</summary>
    [<CompiledName("Maximum")>]
    let maximum (y: Tensor) (x: Tensor) : Tensor = x.Maximum y

    /// <summary>Element-wise minimum of x and y (broadcasting); ties send the gradient to x.</summary>
    [<CompiledName("Minimum")>]
    let minimum (y: Tensor) (x: Tensor) : Tensor = x.Minimum y

    /// <summary><c>Tensor.axpy alpha x y</c> is <c>alpha * x + y</c> (the BLAS axpy), so <c>y |> Tensor.axpy alpha x</c> adds alpha·x to y.</summary>
    [<CompiledName("Axpy")>]
    let axpy (alpha: float) (x: Tensor) (y: Tensor) : Tensor = Tensor.Axpy(alpha, x, y)

    // ------------------------------------------------------------------ element-wise functions

    /// <summary>Element-wise negation.</summary>
    [<CompiledName("Neg")>]
    let neg (x: Tensor) : Tensor = x.Neg()

    /// <summary>Element-wise 1/x.</summary>
    [<CompiledName("Reciprocal")>]
    let reciprocal (x: Tensor) : Tensor = x.Reciprocal()

    /// <summary>Element-wise x².</summary>
    [<CompiledName("Square")>]
    let square (x: Tensor) : Tensor = x.Square()

    /// <summary>Element-wise eˣ.</summary>
    [<CompiledName("Exp")>]
    let exp (x: Tensor) : Tensor = x.Exp()

    /// <summary>Element-wise natural logarithm.</summary>
    [<CompiledName("Log")>]
    let log (x: Tensor) : Tensor = x.Log()

    /// <summary>Element-wise square root.</summary>
    [<CompiledName("Sqrt")>]
    let sqrt (x: Tensor) : Tensor = x.Sqrt()

    /// <summary>Element-wise absolute value.</summary>
    [<CompiledName("Abs")>]
    let abs (x: Tensor) : Tensor = x.Abs()

    /// <summary>Element-wise sign (-1, 0 or 1); a constant for differentiation.</summary>
    [<CompiledName("Sign")>]
    let sign (x: Tensor) : Tensor = x.Sign()

    /// <summary>Element-wise clamp to [min, max]: <c>x |> Tensor.clamp 0.0 1.0</c>.</summary>
    [<CompiledName("Clamp")>]
    let clamp (min: float) (max: float) (x: Tensor) : Tensor = x.Clamp(min, max)

    /// <summary>Element-wise max(x, 0).</summary>
    [<CompiledName("Relu")>]
    let relu (x: Tensor) : Tensor = x.Relu()

    /// <summary>Element-wise leaky ReLU: x where x &gt; 0, slope·x elsewhere.</summary>
    [<CompiledName("LeakyRelu")>]
    let leakyRelu (slope: float) (x: Tensor) : Tensor = x.LeakyRelu slope

    /// <summary>Element-wise logistic sigmoid 1 / (1 + e⁻ˣ).</summary>
    [<CompiledName("Sigmoid")>]
    let sigmoid (x: Tensor) : Tensor = x.Sigmoid()

    /// <summary>Element-wise hyperbolic tangent.</summary>
    [<CompiledName("Tanh")>]
    let tanh (x: Tensor) : Tensor = x.Tanh()

    /// <summary>Softmax along a dimension (negative counts from the end), max-shifted so large inputs do not overflow: <c>x |> Tensor.softmax -1</c>.</summary>
    [<CompiledName("Softmax")>]
    let softmax (dim: int) (x: Tensor) : Tensor = x.Softmax dim

    /// <summary>Log-softmax along a dimension (negative counts from the end), computed stably.</summary>
    [<CompiledName("LogSoftmax")>]
    let logSoftmax (dim: int) (x: Tensor) : Tensor = x.LogSoftmax dim

    /// <summary>Element-wise sine.</summary>
    [<CompiledName("Sin")>]
    let sin (x: Tensor) : Tensor = x.Sin()

    /// <summary>Element-wise cosine.</summary>
    [<CompiledName("Cos")>]
    let cos (x: Tensor) : Tensor = x.Cos()

    /// <summary>Element-wise tangent.</summary>
    [<CompiledName("Tan")>]
    let tan (x: Tensor) : Tensor = x.Tan()

    /// <summary>Element-wise arcsine.</summary>
    [<CompiledName("Asin")>]
    let asin (x: Tensor) : Tensor = x.Asin()

    /// <summary>Element-wise arccosine.</summary>
    [<CompiledName("Acos")>]
    let acos (x: Tensor) : Tensor = x.Acos()

    /// <summary>Element-wise arctangent.</summary>
    [<CompiledName("Atan")>]
    let atan (x: Tensor) : Tensor = x.Atan()

    /// <summary>Element-wise hyperbolic sine.</summary>
    [<CompiledName("Sinh")>]
    let sinh (x: Tensor) : Tensor = x.Sinh()

    /// <summary>Element-wise hyperbolic cosine.</summary>
    [<CompiledName("Cosh")>]
    let cosh (x: Tensor) : Tensor = x.Cosh()

    /// <summary>Element-wise inverse hyperbolic sine.</summary>
    [<CompiledName("Asinh")>]
    let asinh (x: Tensor) : Tensor = x.Asinh()

    /// <summary>Element-wise inverse hyperbolic cosine.</summary>
    [<CompiledName("Acosh")>]
    let acosh (x: Tensor) : Tensor = x.Acosh()

    /// <summary>Element-wise inverse hyperbolic tangent.</summary>
    [<CompiledName("Atanh")>]
    let atanh (x: Tensor) : Tensor = x.Atanh()

    /// <summary>Element-wise 2ˣ.</summary>
    [<CompiledName("Exp2")>]
    let exp2 (x: Tensor) : Tensor = x.Exp2()

    /// <summary>Element-wise eˣ - 1, accurate near 0.</summary>
    [<CompiledName("Expm1")>]
    let expm1 (x: Tensor) : Tensor = x.Expm1()

    /// <summary>Element-wise base-2 logarithm.</summary>
    [<CompiledName("Log2")>]
    let log2 (x: Tensor) : Tensor = x.Log2()

    /// <summary>Element-wise base-10 logarithm.</summary>
    [<CompiledName("Log10")>]
    let log10 (x: Tensor) : Tensor = x.Log10()

    /// <summary>Element-wise log(1 + x), accurate near 0.</summary>
    [<CompiledName("Log1p")>]
    let log1p (x: Tensor) : Tensor = x.Log1p()

    /// <summary>Element-wise 1/√x.</summary>
    [<CompiledName("Rsqrt")>]
    let rsqrt (x: Tensor) : Tensor = x.Rsqrt()

    /// <summary>Element-wise error function.</summary>
    [<CompiledName("Erf")>]
    let erf (x: Tensor) : Tensor = x.Erf()

    /// <summary>Element-wise complementary error function 1 - erf x, accurate in the tail.</summary>
    [<CompiledName("Erfc")>]
    let erfc (x: Tensor) : Tensor = x.Erfc()

    /// <summary>Element-wise floor (zero gradient).</summary>
    [<CompiledName("Floor")>]
    let floor (x: Tensor) : Tensor = x.Floor()

    /// <summary>Element-wise ceiling (zero gradient).</summary>
    [<CompiledName("Ceil")>]
    let ceil (x: Tensor) : Tensor = x.Ceil()

    /// <summary>Element-wise rounding, halves to even (zero gradient).</summary>
    [<CompiledName("Round")>]
    let round (x: Tensor) : Tensor = x.Round()

    /// <summary>Element-wise truncation towards zero (zero gradient).</summary>
    [<CompiledName("Trunc")>]
    let trunc (x: Tensor) : Tensor = x.Trunc()

    /// <summary>Element-wise SiLU (swish), x·sigmoid(x).</summary>
    [<CompiledName("Silu")>]
    let silu (x: Tensor) : Tensor = x.Silu()

    /// <summary>Element-wise SELU with PyTorch's constants.</summary>
    [<CompiledName("Selu")>]
    let selu (x: Tensor) : Tensor = x.Selu()

    /// <summary>Element-wise Mish, x·tanh(softplus x).</summary>
    [<CompiledName("Mish")>]
    let mish (x: Tensor) : Tensor = x.Mish()

    /// <summary>Element-wise min(max(x, 0), 6).</summary>
    [<CompiledName("Relu6")>]
    let relu6 (x: Tensor) : Tensor = x.Relu6()

    /// <summary>Element-wise relu6(x + 3) / 6.</summary>
    [<CompiledName("Hardsigmoid")>]
    let hardsigmoid (x: Tensor) : Tensor = x.Hardsigmoid()

    /// <summary>Element-wise x·relu6(x + 3) / 6.</summary>
    [<CompiledName("Hardswish")>]
    let hardswish (x: Tensor) : Tensor = x.Hardswish()

    /// <summary>Element-wise log(sigmoid x), computed stably.</summary>
    [<CompiledName("LogSigmoid")>]
    let logSigmoid (x: Tensor) : Tensor = x.LogSigmoid()

    /// <summary>Element-wise x / (1 + |x|).</summary>
    [<CompiledName("Softsign")>]
    let softsign (x: Tensor) : Tensor = x.Softsign()

    /// <summary>1 where the element is NaN, else 0 (no gradient).</summary>
    [<CompiledName("IsNaN")>]
    let isNaN (x: Tensor) : Tensor = x.IsNaN()

    /// <summary>1 where the element is infinite, else 0 (no gradient).</summary>
    [<CompiledName("IsInf")>]
    let isInf (x: Tensor) : Tensor = x.IsInf()

    /// <summary>1 where the element is finite, else 0 (no gradient).</summary>
    [<CompiledName("IsFinite")>]
    let isFinite (x: Tensor) : Tensor = x.IsFinite()

    /// <summary><c>Tensor.atan2 other y</c> is the four-quadrant arctangent of y / other (torch.atan2(y, other)), with broadcasting: <c>y |> Tensor.atan2 x</c>.</summary>
    [<CompiledName("Atan2")>]
    let atan2 (other: Tensor) (input: Tensor) : Tensor = input.Atan2 other

    /// <summary><c>Tensor.hypot y x</c> is √(x² + y²) element-wise, with broadcasting.</summary>
    [<CompiledName("Hypot")>]
    let hypot (other: Tensor) (x: Tensor) : Tensor = x.Hypot other

    /// <summary><c>Tensor.lerp finish weight start</c> is start + weight·(finish - start) (torch.lerp), with broadcasting: <c>a |> Tensor.lerp b w</c>.</summary>
    [<CompiledName("Lerp")>]
    let lerp (finish: Tensor) (weight: Tensor) (start: Tensor) : Tensor = start.Lerp(finish, weight)

    /// <summary>Element-wise exact GELU, x·Φ(x).</summary>
    [<CompiledName("Gelu")>]
    let gelu (x: Tensor) : Tensor = x.Gelu(false)

    /// <summary>Element-wise GELU in PyTorch's tanh approximation (<c>approximate="tanh"</c>).</summary>
    [<CompiledName("GeluTanh")>]
    let geluTanh (x: Tensor) : Tensor = x.Gelu(true)

    /// <summary>Element-wise softplus log(1 + e^(beta·x)) / beta, linear where beta·x &gt; threshold: <c>x |> Tensor.softplus 1.0 20.0</c>.</summary>
    [<CompiledName("Softplus")>]
    let softplus (beta: float) (threshold: float) (x: Tensor) : Tensor = x.Softplus(beta, threshold)

    /// <summary>Element-wise ELU: x for x &gt; 0, else alpha·(eˣ - 1).</summary>
    [<CompiledName("Elu")>]
    let elu (alpha: float) (x: Tensor) : Tensor = x.Elu alpha

    /// <summary>Element-wise CELU: x for x &gt; 0, else alpha·(e^(x/alpha) - 1).</summary>
    [<CompiledName("Celu")>]
    let celu (alpha: float) (x: Tensor) : Tensor = x.Celu alpha

    /// <summary>Element-wise hardtanh, x clamped to [min, max] with derivative 1 strictly inside: <c>x |> Tensor.hardtanh -1.0 1.0</c>.</summary>
    [<CompiledName("Hardtanh")>]
    let hardtanh (min: float) (max: float) (x: Tensor) : Tensor = x.Hardtanh(min, max)

    /// <summary><c>Tensor.eq y x</c>: 1 where x = y (broadcasting), else 0; no gradient.</summary>
    [<CompiledName("Eq")>]
    let eq (other: Tensor) (x: Tensor) : Tensor = x.Eq other

    /// <summary><c>Tensor.ne y x</c>: 1 where x ≠ y, else 0; no gradient.</summary>
    [<CompiledName("Ne")>]
    let ne (other: Tensor) (x: Tensor) : Tensor = x.Ne other

    /// <summary><c>Tensor.lt y x</c>: 1 where x &lt; y, else 0, so <c>x |> Tensor.lt y</c> reads "x less than y"; no gradient.</summary>
    [<CompiledName("Lt")>]
    let lt (other: Tensor) (x: Tensor) : Tensor = x.Lt other

    /// <summary><c>Tensor.le y x</c>: 1 where x ≤ y, else 0; no gradient.</summary>
    [<CompiledName("Le")>]
    let le (other: Tensor) (x: Tensor) : Tensor = x.Le other

    /// <summary><c>Tensor.gt y x</c>: 1 where x &gt; y, else 0; no gradient.</summary>
    [<CompiledName("Gt")>]
    let gt (other: Tensor) (x: Tensor) : Tensor = x.Gt other

    /// <summary><c>Tensor.ge y x</c>: 1 where x ≥ y, else 0; no gradient.</summary>
    [<CompiledName("Ge")>]
    let ge (other: Tensor) (x: Tensor) : Tensor = x.Ge other

    /// <summary><c>Tensor.where condition other input</c>: input where the condition is nonzero, else other (torch.where(condition, input, other)), all three broadcast: <c>x |> Tensor.where (x |> Tensor.gt zero) (x * 0.1)</c>.</summary>
    [<CompiledName("Where")>]
    let where (condition: Tensor) (other: Tensor) (input: Tensor) : Tensor = Tensor.Where(condition, input, other)

    /// <summary><c>Tensor.maskedFill mask value x</c>: x with value where the mask is nonzero (torch.masked_fill).</summary>
    [<CompiledName("MaskedFill")>]
    let maskedFill (mask: Tensor) (value: float) (x: Tensor) : Tensor = x.MaskedFill(mask, value)

    /// <summary>Element-wise clamp between tensor bounds (either may be None, not both), with broadcasting: <c>x |> Tensor.clampBy (Some lo) (Some hi)</c>.</summary>
    [<CompiledName("ClampBy")>]
    let clampBy (min: Tensor option) (max: Tensor option) (x: Tensor) : Tensor =
        x.Clamp(Option.toObj min, Option.toObj max)

    /// <summary>Replaces NaN, +inf and -inf (torch.nan_to_num); None keeps PyTorch's defaults (the dtype's largest and smallest finite values for the infinities).</summary>
    [<CompiledName("NanToNum")>]
    let nanToNum (nan: float) (posInf: float option) (negInf: float option) (x: Tensor) : Tensor =
        x.NanToNum(nan, Option.toNullable posInf, Option.toNullable negInf)

    /// <summary>Element-wise rounding to a number of decimals (halves to even, zero gradient): <c>x |> Tensor.roundTo 2</c>.</summary>
    [<CompiledName("RoundTo")>]
    let roundTo (decimals: int) (x: Tensor) : Tensor = x.Round decimals

    // ------------------------------------------------------------------ reductions

    /// <summary>The sum of all elements (rank 0).</summary>
    [<CompiledName("Sum")>]
    let sum (x: Tensor) : Tensor = x.Sum()

    /// <summary>The mean of all elements (rank 0).</summary>
    [<CompiledName("Mean")>]
    let mean (x: Tensor) : Tensor = x.Mean()

    /// <summary>Sums over one dimension, removing it: <c>Tensor.sumDim 0 m</c> sums the rows of a matrix.</summary>
    [<CompiledName("SumDim")>]
    let sumDim (dim: int) (x: Tensor) : Tensor = x.Sum(dim, false)

    /// <summary>Sums over the given dimensions, removing them.</summary>
    [<CompiledName("SumDims")>]
    let sumDims (dims: seq<int>) (x: Tensor) : Tensor = x.Sum(Array.ofSeq dims, false)

    /// <summary>Sums over the given dimensions, keeping them with size 1.</summary>
    [<CompiledName("SumDimsKeep")>]
    let sumDimsKeep (dims: seq<int>) (x: Tensor) : Tensor = x.Sum(Array.ofSeq dims, true)

    /// <summary>The mean over one dimension, removing it.</summary>
    [<CompiledName("MeanDim")>]
    let meanDim (dim: int) (x: Tensor) : Tensor = x.Mean(dim, false)

    /// <summary>The mean over the given dimensions, removing them.</summary>
    [<CompiledName("MeanDims")>]
    let meanDims (dims: seq<int>) (x: Tensor) : Tensor = x.Mean(Array.ofSeq dims, false)

    /// <summary>The mean over the given dimensions, keeping them with size 1.</summary>
    [<CompiledName("MeanDimsKeep")>]
    let meanDimsKeep (dims: seq<int>) (x: Tensor) : Tensor = x.Mean(Array.ofSeq dims, true)

    /// <summary>Sums over the last <paramref name="count"/> dimensions.</summary>
    [<CompiledName("SumLast")>]
    let sumLast (count: int) (x: Tensor) : Tensor = x.SumLast count

    /// <summary>Sums a tensor down to a shape it broadcasts from (the reverse of broadcasting).</summary>
    [<CompiledName("SumTo")>]
    let sumTo (shape: seq<int>) (x: Tensor) : Tensor = x.SumTo(shapeArray shape)

    /// <summary>The largest element (rank 0).</summary>
    [<CompiledName("Max")>]
    let max (x: Tensor) : Tensor = x.Max()

    /// <summary>The smallest element (rank 0).</summary>
    [<CompiledName("Min")>]
    let min (x: Tensor) : Tensor = x.Min()

    /// <summary>The largest values along a dimension, removing it.</summary>
    [<CompiledName("MaxDim")>]
    let maxDim (dim: int) (x: Tensor) : Tensor = x.Max(dim, false)

    /// <summary>The smallest values along a dimension, removing it.</summary>
    [<CompiledName("MinDim")>]
    let minDim (dim: int) (x: Tensor) : Tensor = x.Min(dim, false)

    /// <summary>The positions of the largest values along a dimension (as float values), removing it.</summary>
    [<CompiledName("ArgMax")>]
    let argMax (dim: int) (x: Tensor) : Tensor = x.ArgMax(dim, false)

    /// <summary>The positions of the smallest values along a dimension (as float values), removing it.</summary>
    [<CompiledName("ArgMin")>]
    let argMin (dim: int) (x: Tensor) : Tensor = x.ArgMin(dim, false)

    /// <summary>The largest values along a dimension and their positions.</summary>
    [<CompiledName("MaxWithIndices")>]
    let maxWithIndices (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.MaxWithIndices(dim, false)
        values, indices

    /// <summary>The smallest values along a dimension and their positions.</summary>
    [<CompiledName("MinWithIndices")>]
    let minWithIndices (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.MinWithIndices(dim, false)
        values, indices

    /// <summary>The product of all elements (rank 0); the gradient is exact with zeros.</summary>
    [<CompiledName("Prod")>]
    let prod (x: Tensor) : Tensor = x.Prod()

    /// <summary>The product over the given dimensions, removing them.</summary>
    [<CompiledName("ProdDims")>]
    let prodDims (dims: seq<int>) (x: Tensor) : Tensor = x.Prod(Array.ofSeq dims, false)

    /// <summary>The variance of all elements with Bessel's correction (n - 1), as torch.var.</summary>
    [<CompiledName("Var")>]
    let var (x: Tensor) : Tensor = x.Var()

    /// <summary>The variance over the given dimensions with a correction (1 is unbiased, 0 the population variance): <c>x |> Tensor.varDims [1] 1.0</c>.</summary>
    [<CompiledName("VarDims")>]
    let varDims (dims: seq<int>) (correction: float) (x: Tensor) : Tensor = x.Var(Array.ofSeq dims, correction, false)

    /// <summary>The standard deviation of all elements with Bessel's correction.</summary>
    [<CompiledName("Std")>]
    let std (x: Tensor) : Tensor = x.Std()

    /// <summary>The standard deviation over the given dimensions with a correction.</summary>
    [<CompiledName("StdDims")>]
    let stdDims (dims: seq<int>) (correction: float) (x: Tensor) : Tensor = x.Std(Array.ofSeq dims, correction, false)

    /// <summary>log(sum(exp x)) of all elements, max-shifted so large inputs stay finite.</summary>
    [<CompiledName("LogSumExp")>]
    let logSumExp (x: Tensor) : Tensor = x.LogSumExp()

    /// <summary>log(sum(exp x)) over the given dimensions, removing them.</summary>
    [<CompiledName("LogSumExpDims")>]
    let logSumExpDims (dims: seq<int>) (x: Tensor) : Tensor = x.LogSumExp(Array.ofSeq dims, false)

    /// <summary>The p-norm of all elements (2: Euclidean/Frobenius, 1, infinity, 0, any p &gt; 0): <c>x |> Tensor.norm 2.0</c>.</summary>
    [<CompiledName("Norm")>]
    let norm (p: float) (x: Tensor) : Tensor = x.Norm(p)

    /// <summary>The p-norm over the given dimensions, removing them.</summary>
    [<CompiledName("NormDims")>]
    let normDims (p: float) (dims: seq<int>) (x: Tensor) : Tensor = x.Norm(p, Array.ofSeq dims, false)

    /// <summary>The maximum over the given dimensions, removing them; ties share the gradient (torch.amax).</summary>
    [<CompiledName("Amax")>]
    let amax (dims: seq<int>) (x: Tensor) : Tensor = x.Amax(Array.ofSeq dims, false)

    /// <summary>The minimum over the given dimensions, removing them; ties share the gradient (torch.amin).</summary>
    [<CompiledName("Amin")>]
    let amin (dims: seq<int>) (x: Tensor) : Tensor = x.Amin(Array.ofSeq dims, false)

    /// <summary>1 if every element is nonzero, else 0 (rank 0, no gradient).</summary>
    [<CompiledName("All")>]
    let all (x: Tensor) : Tensor = x.All()

    /// <summary>1 if some element is nonzero, else 0 (rank 0, no gradient).</summary>
    [<CompiledName("Any")>]
    let any (x: Tensor) : Tensor = x.Any()

    /// <summary>The running sum along a dimension: <c>x |> Tensor.cumsum 0</c>.</summary>
    [<CompiledName("CumSum")>]
    let cumsum (dim: int) (x: Tensor) : Tensor = x.CumSum dim

    /// <summary>The running product along a dimension; the gradient is exact with zeros.</summary>
    [<CompiledName("CumProd")>]
    let cumprod (dim: int) (x: Tensor) : Tensor = x.CumProd dim

    /// <summary>The values sorted ascending along a dimension (stable) and their positions (float64, untracked).</summary>
    [<CompiledName("Sort")>]
    let sort (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.Sort(dim, false)
        values, indices

    /// <summary>The values sorted descending along a dimension (stable) and their positions.</summary>
    [<CompiledName("SortDescending")>]
    let sortDescending (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.Sort(dim, true)
        values, indices

    /// <summary>The k largest values along a dimension, in descending order, and their positions: <c>x |> Tensor.topk 3 -1</c>.</summary>
    [<CompiledName("TopK")>]
    let topk (k: int) (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.TopK(k, dim, true)
        values, indices

    /// <summary>The lower median of all elements (rank 0); the gradient goes to the chosen element.</summary>
    [<CompiledName("Median")>]
    let median (x: Tensor) : Tensor = x.Median()

    /// <summary>The lower median along a dimension, removing it, and its positions.</summary>
    [<CompiledName("MedianDim")>]
    let medianDim (dim: int) (x: Tensor) : Tensor * Tensor =
        let struct (values, indices) = x.Median(dim, false)
        values, indices

    // ------------------------------------------------------------------ shape

    /// <summary>The same values in a new shape (one dimension may be -1): <c>x |> Tensor.reshape [2; -1]</c>.</summary>
    [<CompiledName("Reshape")>]
    let reshape (shape: seq<int>) (x: Tensor) : Tensor = x.Reshape(shapeArray shape)

    /// <summary>The values as a rank-1 tensor.</summary>
    [<CompiledName("Flatten")>]
    let flatten (x: Tensor) : Tensor = x.Flatten()

    /// <summary>Merges the dimensions startDim..endDim (inclusive, negative counts from the end) into one.</summary>
    [<CompiledName("FlattenDims")>]
    let flattenDims (startDim: int) (endDim: int) (x: Tensor) : Tensor = x.Flatten(startDim, endDim)

    /// <summary>Removes every dimension of size 1.</summary>
    [<CompiledName("Squeeze")>]
    let squeeze (x: Tensor) : Tensor = x.Squeeze()

    /// <summary>Removes one dimension of size 1.</summary>
    [<CompiledName("SqueezeDim")>]
    let squeezeDim (dim: int) (x: Tensor) : Tensor = x.Squeeze dim

    /// <summary>Inserts a dimension of size 1 at <paramref name="dim"/>.</summary>
    [<CompiledName("Unsqueeze")>]
    let unsqueeze (dim: int) (x: Tensor) : Tensor = x.Unsqueeze dim

    /// <summary>Reorders the dimensions: <c>x |> Tensor.permute [2; 0; 1]</c>.</summary>
    [<CompiledName("Permute")>]
    let permute (dims: seq<int>) (x: Tensor) : Tensor = x.Permute(Array.ofSeq dims)

    /// <summary>Swaps the last two dimensions (the matrix transpose; rank 0 and 1 are returned as they are).</summary>
    [<CompiledName("Transpose")>]
    let transpose (x: Tensor) : Tensor = x.T

    /// <summary>Swaps two dimensions.</summary>
    [<CompiledName("TransposeDims")>]
    let transposeDims (dim0: int) (dim1: int) (x: Tensor) : Tensor = x.Transpose(dim0, dim1)

    /// <summary>Broadcasts to a larger shape (NumPy rules) without changing values.</summary>
    [<CompiledName("BroadcastTo")>]
    let broadcastTo (shape: seq<int>) (x: Tensor) : Tensor = x.BroadcastTo(shapeArray shape)

    /// <summary><paramref name="length"/> entries of dimension <paramref name="dim"/> from <paramref name="start"/>.</summary>
    [<CompiledName("Narrow")>]
    let narrow (dim: int) (start: int) (length: int) (x: Tensor) : Tensor = x.Narrow(dim, start, length)

    /// <summary>The entries start..end-1 of a dimension (negative positions count from the end).</summary>
    [<CompiledName("Slice")>]
    let slice (dim: int) (start: int) (stop: int) (x: Tensor) : Tensor = x.Slice(dim, start, stop)

    /// <summary>The entries of a dimension at the given positions, in that order (repeats allowed).</summary>
    [<CompiledName("IndexSelect")>]
    let indexSelect (dim: int) (indices: seq<int>) (x: Tensor) : Tensor = x.IndexSelect(dim, Array.ofSeq indices)

    /// <summary>Joins tensors along an existing dimension.</summary>
    [<CompiledName("Concat")>]
    let concat (dim: int) (tensors: seq<Tensor>) : Tensor = Tensor.Concat(Array.ofSeq tensors, dim)

    /// <summary>Stacks tensors of one shape along a new dimension.</summary>
    [<CompiledName("Stack")>]
    let stack (dim: int) (tensors: seq<Tensor>) : Tensor = Tensor.Stack(Array.ofSeq tensors, dim)

    /// <summary>Every <paramref name="step"/>-th entry of a dimension from start to stop-1 (Python's <c>x[start:stop:step]</c>).</summary>
    [<CompiledName("SliceStep")>]
    let sliceStep (dim: int) (start: int) (stop: int) (step: int) (x: Tensor) : Tensor = x.Slice(dim, start, stop, step)

    /// <summary>Pieces of <paramref name="splitSize"/> along a dimension (the last may be smaller): <c>torch.split</c>.</summary>
    [<CompiledName("Split")>]
    let split (splitSize: int) (dim: int) (x: Tensor) : Tensor[] = x.Split(splitSize, dim)

    /// <summary>Pieces of the given lengths along a dimension.</summary>
    [<CompiledName("SplitSizes")>]
    let splitSizes (sizes: seq<int>) (dim: int) (x: Tensor) : Tensor[] = x.Split(Array.ofSeq sizes, dim)

    /// <summary><paramref name="chunks"/> pieces of equal length (the last may be smaller) along a dimension: <c>torch.chunk</c>.</summary>
    [<CompiledName("Chunk")>]
    let chunk (chunks: int) (dim: int) (x: Tensor) : Tensor[] = x.Chunk(chunks, dim)

    /// <summary>Reverses the given dimensions: <c>x |> Tensor.flip [0]</c>.</summary>
    [<CompiledName("Flip")>]
    let flip (dims: seq<int>) (x: Tensor) : Tensor = x.Flip(Array.ofSeq dims)

    /// <summary>Rolls a dimension by <paramref name="shifts"/> positions, wrapping around: <c>torch.roll</c>.</summary>
    [<CompiledName("Roll")>]
    let roll (shifts: int) (dim: int) (x: Tensor) : Tensor = x.Roll(shifts, Nullable dim)

    /// <summary>Rolls the flattened tensor and restores the shape.</summary>
    [<CompiledName("RollFlat")>]
    let rollFlat (shifts: int) (x: Tensor) : Tensor = x.Roll(shifts, Nullable())

    /// <summary>Repeats the whole tensor along each dimension (<c>torch.Tensor.repeat</c>): <c>x |> Tensor.repeat [2; 1]</c>.</summary>
    [<CompiledName("Repeat")>]
    let repeat (repeats: seq<int>) (x: Tensor) : Tensor = x.Repeat(Array.ofSeq repeats)

    /// <summary>Like <see cref="repeat"/>, with fewer repeats than dimensions padded by leading ones (<c>torch.tile</c>).</summary>
    [<CompiledName("Tile")>]
    let tile (reps: seq<int>) (x: Tensor) : Tensor = x.Tile(Array.ofSeq reps)

    /// <summary>Repeats each entry of a dimension <paramref name="repeats"/> times ([1; 2] to [1; 1; 2; 2]).</summary>
    [<CompiledName("RepeatInterleave")>]
    let repeatInterleave (repeats: int) (dim: int) (x: Tensor) : Tensor = x.RepeatInterleave(repeats, Nullable dim)

    /// <summary>Pads the last dimensions with zeros; (before, after) pairs start from the LAST dimension, as in PyTorch's <c>F.pad</c>.</summary>
    [<CompiledName("Pad")>]
    let pad (widths: seq<int>) (x: Tensor) : Tensor = x.Pad(Array.ofSeq widths)

    /// <summary>Pads with a mode (constant, reflect, replicate, circular) and a constant fill value.</summary>
    [<CompiledName("PadWith")>]
    let padWith (mode: PaddingMode) (value: float) (widths: seq<int>) (x: Tensor) : Tensor = x.Pad(Array.ofSeq widths, mode, value)

    /// <summary>The lower triangle (column - row ≤ diagonal) of the matrices in the last two dimensions.</summary>
    [<CompiledName("Tril")>]
    let tril (diagonal: int) (x: Tensor) : Tensor = x.Tril diagonal

    /// <summary>The upper triangle (column - row ≥ diagonal) of the matrices in the last two dimensions.</summary>
    [<CompiledName("Triu")>]
    let triu (diagonal: int) (x: Tensor) : Tensor = x.Triu diagonal

    /// <summary>A vector to a diagonal matrix, or a matrix to its diagonal (<c>torch.diag</c>).</summary>
    [<CompiledName("Diag")>]
    let diag (offset: int) (x: Tensor) : Tensor = x.Diag offset

    /// <summary>The diagonal of the matrices spanned by dim1 and dim2, as a new last dimension (<c>torch.diagonal</c>).</summary>
    [<CompiledName("Diagonal")>]
    let diagonal (offset: int) (dim1: int) (dim2: int) (x: Tensor) : Tensor = x.Diagonal(offset, dim1, dim2)

    /// <summary>The sum of a matrix's main diagonal.</summary>
    [<CompiledName("Trace")>]
    let trace (x: Tensor) : Tensor = x.Trace()

    /// <summary>Moves dimension <paramref name="source"/> to position <paramref name="destination"/>.</summary>
    [<CompiledName("Movedim")>]
    let movedim (source: int) (destination: int) (x: Tensor) : Tensor = x.Movedim(source, destination)

    /// <summary>Splits a dimension into several (one size may be -1): <c>x |> Tensor.unflatten 1 [3; -1]</c>.</summary>
    [<CompiledName("Unflatten")>]
    let unflatten (dim: int) (sizes: seq<int>) (x: Tensor) : Tensor = x.Unflatten(dim, Array.ofSeq sizes)

    /// <summary>Gathers along a dimension at a tensor of whole-number indices (<c>torch.gather</c>).</summary>
    [<CompiledName("Gather")>]
    let gather (dim: int) (index: Tensor) (x: Tensor) : Tensor = x.Gather(dim, index)

    /// <summary>A copy of x with source's values written at the index along a dimension (<c>torch.scatter</c>).</summary>
    [<CompiledName("Scatter")>]
    let scatter (dim: int) (index: Tensor) (source: Tensor) (x: Tensor) : Tensor = x.Scatter(dim, index, source)

    /// <summary>A copy of x with a value written at the index along a dimension.</summary>
    [<CompiledName("ScatterValue")>]
    let scatterValue (dim: int) (index: Tensor) (value: float) (x: Tensor) : Tensor = x.Scatter(dim, index, value)

    /// <summary>A copy of x with source's values added at the index along a dimension (<c>torch.scatter_add</c>).</summary>
    [<CompiledName("ScatterAdd")>]
    let scatterAdd (dim: int) (index: Tensor) (source: Tensor) (x: Tensor) : Tensor = x.ScatterAdd(dim, index, source)

    /// <summary>A copy of x with source's slices added at the rank-1 index along a dimension (<c>torch.index_add</c>).</summary>
    [<CompiledName("IndexAdd")>]
    let indexAdd (dim: int) (index: Tensor) (source: Tensor) (x: Tensor) : Tensor = x.IndexAdd(dim, index, source)

    /// <summary>Gather after broadcasting x and the indices outside the dimension (<c>torch.take_along_dim</c>).</summary>
    [<CompiledName("TakeAlongDim")>]
    let takeAlongDim (dim: int) (indices: Tensor) (x: Tensor) : Tensor = x.TakeAlongDim(indices, Nullable dim)

    /// <summary>One-hot rows of <paramref name="numClasses"/> (-1: the largest index + 1) for a tensor of whole-number indices.</summary>
    [<CompiledName("OneHot")>]
    let oneHot (numClasses: int) (indices: Tensor) : Tensor = Tensor.OneHot(indices, numClasses)

    /// <summary>Einstein summation (<c>torch.einsum</c>): <c>Tensor.einsum "bij,bjk->bik" [a; b]</c>.</summary>
    [<CompiledName("Einsum")>]
    let einsum (equation: string) (operands: seq<Tensor>) : Tensor = Tensor.Einsum(equation, Array.ofSeq operands)

    // ------------------------------------------------------------------ linear algebra (data-last)

    /// <summary>
    /// <c>Tensor.matmul w x</c> is the matrix product <c>x · w</c> (NumPy matmul: vectors, matrices, broadcast
    /// batches), so that <c>x |> Tensor.matmul w</c> applies w to x.
    /// </summary>
    /// <exception cref="T:System.ArgumentException">The inner dimensions differ (the message names both shapes).</exception>
    [<CompiledName("MatMul")>]
    let matmul (w: Tensor) (x: Tensor) : Tensor = x.MatMul w

    /// <summary><c>Tensor.matmulT w x</c> is <c>x · wᵀ</c> (w's last two dimensions transposed, without a copy).</summary>
    [<CompiledName("MatMulT")>]
    let matmulT (w: Tensor) (x: Tensor) : Tensor = x.MatMul(w, false, true)

    /// <summary>The inner product of two rank-1 tensors (rank 0).</summary>
    [<CompiledName("Dot")>]
    let dot (y: Tensor) (x: Tensor) : Tensor = x.Dot y

    /// <summary><c>Tensor.outer y x</c> is the outer product x yᵀ of two rank-1 tensors.</summary>
    [<CompiledName("Outer")>]
    let outer (y: Tensor) (x: Tensor) : Tensor = x.Outer y

    // ------------------------------------------------------------------ convolution, pooling, dropout (data-last)

    /// <summary>
    /// 2-D convolution of images x [N, C, H, W] with filters [O, C, kh, kw], stride 1, no padding, no bias:
    /// <c>x |&gt; Tensor.conv2d filters</c> is [N, O, H - kh + 1, W - kw + 1].
    /// </summary>
    [<CompiledName("Conv2d")>]
    let conv2d (filters: Tensor) (x: Tensor) : Tensor = x.Conv2d(filters)

    /// <summary>2-D convolution with a stride, zero padding on every side and an optional bias [O].</summary>
    [<CompiledName("Conv2dWith")>]
    let conv2dWith (stride: int) (padding: int) (bias: Tensor option) (filters: Tensor) (x: Tensor) : Tensor =
        x.Conv2d(filters, Option.toObj bias, stride, padding)

    /// <summary>
    /// Layer normalization over the last dimensions, of sizes <paramref name="normalizedShape"/> (eps 1e-5, no affine):
    /// <c>x |&gt; Tensor.layerNorm [ 128 ]</c>, like <c>torch.nn.functional.layer_norm</c>.
    /// </summary>
    [<CompiledName("LayerNorm")>]
    let layerNorm (normalizedShape: seq<int>) (x: Tensor) : Tensor = x.LayerNorm(Seq.toArray normalizedShape)

    /// <summary>Layer normalization with eps and an optional weight γ and bias β of the normalized shape.</summary>
    [<CompiledName("LayerNormWith")>]
    let layerNormWith (eps: float) (weight: Tensor option) (bias: Tensor option) (normalizedShape: seq<int>) (x: Tensor) : Tensor =
        x.LayerNorm(Seq.toArray normalizedShape, Option.toObj weight, Option.toObj bias, eps)

    /// <summary>
    /// The LSTM recurrence over a whole sequence as one fused op (<c>Tensor.LstmRecurrence</c>, what <c>Layer.lstm</c> runs
    /// on): input gates [L, N, 4H] (W_ih x_t + b_ih for every step), W_hh [4H, H], an optional b_hh [4H] and the initial
    /// (h, c), each [N, H]; gates stacked i, f, g, o as PyTorch's. Returns (outputs [L, N, H], final h, final c).
    /// </summary>
    [<CompiledName("LstmRecurrence")>]
    let lstmRecurrence (weightHH: Tensor) (biasHH: Tensor option) (hidden: Tensor, cell: Tensor) (inputGates: Tensor) : Tensor * Tensor * Tensor =
        let struct (output, h, c) = Tensor.LstmRecurrence(inputGates, weightHH, Option.toObj biasHH, hidden, cell)
        output, h, c

    /// <summary>
    /// The GRU recurrence over a whole sequence as one fused op (<c>Tensor.GruRecurrence</c>, what <c>Layer.gru</c> runs on):
    /// input gates [L, N, 3H], W_hh [3H, H], an optional b_hh [3H] and the initial h [N, H]; gates stacked r, z, n as
    /// PyTorch's. Returns (outputs [L, N, H], final h).
    /// </summary>
    [<CompiledName("GruRecurrence")>]
    let gruRecurrence (weightHH: Tensor) (biasHH: Tensor option) (hidden: Tensor) (inputGates: Tensor) : Tensor * Tensor =
        let struct (output, h) = Tensor.GruRecurrence(inputGates, weightHH, Option.toObj biasHH, hidden)
        output, h

    /// <summary>
    /// relu(conv2d filters x) as one fused op (stride 1, no padding, no bias): the same values and gradients
    /// as <c>x |&gt; Tensor.conv2d filters |&gt; Tensor.relu</c>, without storing the pre-activation or a masked
    /// gradient of the output's size.
    /// </summary>
    [<CompiledName("Conv2dRelu")>]
    let conv2dRelu (filters: Tensor) (x: Tensor) : Tensor = x.Conv2dRelu(filters)

    /// <summary>relu(conv2d + bias) as one fused op, with a stride, zero padding on every side and an optional bias [O].</summary>
    [<CompiledName("Conv2dReluWith")>]
    let conv2dReluWith (stride: int) (padding: int) (bias: Tensor option) (filters: Tensor) (x: Tensor) : Tensor =
        x.Conv2dRelu(filters, Option.toObj bias, stride, padding)

    /// <summary>2-D max pooling over [N, C, H, W] with a kernelSize x kernelSize window and the same stride.</summary>
    [<CompiledName("MaxPool2d")>]
    let maxPool2d (kernelSize: int) (x: Tensor) : Tensor = x.MaxPool2d(kernelSize)

    /// <summary>2-D max pooling with a stride and padding (padding is ignored by the maximum).</summary>
    [<CompiledName("MaxPool2dWith")>]
    let maxPool2dWith (stride: int) (padding: int) (kernelSize: int) (x: Tensor) : Tensor =
        x.MaxPool2d(kernelSize, stride, padding)

    /// <summary>2-D average pooling over [N, C, H, W] with a kernelSize x kernelSize window and the same stride.</summary>
    [<CompiledName("AvgPool2d")>]
    let avgPool2d (kernelSize: int) (x: Tensor) : Tensor = x.AvgPool2d(kernelSize)

    /// <summary>2-D average pooling with a stride and zero padding (counted in the average).</summary>
    [<CompiledName("AvgPool2dWith")>]
    let avgPool2dWith (stride: int) (padding: int) (kernelSize: int) (x: Tensor) : Tensor =
        x.AvgPool2d(kernelSize, stride, padding)

    /// <summary>
    /// Inverted dropout: each element is zeroed with the given probability, drawn from <paramref name="random"/>,
    /// and the others are scaled by 1 / (1 - probability).
    /// </summary>
    [<CompiledName("Dropout")>]
    let dropout (probability: float) (random: Random) (x: Tensor) : Tensor = x.Dropout(probability, random)

    /// <summary>1-D convolution of x [N, C, L] with filters [O, C, K], stride 1, no padding, no bias.</summary>
    [<CompiledName("Conv1d")>]
    let conv1d (filters: Tensor) (x: Tensor) : Tensor = x.Conv1d(filters)

    /// <summary>1-D convolution with stride, padding, dilation, groups and an optional bias [O].</summary>
    [<CompiledName("Conv1dWith")>]
    let conv1dWith (stride: int) (padding: int) (dilation: int) (groups: int) (bias: Tensor option) (filters: Tensor) (x: Tensor) : Tensor =
        x.Conv1d(filters, Option.toObj bias, stride, padding, dilation, groups)

    /// <summary>2-D convolution with stride, padding, dilation, groups (groups = C: depthwise) and an optional bias [O].</summary>
    [<CompiledName("Conv2dGrouped")>]
    let conv2dGrouped (stride: int) (padding: int) (dilation: int) (groups: int) (bias: Tensor option) (filters: Tensor) (x: Tensor) : Tensor =
        x.Conv2d(filters, Option.toObj bias, stride, padding, dilation, groups)

    /// <summary>Transposed 2-D convolution of x [N, Cin, H, W] with weight [Cin, Cout, kh, kw], stride 1, no padding, no bias.</summary>
    [<CompiledName("ConvTranspose2d")>]
    let convTranspose2d (weight: Tensor) (x: Tensor) : Tensor = x.ConvTranspose2d(weight)

    /// <summary>Transposed 2-D convolution with stride, padding, output padding, groups and an optional bias [Cout].</summary>
    [<CompiledName("ConvTranspose2dWith")>]
    let convTranspose2dWith (stride: int) (padding: int) (outputPadding: int) (groups: int) (bias: Tensor option) (weight: Tensor) (x: Tensor) : Tensor =
        x.ConvTranspose2d(weight, Option.toObj bias, stride, padding, outputPadding, groups)

    /// <summary>1-D max pooling over [N, C, L] with a window of kernelSize and the same stride.</summary>
    [<CompiledName("MaxPool1d")>]
    let maxPool1d (kernelSize: int) (x: Tensor) : Tensor = x.MaxPool1d(kernelSize)

    /// <summary>1-D max pooling with a stride and padding.</summary>
    [<CompiledName("MaxPool1dWith")>]
    let maxPool1dWith (stride: int) (padding: int) (kernelSize: int) (x: Tensor) : Tensor = x.MaxPool1d(kernelSize, stride, padding)

    /// <summary>1-D average pooling over [N, C, L] with a window of kernelSize and the same stride.</summary>
    [<CompiledName("AvgPool1d")>]
    let avgPool1d (kernelSize: int) (x: Tensor) : Tensor = x.AvgPool1d(kernelSize)

    /// <summary>1-D average pooling with a stride and zero padding (counted in the average).</summary>
    [<CompiledName("AvgPool1dWith")>]
    let avgPool1dWith (stride: int) (padding: int) (kernelSize: int) (x: Tensor) : Tensor = x.AvgPool1d(kernelSize, stride, padding)

    /// <summary>Adaptive average pooling of [N, C, H, W] to outHeight x outWidth (1 1: global average pooling).</summary>
    [<CompiledName("AdaptiveAvgPool2d")>]
    let adaptiveAvgPool2d (outHeight: int) (outWidth: int) (x: Tensor) : Tensor = x.AdaptiveAvgPool2d(outHeight, outWidth)

    /// <summary>Adaptive max pooling of [N, C, H, W] to outHeight x outWidth (1 1: global max pooling).</summary>
    [<CompiledName("AdaptiveMaxPool2d")>]
    let adaptiveMaxPool2d (outHeight: int) (outWidth: int) (x: Tensor) : Tensor = x.AdaptiveMaxPool2d(outHeight, outWidth)

    /// <summary>Nearest-neighbour upsampling of [N, C, H, W] by a whole factor.</summary>
    [<CompiledName("UpsampleNearest2d")>]
    let upsampleNearest2d (scaleFactor: int) (x: Tensor) : Tensor = x.UpsampleNearest2d(scaleFactor)

    /// <summary>Nearest-neighbour resampling of [N, C, H, W] to outHeight x outWidth.</summary>
    [<CompiledName("UpsampleNearest2dTo")>]
    let upsampleNearest2dTo (outHeight: int) (outWidth: int) (x: Tensor) : Tensor = x.UpsampleNearest2d(outHeight, outWidth)

    /// <summary>Bilinear upsampling of [N, C, H, W] by a whole factor (align_corners false, PyTorch's default).</summary>
    [<CompiledName("UpsampleBilinear2d")>]
    let upsampleBilinear2d (scaleFactor: int) (x: Tensor) : Tensor = x.UpsampleBilinear2d(scaleFactor)

    /// <summary>Bilinear resampling of [N, C, H, W] to outHeight x outWidth, with PyTorch's align_corners.</summary>
    [<CompiledName("UpsampleBilinear2dTo")>]
    let upsampleBilinear2dTo (alignCorners: bool) (outHeight: int) (outWidth: int) (x: Tensor) : Tensor =
        x.UpsampleBilinear2d(outHeight, outWidth, alignCorners)

    // ------------------------------------------------------------------ custom operations

    /// <summary>
    /// A user-defined differentiable operation: <paramref name="forward"/> computes the value from the inputs
    /// (nothing inside is recorded); <paramref name="backward"/> gets the inputs, which of them are tracked, and
    /// the upstream gradient, and returns one gradient per input (<c>None</c> where none is needed).
    /// </summary>
    /// <example>
    /// <code>
    /// let cube x =
    ///     Tensor.custom "cube" (fun xs -> xs[0] * xs[0] * xs[0])
    ///         (fun xs _ g -> [ Some(g * 3.0 * xs[0] * xs[0]) ]) [ x ]
    /// </code>
    /// </example>
    [<CompiledName("Custom")>]
    let custom (name: string) (forward: Tensor list -> Tensor) (backward: Tensor list -> bool list -> Tensor -> Tensor option list) (inputs: Tensor list) : Tensor =
        Tensor.Custom(
            name,
            Array.ofList inputs,
            Func<Tensor[], Tensor>(fun xs -> forward (List.ofArray xs)),
            Func<Tensor[], bool[], Tensor, array<Tensor | null>>(fun xs tracked g ->
                backward (List.ofArray xs) (List.ofArray tracked) g
                |> List.map (fun o -> match o with Some t -> (t: Tensor | null) | None -> null)
                |> Array.ofList))

    // ------------------------------------------------------------------ printing

    let private trackedSuffixes = [ ", tracked, has gradient"; ", tracked" ]
    let private lineBreaks = Regex(@",\s*\n\s*", RegexOptions.Compiled)

    /// <summary>
    /// The text FSI and <c>%A</c> should show: the core's PyTorch-like rendering on one line when it fits in
    /// 72 characters (rows on separate lines otherwise), always with the shape (except for scalars) and the
    /// tracked / gradient marks, and the dtype when it is not the default one: <c>tensor([[1., 2.], [3., 4.]], shape=[2,2])</c>, <c>tensor([1., 2.], shape=[2], dtype=float32)</c>.
    /// Register it in FSI with <c>fsi.AddPrinter Tensor.format</c>.
    /// </summary>
    [<CompiledName("Format")>]
    let format (x: Tensor) : string =
        let text = x.ToString() // tensor(<values>[, shape=[..]][, tracked[, has gradient]])
        let mutable body = text.Substring("tensor(".Length, text.Length - "tensor(".Length - 1)
        let mutable mark = ""
        for suffix in trackedSuffixes do
            if mark = "" && body.EndsWith(suffix, StringComparison.Ordinal) then
                mark <- suffix
                body <- body.Substring(0, body.Length - suffix.Length)
        // the core shows the dtype when it is not the default one; keep it after the shape
        let dtypeText = ", dtype=" + x.DType.Name()
        let mutable dtypeMark = ""
        if body.EndsWith(dtypeText, StringComparison.Ordinal) then
            dtypeMark <- dtypeText
            body <- body.Substring(0, body.Length - dtypeText.Length)
        let shapeText = ", shape=[" + String.Join(",", x.Shape) + "]"
        if body.EndsWith(shapeText, StringComparison.Ordinal) then
            body <- body.Substring(0, body.Length - shapeText.Length)
        let oneLine = lineBreaks.Replace(body, ", ")
        let body = if oneLine.Length <= 72 then oneLine else body
        "tensor(" + body + (if x.Rank = 0 then "" else shapeText) + dtypeMark + mark + ")"

    /// <summary>
    /// <see cref="format"/> with continuation lines shifted right by <paramref name="indent"/> spaces, for
    /// hosts that print the first line at that column: F# Interactive puts multi-line values on a new line
    /// indented by 2, so register <c>fsi.AddPrinter (Tensor.formatIndented 2)</c>.
    /// </summary>
    [<CompiledName("FormatIndented")>]
    let formatIndented (indent: int) (x: Tensor) : string =
        let text = format x
        if indent <= 0 then text else text.Replace("\n", "\n" + String(' ', indent))

    /// <summary>Prints <see cref="format"/> of the tensor and a newline to standard output.</summary>
    [<CompiledName("Print")>]
    let print (x: Tensor) : unit = Console.WriteLine(format x)
