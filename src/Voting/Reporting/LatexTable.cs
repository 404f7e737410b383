using System.Globalization;
using System.Text;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// The report's tables (<see cref="ReportTable"/>) as LaTeX booktabs tabulars (<c>\usepackage{booktabs}</c>): values in percent with
/// one decimal, bootstrap intervals in brackets, each table's notes as <c>%</c> comment lines under it.
/// </summary>
public static class LatexTable
{
    public static void Write(TextWriter writer, IReadOnlyList<DatasetReport> datasets, TableOptions options)
    {
        var first = true;
        foreach (var table in ReportTable.Build(datasets, options))
        {
            if (!first) writer.WriteLine();
            first = false;
            writer.WriteLine(table.Title is null ? "% needs \\usepackage{booktabs}" : $"% {table.Title}");
            writer.WriteLine($"\\begin{{tabular}}{{l{new string('r', table.Columns.Count)}}}");
            writer.WriteLine("\\toprule");
            writer.WriteLine("Metric & " + string.Join(" & ", table.Columns.Select(Escape)) + " \\\\");
            writer.WriteLine("\\midrule");
            foreach (var row in table.Rows)
            {
                writer.WriteLine(Escape(row.Label) + " & " + string.Join(" & ", row.Cells.Select(c => Escape(ReportTable.FormatCell(c, row)))) + " \\\\");
            }
            writer.WriteLine("\\bottomrule");
            writer.WriteLine("\\end{tabular}");
            foreach (var note in table.Notes) writer.WriteLine($"% Note: {note.ReplaceLineEndings(" ")}");
        }
    }

    public static string ToLatex(IReadOnlyList<DatasetReport> datasets, TableOptions options)
    {
        using var writer = new StringWriter(CultureInfo.InvariantCulture) { NewLine = "\n" };
        Write(writer, datasets, options);
        return writer.ToString();
    }

    /// <summary>LaTeX's ten special characters (and the report's ×, · and –), escaped for text mode.</summary>
    public static string Escape(string text)
    {
        var escaped = new StringBuilder(text.Length);
        foreach (var c in text)
        {
            escaped.Append(c switch
            {
                '\\' => "\\textbackslash{}",
                '&' or '%' or '$' or '#' or '_' or '{' or '}' => "\\" + c,
                '~' => "\\textasciitilde{}",
                '^' => "\\textasciicircum{}",
                '×' => "$\\times$",
                '·' => "$\\cdot$",
                '–' => "--",
                _ => c.ToString(),
            });
        }
        return escaped.ToString();
    }
}
