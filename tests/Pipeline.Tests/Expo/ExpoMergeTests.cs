using System.Buffers.Binary;
using System.Security.Cryptography;
using BestOfN.Llama;
using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;
using BestOfN.Pipeline.Expo;

namespace BestOfN.Pipeline.Tests.Expo;

public class ExpoMergeTests
{
    private static readonly TinyLlamaSpec F16 = new() { TensorType = GgufWriter.TensorType.F16 };

    /// <summary>An SFT and an aligned model of one architecture: the same shapes and vocabulary, other random weights.</summary>
    private static (string Sft, string Aligned) Parents(TinyLlamaSpec? spec = null)
    {
        spec ??= F16;
        var sft = TestModels.TempFile("sft.gguf");
        var aligned = TestModels.TempFile("aligned.gguf");
        TinyLlamaModel.Write(sft, spec with { Seed = 1 });
        TinyLlamaModel.Write(aligned, spec with { Seed = 2 });
        return (sft, aligned);
    }

    private static float[] Values(GgufFile file, GgufTensorInfo tensor)
    {
        var values = new float[tensor.ElementCount];
        GgmlTypes.Dequantize(tensor.Type, file.ReadTensorData(tensor), values);
        return values;
    }

    private static string Sha256(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)));

    [Fact]
    public void Every_tensor_is_the_extrapolation_within_f16_rounding_and_the_metadata_is_the_aligned_models_plus_expo()
    {
        var (sftPath, alignedPath) = Parents();
        var outPath = TestModels.TempFile("expo.gguf");
        var reports = new List<ExpoProgress>();
        var result = ExpoMerge.Run(new ExpoRequest(sftPath, alignedPath, 0.3, outPath), new Recorder(reports));

        Assert.Equal((Path.GetFullPath(outPath), Sha256(sftPath), Sha256(alignedPath), 0.3, "f16", 21, new FileInfo(outPath).Length),
            (result.OutPath, result.SftSha256, result.AlignedSha256, result.Alpha, result.Type, result.Tensors, result.Bytes));
        var last = reports[^1];
        Assert.Equal((21, 21), (last.TensorsDone, last.TensorsTotal));
        Assert.Equal(last.BytesTotal, last.BytesDone);
        Assert.Equal(reports.Select(r => r.BytesDone).Order(), reports.Select(r => r.BytesDone));

        using var sft = GgufFile.Open(sftPath);
        using var aligned = GgufFile.Open(alignedPath);
        using var expo = GgufFile.Open(outPath);
        Assert.Equal(aligned.Tensors.Select(t => (t.Name, t.Type, string.Join(',', t.Shape))), expo.Tensors.Select(t => (t.Name, t.Type, string.Join(',', t.Shape))));
        var changed = 0;
        foreach (var t in expo.Tensors)
        {
            var s = Values(sft, sft.Tensor(t.Name)!);
            var a = Values(aligned, aligned.Tensor(t.Name)!);
            var e = Values(expo, t);
            for (var i = 0; i < e.Length; i++)
            {
                // ExPO: θ = θ_sft + (1+α)(θ_aligned − θ_sft); F16 keeps 11 significant bits, so rounding moves a value by at most 2^-11 of it.
                var expected = s[i] + 1.3 * ((double)a[i] - s[i]);
                Assert.True(Math.Abs(e[i] - expected) <= Math.Abs(expected) * Math.Pow(2, -11) + Math.Pow(2, -25), $"{t.Name}[{i}]: {e[i]}, expected {expected}");
            }
            if (!e.SequenceEqual(a)) changed++;
        }
        Assert.Equal(expo.Tensors.Count(t => t.Shape.Count == 2), changed); // the norms are ones in both models
        foreach (var (key, value) in aligned.Metadata) Assert.Null(GgufValue.FirstDifference(value, expo.Get(key)!));
        Assert.Equal(0.3, expo.Get(ExpoMerge.AlphaKey)!.Value);
        Assert.Equal(result.SftSha256, expo.Get(ExpoMerge.SftHashKey)!.AsString());
        Assert.Equal(result.AlignedSha256, expo.Get(ExpoMerge.AlignedHashKey)!.AsString());
    }

    [Fact]
    public void Alpha_zero_gives_the_aligned_tensors_and_alpha_minus_one_the_sft_tensors_bit_for_bit()
    {
        var (sftPath, alignedPath) = Parents();
        var zero = TestModels.TempFile("expo0.gguf");
        var minusOne = TestModels.TempFile("expo-1.gguf");
        ExpoMerge.Run(new ExpoRequest(sftPath, alignedPath, 0, zero));
        ExpoMerge.Run(new ExpoRequest(sftPath, alignedPath, -1, minusOne));
        using var sft = GgufFile.Open(sftPath);
        using var aligned = GgufFile.Open(alignedPath);
        using var atZero = GgufFile.Open(zero);
        using var atMinusOne = GgufFile.Open(minusOne);
        foreach (var t in aligned.Tensors)
        {
            Assert.Equal(aligned.ReadTensorData(t), atZero.ReadTensorData(atZero.Tensor(t.Name)!));
            Assert.Equal(sft.ReadTensorData(sft.Tensor(t.Name)!), atMinusOne.ReadTensorData(atMinusOne.Tensor(t.Name)!));
        }
    }

    [Theory]
    [InlineData(null, 0.3)]
    [InlineData("q8_0", 0.5)]
    [InlineData(null, 0.0)]
    public void A_tensor_taken_a_few_rows_at_a_time_gives_the_same_file_as_taken_whole(string? type, double alpha)
    {
        var (sft, aligned) = Parents();
        var whole = TestModels.TempFile("whole.gguf");
        var rowByRow = TestModels.TempFile("rows.gguf");
        var threeRows = TestModels.TempFile("three-rows.gguf");
        ExpoMerge.Run(new ExpoRequest(sft, aligned, alpha, whole) { Type = type });
        ExpoMerge.Run(new ExpoRequest(sft, aligned, alpha, rowByRow) { Type = type }, null, CancellationToken.None, chunkValues: 1);
        ExpoMerge.Run(new ExpoRequest(sft, aligned, alpha, threeRows) { Type = type }, null, CancellationToken.None, chunkValues: 3 * 64 + 5);
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(rowByRow));
        Assert.Equal(File.ReadAllBytes(whole), File.ReadAllBytes(threeRows));
    }

    [Fact]
    public void Parents_of_different_types_are_each_read_in_their_own_type()
    {
        var sft = TestModels.TempFile("sft-f32.gguf");
        var aligned = TestModels.TempFile("aligned-f16.gguf");
        TinyLlamaModel.Write(sft, new TinyLlamaSpec { Seed = 1 });
        TinyLlamaModel.Write(aligned, F16 with { Seed = 2 });
        var outPath = TestModels.TempFile("mixed.gguf");
        ExpoMerge.Run(new ExpoRequest(sft, aligned, -1, outPath), null, CancellationToken.None, chunkValues: 1); // row by row: F32 and F16 rows differ in bytes
        using var s = GgufFile.Open(sft);
        using var expo = GgufFile.Open(outPath);
        var t = expo.Tensor("blk.1.attn_k.weight")!;
        Assert.Equal(GgmlType.F16, t.Type); // the aligned model's type
        Assert.Equal(Values(s, s.Tensor(t.Name)!).Select(v => (float)(Half)v), Values(expo, t)); // α = −1: the SFT weights, rounded to F16
    }

    [Fact]
    public void Q8_0_output_stays_within_the_types_error_and_says_so_in_its_file_type()
    {
        var (sftPath, alignedPath) = Parents();
        var outPath = TestModels.TempFile("expo-q8.gguf");
        Assert.Equal("q8_0", ExpoMerge.Run(new ExpoRequest(sftPath, alignedPath, 0.5, outPath) { Type = "Q8_0" }).Type);
        using var sft = GgufFile.Open(sftPath);
        using var aligned = GgufFile.Open(alignedPath);
        using var expo = GgufFile.Open(outPath);
        Assert.Equal(7L, expo.Get(LlamaFileTypes.FileTypeKey)!.AsInteger());
        Assert.Equal(2L, expo.Get(LlamaFileTypes.QuantizationVersionKey)!.AsInteger());
        foreach (var t in expo.Tensors)
        {
            Assert.Equal(t.Shape.Count == 1 ? GgmlType.F32 : GgmlType.Q8_0, t.Type);
            var s = Values(sft, sft.Tensor(t.Name)!);
            var a = Values(aligned, aligned.Tensor(t.Name)!);
            var e = Values(expo, t);
            var bytes = expo.ReadTensorData(t);
            for (var block = 0; block < e.Length / 32; block++)
            {
                // Q8_0 stores round(x / d) with d = max|x| / 127 kept as F16: off by half a step, plus 127 times d's own F16 rounding (2^-11).
                var step = t.Type == GgmlType.Q8_0 ? (double)BinaryPrimitives.ReadHalfLittleEndian(bytes.AsSpan(block * 34)) : 0;
                for (var i = block * 32; i < block * 32 + 32; i++)
                {
                    var expected = s[i] + 1.5 * ((double)a[i] - s[i]);
                    Assert.True(Math.Abs(e[i] - expected) <= (0.5 + 127 * Math.Pow(2, -11)) * step + 1e-6, $"{t.Name}[{i}]: {e[i]}, expected {expected} (step {step})");
                }
            }
        }
    }

    [Fact]
    public void The_extrapolated_model_loads_in_llama_cpp_and_generates_in_f16_and_in_q4_k_m()
    {
        var (sft, aligned) = Parents();
        var f16 = TestModels.TempFile("expo-f16.gguf");
        ExpoMerge.Run(new ExpoRequest(sft, aligned, 0.3, f16));
        // Rows of 256 values, so q4_k_m has tensors to write as Q4_K (ffn_down's rows of 128 stay F16).
        var (wideSft, wideAligned) = Parents(F16 with { EmbeddingSize = 256, Heads = 4, KvHeads = 2 });
        var q4 = TestModels.TempFile("expo-q4km.gguf");
        Assert.Equal("q4_k_m", ExpoMerge.Run(new ExpoRequest(wideSft, wideAligned, 0.3, q4) { Type = "q4_k_m" }).Type);
        using (var file = GgufFile.Open(q4))
        {
            Assert.Equal(GgmlType.Q4_K, file.Tensor("blk.0.attn_q.weight")!.Type);
            Assert.Equal(GgmlType.F16, file.Tensor("blk.0.ffn_down.weight")!.Type);
            Assert.Equal(GgmlType.F32, file.Tensor("blk.0.attn_norm.weight")!.Type);
            Assert.Equal(15L, file.Get(LlamaFileTypes.FileTypeKey)!.AsInteger());
        }

        foreach (var path in new[] { f16, q4 })
        {
            LlamaRuntime.Load();
            using var model = LlamaModel.Load(path);
            Assert.Equal("0.300000", model.Metadata(ExpoMerge.AlphaKey)); // llama.cpp prints doubles with %f
            Assert.Equal(4, Generate(model, "the answer is", 4).Length);
        }
    }

    private static LlamaToken[] Generate(LlamaModel model, string prompt, int count)
    {
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 64, BatchSize = 64, MaxSequences = 1, Threads = 1 });
        var tokens = model.Tokenize(prompt, addSpecial: true, parseSpecial: false).ToList();
        var generated = new List<LlamaToken>();
        var logits = new float[model.VocabSize];
        var batch = new LlamaBatch(64);
        for (var i = 0; i < tokens.Count; i++) batch.Add(tokens[i], i, 0, logits: i == tokens.Count - 1);
        for (var step = 0; step < count; step++)
        {
            Assert.Equal(DecodeStatus.Ok, context.Decode(batch));
            context.CopyLogits(batch.Count - 1, logits);
            Assert.All(logits, l => Assert.True(float.IsFinite(l)));
            var next = new LlamaToken(Array.IndexOf(logits, logits.Max()));
            generated.Add(next);
            batch.Clear();
            batch.Add(next, tokens.Count + step, 0, logits: true);
        }
        return [.. generated];
    }

    [Fact]
    public void Models_of_another_shape_vocabulary_or_architecture_are_refused_naming_the_first_difference()
    {
        var (sft, aligned) = Parents();
        var wider = TestModels.TempFile("wider.gguf");
        TinyLlamaModel.Write(wider, F16 with { FeedForwardSize = 96 });
        var otherVocabulary = TestModels.TempFile("other-vocab.gguf");
        TinyLlamaModel.Write(otherVocabulary, F16 with { ExtraPieces = ["xyz"] });
        var vocabularyBase = TestModels.TempFile("vocab-base.gguf");
        TinyLlamaModel.Write(vocabularyBase, F16 with { ExtraPieces = ["xyw"] });
        var qwen = TestModels.TempFile("qwen.gguf");
        WithMetadata(aligned, qwen, "general.architecture", GgufValue.Of("qwen2"));

        string Refusal(string s, string a) =>
            Assert.Throws<InvalidDataException>(() => ExpoMerge.Run(new ExpoRequest(s, a, 0.3, TestModels.TempFile("never.gguf")))).Message;

        Assert.Equal($"{sft} (SFT) and {wider} (aligned) cannot be extrapolated: tensor 'blk.0.ffn_gate.weight' has shape [64, 128] in the SFT model and [64, 96] in the aligned model.",
            Refusal(sft, wider));
        var vocabularyIndex = TinyLlamaModel.Vocabulary(F16 with { ExtraPieces = ["xyz"] }).ToList().IndexOf("xyz");
        Assert.EndsWith($"the vocabularies differ (tokenizer.ggml.tokens, SFT vs aligned: item {vocabularyIndex}: 'xyw' vs 'xyz').", Refusal(vocabularyBase, otherVocabulary));
        Assert.EndsWith("the architectures differ (general.architecture, SFT vs aligned: 'llama' vs 'qwen2').", Refusal(sft, qwen));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(TestModels.TempFile("x"))!, "*never.gguf*"));
    }

    [Fact]
    public void An_output_that_is_an_input_and_an_unknown_type_are_refused_and_the_input_is_left_as_it_was()
    {
        var (sft, aligned) = Parents();
        var before = File.ReadAllBytes(aligned);
        var overInput = Assert.Throws<ArgumentException>(() => ExpoMerge.Run(new ExpoRequest(sft, aligned, 0.3, aligned)));
        Assert.Contains("is a file this command reads", overInput.Message);
        Assert.Equal(before, File.ReadAllBytes(aligned));
        var unknown = Assert.Throws<ArgumentException>(() => ExpoMerge.Run(new ExpoRequest(sft, aligned, 0.3, TestModels.TempFile("o.gguf")) { Type = "q3_x" }));
        Assert.StartsWith("--type q3_x is not a type expo writes; use one of f32, f16, bf16, q8_0", unknown.Message);
    }

    [Fact]
    public void A_type_that_needs_an_importance_matrix_is_refused_before_any_work_unless_the_bytes_are_copied()
    {
        var (sft, aligned) = Parents(F16 with { EmbeddingSize = 256 });
        var iq2 = TestModels.TempFile("aligned-iq2.gguf");
        using (var file = GgufFile.Open(aligned))
        using (var stream = File.Create(iq2))
        {
            // An aligned model with one IQ2_XXS tensor (zero blocks: ggml reads them as zeros); ggml can write IQ2_XXS only with an importance matrix.
            var layouts = file.Tensors.Select(t => new GgufTensorLayout(t.Name, t.Shape, t.Name == "blk.0.attn_q.weight" ? GgmlType.IQ2_XXS : t.Type)).ToList();
            var writer = new GgufStreamWriter(stream, file.Metadata, layouts);
            foreach (var (t, layout) in file.Tensors.Zip(layouts)) writer.WriteTensorData(layout.Type == t.Type ? file.ReadTensorData(t) : new byte[layout.ByteSize]);
            writer.Finish();
        }
        var progress = new List<ExpoProgress>();
        var e = Assert.Throws<ArgumentException>(() => ExpoMerge.Run(new ExpoRequest(sft, iq2, 0.3, TestModels.TempFile("o.gguf")), new Recorder(progress)));
        Assert.Equal("tensor 'blk.0.attn_q.weight' would be written as IQ2_XXS, which needs an importance matrix; give --type (q8_0, q4_k_m, …).", e.Message);
        Assert.Empty(progress);
        using (var q8 = Run(q8: true)) Assert.Equal(GgmlType.Q8_0, q8.Tensor("blk.0.attn_q.weight")!.Type);
        using (var copied = Run(q8: false)) Assert.Equal(GgmlType.IQ2_XXS, copied.Tensor("blk.0.attn_q.weight")!.Type); // α = 0 copies the aligned bytes

        GgufFile Run(bool q8)
        {
            var outPath = TestModels.TempFile("iq2-expo.gguf");
            ExpoMerge.Run(new ExpoRequest(sft, iq2, q8 ? 0.3 : 0, outPath) { Type = q8 ? "q8_0" : null });
            return GgufFile.Open(outPath);
        }
    }

    [Fact]
    public void The_cache_key_changes_with_each_part_and_only_with_them()
    {
        var key = ExpoMerge.CacheKey("aa", "bb", 0.3, "q8_0");
        Assert.Matches("^[0-9a-f]{64}$", key);
        Assert.Equal(key, ExpoMerge.CacheKey("AA", "bb", 0.3, "Q8_0"));
        string[] others = [ExpoMerge.CacheKey("ab", "bb", 0.3, "q8_0"), ExpoMerge.CacheKey("aa", "ba", 0.3, "q8_0"), ExpoMerge.CacheKey("aa", "bb", 0.5, "q8_0"),
            ExpoMerge.CacheKey("aa", "bb", 0.3, "f16"), ExpoMerge.CacheKey("bb", "aa", 0.3, "q8_0")];
        Assert.DoesNotContain(key, others);
        Assert.Equal(others.Length, others.Distinct().Count());
    }

    /// <summary>Copies a GGUF with one metadata value replaced (a model of another architecture, for instance).</summary>
    private static void WithMetadata(string source, string destination, string key, GgufValue value)
    {
        using var file = GgufFile.Open(source);
        var metadata = file.Metadata.Select(kv => kv.Key == key ? new KeyValuePair<string, GgufValue>(key, value) : kv).ToList();
        using var stream = File.Create(destination);
        var writer = new GgufStreamWriter(stream, metadata, file.Tensors.Select(t => new GgufTensorLayout(t.Name, t.Shape, t.Type)).ToList());
        foreach (var t in file.Tensors) writer.WriteTensorData(file.ReadTensorData(t));
        writer.Finish();
    }

    private sealed class Recorder(List<ExpoProgress> reports) : IProgress<ExpoProgress>
    {
        public void Report(ExpoProgress value) => reports.Add(value);
    }
}
