using System;
using System.Threading.Tasks;
using Xunit;

namespace Corgi.Tests.Autodiff;

/// <summary>Anomaly mode (Tensor.DetectAnomalies) and the numerics issue 15 lists where PyTorch gives a finite or NaN answer.</summary>
public class AnomalyTests
{
    [Fact]
    public void Forward_NaNFromFiniteInputs_ThrowsNamingTheOpAndShapes()
    {
        var x = Tensor.Of(1.0, 0.0, 4.0);
        using (Tensor.DetectAnomalies())
        {
            // log(0) = -inf from a finite input
            var e = Assert.Throws<InvalidOperationException>(() => x.Log());
            Assert.Contains("anomaly: log", e.Message);
            Assert.Contains("-Inf", e.Message);
            Assert.Contains("element 1", e.Message);
            Assert.Contains("[3]", e.Message);
            // 0/0 = NaN
            e = Assert.Throws<InvalidOperationException>(() => x.Div(Tensor.Of(1.0, 0.0, 1.0)));
            Assert.Contains("anomaly: div", e.Message);
            Assert.Contains("NaN", e.Message);
            // results that are finite pass
            Assert.Equal(new double[] { 1, 0, 2 }, x.Sqrt().ToArray());
        }
    }

    [Fact]
    public void NonFiniteInputs_AreNotTheOpsFault()
    {
        using (Tensor.DetectAnomalies())
        {
            var y = Tensor.Of(double.NaN, 1.0).Exp(); // NaN in, NaN out: not an anomaly of exp
            Assert.True(double.IsNaN(y[0]));
        }
    }

    [Fact]
    public void Backward_NaNGradient_NamesTheForwardOp()
    {
        // sqrt at 0 is finite (0) but its derivative 1/(2 sqrt x) is +inf: the anomaly is in sqrt's backward
        var x = Tensor.Of(0.0, 4.0).Tracked();
        var y = x.Sqrt().Sum();
        using (Tensor.DetectAnomalies())
        {
            var e = Assert.Throws<InvalidOperationException>(() => y.Backward());
            Assert.Contains("gradient of sqrt", e.Message);
        }
    }

    [Fact]
    public void Off_NothingIsChecked_AndAnomaliesFlowThrough()
    {
        Assert.False(Tensor.IsDetectingAnomalies);
        var y = Tensor.Of(0.0).Log();
        Assert.Equal(double.NegativeInfinity, y[0]);
    }

    [Fact]
    public async Task TheScope_FlowsWithAwait_AndEnds()
    {
        using (Tensor.DetectAnomalies())
        {
            Assert.True(await Task.Run(() => Tensor.IsDetectingAnomalies));
        }
        Assert.False(Tensor.IsDetectingAnomalies);
    }

    [Fact]
    public void PowWithTensorExponentZero_AtZero_HasGradientZero_AsPyTorch()
    {
        // d/da a^b = b a^(b-1): at a = 0, b = 0 PyTorch gives 0 (not 0 * inf = NaN); at a = 2, b = 3: 3 * 4 = 12
        var a = Tensor.Of(0.0, 2.0).Tracked();
        var b = Tensor.Of(0.0, 3.0);
        a.Pow(b).Sum().Backward();
        Assert.Equal(new double[] { 0, 12 }, a.Gradient!.ToArray());
    }

    [Fact]
    public void MeanOfNothing_IsNaN_AsPyTorch()
    {
        Assert.True(double.IsNaN(Tensor.Zeros(0).Mean().Item()));
        Assert.True(double.IsNaN(Tensor.Zeros(2, 0).Mean(1)[0]));
        Assert.Equal(2.5, Tensor.Of(1.0, 4.0).Mean().Item());
    }

    [Fact]
    public void GradientOfADisposedTensor_Throws()
    {
        Tensor x;
        using (Tensor.NewDisposeScope())
        {
            x = Tensor.Of(1.0, 2.0).Tracked();
            (x * x).Sum().Backward();
        }
        Assert.Throws<ObjectDisposedException>(() => x.Gradient);
    }
}
