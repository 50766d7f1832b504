using System;
using System.IO;
using System.IO.Compression;
using Corgi.Data;
using Xunit;

namespace Corgi.Tests.Data;

public sealed class IdxTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corgi-idx-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string Write(string name, params byte[] bytes)
    {
        var path = Path.Combine(_dir, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    // an MNIST-like unsigned-byte file of shape [2, 2, 3]: magic 00 00 08 03, sizes 2, 2, 3 (big-endian), 12 values
    private static readonly byte[] Ubyte3d =
    {
        0, 0, 0x08, 3, 0, 0, 0, 2, 0, 0, 0, 2, 0, 0, 0, 3,
        0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255,
    };

    [Fact]
    public void ReadsUnsignedBytes()
    {
        var t = Idx.Read(Write("images-idx3-ubyte", Ubyte3d));
        Assert.Equal(new[] { 2, 2, 3 }, t.Shape);
        Assert.Equal(new double[] { 0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 255 }, t.ToArray());
        // scale 1/255 maps bytes to [0, 1]
        Assert.Equal(1.0, Idx.Read(Write("s", Ubyte3d), scale: 1.0 / 255)[1, 1, 2], 15);
    }

    [Fact]
    public void ReadsGzippedFiles()
    {
        var path = Path.Combine(_dir, "labels-idx1-ubyte.gz");
        using (var gz = new GZipStream(File.Create(path), CompressionLevel.Fastest))
            gz.Write(new byte[] { 0, 0, 0x08, 1, 0, 0, 0, 4, 7, 2, 1, 0 });
        Assert.Equal(new double[] { 7, 2, 1, 0 }, Idx.Read(path).ToArray());
    }

    [Fact]
    public void ReadsWiderBigEndianTypes()
    {
        // int32 (0x0C): -2 = FF FF FF FE, 70000 = 00 01 11 70
        Assert.Equal(new double[] { -2, 70000 },
            Idx.Read(Write("i", 0, 0, 0x0C, 1, 0, 0, 0, 2, 0xFF, 0xFF, 0xFF, 0xFE, 0x00, 0x01, 0x11, 0x70)).ToArray());
        // float32 (0x0D): 1.5 = 3F C0 00 00; int16 (0x0B): -1 = FF FF; sbyte (0x09): 0xFF = -1
        Assert.Equal(new double[] { 1.5 }, Idx.Read(Write("f", 0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0)).ToArray());
        Assert.Equal(new double[] { -1 }, Idx.Read(Write("s16", 0, 0, 0x0B, 1, 0, 0, 0, 1, 0xFF, 0xFF)).ToArray());
        Assert.Equal(new double[] { -1 }, Idx.Read(Write("s8", 0, 0, 0x09, 1, 0, 0, 0, 1, 0xFF)).ToArray());
        // float64 (0x0E): -0.5 = BF E0 00 00 00 00 00 00
        Assert.Equal(new double[] { -0.5 }, Idx.Read(Write("d", 0, 0, 0x0E, 1, 0, 0, 0, 1, 0xBF, 0xE0, 0, 0, 0, 0, 0, 0)).ToArray());
    }

    [Fact]
    public void CorruptFilesNameTheFileAndTheProblem()
    {
        var truncated = Write("truncated", Ubyte3d[..20]);
        var e = Assert.Throws<InvalidDataException>(() => Idx.Read(truncated));
        Assert.Contains(truncated, e.Message);
        Assert.Contains("truncated", e.Message);
        Assert.Contains("12 data bytes but only 4", e.Message);

        Assert.Contains("magic", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("png", 0x89, 0x50, 0x4E, 0x47))).Message);
        Assert.Contains("type code 0x07", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("t", 0, 0, 0x07, 1, 0, 0, 0, 1, 0))).Message);
        Assert.Contains("header", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("h", 0, 0, 0x08, 2, 0, 0, 0, 1))).Message);
        Assert.Contains("truncated", Assert.Throws<InvalidDataException>(() => Idx.Read(Write("short", 0, 0))).Message);
    }

    [Fact]
    public void ReadsIntoARequestedDType()
    {
        // a [1] float32 IDX value 1.5 (0x3FC00000), scaled by 1/3 in double then rounded: (float)0.5
        var t = Idx.Read(Write("f32", 0, 0, 0x0D, 1, 0, 0, 0, 1, 0x3F, 0xC0, 0, 0), scale: 1.0 / 3, dtype: DType.Float32);
        Assert.Equal(DType.Float32, t.DType);
        Assert.Equal(new[] { 0.5f }, t.ToArray<float>());
        Assert.Equal(DType.Float64, Idx.Read(Write("f64", Ubyte3d)).DType);
    }
}
