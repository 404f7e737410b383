using System.Text;
using Microsoft.Win32.SafeHandles;

namespace BestOfN.Llama.Gguf;

/// <summary>One tensor's entry in a GGUF file. <paramref name="Shape"/> is in ggml order (ne0, the contiguous dimension, first);
/// <paramref name="Offset"/> is from the start of the data section.</summary>
public sealed record GgufTensorInfo(string Name, IReadOnlyList<long> Shape, GgmlType Type, long Offset)
{
    public long ElementCount => Shape.Aggregate(1L, (a, b) => a * b);

    /// <summary>Values in one row (ne0).</summary>
    public long RowLength => Shape.Count == 0 ? 1 : Shape[0];

    public long Rows => ElementCount / RowLength;

    public long RowBytes => GgmlTypeLayout.RowSize(Type, RowLength);

    public long ByteSize => RowBytes * Rows;

    public string ShapeText => $"[{string.Join(", ", Shape)}]";
}

/// <summary>
/// Reads a GGUF file (docs/gguf.md in ggml; versions 2 and 3): the header, every metadata key/value (all types, arrays nested), the
/// tensor infos, the alignment (general.alignment, 32 when absent) and the data offset. Tensor data is not loaded: it is read on demand,
/// a range at a time, with positional reads (several tensors may be read at once).
/// </summary>
public sealed class GgufFile : IDisposable
{
    public const uint DefaultAlignment = 32;
    public const string AlignmentKey = "general.alignment";

    private static ReadOnlySpan<byte> Magic => "GGUF"u8;

    private readonly SafeFileHandle _handle;

    public string Path { get; }

    public uint Version { get; }

    /// <summary>Metadata in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, GgufValue>> Metadata { get; }

    public IReadOnlyList<GgufTensorInfo> Tensors { get; }

    public uint Alignment { get; }

    /// <summary>Where the data section starts, in bytes from the start of the file.</summary>
    public long DataOffset { get; }

    public long FileSize { get; }

    private readonly Dictionary<string, GgufValue> _byKey;

    private GgufFile(string path, SafeFileHandle handle, uint version, List<KeyValuePair<string, GgufValue>> metadata, List<GgufTensorInfo> tensors,
        uint alignment, long dataOffset, long fileSize)
    {
        Path = path;
        _handle = handle;
        Version = version;
        Metadata = metadata;
        Tensors = tensors;
        Alignment = alignment;
        DataOffset = dataOffset;
        FileSize = fileSize;
        _byKey = new Dictionary<string, GgufValue>(StringComparer.Ordinal);
        foreach (var (key, value) in metadata) _byKey[key] = value;
    }

    /// <summary>Opens and parses the header; throws <see cref="InvalidDataException"/> naming the file and field when it is not a valid GGUF.</summary>
    public static GgufFile Open(string path)
    {
        var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.Read);
        try
        {
            // The header is read through a stream of its own: a stream over the handle would close it when disposed.
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 16);
            var r = new HeaderReader(stream, path);
            if (!r.Bytes(4).AsSpan().SequenceEqual(Magic)) throw r.Error("not a GGUF file (its first bytes are not 'GGUF')");
            var version = r.UInt32("version");
            if (version is not (2 or 3)) throw r.Error($"GGUF version {version} is not supported (2 and 3 are)");
            var tensorCount = r.Count("tensor_count");
            var metadataCount = r.Count("metadata_kv_count");

            var metadata = new List<KeyValuePair<string, GgufValue>>();
            for (long i = 0; i < metadataCount; i++)
            {
                var key = r.String($"metadata key {i}");
                var type = (GgufValueType)r.UInt32($"metadata '{key}' type");
                metadata.Add(new(key, r.Value(type, key, depth: 0)));
            }

            var tensors = new List<GgufTensorInfo>();
            for (long i = 0; i < tensorCount; i++)
            {
                var name = r.String($"tensor {i} name");
                var dims = r.UInt32($"tensor '{name}' n_dimensions");
                if (dims > 4) throw r.Error($"tensor '{name}' has {dims} dimensions (ggml allows at most 4)");
                var shape = new long[dims];
                for (var d = 0; d < dims; d++) shape[d] = r.Count($"tensor '{name}' dimension {d}");
                var type = (GgmlType)r.UInt32($"tensor '{name}' type");
                if (!GgmlTypeLayout.IsKnown(type)) throw r.Error($"tensor '{name}' has ggml type {(uint)type}, which this build cannot read");
                var offset = r.Count($"tensor '{name}' offset");
                var info = new GgufTensorInfo(name, shape, type, offset);
                if (info.RowLength % GgmlTypeLayout.BlockSize(type) != 0)
                    throw r.Error($"tensor '{name}': a row of {info.RowLength} values is not whole {type} blocks of {GgmlTypeLayout.BlockSize(type)}");
                tensors.Add(info);
            }

            var alignment = DefaultAlignment;
            if (metadata.FirstOrDefault(kv => kv.Key == AlignmentKey).Value is { } a)
            {
                if (a.Type != GgufValueType.UInt32 || (uint)a.Value == 0 || ((uint)a.Value & ((uint)a.Value - 1)) != 0)
                    throw r.Error($"{AlignmentKey} must be a power of two stored as UInt32 (found {a.Type} {a})");
                alignment = (uint)a.Value;
            }
            var dataOffset = Align(stream.Position, alignment);
            var fileSize = RandomAccess.GetLength(handle);
            foreach (var t in tensors)
            {
                if (t.Offset % alignment != 0) throw r.Error($"tensor '{t.Name}' offset {t.Offset} is not a multiple of the alignment {alignment}");
                if (dataOffset + t.Offset + t.ByteSize > fileSize)
                    throw r.Error($"tensor '{t.Name}' ends at byte {dataOffset + t.Offset + t.ByteSize}, past the end of the file ({fileSize} bytes): the file is truncated");
            }
            return new GgufFile(path, handle, version, metadata, tensors, alignment, dataOffset, fileSize);
        }
        catch
        {
            handle.Dispose();
            throw;
        }
    }

    public GgufValue? Get(string key) => _byKey.GetValueOrDefault(key);

    public GgufTensorInfo? Tensor(string name) => Tensors.FirstOrDefault(t => t.Name == name);

    /// <summary>Reads <paramref name="destination"/>.Length bytes of a tensor's data, starting <paramref name="offset"/> bytes into it.</summary>
    public void ReadTensorData(GgufTensorInfo tensor, long offset, Span<byte> destination)
    {
        if (offset < 0 || offset + destination.Length > tensor.ByteSize)
            throw new ArgumentOutOfRangeException(nameof(offset), $"bytes {offset}..{offset + destination.Length} are outside tensor '{tensor.Name}' ({tensor.ByteSize} bytes)");
        var position = DataOffset + tensor.Offset + offset;
        while (destination.Length > 0)
        {
            var read = RandomAccess.Read(_handle, destination, position);
            if (read == 0) throw new InvalidDataException($"{Path}: tensor '{tensor.Name}' is cut short (end of file at byte {position})");
            destination = destination[read..];
            position += read;
        }
    }

    /// <summary>A whole tensor's bytes (for small tensors and tests; large ones are read a range at a time).</summary>
    public byte[] ReadTensorData(GgufTensorInfo tensor)
    {
        var bytes = new byte[tensor.ByteSize];
        ReadTensorData(tensor, 0, bytes);
        return bytes;
    }

    public void Dispose() => _handle.Dispose();

    internal static long Align(long position, uint alignment) => (position + alignment - 1) / alignment * alignment;

    /// <summary>Sequential little-endian reads of the header, each failure naming the file and field.</summary>
    private sealed class HeaderReader(Stream stream, string path)
    {
        // Arrays nest, but no real file nests deeply; the cap keeps a corrupt file from recursing without end.
        private const int MaxDepth = 8;
        private readonly byte[] _scratch = new byte[8];

        public InvalidDataException Error(string message) => new($"{path}: {message}");

        public byte[] Bytes(int count, string field = "header")
        {
            var bytes = new byte[count];
            Fill(bytes, field);
            return bytes;
        }

        public uint UInt32(string field) => BitConverter.ToUInt32(Scratch(4, field));

        /// <summary>A uint64 count or size that must fit a long and the file.</summary>
        public long Count(string field)
        {
            var v = BitConverter.ToUInt64(Scratch(8, field));
            if (v > long.MaxValue) throw Error($"{field} is {v}, which no file can hold");
            return (long)v;
        }

        public string String(string field)
        {
            var length = Count($"{field} length");
            if (length > stream.Length - stream.Position) throw Error($"{field}: a string of {length} bytes runs past the end of the file");
            return Encoding.UTF8.GetString(Bytes((int)length, field));
        }

        public GgufValue Value(GgufValueType type, string key, int depth)
        {
            var field = $"metadata '{key}'";
            object value = type switch
            {
                GgufValueType.UInt8 => Scratch(1, field)[0],
                GgufValueType.Int8 => (sbyte)Scratch(1, field)[0],
                GgufValueType.UInt16 => BitConverter.ToUInt16(Scratch(2, field)),
                GgufValueType.Int16 => BitConverter.ToInt16(Scratch(2, field)),
                GgufValueType.UInt32 => BitConverter.ToUInt32(Scratch(4, field)),
                GgufValueType.Int32 => BitConverter.ToInt32(Scratch(4, field)),
                GgufValueType.Float32 => BitConverter.ToSingle(Scratch(4, field)),
                GgufValueType.Bool => Scratch(1, field)[0] switch
                {
                    0 => false,
                    1 => true,
                    var b => throw Error($"{field} is a bool stored as {b} (0 or 1 expected)"),
                },
                GgufValueType.String => String(field),
                GgufValueType.UInt64 => BitConverter.ToUInt64(Scratch(8, field)),
                GgufValueType.Int64 => BitConverter.ToInt64(Scratch(8, field)),
                GgufValueType.Float64 => BitConverter.ToDouble(Scratch(8, field)),
                GgufValueType.Array => Array(key, depth),
                _ => throw Error($"{field} has value type {(uint)type}, which GGUF does not define"),
            };
            return new GgufValue(type, value);
        }

        private GgufArray Array(string key, int depth)
        {
            if (depth >= MaxDepth) throw Error($"metadata '{key}' nests arrays more than {MaxDepth} deep");
            var elementType = (GgufValueType)UInt32($"metadata '{key}' array type");
            var count = Count($"metadata '{key}' array length");
            // Every element takes at least one byte: a count beyond the bytes left is corrupt, not a reason to allocate.
            if (count > stream.Length - stream.Position) throw Error($"metadata '{key}' claims {count} items, more than the file holds");
            var items = new GgufValue[count];
            for (long i = 0; i < count; i++) items[i] = Value(elementType, key, depth + 1);
            return new GgufArray(elementType, items);
        }

        private byte[] Scratch(int count, string field)
        {
            Fill(_scratch.AsSpan(0, count), field);
            return _scratch;
        }

        private void Fill(Span<byte> buffer, string field)
        {
            try
            {
                stream.ReadExactly(buffer);
            }
            catch (EndOfStreamException)
            {
                throw Error($"the file ends inside {field}: it is truncated or not a GGUF file");
            }
        }
    }
}
