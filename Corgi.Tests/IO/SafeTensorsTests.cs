using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Corgi.IO;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.IO;

public sealed class SafeTensorsTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("corgi-st-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private string PathOf(string name) => Path.Combine(_dir, name);

    private static byte[] File(string header, byte[] data)
    {
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + data.Length];
        BitConverter.GetBytes((ulong)h.Length).CopyTo(bytes, 0);
        h.CopyTo(bytes, 8);
        data.CopyTo(bytes, 8 + h.Length);
        return bytes;
    }

    [Fact]
    public void RoundTripIsBitExact()
    {
        // awkward values: a NaN with a payload, -0, the smallest subnormal, infinities, extremes
        double nanPayload = BitConverter.Int64BitsToDouble(0x7FF8_0000_0000_1234);
        var tensors = new Dictionary<string, Tensor>
        {
            ["w"] = new(new[] { 2, 3 }, new[] { 0.1, -0.0, double.Epsilon, double.PositiveInfinity, double.NegativeInfinity, nanPayload }),
            ["scalar"] = Tensor.Scalar(Math.PI),
            ["empty"] = Tensor.Zeros(0, 4),
            ["big"] = Tensor.RandomNormal(new[] { 7, 5, 3 }, seed: 1),
        };
        var path = PathOf("t.safetensors");
        SafeTensors.Save(path, tensors, new Dictionary<string, string> { ["format"] = "pt", ["note"] = "corgi" });
        var loaded = SafeTensors.Load(path);
        Assert.Equal(tensors.Keys, loaded.Keys);
        foreach (var (name, t) in tensors)
        {
            Assert.Equal(t.Shape, loaded[name].Shape);
            Assert.Equal(t.ToArray().Select(BitConverter.DoubleToInt64Bits), loaded[name].ToArray().Select(BitConverter.DoubleToInt64Bits));
            Assert.False(loaded[name].IsTracked);
        }
        Assert.Equal("corgi", SafeTensors.ReadMetadata(path)["note"]);
    }

    [Fact]
    public void WritesTheSafetensorsLayout()
    {
        var path = PathOf("layout.safetensors");
        SafeTensors.Save(path, new[] { KeyValuePair.Create("a", Tensor.Of(1, 2)), KeyValuePair.Create("b", Tensor.From(new double[,] { { 3 } })) });
        var bytes = System.IO.File.ReadAllBytes(path);
        ulong n = BitConverter.ToUInt64(bytes, 0);
        // the data starts 8-byte aligned (the header is padded with spaces)
        Assert.Equal(0UL, (8 + n) % 8);
        using var doc = JsonDocument.Parse(Encoding.UTF8.GetString(bytes, 8, (int)n).TrimEnd());
        var a = doc.RootElement.GetProperty("a");
        Assert.Equal("F64", a.GetProperty("dtype").GetString());
        Assert.Equal(new[] { 2 }, a.GetProperty("shape").EnumerateArray().Select(e => e.GetInt32()));
        Assert.Equal(new long[] { 0, 16 }, a.GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        Assert.Equal(new long[] { 16, 24 }, doc.RootElement.GetProperty("b").GetProperty("data_offsets").EnumerateArray().Select(e => e.GetInt64()));
        // raw little-endian float64 values 1, 2, 3
        int start = 8 + (int)n;
        Assert.Equal(24, bytes.Length - start);
        Assert.Equal(new double[] { 1, 2, 3 }, Enumerable.Range(0, 3).Select(i => BitConverter.ToDouble(bytes, start + 8 * i)));
    }

    [Fact]
    public void ReadsOtherDtypesWrittenByOtherTools()
    {
        // F32 [1.5, -2] then I64 [7] then BF16 [1.0 = 0x3F80] then U8 [200]
        var data = BitConverter.GetBytes(1.5f).Concat(BitConverter.GetBytes(-2f)).Concat(BitConverter.GetBytes(7L))
            .Concat(new byte[] { 0x80, 0x3F, 200 }).ToArray();
        var header = "{\"x\":{\"dtype\":\"F32\",\"shape\":[2],\"data_offsets\":[0,8]},\"i\":{\"dtype\":\"I64\",\"shape\":[],\"data_offsets\":[8,16]}," +
                     "\"h\":{\"dtype\":\"BF16\",\"shape\":[1,1],\"data_offsets\":[16,18]},\"u\":{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[18,19]}}";
        var path = PathOf("torch.safetensors");
        System.IO.File.WriteAllBytes(path, File(header, data));
        var t = SafeTensors.Load(path);
        Assert.Equal(new double[] { 1.5, -2 }, t["x"].ToArray());
        Assert.Equal(7, t["i"].Item());
        Assert.Empty(t["i"].Shape);
        Assert.Equal(1.0, t["h"].Item());
        Assert.Equal(200, t["u"].Item());
    }

    [Theory]
    [InlineData("short", "truncated")]
    [InlineData("header", "truncated: the header should be")]
    [InlineData("json", "not valid JSON")]
    [InlineData("data", "truncated: tensor 'x' ends at data byte 16")]
    [InlineData("size", "needs 16 bytes")]
    [InlineData("dtype", "unsupported dtype 'C64'")]
    [InlineData("fields", "no 'shape' array")]
    [InlineData("overlap", "tensor 'y' (data_offsets [8, 24]) overlaps tensor 'x', which ends at data byte 16")]
    [InlineData("gap", "gap: tensor 'y' begins at data byte 24 but tensor 'x' ends at 16")]
    [InlineData("first", "gap: the first tensor 'x' begins at data byte 8, not 0")]
    [InlineData("trailing", "8 data bytes follow the last tensor")]
    public void CorruptFilesGiveClearErrors(string kind, string expected)
    {
        var good = "{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]}}";
        byte[] bytes = kind switch
        {
            "short" => new byte[] { 1, 2, 3 },
            "header" => File(good, new byte[16])[..20],
            "json" => File("{\"x\": {\"dtype\": ", new byte[16]),
            "data" => File(good, new byte[8]),
            "size" => File("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,8]}}", new byte[8]),
            "overlap" => File("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"y\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", new byte[24]),
            "gap" => File("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[0,16]},\"y\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[24,40]}}", new byte[40]),
            "first" => File("{\"x\":{\"dtype\":\"F64\",\"shape\":[2],\"data_offsets\":[8,24]}}", new byte[24]),
            "trailing" => File(good, new byte[24]),
            "dtype" => File("{\"x\":{\"dtype\":\"C64\",\"shape\":[2],\"data_offsets\":[0,16]}}", new byte[16]),
            _ => File("{\"x\":{\"dtype\":\"F64\",\"data_offsets\":[0,16]}}", new byte[16]),
        };
        var path = PathOf(kind + ".safetensors");
        System.IO.File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains(path, e.Message);
        Assert.Contains(expected, e.Message);
    }

    [Fact]
    public void SaveReplacesAtomicallyAndAFailedSaveKeepsThePreviousFile()
    {
        var path = PathOf("model.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = Tensor.Of(1) });
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["a"] = Tensor.Of(2) });
        Assert.Equal(2, SafeTensors.Load(path)["a"].Item());

        static IEnumerable<KeyValuePair<string, Tensor>> Failing()
        {
            yield return KeyValuePair.Create("a", Tensor.Of(3));
            throw new IOException("disk on fire");
        }
        Assert.Throws<IOException>(() => SafeTensors.Save(path, Failing()));
        Assert.Throws<ArgumentException>(() => SafeTensors.Save(path, new[] { KeyValuePair.Create("a", Tensor.Of(1)), KeyValuePair.Create("a", Tensor.Of(2)) }));
        Assert.Equal(2, SafeTensors.Load(path)["a"].Item());
        // no temporary files are left behind
        Assert.Equal(new[] { path }, Directory.GetFiles(_dir));
    }

    [Fact]
    public void ModelSaveAndLoad()
    {
        Model Make(int seed) => new(new ILayer[]
        {
            new Conv(1, 2, 2, initializer: Initializer.HeNormal(seed)),
            new Flatten(),
            new Dense(2 * 2 * 2, 3, Initializer.HeNormal(seed + 1)),
        }, new GradientDescent(0.1), Cost.SoftmaxCrossEntropy());
        var path = PathOf("cnn.safetensors");
        var a = Make(1);
        a.Save(path);
        Assert.Equal(new[] { "0.weight", "0.bias", "2.weight", "2.bias" }, SafeTensors.Load(path).Keys);

        var b = Make(2);
        var x = Tensor.RandomNormal(new[] { 2, 1, 3, 3 }, seed: 3);
        Assert.NotEqual(a.Predict(x).ToArray(), b.Predict(x).ToArray());
        b.Load(path);
        Assert.Equal(a.Predict(x).ToArray(), b.Predict(x).ToArray());
        Assert.All(b.Parameters, p => Assert.True(p.Value.IsTracked));

        // a model of another shape is refused and left unchanged
        var other = new Model(new ILayer[] { new Dense(8, 3, Initializer.Zeros()) }, new GradientDescent(0.1), Cost.Mse());
        var e = Assert.Throws<InvalidDataException>(() => other.Load(path));
        Assert.Contains("'0.weight'", e.Message);
        Assert.Equal(new double[24], other.Parameters[0].Value.ToArray());
        // a model with one more layer than the file: "3.weight" is missing
        var missing = new Model(new ILayer[]
        {
            new Conv(1, 2, 2, initializer: Initializer.Zeros()), new Flatten(), new Dense(8, 3, Initializer.Zeros()), new Dense(3, 1, Initializer.Zeros()),
        }, new GradientDescent(0.1), Cost.Mse());
        Assert.Contains("missing '3.weight' (shape [1,3])", Assert.Throws<InvalidDataException>(() => missing.Load(path)).Message);
    }

    [Fact]
    public void Float32IsWrittenAsF32AndReadBackBitExactly()
    {
        // including a NaN with a payload, -0, the smallest subnormal and the largest float
        var values = new[] { 1.5f, BitConverter.Int32BitsToSingle(0x7FC00123), -0f, float.Epsilon, float.MaxValue, 0.1f };
        var x = new Tensor(new[] { 2, 3 }, values);
        var d = Tensor.Of(0.1, -2.0);
        var path = PathOf("f32.safetensors");
        SafeTensors.Save(path, new Dictionary<string, Tensor> { ["x"] = x, ["d"] = d });
        var bytes = System.IO.File.ReadAllBytes(path);
        ulong n = BitConverter.ToUInt64(bytes, 0);
        using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)n));
        Assert.Equal("F32", doc.RootElement.GetProperty("x").GetProperty("dtype").GetString());
        Assert.Equal("[0,24]", doc.RootElement.GetProperty("x").GetProperty("data_offsets").GetRawText());
        Assert.Equal("F64", doc.RootElement.GetProperty("d").GetProperty("dtype").GetString());
        Assert.Equal("[24,40]", doc.RootElement.GetProperty("d").GetProperty("data_offsets").GetRawText());
        var t = SafeTensors.Load(path);
        Assert.Equal(DType.Float32, t["x"].DType);
        Assert.Equal(DType.Float64, t["d"].DType);
        Assert.Equal(values.Select(BitConverter.SingleToInt32Bits), t["x"].ToArray<float>().Select(BitConverter.SingleToInt32Bits));
        Assert.Equal(new[] { 0.1, -2.0 }, t["d"].ToArray());
    }

    [Fact]
    public void F16AndBF16AreReadAsFloat32()
    {
        // F16: 1.0 = 0x3C00, -2.5 = 0xC100, 0x3555 = 1.0101010101₂ · 2^-2 = 1365/4096 = 0.333251953125
        // BF16: 1.0 = 0x3F80, -2.5 = 0xC020, 0x3EAB = float32 0x3EAB0000 = 1.0101011₂ · 2^-2 = 0.333984375
        var data = new byte[] { 0x00, 0x3C, 0x00, 0xC1, 0x55, 0x35, 0x80, 0x3F, 0x20, 0xC0, 0xAB, 0x3E };
        var header = "{\"h\":{\"dtype\":\"F16\",\"shape\":[3],\"data_offsets\":[0,6]},\"b\":{\"dtype\":\"BF16\",\"shape\":[3],\"data_offsets\":[6,12]}}";
        var path = PathOf("half.safetensors");
        System.IO.File.WriteAllBytes(path, File(header, data));
        var t = SafeTensors.Load(path);
        Assert.Equal(DType.Float32, t["h"].DType);
        Assert.Equal(DType.Float32, t["b"].DType);
        Assert.Equal(new[] { 1f, -2.5f, 0.333251953125f }, t["h"].ToArray<float>());
        Assert.Equal(new[] { 1f, -2.5f, 0.333984375f }, t["b"].ToArray<float>());
    }
}
