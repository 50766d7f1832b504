using Corgi.Metrics;
using Xunit;

namespace Corgi.Tests.Metrics;

/// <summary>
/// Predictions [1, 2, 3, 4] against targets [1, 3, 2, 6]: errors 0, −1, 1, −2. MSE = (0 + 1 + 1 + 4)/4 = 1.5,
/// MAE = (0 + 1 + 1 + 2)/4 = 1; the targets' mean is 3, Σ(y − ȳ)² = 4 + 0 + 1 + 9 = 14, so R² = 1 − 6/14 = 4/7.
/// </summary>
public class RegressionTests
{
    private static readonly Tensor P = new(new[] { 4 }, new[] { 1.0, 2, 3, 4 });
    private static readonly Tensor Y = new(new[] { 4, 1 }, new[] { 1.0, 3, 2, 6 });

    [Fact]
    public void MseMaeR2()
    {
        Assert.Equal(1.5, Regression.MeanSquaredError(P, Y));
        Assert.Equal(1.0, Regression.MeanAbsoluteError(P.To(DType.Float32), Y));
        Assert.Equal(4.0 / 7, Regression.R2(P, Y), 15);
        Assert.Equal(1.0, Regression.R2(Y, Y));
        Assert.True(double.IsNaN(Regression.R2(P, new Tensor(new[] { 4 }, new[] { 2.0, 2, 2, 2 }))));
    }

    [Fact]
    public void MismatchedCountsAreNamed() =>
        Assert.Contains("[3]", Assert.Throws<TensorShapeException>(() => Regression.MeanSquaredError(P, new Tensor(new[] { 3 }, new[] { 1.0, 2, 3 }))).Message);
}
