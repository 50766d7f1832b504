using System;
using System.Linq;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public class MiniBatchesTests
{
    // row i of the inputs is [i, 10 i]; row i of the targets is [i]
    private static readonly Tensor Inputs = Tensor.Arange(10).Reshape(10, 1).Mul(Tensor.Of(1, 10));
    private static readonly Tensor Targets = Tensor.Arange(10);

    [Fact]
    public void InOrderBatchesWithARemainder()
    {
        var batches = MiniBatches.Iterate(Inputs, Targets, 4).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Inputs.Shape[0]));
        Assert.Equal(new double[] { 8, 80, 9, 90 }, batches[2].Inputs.ToArray());
        Assert.Equal(new double[] { 8, 9 }, batches[2].Targets.ToArray());
        Assert.Equal(2, MiniBatches.Iterate(Inputs, Targets, 4, dropLast: true).Count());
        Assert.Equal(3, MiniBatches.Count(10, 4));
        Assert.Equal(2, MiniBatches.Count(10, 4, dropLast: true));
    }

    [Fact]
    public void ShuffledBatchesCoverEveryRowOnceAndStayAligned()
    {
        var rows = MiniBatches.Iterate(Inputs, Targets, 3, seed: 1).SelectMany(b =>
        {
            Assert.Equal(b.Inputs.Shape[0], b.Targets.Shape[0]);
            return Enumerable.Range(0, b.Targets.Count).Select(i =>
            {
                // the input row still belongs to its target
                Assert.Equal(b.Targets.GetFlat(i) * 10, b.Inputs[i, 1]);
                return (int)b.Targets.GetFlat(i);
            });
        }).ToList();
        Assert.Equal(Enumerable.Range(0, 10), rows.OrderBy(r => r));
        Assert.NotEqual(Enumerable.Range(0, 10), rows);
    }

    [Fact]
    public void SameSeedSameOrderAndOneSourceGivesNewOrdersPerEpoch()
    {
        double[] Order(System.Collections.Generic.IEnumerable<Batch> bs) => bs.SelectMany(b => b.Targets.ToArray()).ToArray();
        Assert.Equal(Order(MiniBatches.Iterate(Inputs, Targets, 4, seed: 3)), Order(MiniBatches.Iterate(Inputs, Targets, 4, seed: 3)));
        var random = new Random(3);
        Assert.NotEqual(Order(MiniBatches.Iterate(Inputs, Targets, 10, random)), Order(MiniBatches.Iterate(Inputs, Targets, 10, random)));
    }

    [Fact]
    public void PermutationIsAPermutation()
    {
        var p = MiniBatches.Permutation(100, new Random(1));
        Assert.Equal(Enumerable.Range(0, 100), p.OrderBy(v => v));
    }

    [Fact]
    public void BatchesAreUntrackedData()
    {
        var b = MiniBatches.Iterate(Inputs.Tracked(), Targets, 4).First();
        Assert.False(b.Inputs.IsTracked);
    }

    [Fact]
    public void Errors()
    {
        Assert.Contains("minibatches", Assert.Throws<TensorShapeException>(() => MiniBatches.Iterate(Inputs, Tensor.Zeros(9), 4)).Message);
        Assert.Throws<ArgumentOutOfRangeException>(() => MiniBatches.Iterate(Inputs, Targets, 0));
    }

    [Fact]
    public void BatchesInARequestedDType()
    {
        var batches = MiniBatches.Iterate(Inputs, Targets, 4, shuffle: null, dtype: DType.Float32).ToList();
        Assert.Equal(3, batches.Count);
        Assert.All(batches, b => Assert.Equal(DType.Float32, b.Inputs.DType));
        Assert.All(batches, b => Assert.Equal(DType.Float32, b.Targets.DType));
        Assert.Equal(new double[] { 8, 9 }, batches[2].Targets.ToArray());
        // without a dtype each tensor keeps its own
        Assert.Equal(Inputs.DType, MiniBatches.Iterate(Inputs, Targets, 4).First().Inputs.DType);
    }
}
