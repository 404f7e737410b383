using System.Globalization;
using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// The results table: rows Pass@1, Majority Voting@N, ORM@N, PRM@N (PRM with the chosen aggregation), one column per
/// dataset, values in percent with one decimal and, with bootstrap, the interval in brackets. N is each dataset's
/// largest k. Breakdown tables follow, one per dataset and field, with one column per group.
/// </summary>
public static class MarkdownTable
{
    /// <param name="selection">Named in the ORM and PRM rows when it is RLHFlow's first-n rule.</param>
    public static void Write(TextWriter writer, IReadOnlyList<DatasetReport> datasets, PrmAggregation prmAggregation = VotingDefaults.TablePrmAggregation,
        RewardSelection selection = RewardSelection.Subsets)
    {
        WriteTable(writer, datasets.Select(d => (d.Name, d.Result.Overall, d.Result)).ToList(), prmAggregation, selection);
        foreach (var dataset in datasets)
        {
            foreach (var field in dataset.Result.Breakdowns.Select(b => b.Field!).Distinct())
            {
                writer.WriteLine();
                writer.WriteLine($"{dataset.Name} by {field}:");
                writer.WriteLine();
                var groups = dataset.Result.Breakdowns.Where(b => b.Field == field).Select(b => (b.Group!, b, dataset.Result)).ToList();
                WriteTable(writer, groups, prmAggregation, selection);
            }
        }
    }

    public static string ToMarkdown(IReadOnlyList<DatasetReport> datasets, PrmAggregation prmAggregation = VotingDefaults.TablePrmAggregation)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, datasets, prmAggregation);
        return writer.ToString();
    }

    private static void WriteTable(TextWriter writer, IReadOnlyList<(string Column, CurveSet Set, ReportResult Result)> columns, PrmAggregation prm,
        RewardSelection selection)
    {
        var firstN = selection == RewardSelection.FirstN ? "first-n" : null;
        var largestK = columns.Select(c => c.Result.Ks[^1]).Distinct().ToArray();
        var n = largestK.Length == 1 ? largestK[0].ToString(CultureInfo.InvariantCulture) : "N";
        var rows = new (string Label, string Metric, bool AtOne)[]
        {
            ("Pass@1", MetricNames.Pass, true),
            ($"Majority Voting@{n}", MetricNames.Majority, false),
            (firstN is null ? $"ORM@{n}" : $"ORM@{n} ({firstN})", MetricNames.Orm, false),
            ($"PRM@{n} ({prm.ShortName()}{(firstN is null ? "" : ", " + firstN)})", prm.MetricName(), false),
        };
        writer.WriteLine("| Metric | " + string.Join(" | ", columns.Select(c => Escape(c.Column))) + " |");
        writer.WriteLine("|---|" + string.Concat(columns.Select(_ => "---|")));
        foreach (var (label, metric, atOne) in rows)
        {
            var cells = columns.Select(c =>
            {
                var k = atOne ? 1 : c.Result.Ks[^1];
                // pass@1 = c/n is also the flat random line, so it is known when k = 1 was not asked for.
                var point = c.Set[metric]?.At(k) ?? (atOne ? c.Set[MetricNames.Random]?.Points[0] : null);
                if (point is null) return "n/a";
                var cell = Percent(point.Value);
                if (point.CiLow is { } low && point.CiHigh is { } high) cell += $" [{Percent(low)}, {Percent(high)}]";
                if (largestK.Length > 1 && !atOne) cell += $" (N={k})";
                return cell;
            });
            writer.WriteLine($"| {label} | " + string.Join(" | ", cells) + " |");
        }
        foreach (var (column, set, result) in columns)
        {
            var capped = set[MetricNames.Pass]?.At(result.Ks[^1])?.CappedProblems ?? 0;
            if (capped > 0)
            {
                writer.WriteLine($"Note: {Escape(column)}: {capped} of {set.ProblemCount} problems have fewer than {result.Ks[^1]} samples and vote with all of theirs.");
            }
        }
    }

    private static string Percent(double value) => (100 * value).ToString("0.0", CultureInfo.InvariantCulture);

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
