using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class LatexTableTests
{
    private static readonly VotingOptions NoBootstrap = new() { BootstrapResamples = 0 };

    [Fact]
    public void Latex_is_a_booktabs_tabular_with_escaped_names_and_the_same_rows()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), NoBootstrap);
        var latex = LatexTable.ToLatex([new("gsm_8k & 100%", result)], new TableOptions());
        Assert.Equal(
            """
            % needs \usepackage{booktabs}
            \begin{tabular}{lr}
            \toprule
            Metric & gsm\_8k \& 100\% \\
            \midrule
            Pass@1 & 37.5 \\
            Majority Voting@4 & 25.0 \\
            Weighted Majority@4 (orm) & 50.0 \\
            ORM@4 & 50.0 \\
            PRM@4 (min) & 100.0 \\
            Pass@4 (oracle) & 100.0 \\
            \bottomrule
            \end{tabular}

            """,
            latex);
    }
}
