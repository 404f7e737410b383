using System.Text.Json;
using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Tests.Sampling;

public class JsonlSampleSinkTests
{
    private static readonly List<Problem> Problems =
    [
        new("a", "What is 2 + 3?", "5", null, new Dictionary<string, string> { ["level"] = "1" }),
        new("b", "What is 4 + 4?", "8", null, new Dictionary<string, string> { ["level"] = "2" }),
    ];

    private static SamplingSummary Run(LlamaModel model, string path, int n)
    {
        using var sink = new JsonlSampleSink(path, "r1");
        return SamplingJob.Run(model, Problems, new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw }),
            new SamplerOptions { N = n, Parallel = 2, MaxTokens = 6 }, sink);
    }

    [Fact]
    public void A_torn_last_line_is_dropped_on_reopen_and_the_rerun_completes_without_duplicates()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var path = TestModels.TempFile("samples.jsonl");
        Assert.Equal(4, Run(model, path, 2).SamplesDrawn);
        File.AppendAllText(path, "{\"run_id\": \"r1\", \"problem_id\": \"a\", \"sample_ind");

        var summary = Run(model, path, 4);
        Assert.Equal((4L, 4L), (summary.SamplesDrawn, summary.SamplesSkipped));
        var lines = File.ReadAllLines(path).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.Equal(8, lines.Count);
        Assert.Equal(8, lines.Select(l => (l.GetProperty("problem_id").GetString(), l.GetProperty("sample_index").GetInt32())).Distinct().Count());
        Assert.Equal("2", lines.First(l => l.GetProperty("problem_id").GetString() == "b").GetProperty("level").GetString());
        Assert.Equal("What is 2 + 3?", lines[0].GetProperty("prompt").GetString());
    }

    [Fact]
    public void A_file_of_another_run_is_refused_with_its_line()
    {
        var path = TestModels.TempFile("other.jsonl");
        File.WriteAllText(path, "{\"run_id\": \"other\", \"problem_id\": \"a\", \"sample_index\": 0}\n");
        var e = Assert.Throws<DatasetException>(() => new JsonlSampleSink(path, "r1"));
        Assert.Equal((1, "run_id"), (e.Line, e.Field));
    }
}
