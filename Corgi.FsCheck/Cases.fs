namespace Corgi.FsCheck

open Corgi

/// The ranges generated values are drawn from. Every domain uses short decimals (two digits at most),
/// so a failing case prints readably, and keeps away from the points where the ops it is meant for are
/// not differentiable or badly conditioned.
[<RequireQualifiedAccess>]
type Domain =
    /// [-2, 2] in steps of 0.01: smooth element-wise ops, sums, products, matmul.
    | General
    /// [0.2, 3] in steps of 0.01: log, sqrt, pow with any exponent, tensor exponents' bases.
    | Positive
    /// -2..-0.5 or 0.5..2 in steps of 0.01: denominators and reciprocal.
    | NonZero
    /// -2..-0.1 or 0.1..2 in steps of 0.01: relu, leaky relu, abs (kink at 0).
    | AwayFromKinks
    /// Multiples of 0.1 in [-2, 2]. Every value differs from every <see cref="OddTwentieths"/> value by at
    /// least 0.05, so maximum/minimum/clamp of the two never tie.
    | Tenths
    /// Odd multiples of 0.05 in [-1.95, 1.95] (never a multiple of 0.1).
    | OddTwentieths
    /// -1000..-500 or 500..1000 (integers): large-magnitude inputs such as softmax of 1000s.
    | Large

/// A tensor shape (rank 0 to 4, small dimensions including 1), for properties that take a shape.
type Shape =
    | Shape of int[]

    /// The dimensions.
    member this.Dims =
        let (Shape dims) = this
        dims

    /// The shape as <c>[2,3]</c>.
    override this.ToString() = "[" + System.String.Join(",", this.Dims) + "]"

/// A tensor of arbitrary shape with values in [0.2, 3].
type PositiveTensor =
    | PositiveTensor of Tensor

    /// The tensor.
    member this.Value =
        let (PositiveTensor t) = this
        t

/// A tensor of arbitrary shape with |values| in [0.5, 2].
type NonZeroTensor =
    | NonZeroTensor of Tensor

    /// The tensor.
    member this.Value =
        let (NonZeroTensor t) = this
        t

/// A tensor of arbitrary shape with |values| in [0.1, 2] (away from the kink of relu/abs at 0).
type AwayFromKinksTensor =
    | AwayFromKinksTensor of Tensor

    /// The tensor.
    member this.Value =
        let (AwayFromKinksTensor t) = this
        t

/// A tensor of rank 1 to 4 whose values are pairwise distinct (by at least 0.1): max/min never tie.
type DistinctTensor =
    | DistinctTensor of Tensor

    /// The tensor.
    member this.Value =
        let (DistinctTensor t) = this
        t

/// Two tensors whose shapes broadcast together (trailing dimensions aligned, size-1 and missing
/// dimensions expanded), with values in [-2, 2].
type BroadcastPair =
    {
        /// The left operand.
        Left: Tensor
        /// The right operand.
        Right: Tensor
    }

/// Two broadcast-compatible tensors whose elements never tie: the left values are multiples of 0.1, the
/// right ones odd multiples of 0.05, so maximum/minimum are differentiable everywhere.
type SeparatedPair =
    {
        /// The left operand (multiples of 0.1).
        Left: Tensor
        /// The right operand (odd multiples of 0.05).
        Right: Tensor
    }

/// A matrix product that is valid: 1-D, 2-D or batched operands (batch dimensions broadcast), transpose
/// flags (only on operands of rank 2 or more, whose stored shape is then transposed), and an optional bias
/// that broadcasts to the product.
type MatMulCase =
    {
        /// The left operand as stored.
        Left: Tensor
        /// The right operand as stored.
        Right: Tensor
        /// Whether the product uses the transpose of the left operand's last two dimensions.
        TransposeLeft: bool
        /// Whether the product uses the transpose of the right operand's last two dimensions.
        TransposeRight: bool
        /// The bias added to the product, if any.
        Bias: Tensor option
    }

    /// The inputs in the order (left, right[, bias]).
    member this.Inputs =
        match this.Bias with
        | Some b -> [| this.Left; this.Right; b |]
        | None -> [| this.Left; this.Right |]

    /// The product of the given inputs (same order as <see cref="Inputs"/>) with this case's flags.
    member this.ProductOf(inputs: Tensor[]) =
        let bias: Tensor | null = if inputs.Length > 2 then inputs.[2] else null
        inputs.[0].MatMul(inputs.[1], this.TransposeLeft, this.TransposeRight, bias)

    /// The product of this case's own tensors.
    member this.Product() = this.ProductOf this.Inputs

/// A sum/mean over a random list of dimensions (some written negative), with or without keepDim.
type ReductionCase =
    {
        /// The tensor to reduce (values in [-2, 2]).
        Input: Tensor
        /// The dimensions to reduce; each at most once.
        Dims: int[]
        /// Whether the reduced dimensions are kept with size 1.
        KeepDim: bool
    }

/// One dimension of a tensor of rank 1 or more with pairwise-distinct values (by at least 0.1): for
/// max/min/argmax along a dimension and softmax, where ties would make the derivative undefined.
type AxisCase =
    {
        /// The tensor (pairwise-distinct values).
        Input: Tensor
        /// The dimension (possibly written negative).
        Dim: int
        /// Whether the reduced dimension is kept with size 1.
        KeepDim: bool
    }

// ---------------------------------------------------------------------------------------------------
// EXTENSION POINT (convolution): conv2d/pooling-compatible cases (input [N,C,H,W], filter [O,C,KH,KW],
// stride, padding) belong here, next to MatMulCase, once Ops/Convolution.cs is on main. Add the record
// here, its generator in TensorGen.fs, its shrinker in TensorShrink.fs and its member in Arbitraries.fs.
// ---------------------------------------------------------------------------------------------------
