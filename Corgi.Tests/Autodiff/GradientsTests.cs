using Corgi;
using Xunit;

namespace Corgi.Tests.Autodiff;

public class GradientsTests
{
    [Fact]
    public void ReturnsGradientsWithoutStoringThem()
    {
        var x = Tensor.Of(3.0).Tracked();
        var y = Tensor.Of(2.0).Tracked();
        // f = x^2 y: df/dx = 2xy = 12, df/dy = x^2 = 9
        var g = Tensor.Gradients(x * x * y, new[] { x, y });
        Assert.Equal(12.0, g[0]!.Item());
        Assert.Equal(9.0, g[1]!.Item());
        Assert.Null(x.Gradient);
        Assert.Null(y.Gradient);
    }

    [Fact]
    public void LeavesEarlierGradientsAsTheyWere()
    {
        var x = Tensor.Of(3.0).Tracked();
        (x * 5.0).Backward();                       // x.Gradient = 5
        var g = Tensor.Gradients(x * x, new[] { x }); // d(x^2)/dx = 6, not added to x.Gradient
        Assert.Equal(6.0, g[0]!.Item());
        Assert.Equal(5.0, x.Gradient!.Item());
    }

    [Fact]
    public void SecondDerivativeThroughCreateGraph()
    {
        var x = Tensor.Of(3.0).Tracked();
        // d(x^3)/dx = 3x^2 = 27; d2/dx2 = 6x = 18
        var dx = Tensor.Gradients(x.Pow(3), new[] { x }, createGraph: true)[0]!;
        Assert.Equal(27.0, dx.Item());
        Assert.True(dx.IsTracked);
        var d2 = Tensor.Gradients(dx, new[] { x })[0]!;
        Assert.Equal(18.0, d2.Item(), 12);
        Assert.Null(x.Gradient);
    }

    [Fact]
    public void IntermediateAndUnreachableInputs()
    {
        var x = Tensor.Of(1.0, 2.0).Tracked();
        var h = x * 2.0;                     // intermediate
        var other = Tensor.Of(7.0).Tracked(); // not used by the output
        // out = sum(h^2): d/dh = 2h = [4, 8]; d/dx = 2h * 2 = [8, 16]
        var g = Tensor.Gradients((h * h).Sum(), new[] { h, x, other });
        Assert.Equal(new[] { 4.0, 8.0 }, g[0]!.ToArray());
        Assert.Equal(new[] { 8.0, 16.0 }, g[1]!.ToArray());
        Assert.Null(g[2]);
        Assert.Null(h.Gradient);
    }

    [Fact]
    public void UntrackedOutputGivesNulls()
    {
        var x = Tensor.Of(1.0);
        Assert.Null(Tensor.Gradients(x * x, new[] { x })[0]);
    }
}
