using System.Globalization;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline;

/// <summary>
/// The figures the best-of-N result is read from (Lightman et al. 2023, "Let's Verify Step by Step", fig. 3): one sample (Pass@1),
/// majority voting over N (Maj@N), and the answer ranked best by the ORM and by the PRM (ORM@N, PRM@N), accuracies in [0, 1].
/// </summary>
public sealed record RunHeadline(int N, double Pass1, double Majority, double? Orm, double? Prm)
{
    public static RunHeadline? From(ReportResult result, PrmAggregation prmAggregation)
    {
        var n = result.MaxSamples;
        double? At(string metric, int k) => result.Overall[metric]?.At(k)?.Value;
        if (At(MetricNames.Pass, 1) is not { } pass || At(MetricNames.Majority, n) is not { } majority) return null;
        return new RunHeadline(n, pass, majority, At(MetricNames.Orm, n), At(prmAggregation.MetricName(), n));
    }

    /// <summary>One line: what majority voting gains over one sample, and what reward ranking gains over majority voting, in points.</summary>
    public string Reading()
    {
        static string Points(double delta) => (100 * delta).ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture);
        var line = $"majority voting over {N} gains {Points(Majority - Pass1)} points over one sample";
        var rewards = new List<string>();
        if (Orm is { } orm) rewards.Add($"ORM {Points(orm - Majority)}");
        if (Prm is { } prm) rewards.Add($"PRM {Points(prm - Majority)}");
        return rewards.Count == 0 ? line + "." : line + $"; reward ranking gains {string.Join(", ", rewards)} points over majority voting.";
    }
}
