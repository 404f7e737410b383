using System.Net;
using System.Text;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>
/// index.html: one self-contained page (inline CSS, PNGs as data: URIs, no script, nothing fetched). Table cells carry
/// data-method / data-generator / data-reward-model attributes, so a reader (or a test) can find a number without parsing the layout.
/// </summary>
public static class HtmlReport
{
    private const string Style = """
        body { font: 14px/1.45 system-ui, sans-serif; margin: 2em auto; max-width: 1100px; color: #222; padding: 0 1em; }
        h1 { font-size: 1.6em; } h2 { border-bottom: 2px solid #ddd; padding-bottom: .2em; margin-top: 2em; } h3 { margin-top: 1.5em; }
        table { border-collapse: collapse; margin: .6em 0 1.2em; } th, td { padding: .3em .7em; border-bottom: 1px solid #e4e4e4; text-align: right; }
        th:first-child, td:first-child { text-align: left; } thead th { border-bottom: 2px solid #999; }
        .ci { color: #777; font-size: .85em; } .gain { display: block; font-size: .85em; color: #2a7a2a; } .gain.neg { color: #b03030; }
        .badge { font-size: .75em; padding: .05em .45em; border-radius: .6em; margin-left: .4em; } .in-domain { background: #d8f0d8; } .OOD { background: #f8e0c8; } .unknown { background: #eee; }
        figure { margin: 1em 0; } img { max-width: 100%; border: 1px solid #eee; } pre { background: #f6f6f6; padding: .8em; overflow-x: auto; font-size: .85em; }
        .note { color: #8a5a00; }
        """;

    public static string Render(ExperimentReport report, IReadOnlyDictionary<(string Dataset, string Generator), byte[]> plots)
    {
        var html = new StringBuilder();
        var experiment = report.Experiment;
        html.Append($"<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>{E(experiment.Name)}: best-of-N report</title><style>{Style}</style></head><body>\n");
        html.Append($"<h1>{E(experiment.Name)}: best-of-N report</h1>\n<p>{experiment.Generators.Count} generators × {report.Datasets.Count} datasets × {experiment.RewardModels.Count} reward models. ");
        html.Append("Values are accuracy in percent, with 95% bootstrap intervals over problems in brackets.</p>\n");
        foreach (var note in report.Notes) html.Append($"<p class=\"note\">Note: {E(note)}</p>\n");
        foreach (var section in report.Datasets) Dataset(html, report, section, plots);
        Compute(html, report);
        Manifest(html, report);
        html.Append("</body></html>\n");
        return html.ToString();
    }

    private static void Dataset(StringBuilder html, ExperimentReport report, DatasetSection section, IReadOnlyDictionary<(string, string), byte[]> plots)
    {
        var slug = ReportText.Slug(section.Dataset);
        html.Append($"<h2 id=\"dataset-{slug}\">{E(section.Dataset)}</h2>\n<h3>Best-of-N (k = {section.K})</h3>\n<table class=\"bon\" id=\"bon-{slug}\"><thead><tr><th>method</th>");
        foreach (var c in section.Columns) html.Append($"<th data-generator=\"{E(c.Generator.Name)}\">{E(c.Generator.Name)}<br><span class=\"ci\">{c.Problems} problems, N = {c.MaxSamples}</span></th>");
        html.Append("</tr></thead><tbody>\n");
        foreach (var row in section.Rows)
        {
            html.Append($"<tr data-method=\"{E(row.Key)}\"><th>{E(row.Name)}</th>");
            foreach (var c in section.Columns) html.Append($"<td data-generator=\"{E(c.Generator.Name)}\">{Value(row.Pick(c))}</td>");
            html.Append("</tr>\n");
        }
        html.Append("</tbody></table>\n");

        if (report.Experiment.RewardModels.Count > 0)
        {
            html.Append($"<h3>Generator × reward model: best-of-{section.K} accuracy, gain over Maj@{section.K}</h3>\n<table class=\"matrix\" id=\"matrix-{slug}\"><thead><tr><th>generator</th>");
            foreach (var rm in report.Experiment.RewardModels) html.Append($"<th>{E(rm.Name)}<br><span class=\"ci\">{E(ExperimentReportBuilder.MethodName(report.Experiment, rm))}, trained on {E(rm.TrainedOn ?? "?")}</span></th>");
            html.Append("</tr></thead><tbody>\n");
            foreach (var c in section.Columns)
            {
                html.Append($"<tr data-generator=\"{E(c.Generator.Name)}\"><th>{E(c.Generator.Name)}</th>");
                var maj = c.Base.Overall[Voting.Reporting.MetricNames.Majority]?.At(section.K)?.Value;
                foreach (var rm in report.Experiment.RewardModels)
                {
                    var point = c.For(rm) is { } r ? r.Result.Overall[r.Metric]?.At(section.K) : null;
                    var domain = rm.DomainOf(c.Generator);
                    var badge = ReportText.Domain(domain);
                    var gain = point?.Value - maj;
                    html.Append($"<td data-reward-model=\"{E(rm.Name)}\" data-domain=\"{badge}\">{Value(point)}<span class=\"badge {(domain == Domain.Unknown ? "unknown" : badge)}\">{badge}</span>");
                    html.Append($"<span class=\"gain{(gain < 0 ? " neg" : "")}\">{ReportText.Points(gain)} vs Maj</span></td>");
                }
                html.Append("</tr>\n");
            }
            html.Append("</tbody></table>\n");
        }

        html.Append("<h3>Accuracy against N</h3>\n");
        foreach (var c in section.Columns)
        {
            if (!plots.TryGetValue((section.Dataset, c.Generator.Name), out var png)) continue;
            html.Append($"<figure><img alt=\"{E(section.Dataset)}: {E(c.Generator.Name)} accuracy against N\" width=\"{CurvePlots.Width}\" height=\"{CurvePlots.Height}\" src=\"data:image/png;base64,{Convert.ToBase64String(png)}\">");
            html.Append($"<figcaption>{E(c.Generator.Name)}: one line per method, bands are 95% bootstrap intervals.</figcaption></figure>\n");
        }

        foreach (var c in section.Columns)
        {
            foreach (var field in c.Base.Breakdowns.Select(b => b.Field!).Distinct())
            {
                html.Append($"<h3>{E(c.Generator.Name)} by {E(field)}</h3>\n<table class=\"breakdown\" data-generator=\"{E(c.Generator.Name)}\" data-field=\"{E(field)}\"><thead><tr><th>{E(field)}</th><th>problems</th><th>Pass@1</th><th>Maj@{section.K}</th>");
                foreach (var r in c.Rewards) html.Append($"<th>{E(ExperimentReportBuilder.MethodName(report.Experiment, r.RewardModel))}@{section.K} · {E(r.RewardModel.Name)}</th>");
                html.Append("</tr></thead><tbody>\n");
                foreach (var group in c.Base.Breakdowns.Where(b => b.Field == field))
                {
                    html.Append($"<tr data-group=\"{E(group.Group!)}\"><td>{E(group.Group!)}</td><td>{group.ProblemCount}</td><td>{Value(group[Voting.Reporting.MetricNames.Pass]?.At(1))}</td><td>{Value(group[Voting.Reporting.MetricNames.Majority]?.At(section.K))}</td>");
                    foreach (var r in c.Rewards)
                        html.Append($"<td>{Value(r.Result.Breakdowns.FirstOrDefault(b => b.Field == field && b.Group == group.Group)?[r.Metric]?.At(section.K))}</td>");
                    html.Append("</tr>\n");
                }
                html.Append("</tbody></table>\n");
            }
        }
    }

    private static void Compute(StringBuilder html, ExperimentReport report)
    {
        html.Append("<h2 id=\"compute\">Compute</h2>\n<p>Tokens and wall time recorded by <code>experiment run</code> or <code>run</code> (summed over resumed invocations). The gain is accuracy over Pass@1 (Maj@k for a generator, the reward model's best-of-k for a reward model), per million tokens of the sample set plus the scoring.</p>\n");
        html.Append("<table class=\"compute\"><thead><tr><th>generator</th><th>dataset</th><th>stage</th><th>prompt tokens</th><th>generated tokens</th><th>scored tokens</th><th>wall time (s)</th><th>tokens/s</th><th>gain</th><th>gain per M tokens</th></tr></thead><tbody>\n");
        foreach (var row in report.Compute)
        {
            var set = report.Compute.First(r => r.Generator == row.Generator && r.Dataset == row.Dataset && r.RewardModel is null);
            var a = row.Accounting;
            html.Append($"<tr><td>{E(row.Generator)}</td><td>{E(row.Dataset)}</td><td>{E(row.RewardModel ?? "sampling")}</td>");
            html.Append($"<td>{(a is null ? "–" : ReportText.Count(a.PromptTokens))}</td><td>{(a is null ? "–" : ReportText.Count(a.GeneratedTokens))}</td><td>{(a is null ? "–" : ReportText.Count(a.ScoredTokens))}</td>");
            html.Append($"<td>{ReportText.Number(a?.WallMilliseconds / 1000, "F1")}</td><td>{ReportText.Number(row.TokensPerSecond, "F0")}</td><td>{ReportText.Points(row.Gain)}</td><td>{ReportText.Number(row.GainPerMillionTokens(set.Tokens), "F2")}</td></tr>\n");
        }
        html.Append("</tbody></table>\n");
    }

    private static void Manifest(StringBuilder html, ExperimentReport report)
    {
        var tool = report.Manifest["tool"]!;
        html.Append($"<h2 id=\"manifest\">Manifest</h2>\n<p>bestofn {E((string?)tool["version"] ?? "")}, commit <code>{E((string?)tool["commit"] ?? "")}</code>; grader extraction <code>{E(report.Experiment.Report.Extraction)}</code>.</p>\n");
        html.Append("<table class=\"models\"><thead><tr><th>model</th><th>role</th><th>file</th><th>SHA-256</th><th>architecture</th><th>type</th></tr></thead><tbody>\n");
        void Row(string name, string role, System.Text.Json.Nodes.JsonNode? file, System.Text.Json.Nodes.JsonNode? sha, System.Text.Json.Nodes.JsonNode? gguf) =>
            html.Append($"<tr><td>{E(name)}</td><td>{E(role)}</td><td>{E(Path.GetFileName((string?)file ?? "–"))}</td><td><code>{E(((string?)sha ?? "–")[..Math.Min(16, ((string?)sha ?? "–").Length)])}</code></td><td>{E((string?)gguf?["architecture"] ?? "–")}</td><td>{E((string?)gguf?["type"] ?? "–")}</td></tr>\n");
        foreach (var (name, generator) in report.Manifest["generators"]!.AsObject())
        {
            foreach (var (dataset, run) in generator!["runs"]!.AsObject()) Row(name, $"generator ({dataset})", run!["model_path"], run["model_sha256"], run["gguf"]);
        }
        foreach (var (name, rm) in report.Manifest["reward_models"]!.AsObject())
        {
            var scorer = rm!["scorers"]!.AsObject().Select(kv => kv.Value).FirstOrDefault();
            Row(name, $"reward model ({(string?)rm["protocol"]})", rm["model_path"], scorer?["model_sha256"], rm["gguf"]);
        }
        html.Append("</tbody></table>\n");
        html.Append($"<details><summary>manifest.json: prompts, token ids and read positions, configurations, seeds</summary><pre>{E(ExperimentManifest.ToJson(report.Manifest))}</pre></details>\n");
    }

    private static string Value(Voting.Reporting.CurvePoint? point)
    {
        var text = ReportText.Percent(point);
        var bracket = text.IndexOf(" [", StringComparison.Ordinal);
        return bracket < 0 ? E(text) : $"{E(text[..bracket])} <span class=\"ci\">{E(text[(bracket + 1)..])}</span>";
    }

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
