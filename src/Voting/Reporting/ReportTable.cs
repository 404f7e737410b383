using System.Globalization;
using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>How the paper table is laid out (the curves themselves come from <see cref="VotingOptions"/>).</summary>
public sealed record TableOptions
{
    /// <summary>The PRM aggregation of the PRM rows. The default value is <see cref="VotingDefaults.TablePrmAggregation"/> (min).</summary>
    public PrmAggregation PrmAggregation { get; init; } = VotingDefaults.TablePrmAggregation;

    /// <summary>Named in the ORM and PRM rows when it is RLHFlow's first-n rule. The default value is <see cref="RewardSelection.Subsets"/>.</summary>
    public RewardSelection Selection { get; init; } = RewardSelection.Subsets;

    /// <summary>The k of the majority, weighted-majority, ORM and PRM rows (one row per k). Null (the default) means each column's largest k, N.</summary>
    public IReadOnlyList<int>? Ks { get; init; }

    public static TableOptions From(VotingOptions voting) =>
        new() { PrmAggregation = voting.TablePrmAggregation, Selection = voting.Selection, Ks = voting.Ks };
}

/// <summary>One cell: the curve point read (null when the column has no such metric) at the k read for its column.</summary>
public sealed record TableCell(CurvePoint? Point, int K);

/// <param name="Label">What a paper prints, e.g. "Majority Voting@64" or "PRM@1024 (mean, first-n)".</param>
/// <param name="Metric">The curve read (see <see cref="MetricNames"/>).</param>
/// <param name="K">The k asked for; null when each column reads its own largest k (the cells say which).</param>
public sealed record TableRow(string Label, string Metric, int? K, IReadOnlyList<TableCell> Cells);

/// <summary>
/// A table as a paper prints it, before any formatting: the first has one column per dataset, the others (breakdowns) one column
/// per group of a field. Rows: Pass@1; Majority Voting, Weighted Majority (when there are rewards), ORM and PRM at each row k;
/// Pass@N (oracle). A row whose k is larger than some problems' sample count is labelled with the k actually used.
/// </summary>
/// <param name="Title">Null for the main table; "&lt;dataset&gt; by &lt;field&gt;" for a breakdown.</param>
/// <param name="Notes">What a reader must know: capped problems, score kinds left out, answer keys split by disagreeing labels.</param>
public sealed record ReportTable(string? Title, IReadOnlyList<string> Columns, IReadOnlyList<TableRow> Rows, IReadOnlyList<string> Notes)
{
    /// <summary>The main table, then one table per dataset and breakdown field.</summary>
    public static IReadOnlyList<ReportTable> Build(IReadOnlyList<DatasetReport> datasets, TableOptions options)
    {
        var tables = new List<ReportTable> { Build(null, datasets.Select(d => (d.Name, d.Result.Overall, d.Result)).ToList(), options, datasets) };
        foreach (var dataset in datasets)
        {
            foreach (var field in dataset.Result.Breakdowns.Select(b => b.Field!).Distinct())
            {
                var groups = dataset.Result.Breakdowns.Where(b => b.Field == field).Select(b => (b.Group!, b, dataset.Result)).ToList();
                tables.Add(Build($"{dataset.Name} by {field}", groups, options, []));
            }
        }
        return tables;
    }

    /// <summary>A cell as printed: percent with one decimal, the interval in brackets, and the column's k when columns differ.</summary>
    public static string FormatCell(TableCell cell, TableRow row)
    {
        if (cell.Point is not { } point) return "n/a";
        var text = Percent(point.Value);
        if (point.CiLow is { } low && point.CiHigh is { } high) text += $" [{Percent(low)}, {Percent(high)}]";
        if (row.K is null) text += $" (N={cell.K})";
        return text;
    }

    public static string Percent(double value) => (100 * value).ToString("0.0", CultureInfo.InvariantCulture);

    private static ReportTable Build(string? title, IReadOnlyList<(string Column, CurveSet Set, ReportResult Result)> columns, TableOptions options,
        IReadOnlyList<DatasetReport> datasets)
    {
        var firstN = options.Selection == RewardSelection.FirstN;
        var prm = options.PrmAggregation;
        var weightedBy = columns.Select(c => c.Result.WeightedBy).OfType<RewardSource>().Select(w => w.Name).Distinct().ToList();
        var rows = new List<TableRow>
        {
            // pass@1 = c/n is also the flat random line, so it is known when k = 1 was not asked for.
            new("Pass@1", MetricNames.Pass, 1, columns.Select(c => new TableCell(c.Set[MetricNames.Pass]?.At(1) ?? c.Set[MetricNames.Random]?.Points[0], 1)).ToList()),
        };
        rows.AddRange(AtEachK("Majority Voting", MetricNames.Majority, columns, options.Ks));
        if (columns.Any(c => c.Set[MetricNames.WeightedMajority] is not null))
        {
            rows.AddRange(AtEachK("Weighted Majority", MetricNames.WeightedMajority, columns, options.Ks, weightedBy.Count == 0 ? null : string.Join("/", weightedBy)));
        }
        rows.AddRange(AtEachK("ORM", MetricNames.Orm, columns, options.Ks, firstN ? "first-n" : null));
        rows.AddRange(AtEachK("PRM", prm.MetricName(), columns, options.Ks, prm.ShortName() + (firstN ? ", first-n" : "")));
        rows.AddRange(AtEachK("Pass", MetricNames.Pass, columns, options.Ks is { Count: > 0 } ks ? [ks.Max()] : null, "oracle"));

        var notes = new List<string>();
        foreach (var dataset in datasets)
        {
            notes.AddRange(dataset.Result.Notes.Select(n => $"{dataset.Name}: {n}"));
            var split = dataset.Result.Overall;
            if (split.SplitAnswerKeys > 0)
                notes.Add($"{dataset.Name}: {split.SplitAnswerKeys} answer key{(split.SplitAnswerKeys == 1 ? " was" : "s were")} split in {split.SplitKeyProblems.Count} problem{(split.SplitKeyProblems.Count == 1 ? "" : "s")} because the labels of their samples disagree (the JSON lists the problems).");
        }
        foreach (var (column, set, result) in columns)
        {
            var capped = set[MetricNames.Pass]?.At(result.Ks[^1])?.CappedProblems ?? 0;
            if (capped > 0)
                notes.Add($"{column}: {capped} of {set.ProblemCount} problems have fewer than {result.Ks[^1]} samples and vote with all of theirs.");
        }
        return new ReportTable(title, columns.Select(c => c.Column).ToList(), rows, notes);
    }

    private static IEnumerable<TableRow> AtEachK(string name, string metric, IReadOnlyList<(string Column, CurveSet Set, ReportResult Result)> columns,
        IReadOnlyList<int>? ks, string? qualifier = null)
    {
        if (ks is null)
        {
            var largest = columns.Select(c => c.Result.Ks[^1]).Distinct().ToList();
            var cells = columns.Select(c => new TableCell(c.Set[metric]?.At(c.Result.Ks[^1]), c.Result.Ks[^1])).ToList();
            if (largest.Count == 1) yield return new TableRow(Label(name, largest[0], cells, qualifier), metric, largest[0], cells);
            else yield return new TableRow(name + "@N" + (qualifier is null ? "" : $" ({qualifier})"), metric, null, cells);
            yield break;
        }
        foreach (var k in ks.Distinct().Order())
        {
            var cells = columns.Select(c => new TableCell(c.Set[metric]?.At(k), k)).ToList();
            yield return new TableRow(Label(name, k, cells, qualifier), metric, k, cells);
        }
    }

    /// <summary>
    /// "Name@k (qualifier)". When some problems have fewer samples than k, the label says the k actually used: "@512 (k=1024 asked)"
    /// when every problem used 512, "@1024 (k used 512–1024)" when they differ.
    /// </summary>
    private static string Label(string name, int k, IReadOnlyList<TableCell> cells, string? qualifier)
    {
        var points = cells.Select(c => c.Point).OfType<CurvePoint>().ToList();
        var low = points.Count == 0 ? k : points.Min(p => p.MinKUsed);
        var high = points.Count == 0 ? k : points.Max(p => p.MaxKUsed);
        var shown = low == high ? low : k;
        string? used = (low, high) == (k, k) ? null
            : low == high ? string.Create(CultureInfo.InvariantCulture, $"k={k} asked")
            : string.Create(CultureInfo.InvariantCulture, $"k used {low}–{high}");
        var notes = new[] { qualifier, used }.Where(n => n is not null).ToList();
        return string.Create(CultureInfo.InvariantCulture, $"{name}@{shown}") + (notes.Count == 0 ? "" : $" ({string.Join("; ", notes)})");
    }
}
