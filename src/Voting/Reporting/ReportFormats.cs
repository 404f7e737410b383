namespace BestOfN.Voting.Reporting;

/// <summary>
/// The report's output formats by the names users type: markdown (the terminal's table), latex (booktabs), csv (every curve point),
/// json (every curve point, one shape). Adding a format is one line.
/// </summary>
public static class ReportFormats
{
    public delegate void Writer(TextWriter writer, IReadOnlyList<DatasetReport> datasets, TableOptions options);

    public static IReadOnlyDictionary<string, Writer> ByName { get; } = new Dictionary<string, Writer>
    {
        ["markdown"] = MarkdownTable.Write,
        ["latex"] = LatexTable.Write,
        ["csv"] = (writer, datasets, _) => CurveCsv.Write(writer, datasets),
        ["json"] = (writer, datasets, _) => writer.WriteLine(CurveJson.ToJson(datasets)),
    };

    /// <summary>The formats whose output holds every curve point, for programs; the tables' notes are not part of them.</summary>
    public static bool IsData(string name) => name is "csv" or "json";
}
