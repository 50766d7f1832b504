using System;
using System.Linq;
using Xunit;

namespace Corgi.Tests;

/// <summary>
/// Tests of what F# Interactive shows for a tensor (Corgi.Core/Tensor.Interactive.cs). The end-to-end
/// check, through `dotnet fsi` and the packed package, is scripts/check-fsi-printing.sh.
/// </summary>
public class TensorInteractiveTests
{
    private const int FsiWidth = InteractivePrinter.DefaultPrintWidth;

    [Fact]
    public void OneLineTensors_AreTheirToString()
    {
        Assert.Equal("tensor([1., 2.])", InteractivePrinter.Format(Tensor.Of(1.0, 2.0), FsiWidth));
        Assert.Equal("tensor(3.5000)", InteractivePrinter.Format(Tensor.Scalar(3.5), FsiWidth));
    }

    [Fact]
    public void ShortMatrices_AreJoinedOnOneLine()
    {
        var m = new Tensor(new[] { 2, 2 }, new[] { 1.0, 2, 3, 4 });
        Assert.Equal("tensor([[1., 2.],\n        [3., 4.]])", m.ToString());
        Assert.Equal("tensor([[1., 2.], [3., 4.]])", InteractivePrinter.Format(m, FsiWidth));
        // rank 3: the blank line between blocks goes too
        var cube = Tensor.Arange(8).Reshape(2, 2, 2);
        Assert.Equal("tensor([[[0., 1.], [2., 3.]], [[4., 5.], [6., 7.]]])", InteractivePrinter.Format(cube, FsiWidth));
    }

    [Fact]
    public void LongTensors_KeepTheirRows_ShiftedByFsisIndent()
    {
        var big = Tensor.Arange(2000).Reshape(2, 1000);
        Assert.Equal(
            "tensor([[   0.,    1.,    2., ...,  997.,  998.,  999.],\n"
            + "          [1000., 1001., 1002., ..., 1997., 1998., 1999.]], shape=[2,1000])",
            InteractivePrinter.Format(big, FsiWidth));
        // rank 3: rows shifted, the blank line between blocks left empty (no trailing spaces)
        var cube = Tensor.Arange(24).Reshape(2, 3, 4);
        Assert.Equal(
            "tensor([[[ 0.,  1.,  2.,  3.],\n"
            + "           [ 4.,  5.,  6.,  7.],\n"
            + "           [ 8.,  9., 10., 11.]],\n"
            + "\n"
            + "          [[12., 13., 14., 15.],\n"
            + "           [16., 17., 18., 19.],\n"
            + "           [20., 21., 22., 23.]]])",
            InteractivePrinter.Format(cube, FsiWidth));
    }

    [Fact]
    public void PrintWidthZero_MeansOneLine()
    {
        var big = Tensor.Arange(2000).Reshape(2, 1000);
        Assert.DoesNotContain("\n", InteractivePrinter.Format(big, 0));
    }

    // The rows of a several-line text line up only if FSI moves it to its own line, which it does when the
    // text does not fit after the shortest "val x: T = " (11 columns) within the print width.
    [Theory]
    [InlineData(78)]
    [InlineData(40)]
    [InlineData(120)]
    public void SeveralLineTexts_NeverFitAfterTheShortestBinding(int width)
    {
        var shapes = new[] { new[] { 2, 2 }, new[] { 3, 5 }, new[] { 4, 9 }, new[] { 2, 3, 4 }, new[] { 8, 8 }, new[] { 2, 1000 }, new[] { 40, 3 } };
        foreach (var shape in shapes)
        {
            var t = Tensor.Arange(shape.Aggregate(1, (a, b) => a * b)).Reshape(shape) * 1.5;
            var text = InteractivePrinter.Format(t, width);
            if (text.Contains('\n'))
                Assert.True(11 + text.Length > width, $"[{string.Join(",", shape)}] at width {width}: {text}");
            else
                Assert.True(text.Length <= width - 12 || !t.ToString().Contains('\n'), $"[{string.Join(",", shape)}]: {text}");
        }
    }

    [Fact]
    public void OutsideFsi_NothingIsRegistered()
    {
        Assert.False(InteractivePrinter.TryRegister());
    }
}
