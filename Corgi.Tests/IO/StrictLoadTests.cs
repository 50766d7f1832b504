using System;
using System.Collections.Generic;
using System.IO;
using System.Text;
using Corgi.IO;
using Corgi.NN;
using Xunit;

namespace Corgi.Tests.IO;

/// <summary>Files that do not match: duplicate names in a safetensors header, and Model.Load strict by default.</summary>
public class StrictLoadTests : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "corgi-strict-" + Guid.NewGuid().ToString("N"));

    public StrictLoadTests() => Directory.CreateDirectory(_dir);

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private static Model Small(int hidden) => new(new ILayer[] { new Dense(2, hidden, Initializer.He(seed: 1)), new Dense(hidden, 1, Initializer.He(seed: 2)) },
        new Sgd(0.1), Cost.Mse());

    [Fact]
    public void SafeTensors_NamingOneTensorTwice_IsCorrupt()
    {
        // a hand-made file: the header {"a": F64 [1] at [0,8], "a": F64 [1] at [8,16]} and 16 data bytes
        string header = "{\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[0,8]},\"a\":{\"dtype\":\"F64\",\"shape\":[1],\"data_offsets\":[8,16]}}";
        var h = Encoding.UTF8.GetBytes(header);
        var bytes = new byte[8 + h.Length + 16];
        BitConverter.GetBytes((ulong)h.Length).CopyTo(bytes, 0);
        h.CopyTo(bytes, 8);
        var path = Path.Combine(_dir, "twice.safetensors");
        File.WriteAllBytes(path, bytes);
        var e = Assert.Throws<InvalidDataException>(() => SafeTensors.Load(path));
        Assert.Contains("'a' twice", e.Message);
    }

    [Fact]
    public void Load_IsStrictByDefault_ListingEveryMismatch_AndChangesNothing()
    {
        var path = Path.Combine(_dir, "m.safetensors");
        var other = Small(3);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, p) in other.NamedParameters) tensors.Add(new(name, p.Value));
        tensors.Add(new("extra.weight", Tensor.Ones(2)));
        SafeTensors.Save(path, tensors);

        var model = Small(4); // hidden 4: every weight and bias of layer 0 and the weight of layer 1 differ in shape
        var before = model.Parameters[0].Value.ToArray();
        var e = Assert.Throws<InvalidDataException>(() => model.Load(path));
        Assert.Contains("misshaped", e.Message);
        Assert.Contains("unexpected 'extra.weight'", e.Message);
        Assert.Contains("nothing was loaded", e.Message);
        Assert.Equal(before, model.Parameters[0].Value.ToArray());
    }

    [Fact]
    public void Load_NonStrict_LoadsWhatMatches_AndReportsTheRest()
    {
        var path = Path.Combine(_dir, "m2.safetensors");
        var source = Small(3);
        var tensors = new List<KeyValuePair<string, Tensor>>();
        foreach (var (name, p) in source.NamedParameters) tensors.Add(new(name, p.Value));
        tensors.Add(new("extra", Tensor.Ones(2)));
        SafeTensors.Save(path, tensors);

        var model = Small(3);
        var report = model.Load(path, strict: false);
        Assert.False(report.IsComplete);
        Assert.Equal(4, report.Loaded.Count);
        Assert.Equal(new[] { "'extra'" }, report.Unexpected);
        Assert.Empty(report.Missing);
        Assert.Equal(source.Parameters[0].Value.ToArray(), model.Parameters[0].Value.ToArray());
        // strict on the same file refuses the unexpected tensor
        Assert.Throws<InvalidDataException>(() => model.Load(path));
    }
}
