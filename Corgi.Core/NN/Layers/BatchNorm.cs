using System;
using System.Collections.Generic;
using System.Linq;

namespace Corgi.NN;

/// <summary>
/// Batch normalization over dimension 1 (the features or channels) of x [N, C, *], as PyTorch's
/// <c>nn.BatchNorm1d</c>/<c>nn.BatchNorm2d</c>. While <see cref="Training"/>, each channel is normalized with the
/// mean and biased variance of the batch (over N and every position), and the running statistics are updated
/// (not recorded in the graph): running ← (1 − momentum)·running + momentum·batch statistic, with the
/// unbiased variance for the running variance. While evaluating, the running statistics normalize.
/// Then y = x̂ · γ + β per channel.
/// </summary>
public abstract class BatchNorm : ITrainingModeLayer
{
    private readonly Parameter[] _parameters;
    private readonly string _name;
    private Tensor _runningMean, _runningVar;

    /// <summary>Creates the layer.</summary>
    /// <param name="name">The layer's name in errors ("batch_norm1d").</param>
    /// <param name="numFeatures">C, the size of dimension 1.</param>
    /// <param name="eps">Added to the variance.</param>
    /// <param name="momentum">The weight of a batch statistic in the running one; null: a cumulative average over the batches seen.</param>
    /// <param name="affine">Whether the layer has γ (ones) and β (zeros).</param>
    /// <param name="trackRunningStats">Whether to keep running statistics; without them evaluation uses the batch's too.</param>
    /// <param name="dtype">The parameters' and statistics' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    private protected BatchNorm(string name, int numFeatures, double eps, double? momentum, bool affine, bool trackRunningStats, DType? dtype)
    {
        _name = name;
        LayerChecks.Positive(numFeatures, nameof(numFeatures), name);
        if (!(eps >= 0)) throw new ArgumentOutOfRangeException(nameof(eps), $"{name}: eps must be non-negative, got {eps}");
        if (momentum is double m) LayerChecks.Probability(m, nameof(momentum), name);
        NumFeatures = numFeatures;
        Eps = eps;
        Momentum = momentum;
        TrackRunningStats = trackRunningStats;
        var dt = dtype ?? Tensor.DefaultDType;
        _runningMean = Tensor.Zeros(new[] { numFeatures }, dt).DetachFromDisposeScope();
        _runningVar = Tensor.Ones(new[] { numFeatures }, dt).DetachFromDisposeScope();
        if (affine)
        {
            Weight = new Parameter("weight", Tensor.Ones(new[] { numFeatures }, dt));
            Bias = new Parameter("bias", Tensor.Zeros(new[] { numFeatures }, dt));
            _parameters = new[] { Weight, Bias };
        }
        else _parameters = Array.Empty<Parameter>();
    }

    /// <summary>C, the number of features or channels.</summary>
    public int NumFeatures { get; }

    /// <summary>Added to the variance.</summary>
    public double Eps { get; }

    /// <summary>The weight of a batch's statistic in the running one; null: a cumulative average.</summary>
    public double? Momentum { get; }

    /// <summary>Whether running statistics are kept (and used while evaluating).</summary>
    public bool TrackRunningStats { get; }

    /// <summary>How many training batches have updated the running statistics.</summary>
    public long BatchesTracked { get; private set; }

    /// <summary>γ [C] (ones at first), or null without affine.</summary>
    public Parameter? Weight { get; }

    /// <summary>β [C] (zeros at first), or null without affine.</summary>
    public Parameter? Bias { get; }

    /// <summary>The running mean [C] (zeros at first); an untracked tensor replaced by every training step.</summary>
    /// <exception cref="TensorShapeException">A new value is not [C].</exception>
    public Tensor RunningMean
    {
        get => _runningMean;
        set => _runningMean = CheckedStatistic(value, nameof(RunningMean));
    }

    /// <summary>The running (unbiased) variance [C] (ones at first).</summary>
    /// <exception cref="TensorShapeException">A new value is not [C].</exception>
    public Tensor RunningVar
    {
        get => _runningVar;
        set => _runningVar = CheckedStatistic(value, nameof(RunningVar));
    }

    /// <inheritdoc/>
    public bool Training { get; set; } = true;

    /// <inheritdoc/>
    public IReadOnlyList<Parameter> Parameters => _parameters;

    /// <summary>Checks the input's rank (the subclass's accepted forms).</summary>
    private protected abstract bool AcceptsRank(int rank);

    /// <summary>The accepted input forms, for errors ("[N, C] or [N, C, L]").</summary>
    private protected abstract string Forms { get; }

    /// <summary>Normalizes x [N, C, *] per channel.</summary>
    /// <exception cref="TensorShapeException">The input's rank or channel count is wrong, or a training batch has one value per channel.</exception>
    public Tensor Forward(Tensor input)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (!AcceptsRank(input.Rank) || input.ShapeSpan[1] != NumFeatures)
            throw new TensorShapeException($"{_name}: the input of shape {LayerChecks.Shape(input)} must be {Forms} with C = {NumFeatures}");
        var channelShape = GroupNorm.ChannelShape(input.Rank, NumFeatures);
        Tensor y;
        // evaluation inside an InferenceMode scope (Model.Predict) whatever the flag says
        bool training = InferenceMode.Trains(Training);
        if (training || !TrackRunningStats)
        {
            int n = input.Count / NumFeatures;
            if (n < 2 && training)
                throw new TensorShapeException($"{_name}: training needs more than one value per channel, got an input of shape {LayerChecks.Shape(input)}");
            var dims = Enumerable.Range(0, input.Rank).Where(d => d != 1).ToArray();
            var mean = input.Mean(dims, keepDim: true);
            var centered = input - mean;
            var variance = centered.Square().Mean(dims, keepDim: true);
            y = centered / (variance + Eps).Sqrt();
            if (training && TrackRunningStats) UpdateRunningStatistics(mean, variance, n);
        }
        else
            y = (input - _runningMean.Reshape(channelShape)) / (_runningVar.Reshape(channelShape) + Eps).Sqrt();
        if (Weight is null) return y;
        return y * Weight.Value.Reshape(channelShape) + Bias!.Value.Reshape(channelShape);
    }

    private void UpdateRunningStatistics(Tensor mean, Tensor variance, int n)
    {
        using var _ = Tensor.NoGrad();
        BatchesTracked++;
        double m = Momentum ?? 1.0 / BatchesTracked;
        var dt = _runningMean.DType;
        var batchMean = mean.Detach().Reshape(NumFeatures).To(dt);
        var unbiased = (variance.Detach().Reshape(NumFeatures) * ((double)n / (n - 1))).To(dt);
        // the running statistics outlive any dispose scope of the step that updates them
        _runningMean = (_runningMean * (1 - m) + batchMean * m).DetachFromDisposeScope();
        _runningVar = (_runningVar * (1 - m) + unbiased * m).DetachFromDisposeScope();
    }

    private Tensor CheckedStatistic(Tensor value, string name)
    {
        ArgumentNullException.ThrowIfNull(value, name);
        if (value.Rank != 1 || value.ShapeSpan[0] != NumFeatures)
            throw new TensorShapeException($"{_name}: {name} must be [{NumFeatures}], got {LayerChecks.Shape(value)}");
        return value.Detach().DetachFromDisposeScope();
    }
}

/// <summary>
/// Batch normalization of x [N, C] or [N, C, L] per feature C (PyTorch's <c>nn.BatchNorm1d</c>); see <see cref="BatchNorm"/>.
/// </summary>
/// <example>
/// <code>
/// var bn = new BatchNorm1d(2);
/// bn.Forward(Tensor.From(new double[,] { { 1, 10 }, { 3, 30 } }));  // [[-1, -1], [1, 1]] (eps aside)
/// // running mean 0.9·0 + 0.1·[2, 20] = [0.2, 2]; running var 0.9·1 + 0.1·[2, 200] = [1.1, 20.9]
/// </code>
/// </example>
public sealed class BatchNorm1d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the size of dimension 1.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="momentum">The weight of a batch statistic in the running one (0.1); null: a cumulative average.</param>
    /// <param name="affine">Whether the layer has γ (ones) and β (zeros).</param>
    /// <param name="trackRunningStats">Whether to keep running statistics.</param>
    /// <param name="dtype">The parameters' and statistics' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">C is below 1, eps negative, or the momentum outside [0, 1].</exception>
    public BatchNorm1d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null)
        : base("batch_norm1d", numFeatures, eps, momentum, affine, trackRunningStats, dtype) { }

    private protected override bool AcceptsRank(int rank) => rank is 2 or 3;

    private protected override string Forms => "[N, C] or [N, C, L]";

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm1d({NumFeatures})";
}

/// <summary>
/// Batch normalization of images x [N, C, H, W] per channel (PyTorch's <c>nn.BatchNorm2d</c>); see <see cref="BatchNorm"/>.
/// </summary>
/// <example><c>new Sequential(new Conv(1, 8, 3, bias: false), new BatchNorm2d(8), ...)</c></example>
public sealed class BatchNorm2d : BatchNorm
{
    /// <summary>Creates the layer.</summary>
    /// <param name="numFeatures">C, the number of channels.</param>
    /// <param name="eps">Added to the variance (PyTorch's default 1e-5).</param>
    /// <param name="momentum">The weight of a batch statistic in the running one (0.1); null: a cumulative average.</param>
    /// <param name="affine">Whether the layer has γ (ones) and β (zeros).</param>
    /// <param name="trackRunningStats">Whether to keep running statistics.</param>
    /// <param name="dtype">The parameters' and statistics' dtype; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">C is below 1, eps negative, or the momentum outside [0, 1].</exception>
    public BatchNorm2d(int numFeatures, double eps = 1e-5, double? momentum = 0.1, bool affine = true, bool trackRunningStats = true, DType? dtype = null)
        : base("batch_norm2d", numFeatures, eps, momentum, affine, trackRunningStats, dtype) { }

    private protected override bool AcceptsRank(int rank) => rank == 4;

    private protected override string Forms => "[N, C, H, W]";

    /// <inheritdoc/>
    public override string ToString() => $"BatchNorm2d({NumFeatures})";
}
