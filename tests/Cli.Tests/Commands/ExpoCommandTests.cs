using BestOfN.Llama.Gguf;
using BestOfN.Pipeline.Expo;

namespace BestOfN.Cli.Tests.Commands;

public class ExpoCommandTests
{
    private static readonly TinyLlamaSpec F16 = new() { TensorType = GgufWriter.TensorType.F16 };

    private static string Model(string dir, string name, TinyLlamaSpec spec)
    {
        var path = Path.Combine(dir, name);
        TinyLlamaModel.Write(path, spec);
        return path;
    }

    private static void OneErrorLine(CliRunner.Result r, string expected)
    {
        Assert.Equal(2, r.ExitCode);
        var first = r.Error.Split('\n', StringSplitOptions.RemoveEmptyEntries)[0];
        Assert.StartsWith("error: ", first);
        Assert.Contains(expected, first);
        Assert.DoesNotContain("   at ", r.Error); // no stack trace without --verbose
    }

    [Fact]
    public void Expo_writes_the_extrapolated_model_and_prints_what_it_wrote()
    {
        var dir = CliRunner.TempDir();
        var sft = Model(dir, "sft.gguf", F16 with { Seed = 1 });
        var aligned = Model(dir, "dpo.gguf", F16 with { Seed = 2 });
        var outPath = Path.Combine(dir, "expo.gguf");

        var r = CliRunner.Run("expo", "--sft", sft, "--aligned", aligned, "--alpha", "0.3", "--out", outPath, "--type", "q8_0");

        Assert.True(r.ExitCode == 0, r.Error);
        Assert.StartsWith($"wrote {outPath}: 21 tensors, q8_0, alpha 0.3, ", r.Output);
        using var file = GgufFile.Open(outPath);
        Assert.Equal(0.3, file.Get(ExpoMerge.AlphaKey)!.Value);
        Assert.Contains($"aligned sha256 {file.Get(ExpoMerge.AlignedHashKey)!.AsString()}", r.Output);
        Assert.Equal(GgmlType.Q8_0, file.Tensor("blk.0.attn_q.weight")!.Type);
        Assert.Equal(["dpo.gguf", "expo.gguf", "sft.gguf"], Directory.GetFiles(dir).Select(Path.GetFileName).Order()); // no temporary left
    }

    [Fact]
    public void Bad_input_is_one_error_line_naming_the_file_and_exit_code_2()
    {
        var dir = CliRunner.TempDir();
        var sft = Model(dir, "sft.gguf", F16);
        var aligned = Model(dir, "dpo.gguf", F16 with { Seed = 2 });
        var wider = Model(dir, "wider.gguf", F16 with { FeedForwardSize = 96 });
        var text = Path.Combine(dir, "notes.gguf");
        File.WriteAllText(text, "not a model");
        var missing = Path.Combine(dir, "missing.gguf");
        var outPath = Path.Combine(dir, "out.gguf");

        OneErrorLine(CliRunner.Run("expo", "--sft", missing, "--aligned", aligned, "--alpha", "0.3", "--out", outPath), missing);
        OneErrorLine(CliRunner.Run("expo", "--sft", text, "--aligned", aligned, "--alpha", "0.3", "--out", outPath), $"{text}: not a GGUF file");
        OneErrorLine(CliRunner.Run("expo", "--sft", sft, "--aligned", wider, "--alpha", "0.3", "--out", outPath),
            "cannot be extrapolated: tensor 'blk.0.ffn_gate.weight' has shape [64, 128] in the SFT model and [64, 96] in the aligned model");
        OneErrorLine(CliRunner.Run("expo", "--sft", sft, "--aligned", aligned, "--alpha", "0.3", "--out", aligned), "is a file this command reads");
        OneErrorLine(CliRunner.Run("expo", "--sft", sft, "--aligned", aligned, "--alpha", "0.3", "--out", outPath, "--type", "q9"), "--type q9 is not a type expo writes");
        Assert.False(File.Exists(outPath));
    }
}
