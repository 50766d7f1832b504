namespace Corgi.FSharp

open System
open Corgi
open Corgi.Data

/// <summary>
/// Data helpers: generated sets (<c>Data.twoSpirals</c>), mini-batches, one-hot labels, accuracy, and IDX
/// files (MNIST). Inputs and targets travel as a pair <c>(x, y)</c> whose first dimension indexes samples.
/// </summary>
[<RequireQualifiedAccess>]
module Data =

    /// <summary>
    /// The spiral set of CS231n with <paramref name="classes"/> arms of <paramref name="pointsPerClass"/> points,
    /// Gaussian noise of standard deviation <paramref name="noise"/> on the angle, reproducible from a seed:
    /// inputs [classes·pointsPerClass, 2] and class indices [classes·pointsPerClass], arm by arm.
    /// </summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">Fewer than one point per class or one class.</exception>
    [<CompiledName("Spirals")>]
    let spirals (classes: int) (noise: float) (pointsPerClass: int) (seed: int) : Tensor * Tensor =
        let data = TwoSpirals.Generate(pointsPerClass, seed, noise, classes)
        data.Inputs, data.Labels

    /// <summary>
    /// Two interleaved spirals (noise 0.2), not linearly separable: <c>let x, y = Data.twoSpirals 200 1</c> gives
    /// x [400, 2] and labels y [400] (0 or 1).
    /// </summary>
    [<CompiledName("TwoSpirals")>]
    let twoSpirals (pointsPerClass: int) (seed: int) : Tensor * Tensor = spirals 2 0.2 pointsPerClass seed

    /// <summary>
    /// The rows of (x, y) in batches of <paramref name="batchSize"/>, in order (the last batch holds the
    /// remainder): <c>for xb, yb in Data.minibatches 32 (x, y) do ...</c>. The batches are untracked.
    /// </summary>
    /// <exception cref="T:Corgi.TensorShapeException">x and y have different numbers of rows.</exception>
    /// <exception cref="T:System.ArgumentOutOfRangeException">The batch size is below 1.</exception>
    [<CompiledName("Minibatches")>]
    let minibatches (batchSize: int) (x: Tensor, y: Tensor) : seq<Tensor * Tensor> =
        MiniBatches.Iterate(x, y, batchSize) |> Seq.map (fun b -> b.Inputs, b.Targets)

    /// <summary>
    /// The rows of (x, y) in batches of <paramref name="batchSize"/>, in a random order: every enumeration of
    /// the sequence draws a new order, from one random source seeded once, so iterating it once per epoch
    /// gives a different, reproducible order each epoch.
    /// </summary>
    /// <example>
    /// <code>
    /// let batches = Data.shuffledMinibatches 7 32 (x, y)
    /// for epoch in 1 .. 10 do
    ///     for xb, yb in batches do model |&gt; Model.step xb yb |&gt; ignore
    /// </code>
    /// </example>
    [<CompiledName("ShuffledMinibatches")>]
    let shuffledMinibatches (seed: int) (batchSize: int) (x: Tensor, y: Tensor) : seq<Tensor * Tensor> =
        MiniBatches.Iterate(x, y, batchSize, Random seed) |> Seq.map (fun b -> b.Inputs, b.Targets)

    /// <summary>
    /// Both tensors of a pair converted to <paramref name="dtype"/> (each unchanged when it already has it):
    /// <c>let x, y = Data.twoSpirals 200 1 |&gt; Data.toDType DType.Float32</c>.
    /// </summary>
    [<CompiledName("ToDType")>]
    let toDType (dtype: DType) (x: Tensor, y: Tensor) : Tensor * Tensor = x.To dtype, y.To dtype

    /// <summary>
    /// The spirals of <c>Data.spirals</c> in <paramref name="dtype"/> (the float64 points rounded for float32):
    /// <c>Data.spiralsIn DType.Float32 2 0.2 200 1</c>.
    /// </summary>
    [<CompiledName("SpiralsIn")>]
    let spiralsIn (dtype: DType) (classes: int) (noise: float) (pointsPerClass: int) (seed: int) : Tensor * Tensor =
        let data = TwoSpirals.Generate(pointsPerClass, seed, noise, classes, Nullable dtype)
        data.Inputs, data.Labels

    /// <summary>One-hot rows [n, classes] from class indices [n]: <c>Data.oneHot 3 (tensor [2.; 0.])</c> is [[0, 0, 1], [1, 0, 0]].</summary>
    /// <exception cref="T:System.ArgumentOutOfRangeException">A label is not an integer in [0, classes).</exception>
    [<CompiledName("OneHot")>]
    let oneHot (classes: int) (labels: Tensor) : Tensor = Labels.OneHot(labels, classes)

    /// <summary>One-hot rows in <paramref name="dtype"/> (<c>Data.oneHot</c> gives the labels' dtype).</summary>
    [<CompiledName("OneHotIn")>]
    let oneHotIn (dtype: DType) (classes: int) (labels: Tensor) : Tensor = Labels.OneHot(labels, classes, Nullable dtype)

    /// <summary>
    /// The fraction of rows of <paramref name="scores"/> [n, classes] whose arg-max is the label (class indices
    /// [n] or one-hot rows): <c>scores |&gt; Data.accuracy labels</c>.
    /// </summary>
    [<CompiledName("Accuracy")>]
    let accuracy (labels: Tensor) (scores: Tensor) : float = Labels.Accuracy(scores, labels)

    /// <summary>Reads an IDX file (MNIST's format; ".gz" is decompressed) into a tensor of the file's shape.</summary>
    /// <exception cref="T:System.IO.InvalidDataException">The file is not IDX or is truncated.</exception>
    [<CompiledName("ReadIdx")>]
    let readIdx (path: string) : Tensor = Idx.Read(path)

    /// <summary>Reads an IDX file, multiplying every value by <paramref name="scale"/>: <c>Data.readIdxScaled (1.0 / 255.0) "train-images-idx3-ubyte.gz"</c>.</summary>
    [<CompiledName("ReadIdxScaled")>]
    let readIdxScaled (scale: float) (path: string) : Tensor = Idx.Read(path, scale)

    /// <summary>Reads an IDX file into <paramref name="dtype"/>, each value multiplied by <paramref name="scale"/> (in double, then rounded once).</summary>
    [<CompiledName("ReadIdxIn")>]
    let readIdxIn (dtype: DType) (scale: float) (path: string) : Tensor = Idx.Read(path, scale, Nullable dtype)
