using System.Text;

namespace BestOfN.Llama.Gguf;

/// <summary>
/// Writes GGUF v3 files (the format llama.cpp loads): a header, typed key/value metadata, tensor infos,
/// then tensor data aligned to <see cref="Alignment"/> bytes. Only what our tiny test models need: F32 and F16 tensors.
/// Reference: llama.cpp ggml/include/gguf.h and docs of the GGUF format.
/// </summary>
public sealed class GgufWriter
{
    public const int Alignment = 32;

    private enum ValueType : uint { UInt8 = 0, Int8 = 1, UInt16 = 2, Int16 = 3, UInt32 = 4, Int32 = 5, Float32 = 6, Bool = 7, String = 8, Array = 9, UInt64 = 10, Int64 = 11, Float64 = 12 }

    public enum TensorType : uint { F32 = 0, F16 = 1 }

    private readonly List<(string Key, Action<BinaryWriter> Write)> _metadata = [];
    private readonly List<Tensor> _tensors = [];

    private sealed record Tensor(string Name, long[] Shape, TensorType Type, float[] Data);

    public GgufWriter Add(string key, string value) => AddRaw(key, w => { w.Write((uint)ValueType.String); WriteString(w, value); });

    public GgufWriter Add(string key, uint value) => AddRaw(key, w => { w.Write((uint)ValueType.UInt32); w.Write(value); });

    public GgufWriter Add(string key, int value) => AddRaw(key, w => { w.Write((uint)ValueType.Int32); w.Write(value); });

    public GgufWriter Add(string key, float value) => AddRaw(key, w => { w.Write((uint)ValueType.Float32); w.Write(value); });

    public GgufWriter Add(string key, bool value) => AddRaw(key, w => { w.Write((uint)ValueType.Bool); w.Write(value ? (byte)1 : (byte)0); });

    public GgufWriter Add(string key, IReadOnlyList<string> values) => AddRaw(key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.String);
        w.Write((ulong)values.Count);
        foreach (var v in values) WriteString(w, v);
    });

    public GgufWriter Add(string key, IReadOnlyList<float> values) => AddRaw(key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.Float32);
        w.Write((ulong)values.Count);
        foreach (var v in values) w.Write(v);
    });

    public GgufWriter Add(string key, IReadOnlyList<int> values) => AddRaw(key, w =>
    {
        w.Write((uint)ValueType.Array);
        w.Write((uint)ValueType.Int32);
        w.Write((ulong)values.Count);
        foreach (var v in values) w.Write(v);
    });

    /// <param name="shape">ggml order: the first dimension is the contiguous one (ne0).</param>
    public GgufWriter AddTensor(string name, long[] shape, float[] data, TensorType type = TensorType.F32)
    {
        var count = shape.Aggregate(1L, (a, b) => a * b);
        if (count != data.Length) throw new ArgumentException($"Tensor {name}: shape holds {count} values, data has {data.Length}.");
        _tensors.Add(new Tensor(name, shape, type, data));
        return this;
    }

    private GgufWriter AddRaw(string key, Action<BinaryWriter> write)
    {
        _metadata.Add((key, write));
        return this;
    }

    public void Write(string path)
    {
        var tmp = path + ".partial";
        using (var stream = new FileStream(tmp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20))
        using (var w = new BinaryWriter(stream, Encoding.UTF8))
        {
            w.Write("GGUF"u8);
            w.Write(3u);
            w.Write((ulong)_tensors.Count);
            w.Write((ulong)_metadata.Count);
            foreach (var (key, write) in _metadata)
            {
                WriteString(w, key);
                write(w);
            }
            ulong offset = 0;
            foreach (var t in _tensors)
            {
                WriteString(w, t.Name);
                w.Write((uint)t.Shape.Length);
                foreach (var d in t.Shape) w.Write((ulong)d);
                w.Write((uint)t.Type);
                w.Write(offset);
                offset = Align(offset + ByteSize(t));
            }
            Pad(w);
            foreach (var t in _tensors)
            {
                if (t.Type == TensorType.F32) foreach (var v in t.Data) w.Write(v);
                else foreach (var v in t.Data) w.Write((Half)v);
                Pad(w);
            }
        }
        File.Move(tmp, path, overwrite: true);
    }

    private static ulong ByteSize(Tensor t) => (ulong)t.Data.Length * (t.Type == TensorType.F32 ? 4u : 2u);

    private static ulong Align(ulong n) => (n + Alignment - 1) / Alignment * Alignment;

    private static void Pad(BinaryWriter w)
    {
        var pos = (ulong)w.BaseStream.Position;
        for (var i = pos; i < Align(pos); i++) w.Write((byte)0);
    }

    private static void WriteString(BinaryWriter w, string s)
    {
        var bytes = Encoding.UTF8.GetBytes(s);
        w.Write((ulong)bytes.Length);
        w.Write(bytes);
    }
}
