namespace Corgi.FsCheck

open Corgi
open global.FsCheck
open global.FsCheck.FSharp

/// FsCheck arbitraries (generator + shrinker) for Corgi's tensors and op cases. Register them on a
/// property with <c>[&lt;Property(Arbitrary = [| typeof&lt;Arbitraries&gt; |])&gt;]</c>, then take the types
/// as arguments: <see cref="T:Corgi.Tensor"/>, <see cref="Shape"/>, <see cref="PositiveTensor"/>,
/// <see cref="NonZeroTensor"/>, <see cref="AwayFromKinksTensor"/>, <see cref="DistinctTensor"/>,
/// <see cref="BroadcastPair"/>, <see cref="SeparatedPair"/>, <see cref="MatMulCase"/>,
/// <see cref="ReductionCase"/>, <see cref="AxisCase"/>, <see cref="Conv2dCase"/>, <see cref="Pool2dCase"/>,
/// <see cref="ClassificationCase"/>, <see cref="LargeLogitsCase"/>, <see cref="BinaryCase"/>, <see cref="DropoutCase"/>,
/// <see cref="T:Corgi.DType"/> (float32 or float64, shrinking to float64) and <see cref="MixedPair"/> (operands of
/// independent dtypes). The tensors of the other cases are float64: take a <c>DType</c> argument too and convert
/// the case with its <c>WithDType</c> member (or use the <c>TensorGen.*Of dtype</c> generators) to run a property in both.
/// <example>
/// <code>
/// [&lt;Property(Arbitrary = [| typeof&lt;Arbitraries&gt; |])&gt;]
/// let ``addition commutes`` (p: BroadcastPair) = (p.Left + p.Right).Equals(p.Right + p.Left)
/// </code>
/// </example>
type Arbitraries =
    /// Shapes of rank 0-4 with dimensions 1-4.
    static member Shape() : Arbitrary<Shape> =
        let shrink (Shape s) =
            seq {
                for i in 0 .. s.Length - 1 do
                    if s.[i] = 1 then yield Shape(Array.removeAt i s)
                for i in 0 .. s.Length - 1 do
                    if s.[i] > 1 then yield Shape(Array.updateAt i 1 s)
            }
        Arb.fromGenShrink (TensorGen.shape |> Gen.map Shape, shrink)

    /// Tensors of rank 0-4 with values in [-2, 2].
    static member Tensor() : Arbitrary<Tensor> =
        Arb.fromGenShrink (TensorGen.tensor, TensorShrink.tensor Domain.General)

    /// Tensors with values in [0.2, 3].
    static member PositiveTensor() : Arbitrary<PositiveTensor> =
        Arb.fromGenShrink (
            TensorGen.tensorWith Domain.Positive |> Gen.map PositiveTensor,
            fun (PositiveTensor t) -> TensorShrink.tensor Domain.Positive t |> Seq.map PositiveTensor)

    /// Tensors with |values| in [0.5, 2].
    static member NonZeroTensor() : Arbitrary<NonZeroTensor> =
        Arb.fromGenShrink (
            TensorGen.tensorWith Domain.NonZero |> Gen.map NonZeroTensor,
            fun (NonZeroTensor t) -> TensorShrink.tensor Domain.NonZero t |> Seq.map NonZeroTensor)

    /// Tensors with |values| in [0.1, 2].
    static member AwayFromKinksTensor() : Arbitrary<AwayFromKinksTensor> =
        Arb.fromGenShrink (
            TensorGen.tensorWith Domain.AwayFromKinks |> Gen.map AwayFromKinksTensor,
            fun (AwayFromKinksTensor t) -> TensorShrink.tensor Domain.AwayFromKinks t |> Seq.map AwayFromKinksTensor)

    /// Tensors of rank 1-4 with pairwise-distinct values.
    static member DistinctTensor() : Arbitrary<DistinctTensor> =
        Arb.fromGenShrink (
            TensorGen.shapeBetween 1 4 |> Gen.bind TensorGen.distinctOf |> Gen.map DistinctTensor,
            fun (DistinctTensor t) -> TensorShrink.shape t |> Seq.filter (fun s -> s.Rank >= 1) |> Seq.map DistinctTensor)

    /// Broadcast-compatible pairs with values in [-2, 2].
    static member BroadcastPair() : Arbitrary<BroadcastPair> =
        Arb.fromGenShrink (TensorGen.broadcastPair, TensorShrink.broadcastPair)

    /// Broadcast-compatible pairs that never tie element-wise.
    static member SeparatedPair() : Arbitrary<SeparatedPair> =
        Arb.fromGenShrink (TensorGen.separatedPair, TensorShrink.separatedPair)

    /// Valid matrix products with transpose flags, batch dimensions and an optional bias.
    static member MatMulCase() : Arbitrary<MatMulCase> =
        Arb.fromGenShrink (TensorGen.matMulCase, TensorShrink.matMulCase)

    /// Sum/mean cases over random dimensions with random keepDim.
    static member ReductionCase() : Arbitrary<ReductionCase> =
        Arb.fromGenShrink (TensorGen.reductionCase, TensorShrink.reductionCase)

    /// Max/min/softmax cases along a random dimension of a tensor with distinct values.
    static member AxisCase() : Arbitrary<AxisCase> =
        Arb.fromGenShrink (TensorGen.axisCase, TensorShrink.axisCase)

    /// Valid conv2d cases: input, filters, optional bias, stride 1-3 and padding 0-2 per direction.
    static member Conv2dCase() : Arbitrary<Conv2dCase> =
        Arb.fromGenShrink (TensorGen.conv2dCase, TensorShrink.conv2dCase)

    /// Valid pooling cases over inputs with pairwise-distinct values.
    static member Pool2dCase() : Arbitrary<Pool2dCase> =
        Arb.fromGenShrink (TensorGen.pool2dCase, TensorShrink.pool2dCase)

    /// Classification batches: logits in [-2, 2], probability rows away from 0, labels.
    static member ClassificationCase() : Arbitrary<ClassificationCase> =
        Arb.fromGenShrink (TensorGen.classificationCase, TensorShrink.classificationCase)

    /// Classification batches with logits of magnitude 500-1000.
    static member LargeLogitsCase() : Arbitrary<LargeLogitsCase> =
        Arb.fromGenShrink (TensorGen.largeLogitsCase, TensorShrink.largeLogitsCase)

    /// Binary cross-entropy cases: probabilities in [0.05, 0.95], hard or soft targets.
    static member BinaryCase() : Arbitrary<BinaryCase> =
        Arb.fromGenShrink (TensorGen.binaryCase, TensorShrink.binaryCase)

    /// Dropout cases: input, probability (0 and 1 included) and the seed of the mask.
    static member DropoutCase() : Arbitrary<DropoutCase> =
        Arb.fromGenShrink (TensorGen.dropoutCase, TensorShrink.dropoutCase)

    /// float32 or float64; a float32 failure shrinks to float64 when it fails there too.
    static member DType() : Arbitrary<DType> =
        Arb.fromGenShrink (TensorGen.dtype, fun d -> if d = DType.Float32 then Seq.singleton DType.Float64 else Seq.empty)

    /// Broadcast-compatible pairs whose operands have independently drawn dtypes.
    static member MixedPair() : Arbitrary<MixedPair> =
        Arb.fromGenShrink (TensorGen.mixedPair, TensorShrink.mixedPair)
