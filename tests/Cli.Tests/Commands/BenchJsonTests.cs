using System.Text.Json;

namespace BestOfN.Cli.Tests.Commands;

/// <summary>Every benchmark writes <c>--json</c>: its settings, the machine, the natives that ran and the figures, ours beside the peer's.</summary>
public class BenchJsonTests
{
    private static JsonElement Written(string[] args, string benchmark)
    {
        var file = Path.Combine(CliRunner.TempDir(), "figures.json");
        var r = CliRunner.Run([.. args, "--json", file]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        Assert.Contains($"figures written to {file}", r.Output);
        var json = JsonDocument.Parse(File.ReadAllText(file)).RootElement;
        Assert.Equal(benchmark, json.GetProperty("benchmark").GetString());
        Assert.True(json.GetProperty("machine").GetProperty("cores").GetInt32() > 0);
        return json;
    }

    [Fact]
    public void Sampler_and_scoring_benchmarks_write_their_rows_and_the_natives_that_ran()
    {
        var sampler = Written(["bench", "--model", CliRunner.TinyModel, "--parallel", "1,2", "--prompt-tokens", "8", "--gen-tokens", "4", "--repeat", "1", "--threads", "2"], "sampler");
        Assert.Contains(sampler.GetProperty("natives").GetProperty("kind").GetString(), new[] { "source", "prebuilt", "custom" });
        Assert.True(Directory.Exists(sampler.GetProperty("natives").GetProperty("directory").GetString()));
        Assert.Equal([1, 2], sampler.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ours").GetProperty("parallel").GetInt32()));
        Assert.All(sampler.GetProperty("results").EnumerateArray(), r => Assert.True(r.GetProperty("ours").GetProperty("generated_tokens_per_second").GetDouble() > 0));
        // The step time is split into llama_decode and the rest (drawing tokens, bookkeeping); the prompt's copy to the second sequence is in neither.
        Assert.All(sampler.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ours")), o =>
        {
            Assert.InRange(o.GetProperty("decode_seconds").GetDouble(), double.Epsilon, o.GetProperty("generation_seconds").GetDouble());
            Assert.InRange(o.GetProperty("outside_decode_share").GetDouble(), 0, 1);
        });
        Assert.True(sampler.GetProperty("results")[1].GetProperty("ours").GetProperty("prompt_share_seconds").GetDouble() > 0);
        Assert.Equal(8, sampler.GetProperty("settings").GetProperty("prompt_tokens").GetInt32());

        var scoring = Written(["bench", "scoring", "--model", CliRunner.TinyModel, "--answers", "2", "--answer-tokens", "16", "--prompt-tokens", "8", "--batch", "1,2", "--threads", "2"], "scoring");
        Assert.Equal([1, 2], scoring.GetProperty("results").EnumerateArray().Select(r => r.GetProperty("ours").GetProperty("batch").GetInt32()));
        Assert.True(scoring.GetProperty("settings").GetProperty("answer_own_tokens").GetInt32() > 0);
    }

    [Fact]
    public void Grading_and_voting_benchmarks_write_their_figures()
    {
        var grading = Written(["bench", "grading", "--problems", "10", "--samples", "8"], "grading");
        Assert.Equal(80, grading.GetProperty("results").GetProperty("answers").GetInt32());
        Assert.True(grading.GetProperty("results").GetProperty("grades_per_second").GetDouble() > 0);

        var voting = Written(["bench", "voting", "--problems", "10", "--samples", "8", "--repeat", "1", "--bootstrap", "10"], "voting");
        Assert.Equal([1, 2, 4, 8], voting.GetProperty("results").GetProperty("ks").EnumerateArray().Select(k => k.GetInt32()));
    }
}
