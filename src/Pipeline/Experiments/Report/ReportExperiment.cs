using System.Text.Json;
using BestOfN.Store;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>The files of a report folder.</summary>
public sealed record ExperimentReportFiles(string Folder, IReadOnlyList<string> Files, ExperimentReport Report)
{
    /// <summary>The files every report has; the curve PNGs are named after their dataset and generator.</summary>
    public static readonly IReadOnlyList<string> FixedNames = ["index.html", "report.md", "curves.json", "table.tex", "manifest.json"];
}

/// <summary>
/// <c>experiment report</c>: rebuilds an experiment's report folder from its store alone (nothing is sampled or scored). Every file is
/// written beside its target and renamed into place.
/// </summary>
public static class ReportExperiment
{
    public static ExperimentReportFiles Run(string experimentFile, Func<string, GgufSummary?>? readGguf = null)
    {
        var experiment = ExperimentFileReader.Read(experimentFile);
        if (!File.Exists(experiment.StorePath))
            throw new FileNotFoundException($"No store at {experiment.StorePath} (the experiment's store:); `bestofn experiment run {experimentFile}` fills it.", experiment.StorePath);
        using var store = RunStore.OpenReadOnly(experiment.StorePath);
        return Write(experiment, store, readGguf);
    }

    public static ExperimentReportFiles Write(Experiment experiment, RunStore store, Func<string, GgufSummary?>? readGguf = null)
    {
        var report = ExperimentReportBuilder.Build(experiment, store, readGguf ?? GgufSummary.TryRead);
        var folder = experiment.OutFolder;
        Directory.CreateDirectory(folder);
        var written = new List<string>();
        void Write(string name, Action<Stream> write)
        {
            var path = Path.Combine(folder, name);
            OutputFiles.EnsureNotAnInput(path, "out:", experiment.StorePath, experiment.FilePath);
            OutputFiles.Write(path, writer =>
            {
                writer.Flush();
                write(writer.BaseStream);
                return 0;
            });
            written.Add(path);
        }
        void WriteText(string name, string text) => Write(name, s => s.Write(new System.Text.UTF8Encoding(false).GetBytes(text)));

        var plots = new Dictionary<(string, string), byte[]>();
        var plotFiles = new Dictionary<(string, string), string>();
        foreach (var section in report.Datasets)
        {
            foreach (var column in section.Columns)
            {
                var png = CurvePlots.Png(experiment, section.Dataset, column);
                var name = $"curves-{ReportText.Slug(section.Dataset)}-{ReportText.Slug(column.Generator.Name)}.png";
                Write(name, s => s.Write(png));
                plots[(section.Dataset, column.Generator.Name)] = png;
                plotFiles[(section.Dataset, column.Generator.Name)] = name;
            }
        }
        WriteText("index.html", HtmlReport.Render(report, plots));
        WriteText("report.md", MarkdownReport.Render(report, plotFiles));
        WriteText("table.tex", LatexTable.Render(report));
        WriteText("manifest.json", ExperimentManifest.ToJson(report.Manifest));
        WriteText("curves.json", CurvesJson(report));
        return new ExperimentReportFiles(folder, written, report);
    }

    /// <summary>
    /// Every curve as <c>{dataset: {generator: {method: {k: {value, ci_low, ci_high, stderr}}}}}</c>; methods are maj, pass, and per
    /// reward model weighted_maj/NAME and orm/NAME or prm_AGG/NAME.
    /// </summary>
    private static string CurvesJson(ExperimentReport report)
    {
        var root = report.Datasets.ToDictionary(d => d.Dataset, d => d.Columns.ToDictionary(c => c.Generator.Name,
            c => ReportText.Series(report.Experiment, c).ToDictionary(s => s.Key, s => s.Curve.Points.ToDictionary(
                p => p.K.ToString(System.Globalization.CultureInfo.InvariantCulture),
                p => new { value = p.Value, ci_low = p.CiLow, ci_high = p.CiHigh, stderr = p.StandardError }))));
        return JsonSerializer.Serialize(root, new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
    }
}
