using System;
using Corgi.NN;
using Xunit;
using static Corgi.Tests.NnTestUtil;

namespace Corgi.Tests.NN.Layers;

public class EmbeddingTests
{
    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LooksUpRowsAndSumsGradientsButNotThePaddingRow(DType dtype)
    {
        var emb = new Embedding(3, 2, paddingIndex: 0, dtype: dtype);
        Assert.Equal(new double[] { 0, 0 }, emb.Weight.Value.Narrow(0, 0, 1).ToArray()); // the padding row starts at zeros
        emb.Weight.Value = T(new[] { 3, 2 }, 7, 7, 1, 2, 3, 4).To(dtype);
        var y = emb.Forward(T(new[] { 2, 2 }, 1, 2, 2, 0));
        Assert.Equal(dtype, y.DType);
        // rows 1, 2 / 2, 0 (the padding row's value is still read)
        Close(new[] { 2, 2, 2 }, new double[] { 1, 2, 3, 4, 3, 4, 7, 7 }, y);
        y.Sum().Backward();
        // row 1 is looked up once, row 2 twice, the padding row 0 once but gets nothing
        Close(new double[] { 0, 0, 1, 1, 2, 2 }, emb.Weight.Gradient!);
    }

    [Fact]
    public void MaxNormScalesTheLookedUpRows()
    {
        var emb = new Embedding(2, 2, maxNorm: 1);
        emb.Weight.Value = T(new[] { 2, 2 }, 3, 4, 30, 40);
        var y = emb.Forward(Tensor.Of(0.0));
        // row 0 has norm 5 > 1: scaled by 1/(5 + 1e-7) -> [0.6, 0.8]; row 1 is not looked up, so it stays
        double s = 1 / (5 + 1e-7);
        Close(new[] { 1, 2 }, new[] { 3 * s, 4 * s }, y);
        Close(new[] { 3 * s, 4 * s, 30, 40 }, emb.Weight.Value);
    }

    [Fact]
    public void RejectsIndicesOutsideTheTable()
    {
        var emb = new Embedding(3, 2);
        var e = Assert.Throws<ArgumentException>(() => emb.Forward(T(new[] { 1, 2 }, 1, 3)));
        Assert.Contains("embedding", e.Message);
        Assert.Contains("[1,2]", e.Message);
        Assert.Contains("[3,2]", e.Message);
        Assert.Throws<ArgumentException>(() => emb.Forward(Tensor.Of(0.5)));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void EmbeddingFiniteDifferences(DType dtype)
    {
        // no padding index: the padding row's missing gradient is by design, which finite differences would see
        var emb = new Embedding(4, 3, initializer: Initializer.HeNormal(2), dtype: dtype);
        LayerCheck.Gradients(emb, T(new[] { 2, 3 }, 0, 1, 2, 2, 3, 1), checkInput: false);
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void SinusoidalEncodingValues(DType dtype)
    {
        // d = 4: position 0 is [sin 0, cos 0, sin 0, cos 0]; position 1 is [sin 1, cos 1, sin(1/100), cos(1/100)]
        // (feature pairs 2i, 2i+1 use the angle pos / 10000^(2i/4): 10000^0 = 1 and 10000^(1/2) = 100)
        var pe = new SinusoidalPositionalEncoding(4, maxLength: 10, batchFirst: true);
        var y = pe.Forward(Tensor.Zeros(new[] { 1, 2, 4 }, dtype));
        Assert.Equal(dtype, y.DType);
        Close(new[] { 1, 2, 4 }, new[] { 0, 1, 0, 1, Math.Sin(1), Math.Cos(1), Math.Sin(0.01), Math.Cos(0.01) }, y, 1e-7);
        // sequence-first [L, N, d]: the same row for every batch element
        var s = new SinusoidalPositionalEncoding(4, maxLength: 10).Forward(Tensor.Ones(2, 3, 4));
        Assert.Equal(1 + Math.Cos(1), s[1, 2, 1], 12);
        Assert.Throws<TensorShapeException>(() => pe.Forward(Tensor.Zeros(1, 11, 4)));
    }

    [Theory]
    [MemberData(nameof(DTypeData.Both), MemberType = typeof(DTypeData))]
    public void LearnedEncodingAddsRowsAndLearnsThem(DType dtype)
    {
        var pe = new LearnedPositionalEncoding(3, 2, batchFirst: true, dtype: dtype);
        pe.Weight.Value = T(new[] { 3, 2 }, 1, 2, 3, 4, 5, 6).To(dtype);
        var y = pe.Forward(Tensor.Zeros(new[] { 2, 2, 2 }, dtype));
        Close(new[] { 2, 2, 2 }, new double[] { 1, 2, 3, 4, 1, 2, 3, 4 }, y);
        y.Sum().Backward();
        // two batch elements use rows 0 and 1; row 2 is beyond the length
        Close(new double[] { 2, 2, 2, 2, 0, 0 }, pe.Weight.Gradient!);
        LayerCheck.Gradients(pe, Tensor.RandomNormal(new[] { 2, 3, 2 }, 5, dtype: dtype));
    }
}
