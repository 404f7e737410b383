using System.Globalization;
using BestOfN.Voting.Metrics;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// The report's tables (<see cref="ReportTable"/>) as markdown, the terminal's default: values in percent with one decimal and, with
/// bootstrap, the interval in brackets; each table's notes follow it as "Note: …" lines.
/// </summary>
public static class MarkdownTable
{
    public static void Write(TextWriter writer, IReadOnlyList<DatasetReport> datasets, PrmAggregation prmAggregation = VotingDefaults.TablePrmAggregation,
        RewardSelection selection = RewardSelection.Subsets) =>
        Write(writer, datasets, new TableOptions { PrmAggregation = prmAggregation, Selection = selection });

    public static void Write(TextWriter writer, IReadOnlyList<DatasetReport> datasets, TableOptions options)
    {
        var first = true;
        foreach (var table in ReportTable.Build(datasets, options))
        {
            if (!first)
            {
                writer.WriteLine();
                writer.WriteLine($"{table.Title}:");
                writer.WriteLine();
            }
            first = false;
            writer.WriteLine("| Metric | " + string.Join(" | ", table.Columns.Select(Escape)) + " |");
            writer.WriteLine("|---|" + string.Concat(table.Columns.Select(_ => "---|")));
            foreach (var row in table.Rows)
            {
                writer.WriteLine($"| {Escape(row.Label)} | " + string.Join(" | ", row.Cells.Select(c => ReportTable.FormatCell(c, row))) + " |");
            }
            foreach (var note in table.Notes) writer.WriteLine($"Note: {Escape(note)}");
        }
    }

    public static string ToMarkdown(IReadOnlyList<DatasetReport> datasets, PrmAggregation prmAggregation = VotingDefaults.TablePrmAggregation) =>
        ToMarkdown(datasets, new TableOptions { PrmAggregation = prmAggregation });

    public static string ToMarkdown(IReadOnlyList<DatasetReport> datasets, TableOptions options)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, datasets, options);
        return writer.ToString();
    }

    private static string Escape(string text) => text.Replace("|", "\\|", StringComparison.Ordinal);
}
