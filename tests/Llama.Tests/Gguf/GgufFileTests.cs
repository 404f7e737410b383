using BestOfN.Llama.Gguf;

namespace BestOfN.Llama.Tests.Gguf;

public class GgufFileTests
{
    private static GgufValue Array(GgufValueType type, params object[] items) =>
        new(GgufValueType.Array, new GgufArray(type, items.Select(i => i as GgufValue ?? new GgufValue(type, i)).ToList()));

    private static readonly List<KeyValuePair<string, GgufValue>> EveryType =
    [
        new("general.architecture", GgufValue.Of("llama")),
        new("general.alignment", GgufValue.Of(64u)),
        new("t.u8", new(GgufValueType.UInt8, (byte)200)),
        new("t.i8", new(GgufValueType.Int8, (sbyte)-100)),
        new("t.u16", new(GgufValueType.UInt16, (ushort)60000)),
        new("t.i16", new(GgufValueType.Int16, (short)-30000)),
        new("t.i32", new(GgufValueType.Int32, -123456)),
        new("t.f32", new(GgufValueType.Float32, 1.5f)),
        new("t.bool", new(GgufValueType.Bool, true)),
        new("t.u64", new(GgufValueType.UInt64, ulong.MaxValue)),
        new("t.i64", new(GgufValueType.Int64, long.MinValue)),
        new("t.f64", GgufValue.Of(0.3)),
        new("t.unicode", GgufValue.Of("ки ▁é")),
        new("t.strings", Array(GgufValueType.String, "a", "", "ки")),
        new("t.floats", Array(GgufValueType.Float32, 1f, -2.5f)),
        new("t.nested", Array(GgufValueType.Array, Array(GgufValueType.Int32, 1, 2), Array(GgufValueType.Int32))),
    ];

    [Fact]
    public void Every_metadata_type_nested_arrays_and_tensor_bytes_round_trip_at_the_given_alignment()
    {
        var path = TestModels.TempFile("every-type.gguf");
        var f16 = new GgufTensorLayout("a", [3, 2], GgmlType.F16);
        var q8 = new GgufTensorLayout("b", [32, 2], GgmlType.Q8_0);
        var aBytes = Enumerable.Range(1, 12).Select(i => (byte)i).ToArray();
        var bBytes = Enumerable.Range(0, 68).Select(i => (byte)(255 - i)).ToArray();
        using (var stream = File.Create(path))
        {
            var writer = new GgufStreamWriter(stream, EveryType, [f16, q8]);
            writer.WriteTensorData(aBytes);
            writer.WriteTensorData(bBytes.AsSpan(0, 30));
            writer.WriteTensorData(bBytes.AsSpan(30));
            writer.Finish();
        }

        using var file = GgufFile.Open(path);
        Assert.Equal(3u, file.Version);
        Assert.Equal(64u, file.Alignment);
        Assert.Equal(0, file.DataOffset % 64);
        Assert.Equal(EveryType.Select(kv => kv.Key), file.Metadata.Select(kv => kv.Key));
        foreach (var (key, value) in EveryType) Assert.Null(GgufValue.FirstDifference(value, file.Get(key)!));
        Assert.Equal(["a", "b"], file.Tensors.Select(t => t.Name));
        Assert.Equal([32L, 2L], file.Tensor("b")!.Shape);
        Assert.Equal(GgmlType.Q8_0, file.Tensor("b")!.Type);
        Assert.Equal(64, file.Tensor("b")!.Offset); // 12 bytes of "a", padded to 64
        Assert.Equal(aBytes, file.ReadTensorData(file.Tensor("a")!));
        Assert.Equal(bBytes, file.ReadTensorData(file.Tensor("b")!));
        var part = new byte[10];
        file.ReadTensorData(file.Tensor("b")!, 34, part);
        Assert.Equal(bBytes[34..44], part);
    }

    [Fact]
    public void First_difference_names_the_item_and_both_values()
    {
        var a = Array(GgufValueType.String, "x", "▁a");
        Assert.Equal("item 1: '▁a' vs '▁b'", GgufValue.FirstDifference(a, Array(GgufValueType.String, "x", "▁b")));
        Assert.Equal("2 vs 3 items", GgufValue.FirstDifference(a, Array(GgufValueType.String, "x", "▁a", "c")));
        Assert.Equal("type UInt32 vs Int32", GgufValue.FirstDifference(GgufValue.Of(1u), new(GgufValueType.Int32, 1)));
        Assert.Null(GgufValue.FirstDifference(a, Array(GgufValueType.String, "x", "▁a")));
    }

    [Fact]
    public void A_model_from_the_independent_writer_reads_back_with_its_vocabulary_shapes_and_values()
    {
        var spec = new TinyLlamaSpec { TensorType = GgufWriter.TensorType.F16, Seed = 7 };
        var path = TestModels.TempFile("tiny-f16.gguf");
        TinyLlamaModel.Write(path, spec);
        var known = Path.ChangeExtension(path, ".known.gguf");
        new GgufWriter().Add("general.architecture", "llama").Add("general.alignment", 32u)
            .AddTensor("f32", [2, 2], [1f, -2f, 0.5f, 3f])
            .AddTensor("f16", [3], [0.1f, 65504f, -0f], GgufWriter.TensorType.F16)
            .Write(known);

        using (var model = GgufFile.Open(path))
        {
            var vocabulary = TinyLlamaModel.Vocabulary(spec);
            Assert.Equal("llama", model.Get("general.architecture")!.AsString());
            Assert.Equal(vocabulary, model.Get("tokenizer.ggml.tokens")!.AsArray().Items.Select(v => v.AsString()));
            Assert.Equal(3 + 9 * spec.Layers, model.Tensors.Count);
            var embedding = model.Tensor("token_embd.weight")!;
            Assert.Equal([64L, vocabulary.Count], embedding.Shape);
            Assert.Equal(GgmlType.F16, embedding.Type);
            Assert.Equal(GgmlType.F32, model.Tensor("output_norm.weight")!.Type);
            var norm = new float[64];
            GgmlTypes.Dequantize(GgmlType.F32, model.ReadTensorData(model.Tensor("output_norm.weight")!), norm);
            Assert.All(norm, v => Assert.Equal(1f, v));
        }
        using var file = GgufFile.Open(known);
        var f32 = new float[4];
        GgmlTypes.Dequantize(GgmlType.F32, file.ReadTensorData(file.Tensor("f32")!), f32);
        Assert.Equal([1f, -2f, 0.5f, 3f], f32);
        var f16 = new float[3];
        GgmlTypes.Dequantize(GgmlType.F16, file.ReadTensorData(file.Tensor("f16")!), f16);
        Assert.Equal([(float)(Half)0.1f, 65504f, -0f], f16);
        Assert.True(float.IsNegative(f16[2]));
    }

    [Fact]
    public void Files_that_are_not_whole_ggufs_are_refused_naming_the_file_and_what_is_wrong()
    {
        var text = TestModels.TempFile("notes.gguf");
        File.WriteAllText(text, "hello, this is not a model");
        var e = Assert.Throws<InvalidDataException>(() => GgufFile.Open(text));
        Assert.Equal($"{text}: not a GGUF file (its first bytes are not 'GGUF')", e.Message);

        var model = TestModels.TempFile("whole.gguf");
        TinyLlamaModel.Write(model, new TinyLlamaSpec());
        var bytes = File.ReadAllBytes(model);
        var cutInData = TestModels.TempFile("cut-data.gguf");
        File.WriteAllBytes(cutInData, bytes[..^100]);
        Assert.Contains("past the end of the file", Assert.Throws<InvalidDataException>(() => GgufFile.Open(cutInData)).Message);
        var cutInHeader = TestModels.TempFile("cut-header.gguf");
        var tokens = bytes.AsSpan().IndexOf("tokenizer.ggml.tokens"u8);
        File.WriteAllBytes(cutInHeader, bytes[..(tokens + 500)]);
        var header = Assert.Throws<InvalidDataException>(() => GgufFile.Open(cutInHeader)).Message;
        Assert.StartsWith($"{cutInHeader}: ", header);
        Assert.Contains("metadata 'tokenizer.ggml.tokens'", header);
    }

    [Fact]
    public void The_stream_writer_refuses_a_tensor_given_the_wrong_number_of_bytes()
    {
        using var stream = new MemoryStream();
        var writer = new GgufStreamWriter(stream, [], [new GgufTensorLayout("a", [4], GgmlType.F32)]);
        Assert.Throws<InvalidOperationException>(() => writer.WriteTensorData(new byte[17]));
        writer.WriteTensorData(new byte[8]);
        Assert.Throws<InvalidOperationException>(writer.Finish);
    }
}
