using BestOfN.Pipeline.Nightly;
using BestOfN.Store;

namespace BestOfN.Pipeline.Tests.Nightly;

public class NightlyTrendTests
{
    private static NightlyRun Run(int id, string item, double value, double low, double high, NightlyStatus status = NightlyStatus.Succeeded) =>
        new(id, item, "checkpoint", $"{id:x64}", 1, DateTimeOffset.UnixEpoch.AddDays(id), DateTimeOffset.UnixEpoch.AddDays(id).AddHours(1), status, null, ["run"],
            [new NightlyMetric("gsm8k/maj@64", value, low, high)], "");

    [Fact]
    public void A_drop_beyond_the_previous_runs_95_percent_interval_is_a_regression_and_a_drop_within_it_is_not()
    {
        var within = NightlyTrend.Rows([Run(1, "a", 0.60, 0.55, 0.65), Run(2, "b", 0.57, 0.52, 0.62)]).Single();
        var beyond = NightlyTrend.Rows([Run(1, "a", 0.60, 0.55, 0.65), Run(2, "b", 0.57, 0.52, 0.62), Run(3, "c", 0.50, 0.45, 0.55)]).Single();

        Assert.False(within.Regression);
        Assert.True(beyond.Regression);
        Assert.Equal((3, "c", "b", "a"), (beyond.Points, beyond.Last.Item, beyond.Previous!.Item, beyond.Best.Item));
    }

    [Fact]
    public void Failed_attempts_are_not_points_of_the_trend()
    {
        var row = NightlyTrend.Rows([Run(1, "a", 0.60, 0.55, 0.65), Run(2, "b", 0.10, 0.05, 0.15, NightlyStatus.Failed)]).Single();

        Assert.Equal((1, "a", false), (row.Points, row.Last.Item, row.Regression));
        Assert.Null(row.Previous);
    }
}
