using System;
using System.Linq;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public class DataLoaderTests
{
    // row i of the inputs is [i, 10 i]; the target is i
    private static IDataset Rows(int n) => Dataset.FromTensors(
        new Tensor(new[] { n, 2 }, Enumerable.Range(0, n).SelectMany(i => new double[] { i, 10 * i }).ToArray()),
        new Tensor(new[] { n }, Enumerable.Range(0, n).Select(i => (double)i).ToArray()));

    private static int[] Ids(Batch b) => b.Targets.ToArray<double>().Select(v => (int)v).ToArray();

    [Fact]
    public void BatchesCoverEveryRowOnceAndDropLastSkipsTheShortBatch()
    {
        var loader = new DataLoader(Rows(10), 4, shuffle: true, seed: 5);
        var batches = loader.Batches(0).ToList();
        Assert.Equal(new[] { 4, 4, 2 }, batches.Select(b => b.Inputs.ShapeSpan[0]));
        Assert.Equal(Enumerable.Range(0, 10), batches.SelectMany(Ids).OrderBy(i => i));
        // inputs and targets stay paired: input row [i, 10 i] with target i
        foreach (var b in batches)
            Assert.Equal(Ids(b).SelectMany(i => new double[] { i, 10 * i }), b.Inputs.ToArray<double>());
        Assert.Equal(2, new DataLoader(Rows(10), 4, dropLast: true).Batches(0).Count());
        Assert.Equal(3, loader.BatchesPerEpoch);
    }

    [Fact]
    public void TheOrderIsAFunctionOfSeedAndEpoch()
    {
        var a = new DataLoader(Rows(50), 8, seed: 1);
        var b = new DataLoader(Rows(50), 8, seed: 1);
        Assert.Equal(a.Order(3), b.Order(3));
        Assert.NotEqual(a.Order(3), a.Order(4));
        Assert.NotEqual(a.Order(3), new DataLoader(Rows(50), 8, seed: 2).Order(3));
        Assert.Equal(Enumerable.Range(0, 50), new DataLoader(Rows(50), 8, shuffle: false).Order(7));
        // enumerating the loader gives epoch 0, then epoch 1
        Assert.Equal(a.Order(0)[..8], Ids(a.First()));
        Assert.Equal(a.Order(1)[..8], Ids(a.First()));
        Assert.Equal(2, a.Epoch);
        // a resumed epoch skips whole batches
        Assert.Equal(a.Batches(5).Skip(2).SelectMany(Ids), a.Batches(5, skip: 2).SelectMany(Ids));
    }

    [Fact]
    public void PrefetchAndTransformGiveTheSameBatches()
    {
        var plain = new DataLoader(Rows(30), 7, seed: 3, transform: b => new Batch(b.Inputs * 2.0, b.Targets));
        var prefetched = new DataLoader(Rows(30), 7, seed: 3, transform: b => new Batch(b.Inputs * 2.0, b.Targets), prefetch: 2);
        var x = plain.Batches(1).ToList();
        var y = prefetched.Batches(1).ToList();
        Assert.Equal(x.Count, y.Count);
        for (int i = 0; i < x.Count; i++) Assert.Equal(x[i].Inputs.ToArray<double>(), y[i].Inputs.ToArray<double>());
        Assert.Equal(2.0 * Ids(x[0])[0], x[0].Inputs.ToArray<double>()[0]);
        // a transform that throws surfaces on the consumer
        var failing = new DataLoader(Rows(30), 7, transform: _ => throw new FormatException("bad row"), prefetch: 1);
        Assert.Contains("bad row", Assert.Throws<InvalidOperationException>(() => failing.Batches(0).ToList()).Message);
        // stopping early ends the producer
        Assert.Single(prefetched.Batches(2).Take(1));
    }

    [Fact]
    public void SplitIsADisjointReproducibleCover()
    {
        var (train, validation) = Dataset.Split(Rows(10), 0.3, seed: 4);
        Assert.Equal(7, train.Count);
        Assert.Equal(3, validation.Count);
        var t = Ids(Dataset.All(train));
        var v = Ids(Dataset.All(validation));
        Assert.Empty(t.Intersect(v));
        Assert.Equal(Enumerable.Range(0, 10), t.Concat(v).OrderBy(i => i));
        Assert.Equal(v, Ids(Dataset.All(Dataset.Split(Rows(10), 0.3, seed: 4).Validation)));
        Assert.Equal((double)v[1], validation[1].Target.Item());
    }

    [Fact]
    public void SamplesFromASequence()
    {
        var ds = Dataset.FromSamples(Enumerable.Range(0, 5).Select(i => new Sample(new Tensor(new[] { 2 }, new double[] { i, -i }), Tensor.Scalar(i % 2))));
        Assert.Equal(5, ds.Count);
        Assert.Equal(new[] { 3.0, -3 }, ds[3].Input.ToArray<double>());
        Assert.Equal(new[] { 1.0, 0 }, ds.GetBatch(new[] { 3, 4 }).Targets.ToArray<double>());
        var e = Assert.Throws<ArgumentException>(() => Dataset.FromSamples(new[]
        {
            new Sample(Tensor.Zeros(2), Tensor.Scalar(0)), new Sample(Tensor.Zeros(3), Tensor.Scalar(0)),
        }));
        Assert.Contains("sample 1 has input [3]", e.Message);
    }

    [Fact]
    public void IdxFilesMakeADataset()
    {
        var dir = System.IO.Directory.CreateTempSubdirectory("corgi-idx-ds-").FullName;
        try
        {
            // images [2, 2, 2] of unsigned bytes (magic 00 00 08 03) and labels [2] (magic 00 00 08 01)
            var images = System.IO.Path.Combine(dir, "images");
            var labels = System.IO.Path.Combine(dir, "labels");
            System.IO.File.WriteAllBytes(images, new byte[] { 0, 0, 8, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 2, 0, 51, 102, 255, 1, 2, 3, 4 });
            System.IO.File.WriteAllBytes(labels, new byte[] { 0, 0, 8, 1, 0, 0, 0, 2, 7, 3 });
            var ds = Dataset.FromIdx(images, labels, scale: 1.0 / 255);
            Assert.Equal(2, ds.Count);
            Assert.Equal(new[] { 0, 0.2, 0.4, 1 }, ds[0].Input.ToArray<double>().Select(v => Math.Round(v, 12)));
            Assert.Equal(3.0, ds[1].Target.Item());
        }
        finally
        {
            System.IO.Directory.Delete(dir, recursive: true);
        }
    }

    [Fact]
    public void StandardizerUsesTheTrainingStatistics()
    {
        // columns [1, 3] and [10, 10]: μ = [2, 10], σ = [1, 0 → 1]
        var s = Standardizer.Fit(new Tensor(new[] { 2, 2 }, new[] { 1.0, 10, 3, 10 }));
        Assert.Equal(new[] { 2.0, 10 }, s.Mean);
        Assert.Equal(new[] { 1.0, 1 }, s.Std);
        Assert.Equal(new[] { 3.0, 2 }, s.Transform(new Tensor(new[] { 1, 2 }, new[] { 5.0, 12 })).ToArray<double>());
        var f32 = s.Transform(new Tensor(new[] { 1, 2 }, new[] { 5f, 12f }));
        Assert.Equal(DType.Float32, f32.DType);
        Assert.Contains("3 features", Assert.Throws<TensorShapeException>(() => Standardizer.Fit(Tensor.Zeros(4, 3)).Transform(Tensor.Zeros(1, 2))).Message);
    }
}
