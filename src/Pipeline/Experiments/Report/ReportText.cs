using System.Globalization;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>How every format of the report writes numbers and names, so the page, the markdown and the LaTeX agree.</summary>
public static class ReportText
{
    /// <summary>A curve point as a percentage with one decimal, and its interval in brackets when there is one; "–" when absent.</summary>
    public static string Percent(CurvePoint? point) => point switch
    {
        null => "–",
        { CiLow: { } low, CiHigh: { } high } => Inv($"{100 * point.Value:F1} [{100 * low:F1}, {100 * high:F1}]"),
        _ => Inv($"{100 * point.Value:F1}"),
    };

    /// <summary>A gain in accuracy points with its sign.</summary>
    public static string Points(double? gain) => gain is { } g ? Inv($"{(g >= 0 ? "+" : "")}{100 * g:F1}") : "–";

    public static string Domain(Domain domain) => domain switch
    {
        Experiments.Domain.InDomain => "in-domain",
        Experiments.Domain.OutOfDistribution => "OOD",
        _ => "domain unknown",
    };

    public static string Count(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Number(double? value, string format) => value is { } v ? v.ToString(format, CultureInfo.InvariantCulture) : "–";

    /// <summary>A name safe in a file name: letters, digits, '-' and '.', the rest as '_'.</summary>
    public static string Slug(string name) => new([.. name.Select(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '.' ? c : '_')]);

    /// <summary>The curves one generator's column draws: the Pass@k oracle, majority, and per reward model weighted majority and best-of-k.</summary>
    public static IEnumerable<(string Key, string Label, MetricCurve Curve)> Series(Experiment experiment, GeneratorColumn column)
    {
        if (column.Base.Overall[MetricNames.Majority] is { } maj) yield return ("maj", "Maj@k", maj);
        foreach (var reward in column.Rewards)
        {
            if (reward.Result.Overall[MetricNames.WeightedMajority] is { } weighted) yield return ($"weighted_maj/{reward.RewardModel.Name}", $"Weighted Maj@k · {reward.RewardModel.Name}", weighted);
            if (reward.Result.Overall[reward.Metric] is { } best)
                yield return ($"{reward.Metric}/{reward.RewardModel.Name}", $"{ExperimentReportBuilder.MethodName(experiment, reward.RewardModel)}@k · {reward.RewardModel.Name}", best);
        }
        if (column.Base.Overall[MetricNames.Pass] is { } pass) yield return ("pass", "Pass@k (oracle)", pass);
    }

    private static string Inv(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
