using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// Layer normalization (PyTorch's <c>nn.LayerNorm</c>): each sample is normalized over its last dimensions
/// (the normalized shape), y = (x − mean) / sqrt(var + eps) · γ + β, with the biased variance; γ (weight,
/// ones) and β (bias, zeros) have the normalized shape when the layer is elementwise-affine.
/// </summary>
/// <example>
/// <code>
/// var norm = new LayerNorm(64);                 // x [batch, seq, 64] -> same shape
/// var y = new LayerNorm(new[] { 3 }, eps: 0).Forward(Tensor.Of(1, 2, 3));   // [-1.2247, 0, 1.2247]
/// </code>
/// </example>
public sealed class LayerNorm : ILayer
{
    private readonly int[] _normalizedShape;
    private readonly Parameter[] _parameters;

    /// <summary>Normalizes over the last dimension, of size <paramref name="normalizedSize"/>.</summary>
    /// <param name="normalizedSize">The size of the last dimension.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="elementwiseAffine">Whether the layer has a weight γ and a bias β.</param>
    /// <param name="bias">Whether an affine layer has β (PyTorch's <c>bias</c>).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    public LayerNorm(int normalizedSize, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType? dtype = null)
        : this(new[] { normalizedSize }, eps, elementwiseAffine, bias, dtype) { }

    /// <summary>Normalizes over the last dimensions, whose sizes are <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The sizes of the last dimensions (at least one).</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="elementwiseAffine">Whether the layer has a weight γ and a bias β.</param>
    /// <param name="bias">Whether an affine layer has β (PyTorch's <c>bias</c>).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The shape is empty or has a size below 1, or eps is negative.</exception>
    public LayerNorm(int[] normalizedShape, double eps = 1e-5, bool elementwiseAffine = true, bool bias = true, DType? dtype = null)
        : this(normalizedShape, eps, elementwiseAffine, bias, dtype, "") { }

    internal LayerNorm(int[] normalizedShape, double eps, bool elementwiseAffine, bool bias, DType? dtype, string prefix)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 1))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"layer_norm: the normalized shape must be non-empty with sizes of at least 1, got {Tensor.FormatShape(normalizedShape)}");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"layer_norm: eps must be non-negative, got {eps}");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        var dt = dtype ?? Tensor.DefaultDType;
        var list = new List<Parameter>();
        if (elementwiseAffine)
        {
            Weight = new Parameter(prefix + "weight", Tensor.Ones(_normalizedShape, dt));
            list.Add(Weight);
            if (bias)
            {
                Bias = new Parameter(prefix + "bias", Tensor.Zeros(_normalizedShape, dt));
                list.Add(Bias);
            }
        }
        _parameters = list.ToArray();
    }

    /// <summary>The sizes of the normalized (last) dimensions.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>γ, of the normalized shape (ones at first), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β, of the normalized shape (zeros at first), or null.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Normalizes <paramref name="input"/> [..., *normalized shape] over its last dimensions.</summary>
    /// <exception cref="TensorShapeException">The input's shape does not end in the normalized shape.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        return input.LayerNorm(_normalizedShape, Weight?.Value, Bias?.Value, Eps);
    }

    /// <inheritdoc/>
    public override string ToString() => $"LayerNorm({Tensor.FormatShape(_normalizedShape)}, eps={Eps})";
}

/// <summary>
/// Root-mean-square normalization (PyTorch's <c>nn.RMSNorm</c>): y = x / sqrt(mean(x²) + eps) · γ over the last
/// dimensions, without centering; γ (weight, ones) has the normalized shape.
/// </summary>
/// <example><c>new RmsNorm(new[] { 2 }, eps: 0).Forward(Tensor.Of(3, 4))</c> is [3, 4] / sqrt(12.5) = [0.8485, 1.1314].</example>
public sealed class RmsNorm : ILayer
{
    private readonly int[] _normalizedShape;
    private readonly Parameter[] _parameters;

    /// <summary>Normalizes over the last dimensions, whose sizes are <paramref name="normalizedShape"/>.</summary>
    /// <param name="normalizedShape">The sizes of the last dimensions (at least one).</param>
    /// <param name="eps">Added to the mean square; null (PyTorch's default) means the machine epsilon of the input's dtype.</param>
    /// <param name="elementwiseAffine">Whether the layer has a weight γ.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The shape is empty or has a size below 1, or eps is negative.</exception>
    public RmsNorm(int[] normalizedShape, double? eps = null, bool elementwiseAffine = true, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(normalizedShape);
        if (normalizedShape.Length == 0 || normalizedShape.Any(s => s < 1))
            throw new ArgumentOutOfRangeException(nameof(normalizedShape), $"rms_norm: the normalized shape must be non-empty with sizes of at least 1, got {Tensor.FormatShape(normalizedShape)}");
        if (eps is double e && !(e >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"rms_norm: eps must be non-negative, got {e}");
        _normalizedShape = (int[])normalizedShape.Clone();
        Eps = eps;
        if (elementwiseAffine)
        {
            Weight = new Parameter("weight", Tensor.Ones(_normalizedShape, dtype ?? Tensor.DefaultDType));
            _parameters = new[] { Weight };
        }
        else _parameters = Array.Empty<Parameter>();
    }

    /// <summary>Normalizes over the last dimension, of size <paramref name="normalizedSize"/>.</summary>
    /// <param name="normalizedSize">The size of the last dimension.</param>
    /// <param name="eps">Added to the mean square; null means the machine epsilon of the input's dtype.</param>
    /// <param name="elementwiseAffine">Whether the layer has a weight γ.</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    public RmsNorm(int normalizedSize, double? eps = null, bool elementwiseAffine = true, DType? dtype = null)
        : this(new[] { normalizedSize }, eps, elementwiseAffine, dtype) { }

    /// <summary>The sizes of the normalized (last) dimensions.</summary>
    public IReadOnlyList<int> NormalizedShape => _normalizedShape;

    /// <summary>Added to the mean square; null means the machine epsilon of the input's dtype.</summary>
    public double? Eps { get; }

    /// <summary>γ, of the normalized shape (ones at first), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Normalizes <paramref name="input"/> [..., *normalized shape] over its last dimensions.</summary>
    /// <exception cref="TensorShapeException">The input's shape does not end in the normalized shape.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var dims = LayerChecks.TrailingDims("rms_norm", input, _normalizedShape);
        double eps = Eps ?? (input.DType == DType.Float32 ? 1.1920928955078125e-07 : 2.220446049250313e-16);
        var y = input / (input.Square().Mean(dims, keepDim: true) + eps).Sqrt();
        return Weight is null ? y : y * Weight.Value;
    }

    /// <inheritdoc/>
    public override string ToString() => $"RmsNorm({Tensor.FormatShape(_normalizedShape)})";
}

/// <summary>
/// Group normalization (PyTorch's <c>nn.GroupNorm</c>): the channels of x [N, C, *] are split into G groups of
/// C/G, each sample's group is normalized over its channels and positions (biased variance), then scaled and
/// shifted per channel by γ [C] and β [C].
/// </summary>
/// <example><c>new GroupNorm(numGroups: 2, numChannels: 4)</c> on x [N, 4, H, W].</example>
public sealed class GroupNorm : ILayer
{
    private readonly Parameter[] _parameters;

    /// <summary>Creates a group normalization.</summary>
    /// <param name="numGroups">G, which must divide the channels.</param>
    /// <param name="numChannels">C, the size of dimension 1 of the input.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="affine">Whether the layer has per-channel γ (ones) and β (zeros).</param>
    /// <param name="dtype">The parameters' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">A count is below 1, G does not divide C, or eps is negative.</exception>
    public GroupNorm(int numGroups, int numChannels, double eps = 1e-5, bool affine = true, DType? dtype = null)
    {
        LayerChecks.Positive(numGroups, nameof(numGroups), "group_norm");
        LayerChecks.Positive(numChannels, nameof(numChannels), "group_norm");
        if (numChannels % numGroups != 0)
            throw new ArgumentOutOfRangeException(nameof(numGroups), $"group_norm: {numGroups} groups do not divide {numChannels} channels");
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"group_norm: eps must be non-negative, got {eps}");
        NumGroups = numGroups;
        NumChannels = numChannels;
        Eps = eps;
        var dt = dtype ?? Tensor.DefaultDType;
        if (affine)
        {
            Weight = new Parameter("weight", Tensor.Ones(new[] { numChannels }, dt));
            Bias = new Parameter("bias", Tensor.Zeros(new[] { numChannels }, dt));
            _parameters = new[] { Weight, Bias };
        }
        else _parameters = Array.Empty<Parameter>();
    }

    /// <summary>G, the number of groups.</summary>
    public int NumGroups { get; }

    /// <summary>C, the number of channels.</summary>
    public int NumChannels { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>γ [C] (ones at first), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β [C] (zeros at first), or null without affine.</summary>
    public Parameter? Bias { get; }

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Normalizes x [N, C, *] per sample and group.</summary>
    /// <exception cref="TensorShapeException">The input has rank below 2 or dimension 1 is not C.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (input.Rank < 2 || input.ShapeSpan[1] != NumChannels)
            throw new TensorShapeException($"group_norm: the input of shape {LayerChecks.Shape(input)} must be [N, {NumChannels}, *]");
        var shape = input.Shape;
        var grouped = input.Reshape(shape[0], NumGroups, -1);
        var centered = grouped - grouped.Mean(2, keepDim: true);
        var variance = centered.Square().Mean(2, keepDim: true);
        var y = (centered / (variance + Eps).Sqrt()).Reshape(shape);
        if (Weight is null) return y;
        var channelShape = ChannelShape(shape.Length, NumChannels);
        return y * Weight.Value.Reshape(channelShape) + Bias!.Value.Reshape(channelShape);
    }

    /// <summary>[1, C, 1, ...] of the given rank: a per-channel vector broadcast over [N, C, *].</summary>
    internal static int[] ChannelShape(int rank, int channels)
    {
        var s = new int[rank];
        Array.Fill(s, 1);
        s[1] = channels;
        return s;
    }

    /// <inheritdoc/>
    public override string ToString() => $"GroupNorm({NumGroups}, {NumChannels})";
}
