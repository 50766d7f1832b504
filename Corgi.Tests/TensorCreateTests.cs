using System;
using Corgi;
using Xunit;

namespace Corgi.Tests;

public class TensorCreateTests
{
    [Fact]
    public void FillWritesTheValuesOnce()
    {
        int calls = 0;
        var t = Tensor.Create(new[] { 2, 3 }, 1.5, (v, c) => { calls++; for (int i = 0; i < v.Length; i++) v[i] = c * i; });
        Assert.Equal(1, calls);
        Assert.Equal(new[] { 2, 3 }, t.Shape);
        Assert.Equal(new[] { 0.0, 1.5, 3.0, 4.5, 6.0, 7.5 }, t.ToArray());
        Assert.False(t.IsTracked);
    }

    [Fact]
    public void ZeroedBufferStartsAsZeros()
    {
        // the fill writes only the first element; the rest must be 0
        var t = Tensor.Create(new[] { 4 }, 0, static (v, _) => v[0] = 7);
        Assert.Equal(new[] { 7.0, 0, 0, 0 }, t.ToArray());
    }

    [Fact]
    public void UnzeroedBufferIsWhatTheFillWrote()
    {
        var t = Tensor.Create(new[] { 1000 }, 2.0, static (v, c) => v.Fill(c), zeroed: false);
        Assert.All(t.ToArray(), x => Assert.Equal(2.0, x));
    }

    [Fact]
    public void BadShapeIsRefused()
    {
        var e = Assert.Throws<TensorShapeException>(() => Tensor.Create(new[] { 2, -1 }, 0, static (_, _) => { }));
        Assert.Contains("create", e.Message);
        Assert.Contains("[2,-1]", e.Message);
    }

    [Fact]
    public void FormatShapeMatchesErrorMessages() => Assert.Equal("[2,3]", Tensor.FormatShape(new[] { 2, 3 }));
}
