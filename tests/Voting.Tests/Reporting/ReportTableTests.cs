using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class ReportTableTests
{
    private static readonly VotingOptions NoBootstrap = new() { BootstrapResamples = 0 };

    [Fact]
    public void Chosen_ks_give_a_row_each_and_a_k_beyond_every_problems_n_is_labelled_with_the_k_used()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap with { Ks = [1, 2, 16] });
        var table = MarkdownTable.ToMarkdown([new("x", result)], new TableOptions { Ks = [1, 2, 16] });
        Assert.Equal(
            [
                "Pass@1", "Majority Voting@1", "Majority Voting@2", "Majority Voting@4 (k=16 asked)",
                "Weighted Majority@1 (orm)", "Weighted Majority@2 (orm)", "Weighted Majority@4 (orm; k=16 asked)",
                "ORM@1", "ORM@2", "ORM@4 (k=16 asked)", "PRM@1 (min)", "PRM@2 (min)", "PRM@4 (min; k=16 asked)", "Pass@4 (oracle; k=16 asked)",
            ],
            ReportTable.Build([new("x", result)], new TableOptions { Ks = [1, 2, 16] })[0].Rows.Select(r => r.Label));
        // Every problem has 4 samples, so k = 16 reads the k = 4 values: maj 25.0, pass 100.0.
        Assert.Contains("| Majority Voting@4 (k=16 asked) | 25.0 |", table);
        Assert.Contains("| Pass@4 (oracle; k=16 asked) | 100.0 |", table);
        Assert.Contains("| Majority Voting@1 | 37.5 |", table);
    }
}
