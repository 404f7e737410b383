using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class MarkdownTableTests
{
    private static readonly VotingOptions NoBootstrap = new() { BootstrapResamples = 0 };

    [Fact]
    public void Fixture_table_matches_the_hand_computed_values()
    {
        // Pass@1: p1 2/4, p2 1/4 -> 37.5. Majority@4: p1 ties 2-2 (1/2), p2 "5" wins (0) -> 25.0.
        // Weighted majority by ORM: p1 "2" 0.9+0.4 beats "3" 0.6+0.5, p2 "5" 0.8+0.7 beats "7" 0.3 -> 50.0.
        // ORM@4: p1 top 0.9 is correct, p2 top 0.8 is wrong -> 50.0. PRM@4 (min): p1 top 0.8 and p2 top 0.9 correct -> 100.0.
        // Pass@4 (oracle): both problems have a correct sample -> 100.0.
        var report = new DatasetReport("fixture", VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap));
        Assert.Equal(
            """
            | Metric | fixture |
            |---|---|
            | Pass@1 | 37.5 |
            | Majority Voting@4 | 25.0 |
            | Weighted Majority@4 (orm) | 50.0 |
            | ORM@4 | 50.0 |
            | PRM@4 (min) | 100.0 |
            | Pass@4 (oracle) | 100.0 |

            """,
            MarkdownTable.ToMarkdown([report]));
    }

    [Fact]
    public void Several_datasets_are_columns_and_the_prm_row_follows_the_chosen_aggregation()
    {
        var fixture = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap);
        var onlyP1 = VotingReport.Compute(Fixture.TwoProblems().Take(1).ToList(), NoBootstrap);
        var table = MarkdownTable.ToMarkdown([new("both", fixture), new("p1", onlyP1)], PrmAggregation.Last);
        // prm_last@4: p1 top last 0.9 is wrong (0), p2 top 0.9 is correct (1).
        Assert.Contains("| Metric | both | p1 |", table);
        Assert.Contains("| Pass@1 | 37.5 | 50.0 |", table);
        Assert.Contains("| PRM@4 (last) | 50.0 | 0.0 |", table);
    }

    [Fact]
    public void Missing_metrics_show_as_not_available()
    {
        var problems = Fixture.TwoProblems().Select(p => p with { Samples = p.Samples.Select(s => s with { OrmScore = null }).ToArray() }).ToList();
        var table = MarkdownTable.ToMarkdown([new("x", VotingReport.Compute(problems, NoBootstrap))]);
        Assert.Contains("| ORM@4 | n/a |", table);
    }

    [Fact]
    public void Bootstrap_intervals_appear_in_brackets()
    {
        var table = MarkdownTable.ToMarkdown([new("x", VotingReport.Compute(Fixture.TwoProblems(), new VotingOptions { BootstrapResamples = 200 }))]);
        // Resampling two problems: Pass@1 is a mean of draws from {0.5, 0.25}, so the interval is [25.0, 50.0].
        Assert.Contains("| Pass@1 | 37.5 [25.0, 50.0] |", table);
    }

    [Fact]
    public void Capped_problems_are_noted_under_the_table()
    {
        var problems = new[]
        {
            Fixture.Problem("small", Fixture.Sample("a", true)),
            Fixture.Problem("large", Fixture.Sample("a", true), Fixture.Sample("b", false)),
        };
        var table = MarkdownTable.ToMarkdown([new("x", VotingReport.Compute(problems, NoBootstrap))]);
        Assert.Contains("Note: x: 1 of 2 problems have fewer than 2 samples and vote with all of theirs.", table);
        Assert.Contains("| Majority Voting@2 (k used 1–2) |", table);
    }


    [Fact]
    public void Breakdowns_get_a_table_with_a_column_per_group()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap with { BreakdownFields = ["level"] });
        var table = MarkdownTable.ToMarkdown([new("fixture", result)]);
        Assert.Contains("fixture by level:", table);
        Assert.Contains("| Metric | 1 | 2 |", table);
        Assert.Contains("| Pass@1 | 50.0 | 25.0 |", table);
        Assert.Contains("| Majority Voting@4 | 50.0 | 0.0 |", table);
    }

    [Fact]
    public void Pass_at_one_is_shown_even_when_k_one_was_not_asked_for()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap with { Ks = [2, 4] });
        Assert.Contains("| Pass@1 | 37.5 |", MarkdownTable.ToMarkdown([new("x", result)]));
    }
}
