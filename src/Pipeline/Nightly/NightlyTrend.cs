using System.Globalization;
using System.Net;
using System.Text;
using BestOfN.Store;
using ScottPlot;

namespace BestOfN.Pipeline.Nightly;

/// <summary>
/// One headline metric of one kind of item (dumps or checkpoints) across the nightly history: the last run against the previous one
/// and against the best so far.
/// </summary>
/// <param name="Regression">The last value fell below the previous run's 95% interval: it dropped by more than that interval.</param>
/// <param name="Points">How many runs the metric has (the chart's points).</param>
public sealed record TrendRow(string Kind, string Metric, int Points, TrendValue Last, TrendValue? Previous, TrendValue Best, bool Regression);

/// <summary>A metric's value in one nightly run, with the item it was measured on.</summary>
public sealed record TrendValue(string Item, DateTimeOffset Started, NightlyMetric Metric);

/// <param name="Files">trend.md, trend.html and one chart per kind and dataset, in the nightly file's <c>out</c> folder.</param>
public sealed record NightlyTrendReport(IReadOnlyList<TrendRow> Rows, IReadOnlyList<string> Files);

/// <summary>The trend outputs, regenerated from the history after each nightly run: trend.md, trend.html and ScottPlot charts with 95% bands.</summary>
public static class NightlyTrend
{
    public const int Width = 760;
    public const int Height = 420;
    public static readonly IReadOnlyList<string> FixedNames = ["trend.md", "trend.html"];

    /// <summary>Every metric of every kind, from the succeeded runs in the order they ran.</summary>
    public static IReadOnlyList<TrendRow> Rows(IReadOnlyList<NightlyRun> history) =>
        [.. from series in Series(history)
            let values = series.Values
            let last = values[^1]
            let previous = values.Count > 1 ? values[^2] : null
            select new TrendRow(series.Kind, series.Metric, values.Count, last, previous, values.MaxBy(v => v.Metric.Value)!,
                previous?.Metric.CiLow is { } low && last.Metric.Value < low)];

    public static NightlyTrendReport Write(string outFolder, IReadOnlyList<NightlyRun> history)
    {
        Directory.CreateDirectory(outFolder);
        var rows = Rows(history);
        var files = new List<string>();
        var charts = new List<(string Title, string File, byte[] Png)>();
        foreach (var group in Series(history).GroupBy(s => (s.Kind, Dataset: s.Metric.Split('/')[0])))
        {
            var title = $"{group.Key.Dataset}: {group.Key.Kind}s";
            var file = $"trend-{group.Key.Kind}-{Safe(group.Key.Dataset)}.png";
            var png = Chart(title, [.. group]);
            OutputFiles.WriteBinary(Path.Combine(outFolder, file), s => { s.Write(png); return 0; });
            charts.Add((title, file, png));
            files.Add(Path.Combine(outFolder, file));
        }
        var md = Path.Combine(outFolder, "trend.md");
        OutputFiles.Write(md, w => { w.Write(Markdown(rows, charts)); return 0; });
        var html = Path.Combine(outFolder, "trend.html");
        OutputFiles.Write(html, w => { w.Write(Html(rows, charts)); return 0; });
        return new NightlyTrendReport(rows, [md, html, .. files]);
    }

    private sealed record TrendSeries(string Kind, string Metric, IReadOnlyList<TrendValue> Values);

    private static IEnumerable<TrendSeries> Series(IReadOnlyList<NightlyRun> history) =>
        from run in history.Where(r => r.Status == NightlyStatus.Succeeded).OrderBy(r => r.Started).ThenBy(r => r.Id)
        from metric in run.Metrics
        group new TrendValue(run.Item, run.Started, metric) by (run.Kind, metric.Name) into g
        orderby g.Key.Kind, g.Key.Name
        select new TrendSeries(g.Key.Kind, g.Key.Name, [.. g]);

    private static byte[] Chart(string title, IReadOnlyList<TrendSeries> series)
    {
        var plot = new Plot();
        var palette = new ScottPlot.Palettes.Category10();
        var items = series.SelectMany(s => s.Values).Select(v => (v.Started, v.Item)).Distinct().Order().ToList();
        for (var i = 0; i < series.Count; i++)
        {
            var color = palette.GetColor(i);
            var xs = series[i].Values.Select(v => (double)items.IndexOf((v.Started, v.Item)) + 1).ToArray();
            var points = series[i].Values.Select(v => v.Metric).ToList();
            if (xs.Length > 1 && points.All(p => p is { CiLow: not null, CiHigh: not null }))
            {
                var band = plot.Add.FillY(xs, points.Select(p => 100 * p.CiLow!.Value).ToArray(), points.Select(p => 100 * p.CiHigh!.Value).ToArray());
                band.FillColor = color.WithAlpha(0.12);
                band.LineWidth = 0;
            }
            var line = plot.Add.Scatter(xs, points.Select(p => 100 * p.Value).ToArray());
            line.Color = color;
            line.LineWidth = 2;
            line.MarkerSize = 5;
            line.LegendText = series[i].Metric[(series[i].Metric.IndexOf('/', StringComparison.Ordinal) + 1)..];
        }
        plot.Axes.Bottom.TickGenerator = new ScottPlot.TickGenerators.NumericManual(
            items.Select((_, i) => (double)i + 1).ToArray(), items.Select(v => v.Item).ToArray());
        plot.Axes.Bottom.Label.Text = "item, in the order scored";
        plot.Axes.Left.Label.Text = "accuracy (%)";
        plot.Axes.SetLimitsY(-2, 102);
        plot.Title(title);
        plot.ShowLegend(Alignment.LowerRight);
        return plot.GetImageBytes(Width, Height, ImageFormat.Png);
    }

    private static string Markdown(IReadOnlyList<TrendRow> rows, List<(string Title, string File, byte[] Png)> charts)
    {
        var md = new StringBuilder("# Nightly trend\n\n");
        md.Append("A regression is a last value below the previous run's 95% interval.\n\n");
        md.Append("| kind | metric | points | last | previous | best | |\n| --- | --- | --- | --- | --- | --- | --- |\n");
        foreach (var r in rows)
            md.Append(CultureInfo.InvariantCulture, $"| {r.Kind} | {r.Metric} | {r.Points} | {Cell(r.Last)} | {(r.Previous is null ? "–" : Cell(r.Previous))} | {Cell(r.Best)} | {(r.Regression ? "**REGRESSION**" : "")} |\n");
        foreach (var (title, file, _) in charts) md.Append(CultureInfo.InvariantCulture, $"\n![{title}]({file})\n");
        return md.ToString();
    }

    private static string Html(IReadOnlyList<TrendRow> rows, List<(string Title, string File, byte[] Png)> charts)
    {
        static string E(string s) => WebUtility.HtmlEncode(s);
        var html = new StringBuilder("<!DOCTYPE html><html><head><meta charset=\"utf-8\"><title>Nightly trend</title><style>body{font-family:sans-serif;margin:2em}" +
            "table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:4px 8px}.regression{color:#b00;font-weight:bold}</style></head><body><h1>Nightly trend</h1>" +
            "<p>A regression is a last value below the previous run's 95% interval.</p><table><tr><th>kind</th><th>metric</th><th>points</th><th>last</th><th>previous</th><th>best</th><th></th></tr>");
        foreach (var r in rows)
            html.Append(CultureInfo.InvariantCulture, $"<tr><td>{E(r.Kind)}</td><td>{E(r.Metric)}</td><td>{r.Points}</td><td>{E(Cell(r.Last))}</td><td>{E(r.Previous is null ? "–" : Cell(r.Previous))}</td><td>{E(Cell(r.Best))}</td><td class=\"regression\">{(r.Regression ? "REGRESSION" : "")}</td></tr>");
        html.Append("</table>");
        foreach (var (title, _, png) in charts)
            html.Append(CultureInfo.InvariantCulture, $"<figure><img alt=\"{E(title)}\" width=\"{Width}\" height=\"{Height}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\"></figure>");
        return html.Append("</body></html>\n").ToString();
    }

    private static string Cell(TrendValue v) => string.Create(CultureInfo.InvariantCulture,
        $"{100 * v.Metric.Value:F1}%{(v.Metric is { CiLow: { } lo, CiHigh: { } hi } ? $" [{100 * lo:F1}, {100 * hi:F1}]" : "")} ({v.Item})");

    private static string Safe(string name) => string.Concat(name.Select(c => char.IsLetterOrDigit(c) || c is '-' or '_' ? c : '_'));
}
