using System.Runtime.InteropServices;

namespace BestOfN.TestSupport.Onnx;

/// <summary>
/// A minimal ONNX model builder (ModelProto, GraphProto, NodeProto, TensorProto, ValueInfoProto, AttributeProto), enough for the small
/// graphs tests and benchmarks need. Field numbers are those of onnx.proto.
/// </summary>
public sealed class OnnxModelWriter
{
    public enum ElementType { Float = 1, Int64 = 7 }

    private readonly List<ProtoWriter> _nodes = [];
    private readonly List<ProtoWriter> _initializers = [];
    private readonly List<ProtoWriter> _inputs = [];
    private readonly List<ProtoWriter> _outputs = [];

    /// <summary>The operator set the graph uses (17: ReduceSum and Unsqueeze take their axes as inputs).</summary>
    public int Opset { get; init; } = 17;

    /// <summary>A graph input or output; a null dimension is symbolic ("batch", "tokens", ...).</summary>
    public OnnxModelWriter Input(string name, ElementType type, params (string? Symbol, long Size)[] shape)
    {
        _inputs.Add(ValueInfo(name, type, shape));
        return this;
    }

    public OnnxModelWriter Output(string name, ElementType type, params (string? Symbol, long Size)[] shape)
    {
        _outputs.Add(ValueInfo(name, type, shape));
        return this;
    }

    public OnnxModelWriter Initializer(string name, long[] dims, float[] values) =>
        AddInitializer(name, dims, ElementType.Float, MemoryMarshal.AsBytes(values.AsSpan()));

    public OnnxModelWriter Initializer(string name, long[] dims, long[] values) =>
        AddInitializer(name, dims, ElementType.Int64, MemoryMarshal.AsBytes(values.AsSpan()));

    /// <summary>A node; attributes are ints (i) or floats (f).</summary>
    public OnnxModelWriter Node(string opType, string[] inputs, string[] outputs, params (string Name, object Value)[] attributes)
    {
        var node = new ProtoWriter();
        foreach (var i in inputs) node.String(1, i);
        foreach (var o in outputs) node.String(2, o);
        node.String(3, $"{opType}_{_nodes.Count}");
        node.String(4, opType);
        foreach (var (name, value) in attributes)
        {
            var a = new ProtoWriter().String(1, name);
            switch (value)
            {
                case int i: a.Varint(3, i).Varint(20, 2); break;     // INT
                case long l: a.Varint(3, l).Varint(20, 2); break;
                case float f: a.Float(2, f).Varint(20, 1); break;    // FLOAT
                default: throw new ArgumentException($"Attribute {name}: unsupported type {value.GetType().Name}.");
            }
            node.Message(5, a);
        }
        _nodes.Add(node);
        return this;
    }

    public byte[] ToBytes(string graphName = "bestofn")
    {
        var graph = new ProtoWriter();
        foreach (var n in _nodes) graph.Message(1, n);
        graph.String(2, graphName);
        foreach (var t in _initializers) graph.Message(5, t);
        foreach (var i in _inputs) graph.Message(11, i);
        foreach (var o in _outputs) graph.Message(12, o);
        return new ProtoWriter()
            .Varint(1, 8)                                              // ir_version
            .String(2, "bestofn")                                      // producer_name
            .Message(7, graph)
            .Message(8, new ProtoWriter().String(1, "").Varint(2, Opset)) // opset_import (default domain)
            .ToArray();
    }

    public void Write(string path) => File.WriteAllBytes(path, ToBytes());

    private OnnxModelWriter AddInitializer(string name, long[] dims, ElementType type, ReadOnlySpan<byte> raw)
    {
        if (!BitConverter.IsLittleEndian) throw new PlatformNotSupportedException("ONNX raw_data is little-endian.");
        var t = new ProtoWriter();
        foreach (var d in dims) t.Varint(1, d);
        t.Varint(2, (int)type).String(8, name).Bytes(9, raw);
        _initializers.Add(t);
        return this;
    }

    private static ProtoWriter ValueInfo(string name, ElementType type, (string? Symbol, long Size)[] shape)
    {
        var dims = new ProtoWriter();
        foreach (var (symbol, size) in shape)
            dims.Message(1, symbol is null ? new ProtoWriter().Varint(1, size) : new ProtoWriter().String(2, symbol));
        var tensor = new ProtoWriter().Varint(1, (int)type).Message(2, dims);
        return new ProtoWriter().String(1, name).Message(2, new ProtoWriter().Message(1, tensor));
    }
}
