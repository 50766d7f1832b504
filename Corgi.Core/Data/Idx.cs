using System;
using System.Buffers.Binary;
using System.IO;
using System.IO.Compression;

namespace Corgi.Data;

/// <summary>
/// Reads the IDX format of the MNIST and Fashion-MNIST files (train-images-idx3-ubyte and kin; a ".gz"
/// file is decompressed on the fly): a big-endian header (two zero bytes, a type code, the number of
/// dimensions, then each dimension as a 32-bit integer) followed by the values.
/// </summary>
/// <example>
/// <code>
/// var images = Idx.Read("train-images-idx3-ubyte.gz", scale: 1.0 / 255);  // [60000, 28, 28] in [0, 1]
/// var labels = Idx.Read("train-labels-idx1-ubyte.gz");                    // [60000] class indices
/// </code>
/// </example>
public static class Idx
{
    /// <summary>Reads an IDX file into a tensor of the file's shape, each value multiplied by <paramref name="scale"/>.</summary>
    /// <param name="path">The file; a name ending in ".gz" is read through gzip.</param>
    /// <param name="scale">A factor applied to every value (1/255 maps bytes to [0, 1]).</param>
    /// <param name="dtype">The dtype of the result; null means <see cref="Tensor.DefaultDType"/>. Values are scaled in
    /// double and rounded once for float32.</param>
    /// <exception cref="InvalidDataException">The file is not IDX, uses an unknown type, or is truncated (the message names the file).</exception>
    public static Tensor Read(string path, double scale = 1.0, DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(path);
        using var file = File.OpenRead(path);
        using Stream stream = path.EndsWith(".gz", StringComparison.OrdinalIgnoreCase) ? new GZipStream(file, CompressionMode.Decompress) : file;
        return Read(stream, scale, path, dtype);
    }

    /// <summary>Reads IDX data from a stream (see <see cref="Read(string, double, DType?)"/>).</summary>
    /// <param name="stream">The IDX bytes.</param>
    /// <param name="scale">A factor applied to every value.</param>
    /// <param name="name">A name for error messages.</param>
    /// <param name="dtype">The dtype of the result; null means <see cref="Tensor.DefaultDType"/>.</param>
    /// <exception cref="InvalidDataException">The data is not IDX, uses an unknown type, or is truncated.</exception>
    public static Tensor Read(Stream stream, double scale = 1.0, string name = "stream", DType? dtype = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        Span<byte> magic = stackalloc byte[4];
        if (!ReadFully(stream, magic))
            throw new InvalidDataException($"idx: '{name}' is truncated: it has fewer than the 4 bytes of the magic number");
        if (magic[0] != 0 || magic[1] != 0)
            throw new InvalidDataException($"idx: '{name}' is not an IDX file: the magic number must start with two zero bytes, found 0x{magic[0]:X2} 0x{magic[1]:X2}");
        int size = magic[2] switch
        {
            0x08 or 0x09 => 1,
            0x0B => 2,
            0x0C or 0x0D => 4,
            0x0E => 8,
            _ => throw new InvalidDataException($"idx: '{name}' has unknown type code 0x{magic[2]:X2} (expected 0x08, 0x09, 0x0B, 0x0C, 0x0D or 0x0E)"),
        };
        int rank = magic[3];
        var shape = new int[rank];
        Span<byte> dim = stackalloc byte[4];
        long count = 1;
        for (int i = 0; i < rank; i++)
        {
            if (!ReadFully(stream, dim))
                throw new InvalidDataException($"idx: '{name}' is truncated in its header: dimension {i} of {rank} is missing");
            int d = BinaryPrimitives.ReadInt32BigEndian(dim);
            if (d < 0) throw new InvalidDataException($"idx: '{name}' has a negative size {d} for dimension {i}");
            shape[i] = d;
            count *= d;
            if (count > int.MaxValue) throw new InvalidDataException($"idx: '{name}' declares more than {int.MaxValue} values");
        }
        long needed = count * size;
        if (needed > Array.MaxLength)
            throw new InvalidDataException($"idx: '{name}' declares shape {Tensor.FormatShape(shape)}: {needed} data bytes, more than an array can hold");
        // check the declared size against what is really there before allocating it: a 12-byte file must not
        // allocate the 500 MB its header claims
        if (stream.CanSeek && stream.Length - stream.Position < needed)
            throw new InvalidDataException($"idx: '{name}' is truncated: shape {Tensor.FormatShape(shape)} needs {needed} data bytes but only {stream.Length - stream.Position} follow the header");
        var bytes = stream.CanSeek ? new byte[needed] : ReadGrowing(stream, (int)needed);
        int got = stream.CanSeek ? ReadAtMost(stream, bytes) : bytes.Length;
        if (got < needed)
            throw new InvalidDataException($"idx: '{name}' is truncated: shape {Tensor.FormatShape(shape)} needs {needed} data bytes but only {got} follow the header");
        var data = new double[count];
        for (int i = 0; i < data.Length; i++)
        {
            var b = bytes.AsSpan(i * size, size);
            double v = magic[2] switch
            {
                0x08 => b[0],
                0x09 => (sbyte)b[0],
                0x0B => BinaryPrimitives.ReadInt16BigEndian(b),
                0x0C => BinaryPrimitives.ReadInt32BigEndian(b),
                0x0D => BinaryPrimitives.ReadSingleBigEndian(b),
                _ => BinaryPrimitives.ReadDoubleBigEndian(b),
            };
            data[i] = v * scale;
        }
        return Tensor.FromArray(shape, data, dtype ?? Tensor.DefaultDType);
    }

    private static bool ReadFully(Stream s, Span<byte> buffer) => ReadAtMost(s, buffer) == buffer.Length;

    private static int ReadAtMost(Stream s, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int n = s.Read(buffer[total..]);
            if (n == 0) break;
            total += n;
        }
        return total;
    }

    /// <summary>
    /// Reads up to <paramref name="needed"/> bytes from a stream whose length is unknown (a gzip stream), in chunks,
    /// so memory grows with the data actually present rather than with what a header claims.
    /// </summary>
    private static byte[] ReadGrowing(Stream stream, int needed)
    {
        var chunks = new MemoryStream();
        var chunk = new byte[Math.Min(needed, 1 << 20)];
        while (chunks.Length < needed)
        {
            int n = stream.Read(chunk, 0, (int)Math.Min(chunk.Length, needed - chunks.Length));
            if (n == 0) break;
            chunks.Write(chunk, 0, n);
        }
        return chunks.ToArray();
    }
}
