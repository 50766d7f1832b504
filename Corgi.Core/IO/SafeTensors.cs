using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.Json;

namespace Corgi.IO;

/// <summary>
/// Reads and writes named tensors in the safetensors format (Hugging Face), which PyTorch tooling reads
/// and writes: an 8-byte little-endian header length N, N bytes of JSON header
/// <c>{"name": {"dtype": "F64", "shape": [2, 3], "data_offsets": [begin, end]}, "__metadata__": {...}}</c>,
/// then the raw little-endian values (offsets are relative to the end of the header).
/// </summary>
/// <remarks>
/// Saving writes each tensor in its own dtype, float32 as "F32" and float64 as "F64", so a save/load round
/// trip is bit-exact in both (NaN payloads included). Loading reads F32 into float32 and F64 into float64
/// tensors natively; F16 and BF16 (common in PyTorch checkpoints) are widened, exactly, to float32; the
/// integer types I64, I32, I16, I8, U64, U32, U16, U8 and BOOL are converted to float64.
/// Saving writes a temporary file next to the target and renames it over the target, so a crash while
/// saving never destroys the previous file.
/// </remarks>
/// <example>
/// <code>
/// SafeTensors.Save("weights.safetensors", new Dictionary&lt;string, Tensor&gt; { ["w"] = w, ["b"] = b });
/// var loaded = SafeTensors.Load("weights.safetensors");   // loaded["w"] equals w bit for bit
/// </code>
/// </example>
public static class SafeTensors
{
    private const string MetadataKey = "__metadata__";
    // the reference implementation refuses headers above 100 MB
    private const long MaxHeaderLength = 100_000_000;

    /// <summary>Saves tensors under their names (in the given order), each in its dtype (F32 or F64), atomically.</summary>
    /// <param name="path">The file to write (replaced if it exists).</param>
    /// <param name="tensors">Name → tensor; names must be unique and not "__metadata__".</param>
    /// <param name="metadata">Optional string → string metadata stored in the header.</param>
    /// <exception cref="ArgumentException">A name is empty, repeated or reserved.</exception>
    public static void Save(string path, IEnumerable<KeyValuePair<string, Tensor>> tensors, IReadOnlyDictionary<string, string>? metadata = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        ArgumentNullException.ThrowIfNull(tensors);
        var items = new List<KeyValuePair<string, Tensor>>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var kv in tensors)
        {
            if (string.IsNullOrEmpty(kv.Key)) throw new ArgumentException("safetensors: a tensor name is empty", nameof(tensors));
            if (kv.Key == MetadataKey) throw new ArgumentException($"safetensors: the name '{MetadataKey}' is reserved for metadata", nameof(tensors));
            if (!names.Add(kv.Key)) throw new ArgumentException($"safetensors: the name '{kv.Key}' appears twice", nameof(tensors));
            ArgumentNullException.ThrowIfNull(kv.Value, nameof(tensors));
            items.Add(kv);
        }

        var header = BuildHeader(items, metadata);
        var full = Path.GetFullPath(path);
        var temp = Path.Combine(Path.GetDirectoryName(full) ?? ".", "." + Path.GetFileName(full) + "." + Guid.NewGuid().ToString("N") + ".tmp");
        try
        {
            using (var stream = new FileStream(temp, FileMode.CreateNew, FileAccess.Write, FileShare.None, 1 << 16))
            {
                Span<byte> len = stackalloc byte[8];
                BinaryPrimitives.WriteUInt64LittleEndian(len, (ulong)header.Length);
                stream.Write(len);
                stream.Write(header);
                foreach (var (_, t) in items)
                {
                    if (t.DType == DType.Float32) WriteLittleEndian(stream, t.AsSpan<float>());
                    else WriteLittleEndian(stream, t.AsSpan<double>());
                }
                stream.Flush(flushToDisk: true);
            }
            File.Move(temp, full, overwrite: true);
        }
        catch
        {
            try { File.Delete(temp); } catch (IOException) { } catch (UnauthorizedAccessException) { }
            throw;
        }
    }

    /// <summary>Loads every tensor of a safetensors file, by name (untracked tensors, in file order).</summary>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt; the message names the file and the problem.</exception>
    public static Dictionary<string, Tensor> Load(string path) => Read(path).Tensors;

    /// <summary>The "__metadata__" entries of a safetensors file (empty when it has none).</summary>
    /// <exception cref="InvalidDataException">The file is truncated or corrupt.</exception>
    public static Dictionary<string, string> ReadMetadata(string path) => Read(path).Metadata;

    private static byte[] BuildHeader(List<KeyValuePair<string, Tensor>> items, IReadOnlyDictionary<string, string>? metadata)
    {
        using var buffer = new MemoryStream();
        using (var w = new Utf8JsonWriter(buffer))
        {
            w.WriteStartObject();
            if (metadata is not null && metadata.Count > 0)
            {
                w.WriteStartObject(MetadataKey);
                foreach (var (k, v) in metadata) w.WriteString(k, v);
                w.WriteEndObject();
            }
            long offset = 0;
            foreach (var (name, t) in items)
            {
                w.WriteStartObject(name);
                bool single = t.DType == DType.Float32;
                w.WriteString("dtype", single ? "F32" : "F64");
                w.WriteStartArray("shape");
                foreach (var d in t.ShapeSpan) w.WriteNumberValue(d);
                w.WriteEndArray();
                w.WriteStartArray("data_offsets");
                w.WriteNumberValue(offset);
                offset += (single ? 4L : 8L) * t.Count;
                w.WriteNumberValue(offset);
                w.WriteEndArray();
                w.WriteEndObject();
            }
            w.WriteEndObject();
        }
        // pad with spaces so the data starts 8-byte aligned, as the reference writer does
        int length = (int)buffer.Length;
        int padded = (length + 7) / 8 * 8;
        var header = new byte[padded];
        buffer.GetBuffer().AsSpan(0, length).CopyTo(header);
        header.AsSpan(length).Fill((byte)' ');
        return header;
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<double> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        var bytes = new byte[values.Length * 8];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt64LittleEndian(bytes.AsSpan(i * 8), BitConverter.DoubleToInt64Bits(values[i]));
        stream.Write(bytes);
    }

    private static void WriteLittleEndian(Stream stream, ReadOnlySpan<float> values)
    {
        if (BitConverter.IsLittleEndian)
        {
            stream.Write(MemoryMarshal.AsBytes(values));
            return;
        }
        var bytes = new byte[values.Length * 4];
        for (int i = 0; i < values.Length; i++) BinaryPrimitives.WriteInt32LittleEndian(bytes.AsSpan(i * 4), BitConverter.SingleToInt32Bits(values[i]));
        stream.Write(bytes);
    }

    private sealed record Contents(Dictionary<string, Tensor> Tensors, Dictionary<string, string> Metadata);

    private sealed record Entry(string Name, string DType, int[] Shape, long Begin, long End);

    private static Contents Read(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        byte[] bytes = File.ReadAllBytes(path);
        if (bytes.Length < 8)
            throw Corrupt(path, $"it is truncated: {bytes.Length} bytes is shorter than the 8-byte header length");
        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(bytes);
        if (headerLength > MaxHeaderLength)
            throw Corrupt(path, $"the header length {headerLength} is larger than the {MaxHeaderLength}-byte limit (not a safetensors file?)");
        if ((long)headerLength > bytes.Length - 8)
            throw Corrupt(path, $"it is truncated: the header should be {headerLength} bytes but only {bytes.Length - 8} follow the length");
        int dataStart = 8 + (int)headerLength;
        long dataLength = bytes.Length - dataStart;

        var entries = new List<Entry>();
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            using var doc = JsonDocument.Parse(bytes.AsMemory(8, (int)headerLength));
            if (doc.RootElement.ValueKind != JsonValueKind.Object)
                throw Corrupt(path, "the header is not a JSON object");
            var names = new HashSet<string>(StringComparer.Ordinal);
            foreach (var prop in doc.RootElement.EnumerateObject())
            {
                // JSON allows a repeated key; a checkpoint naming one tensor twice is corrupt, not "the last one wins"
                if (!names.Add(prop.Name))
                    throw Corrupt(path, $"the header names '{prop.Name}' twice");
                if (prop.Name == MetadataKey)
                {
                    if (prop.Value.ValueKind != JsonValueKind.Object) throw Corrupt(path, "'__metadata__' is not an object");
                    foreach (var m in prop.Value.EnumerateObject())
                        metadata[m.Name] = m.Value.ValueKind == JsonValueKind.String ? m.Value.GetString()! : throw Corrupt(path, $"metadata value '{m.Name}' is not a string");
                    continue;
                }
                entries.Add(ParseEntry(path, prop));
            }
        }
        catch (JsonException e)
        {
            throw Corrupt(path, $"the header is not valid JSON ({e.Message})", e);
        }

        // The format stores the tensors back to back: sorted by offset, each begins where the previous ends,
        // and the last ends at the end of the file (the reference implementation's checks).
        entries.Sort((a, b) => a.Begin.CompareTo(b.Begin));
        long expectedBegin = 0;
        string? previous = null;
        foreach (var e in entries)
        {
            if (e.Begin < expectedBegin)
                throw Corrupt(path, $"tensor '{e.Name}' (data_offsets [{e.Begin}, {e.End}]) overlaps tensor '{previous}', which ends at data byte {expectedBegin}");
            if (e.Begin > expectedBegin)
                throw Corrupt(path, previous is null
                    ? $"there is a gap: the first tensor '{e.Name}' begins at data byte {e.Begin}, not 0"
                    : $"there is a gap: tensor '{e.Name}' begins at data byte {e.Begin} but tensor '{previous}' ends at {expectedBegin}");
            expectedBegin = Math.Max(expectedBegin, e.End);
            previous = e.Name;
        }
        if (expectedBegin < dataLength)
            throw Corrupt(path, $"{dataLength - expectedBegin} data bytes follow the last tensor (the tensors end at data byte {expectedBegin} of {dataLength})");

        var tensors = new List<(long Begin, string Name, Tensor Tensor)>(entries.Count);
        foreach (var e in entries)
        {
            int elementSize = ElementSize(path, e);
            long count = 1;
            foreach (var d in e.Shape) count *= d;
            if (e.End > dataLength)
                throw Corrupt(path, $"it is truncated: tensor '{e.Name}' ends at data byte {e.End} but only {dataLength} data bytes follow the header");
            if (e.End - e.Begin != count * elementSize)
                throw Corrupt(path, $"tensor '{e.Name}' of dtype {e.DType} and shape {Tensor.FormatShape(e.Shape)} needs {count * elementSize} bytes but its data_offsets [{e.Begin}, {e.End}] span {e.End - e.Begin}");
            var span = bytes.AsSpan(dataStart + (int)e.Begin, (int)(e.End - e.Begin));
            var tensor = e.DType is "F32" or "F16" or "BF16"
                ? new Tensor(e.Shape, DecodeSingle(e.DType, span, (int)count))
                : new Tensor(e.Shape, Decode(e.DType, span, (int)count));
            tensors.Add((e.Begin, e.Name, tensor));
        }
        var result = new Dictionary<string, Tensor>(StringComparer.Ordinal);
        foreach (var (_, name, t) in tensors) result[name] = t;
        return new Contents(result, metadata);
    }

    private static Entry ParseEntry(string path, JsonProperty prop)
    {
        var v = prop.Value;
        if (v.ValueKind != JsonValueKind.Object) throw Corrupt(path, $"the entry of tensor '{prop.Name}' is not an object");
        if (!v.TryGetProperty("dtype", out var dtype) || dtype.ValueKind != JsonValueKind.String)
            throw Corrupt(path, $"tensor '{prop.Name}' has no string 'dtype'");
        if (!v.TryGetProperty("shape", out var shapeEl) || shapeEl.ValueKind != JsonValueKind.Array)
            throw Corrupt(path, $"tensor '{prop.Name}' has no 'shape' array");
        if (!v.TryGetProperty("data_offsets", out var offsets) || offsets.ValueKind != JsonValueKind.Array || offsets.GetArrayLength() != 2)
            throw Corrupt(path, $"tensor '{prop.Name}' has no 'data_offsets' pair");
        var shape = new int[shapeEl.GetArrayLength()];
        int i = 0;
        long count = 1;
        foreach (var d in shapeEl.EnumerateArray())
        {
            if (d.ValueKind != JsonValueKind.Number || !d.TryGetInt32(out var n) || n < 0)
                throw Corrupt(path, $"tensor '{prop.Name}' has an invalid dimension {d.GetRawText()} in its shape");
            shape[i++] = n;
            count *= n;
            if (count > int.MaxValue) throw Corrupt(path, $"tensor '{prop.Name}' has more than {int.MaxValue} elements");
        }
        long begin = Offset(path, prop.Name, offsets[0]), end = Offset(path, prop.Name, offsets[1]);
        if (end < begin) throw Corrupt(path, $"tensor '{prop.Name}' has data_offsets [{begin}, {end}] that end before they begin");
        return new Entry(prop.Name, dtype.GetString()!, shape, begin, end);
    }

    private static long Offset(string path, string name, JsonElement e)
    {
        if (e.ValueKind != JsonValueKind.Number || !e.TryGetInt64(out var v) || v < 0)
            throw Corrupt(path, $"tensor '{name}' has an invalid data offset {e.GetRawText()}");
        return v;
    }

    private static int ElementSize(string path, Entry e) => e.DType switch
    {
        "F64" or "I64" or "U64" => 8,
        "F32" or "I32" or "U32" => 4,
        "F16" or "BF16" or "I16" or "U16" => 2,
        "I8" or "U8" or "BOOL" => 1,
        _ => throw Corrupt(path, $"tensor '{e.Name}' has unsupported dtype '{e.DType}'"),
    };

    // F32 natively; F16 and BF16 widened to float32, which holds every value of both exactly
    private static float[] DecodeSingle(string dtype, ReadOnlySpan<byte> b, int count)
    {
        var data = new float[count];
        if (dtype == "F32" && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, float>(b).CopyTo(data);
            return data;
        }
        for (int i = 0; i < count; i++)
        {
            data[i] = dtype switch
            {
                "F32" => BinaryPrimitives.ReadSingleLittleEndian(b[(i * 4)..]),
                "F16" => (float)BitConverter.UInt16BitsToHalf(BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..])),
                // bfloat16 is the upper half of a float32
                _ => BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..]) << 16),
            };
        }
        return data;
    }

    private static double[] Decode(string dtype, ReadOnlySpan<byte> b, int count)
    {
        var data = new double[count];
        if (dtype == "F64" && BitConverter.IsLittleEndian)
        {
            MemoryMarshal.Cast<byte, double>(b).CopyTo(data);
            return data;
        }
        for (int i = 0; i < count; i++)
        {
            data[i] = dtype switch
            {
                "F64" => BinaryPrimitives.ReadDoubleLittleEndian(b[(i * 8)..]),
                "I64" => BinaryPrimitives.ReadInt64LittleEndian(b[(i * 8)..]),
                "U64" => BinaryPrimitives.ReadUInt64LittleEndian(b[(i * 8)..]),
                "I32" => BinaryPrimitives.ReadInt32LittleEndian(b[(i * 4)..]),
                "U32" => BinaryPrimitives.ReadUInt32LittleEndian(b[(i * 4)..]),
                "I16" => BinaryPrimitives.ReadInt16LittleEndian(b[(i * 2)..]),
                "U16" => BinaryPrimitives.ReadUInt16LittleEndian(b[(i * 2)..]),
                "I8" => (sbyte)b[i],
                _ => b[i], // U8, BOOL
            };
        }
        return data;
    }

    private static InvalidDataException Corrupt(string path, string problem, Exception? inner = null) =>
        new($"safetensors: cannot read '{path}': {problem}", inner);
}
