namespace Corgi.FsCheck

open Corgi

/// Converting generated tensors to a dtype (exact from float32 to float64; float64 to float32 rounds the short
/// decimals the generators draw, e.g. 0.1 to 0.100000001490116, keeping every domain's spacing).
module internal DTypeOf =
    /// The tensor's values in the dtype, untracked.
    let tensor (dtype: DType) (t: Tensor) : Tensor = t.To(dtype).Detach()

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

    /// The pair with both tensors in a dtype.
    member this.WithDType(dtype: DType) : BroadcastPair = { Left = DTypeOf.tensor dtype this.Left; Right = DTypeOf.tensor dtype this.Right }

/// Two broadcast-compatible tensors whose elements never tie: the left values are multiples of 0.1, the
/// right ones odd multiples of 0.05, so maximum/minimum are differentiable everywhere.
type SeparatedPair =
    {
        /// The left operand (multiples of 0.1).
        Left: Tensor
        /// The right operand (odd multiples of 0.05).
        Right: Tensor
    }

    /// The pair with both tensors in a dtype (the two grids stay apart by about 0.05 in float32 too).
    member this.WithDType(dtype: DType) : SeparatedPair = { Left = DTypeOf.tensor dtype this.Left; Right = DTypeOf.tensor dtype this.Right }

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

    /// The case with every tensor (operands and bias) in a dtype.
    member this.WithDType(dtype: DType) =
        { this with
            Left = DTypeOf.tensor dtype this.Left
            Right = DTypeOf.tensor dtype this.Right
            Bias = this.Bias |> Option.map (DTypeOf.tensor dtype) }

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

    /// The case with its input in a dtype.
    member this.WithDType(dtype: DType) = { this with Input = DTypeOf.tensor dtype this.Input }

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

    /// The case with its input in a dtype.
    member this.WithDType(dtype: DType) = { this with Input = DTypeOf.tensor dtype this.Input }

/// A valid 2-D convolution: input [N, C, H, W], filters [O, C, KH, KW] whose kernel fits the padded input
/// (KH &lt;= H + 2·padding height, likewise KW), an optional bias [O], and (vertical, horizontal) stride and padding.
type Conv2dCase =
    {
        /// The images [N, C, H, W].
        Input: Tensor
        /// The filters [O, C, KH, KW].
        Filters: Tensor
        /// The bias [O], if any.
        Bias: Tensor option
        /// (vertical, horizontal) stride, each at least 1.
        Stride: int * int
        /// (vertical, horizontal) zero padding, each at least 0.
        Padding: int * int
    }

    /// The inputs in the order (input, filters[, bias]).
    member this.Inputs =
        match this.Bias with
        | Some b -> [| this.Input; this.Filters; b |]
        | None -> [| this.Input; this.Filters |]

    /// The convolution of the given inputs (same order as <see cref="Inputs"/>) with this case's stride and
    /// padding: through the int overload when both are square, else through the (height, width) overload.
    member this.ConvolutionOf(inputs: Tensor[]) =
        let bias: Tensor | null = if inputs.Length > 2 then inputs.[2] else null
        let (sh, sw), (ph, pw) = this.Stride, this.Padding
        if sh = sw && ph = pw then inputs.[0].Conv2d(inputs.[1], bias, sh, ph)
        else inputs.[0].Conv2d(inputs.[1], bias, struct (sh, sw), struct (ph, pw))

    /// The convolution of this case's own tensors.
    member this.Convolution() = this.ConvolutionOf this.Inputs

    /// The case with input, filters and bias in a dtype.
    member this.WithDType(dtype: DType) =
        { this with
            Input = DTypeOf.tensor dtype this.Input
            Filters = DTypeOf.tensor dtype this.Filters
            Bias = this.Bias |> Option.map (DTypeOf.tensor dtype) }

    /// The fused convolution + ReLU (<c>Conv2dRelu</c>) of the given inputs (same order as <see cref="Inputs"/>),
    /// through the int or the (height, width) overload as <see cref="ConvolutionOf"/>.
    member this.RectifiedConvolutionOf(inputs: Tensor[]) =
        let bias: Tensor | null = if inputs.Length > 2 then inputs.[2] else null
        let (sh, sw), (ph, pw) = this.Stride, this.Padding
        if sh = sw && ph = pw then inputs.[0].Conv2dRelu(inputs.[1], bias, sh, ph)
        else inputs.[0].Conv2dRelu(inputs.[1], bias, struct (sh, sw), struct (ph, pw))

    /// The smallest |pre-activation| of this case's convolution: how far its outputs are from ReLU's kink.
    member this.DistanceFromKink = this.Convolution().Abs().Min().Item()

    /// The output shape [N, O, OH, OW] with OH = (H + 2·padding - KH) / stride + 1 (likewise OW).
    member this.OutputShape =
        let x, f = this.Input.Shape, this.Filters.Shape
        let (sh, sw), (ph, pw) = this.Stride, this.Padding
        [| x.[0]; f.[0]; (x.[2] + 2 * ph - f.[2]) / sh + 1; (x.[3] + 2 * pw - f.[3]) / sw + 1 |]

/// A valid 2-D pooling: input [N, C, H, W] with pairwise-distinct values (by at least 0.1, so the maximum
/// of a window never ties and stays put under a finite-difference step), a (height, width) window that
/// fits the padded input, a stride, and a padding of at most half the window (what the pooling ops accept).
type Pool2dCase =
    {
        /// The images [N, C, H, W] (pairwise-distinct values).
        Input: Tensor
        /// (height, width) of the window.
        Kernel: int * int
        /// (vertical, horizontal) step, each at least 1.
        Stride: int * int
        /// (vertical, horizontal) padding, each at most half the window's extent.
        Padding: int * int
    }

    /// The case with its input in a dtype.
    member this.WithDType(dtype: DType) = { this with Input = DTypeOf.tensor dtype this.Input }

    member private this.Square =
        let (kh, kw), (sh, sw), (ph, pw) = this.Kernel, this.Stride, this.Padding
        if kh = kw && sh = sw && ph = pw then
            // the default stride (null) is the kernel size
            Some(kh, (if sh = kh then System.Nullable() else System.Nullable sh), ph)
        else None

    /// Max pooling of x with this case's window: through the int overload when everything is square (with the
    /// default stride when it equals the kernel), else through the (height, width) overload.
    member this.MaxPoolOf(x: Tensor) =
        match this.Square with
        | Some(k, s, p) -> x.MaxPool2d(k, s, p)
        | None ->
            let (kh, kw), (sh, sw), (ph, pw) = this.Kernel, this.Stride, this.Padding
            x.MaxPool2d(struct (kh, kw), struct (sh, sw), struct (ph, pw))

    /// Average pooling of x with this case's window (overloads chosen as for <see cref="MaxPoolOf"/>).
    member this.AvgPoolOf(x: Tensor) =
        match this.Square with
        | Some(k, s, p) -> x.AvgPool2d(k, s, p)
        | None ->
            let (kh, kw), (sh, sw), (ph, pw) = this.Kernel, this.Stride, this.Padding
            x.AvgPool2d(struct (kh, kw), struct (sh, sw), struct (ph, pw))

    /// The output shape [N, C, OH, OW] with OH = (H + 2·padding - kernel) / stride + 1 (likewise OW).
    member this.OutputShape =
        let x = this.Input.Shape
        let (kh, kw), (sh, sw), (ph, pw) = this.Kernel, this.Stride, this.Padding
        [| x.[0]; x.[1]; (x.[2] + 2 * ph - kh) / sh + 1; (x.[3] + 2 * pw - kw) / sw + 1 |]

/// A classification batch of B rows and K classes: logits, probability rows and class labels, for the costs.
type ClassificationCase =
    {
        /// Scores [B, K] (the input of softmax cross-entropy).
        Logits: Tensor
        /// Probability rows [B, K]: each row sums to 1 and every entry is at least 1 / (1 + 9 (K - 1)), so
        /// ln stays well-conditioned (a prediction for cross-entropy, or a soft target).
        Probabilities: Tensor
        /// The class index of each row, in [0, K).
        Labels: int[]
    }

    /// The number of rows B.
    member this.Batch = this.Logits.Size 0

    /// The number of classes K.
    member this.Classes = this.Logits.Size 1

    /// The labels as a tensor of class indices [B] (integer values).
    member this.Indices = Tensor([| this.Labels.Length |], this.Labels |> Array.map float)

    /// The labels as one-hot rows [B, K].
    member this.OneHot =
        let k = this.Classes
        Tensor([| this.Labels.Length; k |], Array.init (this.Labels.Length * k) (fun i -> if i % k = this.Labels.[i / k] then 1.0 else 0.0))

/// A classification case whose logits have large magnitude (-1000..-500 or 500..1000, integers): softmax
/// cross-entropy on logits must stay finite there, where exp overflows without the max shift.
type LargeLogitsCase =
    | LargeLogitsCase of ClassificationCase

    /// The case.
    member this.Value =
        let (LargeLogitsCase c) = this
        c

/// Predictions and targets of the same shape for binary cross-entropy: probabilities in [0.05, 0.95]
/// (away from the clamp at 0 and 1), targets either 0/1 labels or soft values in [0, 1].
type BinaryCase =
    {
        /// Predicted probabilities in [0.05, 0.95] (steps of 0.01).
        Probabilities: Tensor
        /// Targets of the same shape: 0 or 1, or (soft targets) in [0, 1] in steps of 0.01.
        Targets: Tensor
    }

/// An input for dropout with a drop probability and the seed of the mask: dropout is random, so a case
/// fixes its randomness (<see cref="Random"/> gives a fresh source with the same sequence on every call).
type DropoutCase =
    {
        /// The input (values in [-2, 2]).
        Input: Tensor
        /// The probability of dropping an element, in [0, 1] in steps of 0.05 (0 and 1 included).
        Probability: float
        /// The seed of the mask.
        Seed: int
    }

    /// A new random source seeded with <see cref="Seed"/>: the same mask on every call.
    member this.Random() = System.Random(this.Seed)

/// Two broadcast-compatible tensors (values in [-2, 2]) whose dtypes are drawn independently, so that all four
/// combinations of float32 and float64 occur: for promotion and mixed-dtype gradients.
type MixedPair =
    | MixedPair of left: Tensor * right: Tensor

    /// The left operand.
    member this.Left =
        let (MixedPair(a, _)) = this
        a

    /// The right operand.
    member this.Right =
        let (MixedPair(_, b)) = this
        b

    /// The dtype an op on the two gives (PyTorch's rules: <c>Tensor.ResultDType</c>).
    member this.ResultDType = Tensor.ResultDType(this.Left, this.Right)
