using System.Text.Json;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Synthetic;

namespace BestOfN.Voting.Tests.Reporting;

public class CurveJsonTests
{
    [Fact]
    public void One_dataset_is_written_in_the_documented_schema()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), new VotingOptions { BootstrapResamples = 0 });
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("fixture", result)]));
        var root = json.RootElement;
        Assert.Equal(
            ["pass", "maj", "weighted_maj", "orm", "prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean", "random"],
            root.EnumerateObject().Select(p => p.Name));
        var maj4 = root.GetProperty("maj").GetProperty("4");
        Assert.Equal(0.25, maj4.GetProperty("value").GetDouble());
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("ci_low").ValueKind);
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("ci_high").ValueKind);
        Assert.Equal(JsonValueKind.Null, maj4.GetProperty("stderr").ValueKind);
        Assert.Equal(["1", "2", "4"], root.GetProperty("pass").EnumerateObject().Select(p => p.Name));
    }

    [Fact]
    public void Intervals_and_standard_errors_are_numbers_when_present()
    {
        var problems = SyntheticSamples.Generate(10, 32, seed: 1);
        var result = VotingReport.Compute(problems, new VotingOptions { BootstrapResamples = 50, Ks = [8], MajorityExactBudget = 0 });
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("s", result)]));
        var maj8 = json.RootElement.GetProperty("maj").GetProperty("8");
        Assert.True(maj8.GetProperty("stderr").GetDouble() > 0);
        Assert.True(maj8.GetProperty("ci_low").GetDouble() <= maj8.GetProperty("ci_high").GetDouble());
    }

    [Fact]
    public void Several_datasets_and_breakdowns_are_keyed_by_set_name()
    {
        var options = new VotingOptions { BootstrapResamples = 0, BreakdownFields = ["level"] };
        var result = VotingReport.Compute(Fixture.TwoProblems(), options);
        using var json = JsonDocument.Parse(CurveJson.ToJson([new("math", result)]));
        Assert.Equal(["math", "math/level=1", "math/level=2"], json.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(0.25, json.RootElement.GetProperty("math/level=2").GetProperty("pass").GetProperty("1").GetProperty("value").GetDouble());
    }
}
