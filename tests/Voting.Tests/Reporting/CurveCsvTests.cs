using BestOfN.Voting.Reporting;

namespace BestOfN.Voting.Tests.Reporting;

public class CurveCsvTests
{
    [Fact]
    public void Writes_one_row_per_curve_point_with_empty_cells_for_absent_values()
    {
        var result = VotingReport.Compute(Fixture.TwoProblems(), new VotingOptions { BootstrapResamples = 0, BreakdownFields = ["subject"] });
        using var writer = new StringWriter { NewLine = "\n" };
        CurveCsv.Write(writer, [new("my,set", result)]);
        var lines = writer.ToString().TrimEnd('\n').Split('\n');
        Assert.Equal(CurveCsv.Header, lines[0]);
        // 3 curve sets (all, Algebra, Geometry) x 10 metrics x 3 ks.
        Assert.Equal(1 + 3 * 10 * 3, lines.Length);
        Assert.Contains("\"my,set\",,,maj,4,0.25,,,,0,2,4,4", lines);
        Assert.Contains("\"my,set\",subject,Geometry,pass,1,0.25,,,,0,1,1,1", lines);
    }
}
