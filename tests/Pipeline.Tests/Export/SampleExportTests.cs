using System.Text.Json;
using BestOfN.Store;
using BestOfN.Verifier.Grading;

namespace BestOfN.Pipeline.Tests.Export;

public class SampleExportTests
{
    [Fact]
    public void Export_grades_each_sample_and_keeps_shipped_labels_as_correctness()
    {
        using var store = RunStore.Open(Path.Combine(Directory.CreateTempSubdirectory("bestofn-export").FullName, "runs.db"));
        store.EnsureRun(new RunInfo("r", "sample", "d", null, null, "{}", DateTimeOffset.UnixEpoch));
        var fields = new Dictionary<string, string> { ["level"] = "2", [SampleGrading.AlternativeGoldsField] = "[\"-3\"]" };
        store.SaveProblems([new StoredProblem("r", "p", 0, "q", "3", fields, "PROMPT", 4)]);
        store.SaveSamples(
        [
            new("r", "p", 0, 1, "So the answer is $\\boxed{\\frac{6}{2}}$.", 9, "eos", null, 1, null),
            new("r", "p", 1, 2, "The answer is -3", 5, "eos", null, 1, null),
            new("r", "p", 2, 3, "I think 7.", 4, "eos", null, 1, null),
            new("r", "p", 3, 4, "I think 7.", 4, "eos", null, 1, true),
        ]);
        var writer = new StringWriter();
        var count = SampleExport.Write(store, store.Runs(), writer, [new GradeColumns(new AnswerGrader())]);
        var lines = writer.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => JsonDocument.Parse(l).RootElement).ToList();

        Assert.Equal(4, count);
        Assert.Equal(("3", true, "boxed"), (lines[0].GetProperty("answer").GetString(), lines[0].GetProperty("correct").GetBoolean(), lines[0].GetProperty("extraction_rule").GetString()));
        Assert.True(lines[1].GetProperty("correct").GetBoolean()); // an alternative gold
        Assert.Equal(("7", false, "NotEqual"), (lines[2].GetProperty("answer").GetString(), lines[2].GetProperty("correct").GetBoolean(), lines[2].GetProperty("verdict").GetString()));
        Assert.True(lines[3].GetProperty("correct").GetBoolean()); // the shipped label wins over the grade
        Assert.True(lines[3].GetProperty("label").GetBoolean());
        Assert.Equal("2", lines[0].GetProperty("level").GetString());
    }
}
