using System.Text.Json;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Synthetic;

namespace BestOfN.Voting.Tests.Reporting;

public class CurveJsonTests
{
    private static readonly VotingOptions NoBootstrap = new() { BootstrapResamples = 0 };

    [Fact]
    public void One_dataset_is_written_in_the_documented_schema()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap);
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("fixture", result)]));
        var all = json.RootElement.GetProperty("fixture").GetProperty("all");
        Assert.Equal(["all"], json.RootElement.GetProperty("fixture").EnumerateObject().Select(p => p.Name));
        Assert.Equal(
            ["pass", "maj", "weighted_maj", "orm", "prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean", "random"],
            all.EnumerateObject().Select(p => p.Name));
        var maj4 = all.GetProperty("maj").GetProperty("4");
        Assert.Equal(
            ["value", "ci_low", "ci_high", "stderr", "k_used_min", "k_used_max", "capped_problems", "problems", "split_key_problems"],
            maj4.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.25, maj4.GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("ci_low").ValueKind);
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("ci_high").ValueKind);
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("stderr").ValueKind);
        Assert.Equal(2, maj4.GetProperty("problems").GetInt32());
        Assert.Equal(0, maj4.GetProperty("split_key_problems").GetArrayLength());
        Assert.Equal(["1", "2", "4"], all.GetProperty("pass").EnumerateObject().Select(p => p.Name));
        Assert.False(all.GetProperty("pass").GetProperty("4").TryGetProperty("split_key_problems", out _));
    }

    [Fact]
    public void Intervals_and_standard_errors_are_numbers_when_present()
    {
        var problems = SyntheticSamples.Generate(10, 32, seed: 1);
        var result = VotingReport.Compute(problems, new VotingOptions { BootstrapResamples = 50, Ks = [8], MajorityExactBudget = 0 });
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("s", result)]));
        var maj8 = json.RootElement.GetProperty("s").GetProperty("all").GetProperty("maj").GetProperty("8");
        Assert.True(maj8.GetProperty("stderr").GetDouble() > 0);
        Assert.True(maj8.GetProperty("ci_low").GetDouble() <= maj8.GetProperty("ci_high").GetDouble());
    }

    /// <summary>The shape a program can rely on: dataset, then breakdown, then metric, then k, for one dataset or several, with or without --by.</summary>
    [Fact]
    public void The_shape_is_the_same_for_one_dataset_several_datasets_and_breakdowns()
    {
        var plain = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap);
        var byLevel = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap with { BreakdownFields = ["level"] });
        foreach (var datasets in new DatasetReport[][] { [new("math", plain)], [new("math", byLevel)], [new("math", byLevel), new("gsm8k", plain)] })
        {
            using var json = JsonDocument.Parse(CurveJson.ToJson(datasets));
            Assert.Equal(datasets.Select(d => d.Name), json.RootElement.EnumerateObject().Select(p => p.Name));
            foreach (var dataset in json.RootElement.EnumerateObject())
            {
                Assert.Equal("all", dataset.Value.EnumerateObject().First().Name);
                foreach (var point in dataset.Value.EnumerateObject().SelectMany(set => set.Value.EnumerateObject()).SelectMany(metric => metric.Value.EnumerateObject()))
                {
                    Assert.True(int.TryParse(point.Name, out _), point.Name);
                    Assert.Equal(JsonValueKind.Number, point.Value.GetProperty("value").ValueKind);
                }
            }
        }
        using var levels = JsonDocument.Parse(CurveJson.ToJson([new("math", byLevel)]));
        Assert.Equal(["all", "level=1", "level=2"], levels.RootElement.GetProperty("math").EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.25, levels.RootElement.GetProperty("math").GetProperty("level=2").GetProperty("pass").GetProperty("1").GetProperty("value").GetDouble());
    }

    [Fact]
    public void Problems_with_a_split_answer_key_are_listed_in_the_voting_points_of_their_sets()
    {
        var problems = Fixture.TwoProblems().ToList();
        problems[1] = problems[1] with { SplitAnswerKeys = 2 };
        var result = VotingReport.Compute(problems, NoBootstrap with { BreakdownFields = ["level"] });
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("math", result)]));
        var math = json.RootElement.GetProperty("math");
        string[] Split(string set, string metric) =>
            math.GetProperty(set).GetProperty(metric).GetProperty("4").GetProperty("split_key_problems").EnumerateArray().Select(e => e.GetString()!).ToArray();
        Assert.Equal(["p2"], Split("all", "maj"));
        Assert.Equal(["p2"], Split("all", "weighted_maj"));
        Assert.Equal(["p2"], Split("level=2", "maj"));
        Assert.Empty(Split("level=1", "maj"));
        Assert.Equal(2, result.Overall.SplitAnswerKeys);
        Assert.Contains("Note: math: 2 answer keys were split in 1 problem because the labels of their samples disagree (the JSON lists the problems).",
            MarkdownTable.ToMarkdown([new("math", result)]));
    }

    [Fact]
    public void A_k_beyond_some_problems_n_records_the_k_actually_used()
    {
        var problems = new[]
        {
            Fixture.Problem("small", Fixture.Sample("a", true)),
            Fixture.Problem("large", Fixture.Sample("a", true), Fixture.Sample("b", false), Fixture.Sample("b", false)),
        };
        var result = VotingReport.Compute(problems, NoBootstrap with { Ks = [2] });
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("x", result)]));
        var maj2 = json.RootElement.GetProperty("x").GetProperty("all").GetProperty("maj").GetProperty("2");
        Assert.Equal(1, maj2.GetProperty("k_used_min").GetInt32());
        Assert.Equal(2, maj2.GetProperty("k_used_max").GetInt32());
        Assert.Equal(1, maj2.GetProperty("capped_problems").GetInt32());
    }
}
