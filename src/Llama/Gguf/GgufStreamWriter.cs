using System.Text;

namespace BestOfN.Llama.Gguf;

/// <summary>A tensor to write: its name, shape (ggml order) and type; its bytes follow later, through <see cref="GgufStreamWriter.WriteTensorData"/>.</summary>
public sealed record GgufTensorLayout(string Name, IReadOnlyList<long> Shape, GgmlType Type)
{
    public long ByteSize => GgmlTypeLayout.RowSize(Type, Shape.Count == 0 ? 1 : Shape[0]) * Shape.Skip(1).Aggregate(1L, (a, b) => a * b);
}

/// <summary>
/// Writes a GGUF v3 file to a stream without holding tensor data: the header, metadata (any <see cref="GgufValue"/>) and tensor infos
/// are written first, then each tensor's bytes in order, a range at a time, padded to the alignment (general.alignment if the metadata
/// sets it, else 32). Checks that every tensor gets exactly its size in bytes.
/// </summary>
public sealed class GgufStreamWriter
{
    private readonly BinaryWriter _writer;
    private readonly IReadOnlyList<GgufTensorLayout> _tensors;
    private readonly uint _alignment;
    private int _tensor;
    private long _writtenOfTensor;

    public GgufStreamWriter(Stream stream, IReadOnlyList<KeyValuePair<string, GgufValue>> metadata, IReadOnlyList<GgufTensorLayout> tensors)
    {
        _writer = new BinaryWriter(stream, Encoding.UTF8, leaveOpen: true);
        _tensors = tensors;
        _alignment = metadata.FirstOrDefault(kv => kv.Key == GgufFile.AlignmentKey).Value is { Value: uint a } ? a : GgufFile.DefaultAlignment;

        _writer.Write("GGUF"u8);
        _writer.Write(3u);
        _writer.Write((ulong)tensors.Count);
        _writer.Write((ulong)metadata.Count);
        foreach (var (key, value) in metadata)
        {
            WriteString(key);
            _writer.Write((uint)value.Type);
            WriteValue(value);
        }
        long offset = 0;
        foreach (var t in tensors)
        {
            WriteString(t.Name);
            _writer.Write((uint)t.Shape.Count);
            foreach (var d in t.Shape) _writer.Write((ulong)d);
            _writer.Write((uint)t.Type);
            _writer.Write((ulong)offset);
            offset = GgufFile.Align(offset + t.ByteSize, _alignment);
        }
        if (tensors.Count > 0) Pad(); // gguf-py leaves a file of metadata only (a vocabulary) unpadded
    }

    /// <summary>Appends bytes of the current tensor; moves to the next tensor once this one is complete.</summary>
    public void WriteTensorData(ReadOnlySpan<byte> bytes)
    {
        if (_tensor >= _tensors.Count) throw new InvalidOperationException("Every tensor has been written already.");
        var tensor = _tensors[_tensor];
        if (_writtenOfTensor + bytes.Length > tensor.ByteSize)
            throw new InvalidOperationException($"Tensor '{tensor.Name}' takes {tensor.ByteSize} bytes; {_writtenOfTensor + bytes.Length} were given.");
        _writer.Write(bytes);
        _writtenOfTensor += bytes.Length;
        if (_writtenOfTensor == tensor.ByteSize)
        {
            Pad();
            _tensor++;
            _writtenOfTensor = 0;
        }
    }

    /// <summary>Flushes; throws if a tensor is still missing bytes (the file would be torn).</summary>
    public void Finish()
    {
        if (_tensor < _tensors.Count) throw new InvalidOperationException($"Tensor '{_tensors[_tensor].Name}' and those after it were not written.");
        _writer.Flush();
    }

    private void Pad()
    {
        var position = _writer.BaseStream.Position;
        for (var i = position; i < GgufFile.Align(position, _alignment); i++) _writer.Write((byte)0);
    }

    private void WriteString(string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        _writer.Write((ulong)bytes.Length);
        _writer.Write(bytes);
    }

    private void WriteValue(GgufValue value)
    {
        if (!Holds(value)) throw new ArgumentException($"A GGUF {value.Type} value cannot hold a {value.Value.GetType().Name}.");
        switch (value.Value)
        {
            case byte v: _writer.Write(v); break;
            case sbyte v: _writer.Write(v); break;
            case ushort v: _writer.Write(v); break;
            case short v: _writer.Write(v); break;
            case uint v: _writer.Write(v); break;
            case int v: _writer.Write(v); break;
            case float v: _writer.Write(v); break;
            case bool v: _writer.Write(v ? (byte)1 : (byte)0); break;
            case string v: WriteString(v); break;
            case ulong v: _writer.Write(v); break;
            case long v: _writer.Write(v); break;
            case double v: _writer.Write(v); break;
            case GgufArray a:
                _writer.Write((uint)a.ElementType);
                _writer.Write((ulong)a.Items.Count);
                foreach (var item in a.Items)
                {
                    if (item.Type != a.ElementType) throw new ArgumentException($"An array of {a.ElementType} holds a {item.Type}.");
                    WriteValue(item);
                }
                break;
        }
    }

    private static bool Holds(GgufValue v) => (v.Type, v.Value) switch
    {
        (GgufValueType.UInt8, byte) or (GgufValueType.Int8, sbyte) or (GgufValueType.UInt16, ushort) or (GgufValueType.Int16, short)
            or (GgufValueType.UInt32, uint) or (GgufValueType.Int32, int) or (GgufValueType.Float32, float) or (GgufValueType.Bool, bool)
            or (GgufValueType.String, string) or (GgufValueType.UInt64, ulong) or (GgufValueType.Int64, long) or (GgufValueType.Float64, double)
            or (GgufValueType.Array, GgufArray) => true,
        _ => false,
    };
}
