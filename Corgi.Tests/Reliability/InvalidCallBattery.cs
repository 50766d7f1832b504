using System;
using System.Collections.Generic;
using System.IO;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.Reliability;

/// <summary>
/// A table of invalid or extreme calls across the public API (issue 15). Each row names the call, the exception
/// type it must throw (exactly: no NullReferenceException, IndexOutOfRange from inside a kernel, or a silent
/// result), and fragments its message must contain: the op's name and the offending shape or value. The rows
/// are the promises docs/reliability.md lists.
/// </summary>
public class InvalidCallBattery
{
    // Exception types: TensorShapeException (an ArgumentException) for shapes that do not fit, ArgumentException for
    // index tensors holding a bad value (the op, the position and the value are named), ArgumentOutOfRangeException
    // for a scalar argument out of its range, InvalidOperationException for a state that forbids the call,
    // InvalidDataException for bad files.

    /// <summary>One row: a description, the call, the exception type, and the message fragments.</summary>
    public sealed record Case(string Name, Action Call, Type Expected, string[] Fragments)
    {
        /// <inheritdoc/>
        public override string ToString() => Name;
    }

    private static Case C<TException>(string name, Action call, params string[] fragments) where TException : Exception =>
        new(name, call, typeof(TException), fragments);

    private static Tensor M23 => Tensor.Of(1.0, 2, 3, 4, 5, 6).Reshape(2, 3);
    private static Tensor V3 => Tensor.Of(1.0, 2, 3);
    private static Tensor Img => Tensor.Zeros(1, 2, 4, 4);

    /// <summary>The rows.</summary>
    public static IEnumerable<Case> Cases()
    {
        // ---- creation
        yield return C<TensorShapeException>("tensor: values do not match the shape", () => _ = new Tensor(new[] { 2, 3 }, new double[5]), "tensor", "[2,3]", "5");
        yield return C<TensorShapeException>("tensor: negative dimension", () => _ = new Tensor(new[] { 2, -1 }, new double[2]), "tensor", "negative");
        yield return C<TensorShapeException>("tensor float32: values do not match", () => _ = new Tensor(new[] { 4 }, new float[3]), "tensor", "[4]");
        yield return C<ArgumentNullException>("tensor: null values", () => _ = new Tensor(new[] { 1 }, (double[])null!), "values");
        yield return C<ArgumentNullException>("tensor: null shape", () => _ = new Tensor(null!, new double[1]), "shape");
        yield return C<TensorShapeException>("full: shape overflows an array", () => _ = Tensor.Zeros(65536, 65536, 65536, 65536), "full", "[65536,65536,65536,65536]");
        yield return C<TensorShapeException>("full: 2^31 elements", () => _ = Tensor.Zeros(65536, 32768), "full", "[65536,32768]");
        yield return C<TensorShapeException>("eye: n^2 overflows", () => _ = Tensor.Eye(65536), "eye", "[65536,65536]");
        yield return C<ArgumentOutOfRangeException>("eye: negative", () => _ = Tensor.Eye(-1), "eye", "-1");
        yield return C<ArgumentOutOfRangeException>("linspace: negative count", () => _ = Tensor.Linspace(0, 1, -2), "linspace", "-2");
        yield return C<ArgumentException>("arange: zero step", () => _ = Tensor.Arange(0, 1, 0), "arange", "step");
        yield return C<ArgumentException>("arange: NaN bound", () => _ = Tensor.Arange(0, double.NaN), "arange");
        yield return C<ArgumentException>("arange: infinite stop", () => _ = Tensor.Arange(0, double.PositiveInfinity), "arange");
        yield return C<ArgumentException>("arange: more values than an array holds", () => _ = Tensor.Arange(0, 1e12), "arange");
        yield return C<TensorShapeException>("from rows: ragged", () => _ = Tensor.From(new[] { new double[] { 1, 2 }, new double[] { 3 } }), "tensor", "row 1");
        yield return C<ArgumentNullException>("from rows: a null row", () => _ = Tensor.From(new[] { new double[] { 1 }, null! }), "row 1");
        yield return C<ArgumentNullException>("random: null generator", () => _ = Tensor.RandomNormal(new[] { 2 }, (Random)null!), "random");
        yield return C<TensorShapeException>("random: negative dimension", () => _ = Tensor.RandomUniform(new[] { -2 }, 1), "random_uniform", "negative");
        yield return C<ArgumentOutOfRangeException>("dtype: unknown value", () => _ = Tensor.Zeros(new[] { 2 }, (DType)7), "dtype", "7");
        yield return C<ArgumentException>("dtype: unknown name", () => _ = DTypes.Parse("int8"), "dtype", "int8");
        yield return C<ArgumentException>("create: element type not stored", () => _ = Tensor.Create<int, int>(new[] { 2 }, 0, static (s, _) => { }), "create", "Int32");

        // ---- reading
        yield return C<InvalidOperationException>("item: more than one element", () => _ = V3.Item(), "item", "[3]");
        yield return C<IndexOutOfRangeException>("index: out of range", () => _ = V3[3], "index", "3", "[3]");
        yield return C<IndexOutOfRangeException>("index: negative out of range", () => _ = V3[-4], "index", "-4");
        yield return C<ArgumentException>("index: wrong count", () => _ = M23[new[] { 1 }], "index", "[2,3]");
        yield return C<IndexOutOfRangeException>("get_flat: out of range", () => _ = V3.GetFlat(3), "flat index 3", "[3]");
        yield return C<InvalidOperationException>("as_span: float32 as double", () => _ = Tensor.Of(1f).AsSpan().Length, "float32");
        yield return C<InvalidOperationException>("to_array: float64 as float", () => _ = Tensor.Of(1.0).ToArray<float>(), "float64");
        yield return C<InvalidOperationException>("gradient_span: wrong type", () => _ = Tensor.Of(1f).GetGradientSpan<double>().Length, "float32");
        yield return C<ArgumentOutOfRangeException>("size: bad dimension", () => _ = M23.Size(2), "size", "[2,3]");
        yield return C<InvalidOperationException>("to_matrix: rank 1", () => _ = V3.ToMatrix(), "to_matrix", "[3]");

        // ---- arithmetic and broadcasting
        yield return C<TensorShapeException>("add: shapes do not broadcast", () => _ = M23 + Tensor.Ones(2, 2), "add", "[2,3]", "[2,2]");
        yield return C<TensorShapeException>("sub: shapes do not broadcast", () => _ = M23 - Tensor.Ones(4), "sub", "[2,3]", "[4]");
        yield return C<TensorShapeException>("mul: shapes do not broadcast", () => _ = M23 * Tensor.Ones(3, 2), "mul", "[2,3]", "[3,2]");
        yield return C<TensorShapeException>("div: shapes do not broadcast", () => _ = M23 / Tensor.Ones(2, 2, 2), "div", "[2,3]", "[2,2,2]");
        yield return C<TensorShapeException>("pow: shapes do not broadcast", () => _ = M23.Pow(Tensor.Ones(2)), "pow", "[2,3]", "[2]");
        yield return C<TensorShapeException>("maximum: shapes do not broadcast", () => _ = M23.Maximum(Tensor.Ones(4)), "maximum", "[2,3]");
        yield return C<TensorShapeException>("minimum: shapes do not broadcast", () => _ = M23.Minimum(Tensor.Ones(4)), "minimum", "[2,3]");
        yield return C<ArgumentNullException>("add: null operand", () => _ = M23.Add(null!), "b");
        yield return C<ArgumentNullException>("axpy: null x", () => _ = Tensor.Axpy(1, null!, V3), "x");
        yield return C<TensorShapeException>("axpy: shapes do not broadcast", () => _ = Tensor.Axpy(2, M23, Tensor.Ones(2)), "axpy", "[2,3]", "[2]");
        yield return C<ArgumentException>("clamp: min above max", () => _ = V3.Clamp(2, 1), "clamp", "2", "1");
        yield return C<ArgumentOutOfRangeException>("dropout: probability above 1", () => _ = V3.Dropout(1.5, new Random(1)), "dropout", "1.5");
        yield return C<ArgumentOutOfRangeException>("dropout: NaN probability", () => _ = V3.Dropout(double.NaN, new Random(1)), "dropout", "NaN");
        yield return C<ArgumentNullException>("dropout: null random", () => _ = V3.Dropout(0.5, null!), "random");

        // ---- activations
        yield return C<ArgumentOutOfRangeException>("softmax: bad dimension", () => _ = M23.Softmax(2), "softmax", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("log_softmax: bad dimension", () => _ = M23.LogSoftmax(-3), "log_softmax", "[2,3]");

        // ---- reductions
        yield return C<ArgumentOutOfRangeException>("sum: bad dimension", () => _ = M23.Sum(2), "sum", "[2,3]");
        yield return C<ArgumentException>("sum: repeated dimension", () => _ = M23.Sum(new[] { 0, 0 }), "sum");
        yield return C<ArgumentOutOfRangeException>("sum_last: too many", () => _ = M23.SumLast(3), "sum", "3", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("mean: bad dimension", () => _ = M23.Mean(-3), "mean", "[2,3]");
        yield return C<TensorShapeException>("sum_to: not a broadcast source", () => _ = M23.SumTo(2), "sum_to", "[2,3]", "[2]");
        yield return C<InvalidOperationException>("max: empty tensor", () => _ = Tensor.Zeros(0).Max(), "max", "[0]");
        yield return C<InvalidOperationException>("min: empty dimension", () => _ = Tensor.Zeros(2, 0).Min(1), "min", "[2,0]");
        yield return C<ArgumentOutOfRangeException>("argmax: bad dimension", () => _ = M23.ArgMax(2), "argmax", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("argmin: bad dimension", () => _ = M23.ArgMin(-3), "argmin", "[2,3]");

        // ---- shapes
        yield return C<TensorShapeException>("reshape: wrong count", () => _ = M23.Reshape(4, 2), "reshape", "[2,3]", "[4,2]");
        yield return C<TensorShapeException>("reshape: two -1", () => _ = M23.Reshape(-1, -1), "reshape", "-1");
        yield return C<TensorShapeException>("reshape: -1 that does not divide", () => _ = M23.Reshape(4, -1), "reshape", "[2,3]");
        yield return C<TensorShapeException>("reshape: negative", () => _ = M23.Reshape(-2, -3), "reshape", "negative");
        yield return C<ArgumentException>("permute: wrong count", () => _ = M23.Permute(0), "permute", "[2,3]");
        yield return C<ArgumentException>("permute: repeated", () => _ = M23.Permute(0, 0), "permute");
        yield return C<ArgumentOutOfRangeException>("transpose: bad dimension", () => _ = M23.Transpose(0, 2), "transpose", "[2,3]");
        yield return C<TensorShapeException>("broadcast_to: incompatible", () => _ = M23.BroadcastTo(3, 3), "broadcast_to", "[2,3]", "[3,3]");
        yield return C<ArgumentOutOfRangeException>("narrow: past the end", () => _ = M23.Narrow(1, 2, 2), "narrow", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("narrow: length overflowing int", () => _ = M23.Narrow(0, 1, int.MaxValue), "narrow", "2147483647");
        yield return C<ArgumentOutOfRangeException>("narrow: negative length", () => _ = M23.Narrow(0, 0, -1), "narrow", "-1");
        yield return C<IndexOutOfRangeException>("index_select: out of range", () => _ = M23.IndexSelect(1, 0, 3), "index_select", "3", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("squeeze: bad dimension", () => _ = M23.Squeeze(5), "squeeze", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("unsqueeze: bad dimension", () => _ = M23.Unsqueeze(4), "unsqueeze", "[2,3]");
        yield return C<ArgumentException>("flatten: start after end", () => _ = Tensor.Zeros(2, 3, 4).Flatten(2, 1), "flatten", "[2,3,4]");
        yield return C<TensorShapeException>("concat: nothing to join", () => _ = Tensor.Concat(Array.Empty<Tensor>()), "concat");
        yield return C<TensorShapeException>("concat: shapes differ", () => _ = Tensor.Concat(new[] { M23, Tensor.Ones(2, 2, 2) }), "concat", "[2,3]", "[2,2,2]");
        yield return C<TensorShapeException>("concat: scalars", () => _ = Tensor.Concat(new[] { Tensor.Scalar(1), Tensor.Scalar(2) }), "concat", "scalars");
        yield return C<ArgumentNullException>("concat: a null tensor", () => _ = Tensor.Concat(new[] { null!, V3 }), "concat", "tensor 0");
        yield return C<ArgumentNullException>("stack: a null tensor", () => _ = Tensor.Stack(new[] { V3, null! }), "stack", "tensor 1");
        yield return C<TensorShapeException>("stack: shapes differ", () => _ = Tensor.Stack(new[] { V3, Tensor.Ones(2) }), "stack", "[3]", "[2]");

        // ---- linear algebra
        yield return C<TensorShapeException>("matmul: inner dimensions differ", () => _ = M23.MatMul(M23), "matmul", "[2,3]", "3", "2");
        yield return C<TensorShapeException>("matmul: scalar operand", () => _ = Tensor.Scalar(2).MatMul(V3), "matmul", "[]");
        yield return C<TensorShapeException>("matmul: vector lengths differ", () => _ = V3.MatMul(Tensor.Ones(2)), "matmul", "[3]", "[2]");
        yield return C<TensorShapeException>("matmul: batches do not broadcast", () => _ = Tensor.Ones(2, 2, 3).MatMul(Tensor.Ones(3, 3, 2)), "matmul", "batch");
        yield return C<TensorShapeException>("matmul: bias does not broadcast", () => _ = M23.MatMul(M23, transposeOther: true, bias: Tensor.Ones(3)), "matmul", "bias", "[3]");
        yield return C<TensorShapeException>("dot: not vectors", () => _ = M23.Dot(V3), "dot", "[2,3]");
        yield return C<TensorShapeException>("outer: not vectors", () => _ = M23.Outer(V3), "outer", "[2,3]");

        // ---- convolution and pooling
        yield return C<TensorShapeException>("conv2d: channels differ", () => _ = Img.Conv2d(Tensor.Zeros(3, 1, 2, 2)), "conv2d");
        yield return C<TensorShapeException>("conv2d: input not rank 4", () => _ = Tensor.Zeros(2, 4, 4).Conv2d(Tensor.Zeros(1, 2, 2, 2)), "conv2d", "[2,4,4]");
        yield return C<TensorShapeException>("conv2d: kernel larger than the image", () => _ = Img.Conv2d(Tensor.Zeros(3, 2, 5, 5)), "conv2d", "does not fit");
        yield return C<TensorShapeException>("conv2d: bias of the wrong length", () => _ = Img.Conv2d(Tensor.Zeros(3, 2, 2, 2), Tensor.Zeros(2)), "conv2d", "bias");
        yield return C<ArgumentOutOfRangeException>("conv2d: zero stride", () => _ = Img.Conv2d(Tensor.Zeros(3, 2, 2, 2), stride: 0), "conv2d", "stride");
        yield return C<ArgumentOutOfRangeException>("conv2d: negative padding", () => _ = Img.Conv2d(Tensor.Zeros(3, 2, 2, 2), padding: -1), "conv2d", "padding");
        yield return C<TensorShapeException>("max_pool2d: window larger than the image", () => _ = Img.MaxPool2d(5), "max_pool2d");
        yield return C<ArgumentOutOfRangeException>("max_pool2d: zero kernel", () => _ = Img.MaxPool2d(0), "max_pool2d");
        yield return C<ArgumentOutOfRangeException>("avg_pool2d: padding above half the kernel", () => _ = Img.AvgPool2d(2, 1, 2), "avg_pool2d", "padding");
        yield return C<TensorShapeException>("avg_pool2d: input not rank 4", () => _ = V3.AvgPool2d(2), "avg_pool2d", "[3]");

        // ---- autodiff
        yield return C<InvalidOperationException>("backward: untracked", () => V3.Sum().Backward(), "backward", "not tracked");
        yield return C<TensorShapeException>("backward: seed of another shape", () => V3.Tracked().Backward(Tensor.Ones(2)), "backward", "[2]", "[3]");
        yield return C<InvalidOperationException>("custom: forward returns null", () => _ = Tensor.Custom("twice", new[] { V3.Tracked() }, _ => null!, (_, _, g) => new Tensor?[] { g }), "twice", "null");
        yield return C<ArgumentException>("custom: backward returns too few gradients", () =>
            Tensor.Custom("twice", new[] { V3.Tracked() }, x => x[0] * 2.0, (_, _, g) => Array.Empty<Tensor?>()).Sum().Backward(), "twice", "0", "1");
        yield return C<InvalidOperationException>("custom: backward gradient of a wrong shape", () =>
            Tensor.Custom("twice", new[] { V3.Tracked() }, x => x[0] * 2.0, (_, _, g) => new Tensor?[] { Tensor.Ones(2) }).Sum().Backward(), "twice", "[2]", "[3]");

        // ---- NN
        yield return C<ArgumentOutOfRangeException>("dense: zero inputs", () => _ = new Dense(0, 3), "dense", "0");
        yield return C<ArgumentOutOfRangeException>("dense: zero outputs", () => _ = new Dense(3, 0), "dense", "0");
        yield return C<TensorShapeException>("mse: shapes differ", () => _ = Cost.Mse().Compute(V3, Tensor.Ones(2)), "mse", "[3]", "[2]");
        yield return C<TensorShapeException>("cross_entropy: shapes differ", () => _ = Cost.CrossEntropy().Compute(M23, V3), "cross_entropy", "[2,3]", "[3]");
        yield return C<TensorShapeException>("softmax_cross_entropy: logits not rank 2", () => _ = Cost.SoftmaxCrossEntropy().Compute(V3, V3), "softmax_cross_entropy", "[3]");
        yield return C<TensorShapeException>("softmax_cross_entropy: target of another batch", () => _ = Cost.SoftmaxCrossEntropy().Compute(M23, V3), "softmax_cross_entropy", "[3]");
        yield return C<ArgumentOutOfRangeException>("softmax_cross_entropy: class index out of range", () => _ = Cost.SoftmaxCrossEntropy().Compute(M23, Tensor.Of(0.0, 3.0)), "3");
        yield return C<ArgumentOutOfRangeException>("softmax_cross_entropy: fractional class index", () => _ = Cost.SoftmaxCrossEntropy().Compute(M23, Tensor.Of(0.0, 1.5)), "1.5");
        yield return C<ArgumentOutOfRangeException>("binary_cross_entropy: probability 1.5", () => _ = Cost.BinaryCrossEntropy().Compute(Tensor.Of(1.5), Tensor.Of(1.0)), "binary_cross_entropy", "1.5");
        yield return C<ArgumentOutOfRangeException>("binary_cross_entropy: negative probability", () => _ = Cost.BinaryCrossEntropy().Compute(Tensor.Of(-0.1), Tensor.Of(1.0)), "binary_cross_entropy", "-0.1");
        yield return C<TensorShapeException>("binary_cross_entropy_with_logits: shapes differ", () => _ = Cost.BinaryCrossEntropyWithLogits().Compute(V3, M23), "binary_cross_entropy_with_logits", "[3]", "[2,3]");
        yield return C<ArgumentNullException>("cost: null output", () => _ = Cost.Mse().Compute(null!, V3), "output");

        // ---- maths, activations, comparisons (issue 11)
        yield return C<TensorShapeException>("atan2: shapes do not broadcast", () => _ = M23.Atan2(Tensor.Ones(2)), "atan2", "[2,3]", "[2]");
        yield return C<TensorShapeException>("hypot: shapes do not broadcast", () => _ = M23.Hypot(Tensor.Ones(4)), "hypot", "[2,3]", "[4]");
        yield return C<TensorShapeException>("lerp: weight does not broadcast", () => _ = M23.Lerp(M23, Tensor.Ones(2)), "[2]");
        yield return C<TensorShapeException>("eq: shapes do not broadcast", () => _ = M23.Eq(Tensor.Ones(2)), "eq", "[2,3]", "[2]");
        yield return C<TensorShapeException>("where: condition does not broadcast", () => _ = Tensor.Where(Tensor.Ones(4), M23, M23), "where", "[4]");
        yield return C<TensorShapeException>("masked_fill: mask does not broadcast", () => _ = M23.MaskedFill(Tensor.Ones(2), 0), "masked_fill", "[2]");
        yield return C<ArgumentOutOfRangeException>("var: bad dimension", () => _ = M23.Var(2), "var", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("cumsum: bad dimension", () => _ = M23.CumSum(2), "cumsum", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("topk: k larger than the dimension", () => _ = M23.TopK(4), "topk", "4");
        yield return C<ArgumentOutOfRangeException>("topk: negative k", () => _ = M23.TopK(-1), "topk", "-1");
        yield return C<ArgumentOutOfRangeException>("norm: negative p", () => _ = V3.Norm(-1), "norm", "-1");
        yield return C<ArgumentOutOfRangeException>("softplus: zero beta", () => _ = V3.Softplus(0), "softplus", "0");

        // ---- indexing and shapes (issue 11)
        yield return C<ArgumentException>("gather: index out of range", () => _ = M23.Gather(1, Tensor.Of(0.0, 3.0).Reshape(2, 1)), "gather", "3");
        yield return C<ArgumentException>("gather: fractional index", () => _ = M23.Gather(1, Tensor.Of(0.5, 1.0).Reshape(2, 1)), "gather", "0.5");
        yield return C<ArgumentOutOfRangeException>("gather: bad dimension", () => _ = M23.Gather(2, M23), "gather", "[2,3]");
        yield return C<ArgumentException>("scatter: index out of range", () => _ = M23.Scatter(1, Tensor.Of(5.0).Reshape(1, 1), 1.0), "scatter", "5");
        yield return C<ArgumentException>("one_hot: class beyond the count", () => _ = Tensor.OneHot(Tensor.Of(0.0, 3.0), 3), "one_hot", "3");
        yield return C<ArgumentException>("one_hot: negative class", () => _ = Tensor.OneHot(Tensor.Of(-1.0), 3), "one_hot", "-1");
        yield return C<ArgumentOutOfRangeException>("slice: zero step", () => _ = M23.Slice(1, 0, 3, 0), "slice", "0");
        yield return C<ArgumentOutOfRangeException>("split: zero size", () => _ = M23.Split(0, 1), "split", "0");
        yield return C<TensorShapeException>("split: sizes do not add up", () => _ = M23.Split(new[] { 1, 1 }, 1), "split", "[2,3]");
        yield return C<ArgumentOutOfRangeException>("chunk: zero chunks", () => _ = M23.Chunk(0), "chunk", "0");
        yield return C<TensorShapeException>("pad: odd number of widths", () => _ = M23.Pad(new[] { 1 }), "pad");
        yield return C<TensorShapeException>("pad: reflect wider than the dimension", () => _ = M23.Pad(new[] { 3, 3 }, PaddingMode.Reflect), "pad", "[2,3]");
        yield return C<TensorShapeException>("repeat: negative count", () => _ = M23.Repeat(1, -1), "repeat", "-1");
        yield return C<TensorShapeException>("repeat: fewer counts than dimensions", () => _ = M23.Repeat(2), "repeat", "[2,3]");
        yield return C<TensorShapeException>("diagonal: same dimension twice", () => _ = M23.Diagonal(0, 1, 1), "diagonal");
        yield return C<TensorShapeException>("unflatten: sizes do not multiply to the dimension", () => _ = M23.Unflatten(1, 2, 2), "unflatten", "[2,3]");
        yield return C<ArgumentException>("movedim: repeated destination", () => _ = Tensor.Zeros(2, 3, 4).Movedim(new[] { 0, 1 }, new[] { 2, 2 }), "movedim");
        yield return C<ArgumentException>("einsum: operand count differs", () => _ = Tensor.Einsum("ij,jk->ik", M23), "einsum", "ij,jk->ik");
        yield return C<TensorShapeException>("einsum: rank differs from subscripts", () => _ = Tensor.Einsum("ijk->i", M23), "einsum", "ijk->i");
        yield return C<TensorShapeException>("einsum: sizes of one letter differ", () => _ = Tensor.Einsum("ij,ij->i", M23, Tensor.Ones(3, 2)), "einsum");
        yield return C<ArgumentException>("einsum: bad character", () => _ = Tensor.Einsum("i1->i", V3), "einsum", "i1->i");

        // ---- convolution variants (issue 11)
        yield return C<TensorShapeException>("conv1d: input not rank 3", () => _ = M23.Conv1d(Tensor.Ones(1, 2, 2)), "conv1d", "[2,3]");
        yield return C<TensorShapeException>("conv2d: channels not divisible by groups", () => _ = Tensor.Zeros(1, 3, 4, 4).Conv2d(Tensor.Zeros(2, 1, 2, 2), null, 1, 0, 1, 2), "conv2d", "groups");
        yield return C<ArgumentOutOfRangeException>("conv2d: zero dilation", () => _ = Img.Conv2d(Tensor.Zeros(3, 2, 2, 2), null, 1, 0, 0), "conv2d", "dilation");
        yield return C<ArgumentOutOfRangeException>("conv_transpose2d: output padding not below the stride", () => _ = Img.ConvTranspose2d(Tensor.Zeros(2, 3, 2, 2), stride: 2, outputPadding: 2), "conv_transpose2d", "output");
        yield return C<ArgumentOutOfRangeException>("adaptive_avg_pool2d: zero output", () => _ = Img.AdaptiveAvgPool2d(0, 2), "adaptive_avg_pool2d", "0");
        yield return C<ArgumentOutOfRangeException>("upsample_nearest2d: zero factor", () => _ = Img.UpsampleNearest2d(0), "upsample_nearest2d", "0");

        // ---- layers (issue 12) and training (issue 13)
        yield return C<TensorShapeException>("layer_norm: last dimension differs", () => _ = new LayerNorm(4).Forward(M23), "layer_norm", "[2,3]");
        yield return C<TensorShapeException>("batch_norm1d: channels differ", () => _ = new BatchNorm1d(4).Forward(M23), "[2,3]");
        yield return C<ArgumentException>("embedding: index beyond the table", () => _ = new Embedding(3, 2).Forward(Tensor.Of(0.0, 3.0)), "embedding", "3");
        yield return C<ArgumentOutOfRangeException>("embedding: zero rows", () => _ = new Embedding(0, 2), "embedding", "0");
        yield return C<TensorShapeException>("lstm: input size differs", () => _ = new Lstm(4, 3).Forward(Tensor.Zeros(5, 2, 3)), "lstm", "[5,2,3]");
        yield return C<ArgumentOutOfRangeException>("multihead_attention: width not divisible by heads", () => _ = new MultiheadAttention(6, 4), "multihead_attention", "6", "4");
        yield return C<ArgumentOutOfRangeException>("data_loader: zero batch size", () => _ = new Corgi.Data.DataLoader(Corgi.Data.Dataset.FromTensors(M23, V3.Narrow(0, 0, 2)), 0), "batch", "0");
        yield return C<FileNotFoundException>("csv: missing file", () => _ = Corgi.Data.Csv.Load(Path.Combine(Path.GetTempPath(), "corgi-missing-" + Guid.NewGuid().ToString("N") + ".csv"), new Corgi.Data.CsvOptions { LabelColumn = "y" }), "corgi-missing-");
        yield return C<FileNotFoundException>("checkpoint: missing file", () => _ = Corgi.IO.Checkpoint.Load(Path.Combine(Path.GetTempPath(), "corgi-missing.ckpt"),
            new Model(new ILayer[] { new Dense(2, 1) }, new Sgd(0.1), Cost.Mse())), "corgi-missing.ckpt");

        // ---- files: IDX headers checked against the real length before allocating (issue 15)
        yield return C<InvalidDataException>("idx: header declares 500 MB in a 12-byte file", () => _ = Corgi.Data.Idx.Read(new MemoryStream(new byte[] { 0, 0, 8, 2, 0, 0, 0x5D, 0xC0, 0, 0, 0x5D, 0xC0 })), "idx", "truncated", "[24000,24000]");
        yield return C<InvalidDataException>("idx: 2^30 doubles, more than an array can hold", () => _ = Corgi.Data.Idx.Read(new MemoryStream(new byte[] { 0, 0, 0x0E, 1, 0x40, 0, 0, 0 })), "idx", "[1073741824]");
        yield return C<InvalidDataException>("idx: unknown type code", () => _ = Corgi.Data.Idx.Read(new MemoryStream(new byte[] { 0, 0, 7, 1 })), "idx", "0x07");
    }

    /// <summary>The rows as xunit theory data.</summary>
    public static IEnumerable<object[]> Rows()
    {
        foreach (var c in Cases()) yield return new object[] { c };
    }

    [Theory]
    [MemberData(nameof(Rows))]
    public void InvalidCall_ThrowsTheRightExceptionNamingTheOp(Case row)
    {
        var e = Record.Exception(row.Call);
        Assert.True(e is not null, $"{row.Name}: expected {row.Expected.Name}, but the call returned normally");
        Assert.True(row.Expected == e!.GetType(), $"{row.Name}: expected {row.Expected.Name}, got {e.GetType().Name}: {e.Message}");
        foreach (var f in row.Fragments)
            Assert.True(e.Message.Contains(f, StringComparison.Ordinal), $"{row.Name}: the message does not contain '{f}': {e.Message}");
    }

    [Fact]
    public void TheBatteryHasTheRowsDocsReliabilityPromises()
    {
        int n = 0;
        foreach (var _ in Cases()) n++;
        Assert.True(n >= 150, $"{n} rows");
    }
}
