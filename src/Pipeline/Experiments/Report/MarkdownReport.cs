using System.Text;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>report.md: the page's tables as markdown, with the curve PNGs beside it.</summary>
public static class MarkdownReport
{
    public static string Render(ExperimentReport report, IReadOnlyDictionary<(string Dataset, string Generator), string> plotFiles)
    {
        var md = new StringBuilder();
        var experiment = report.Experiment;
        md.Append($"# {experiment.Name}: best-of-N report\n\nAccuracy in percent, 95% bootstrap intervals over problems in brackets.\n\n");
        foreach (var note in report.Notes) md.Append($"> Note: {note}\n\n");
        foreach (var section in report.Datasets)
        {
            md.Append($"## {section.Dataset}\n\n### Best-of-N (k = {section.K})\n\n| method | {string.Join(" | ", section.Columns.Select(c => $"{c.Generator.Name} (N = {c.MaxSamples})"))} |\n");
            md.Append($"| --- |{string.Concat(section.Columns.Select(_ => " ---: |"))}\n");
            foreach (var row in section.Rows) md.Append($"| {row.Name} | {string.Join(" | ", section.Columns.Select(c => ReportText.Percent(row.Pick(c))))} |\n");
            if (experiment.RewardModels.Count > 0)
            {
                md.Append($"\n### Generator × reward model (best-of-{section.K}, gain over Maj@{section.K})\n\n| generator | {string.Join(" | ", experiment.RewardModels.Select(r => $"{r.Name} ({ExperimentReportBuilder.MethodName(experiment, r)})"))} |\n");
                md.Append($"| --- |{string.Concat(experiment.RewardModels.Select(_ => " ---: |"))}\n");
                foreach (var c in section.Columns)
                {
                    var maj = c.Base.Overall[Voting.Reporting.MetricNames.Majority]?.At(section.K)?.Value;
                    var cells = experiment.RewardModels.Select(rm =>
                    {
                        var point = c.For(rm) is { } r ? r.Result.Overall[r.Metric]?.At(section.K) : null;
                        return $"{ReportText.Percent(point)} ({ReportText.Points(point?.Value - maj)}) {ReportText.Domain(rm.DomainOf(c.Generator))}";
                    });
                    md.Append($"| {c.Generator.Name} | {string.Join(" | ", cells)} |\n");
                }
            }
            md.Append("\n### Accuracy against N\n\n");
            foreach (var c in section.Columns)
            {
                if (plotFiles.TryGetValue((section.Dataset, c.Generator.Name), out var file)) md.Append($"![{section.Dataset}: {c.Generator.Name}]({file})\n\n");
            }
            foreach (var c in section.Columns)
            {
                foreach (var field in c.Base.Breakdowns.Select(b => b.Field!).Distinct())
                {
                    md.Append($"### {c.Generator.Name} by {field}\n\n| {field} | problems | Pass@1 | Maj@{section.K} |{string.Concat(c.Rewards.Select(r => $" {r.RewardModel.Name}@{section.K} |"))}\n");
                    md.Append($"| --- | ---: | ---: | ---: |{string.Concat(c.Rewards.Select(_ => " ---: |"))}\n");
                    foreach (var group in c.Base.Breakdowns.Where(b => b.Field == field))
                    {
                        var rewards = c.Rewards.Select(r => ReportText.Percent(r.Result.Breakdowns.FirstOrDefault(b => b.Field == field && b.Group == group.Group)?[r.Metric]?.At(section.K)));
                        md.Append($"| {group.Group} | {group.ProblemCount} | {ReportText.Percent(group[Voting.Reporting.MetricNames.Pass]?.At(1))} | {ReportText.Percent(group[Voting.Reporting.MetricNames.Majority]?.At(section.K))} |{string.Concat(rewards.Select(r => $" {r} |"))}\n");
                    }
                    md.Append('\n');
                }
            }
        }
        md.Append("## Compute\n\n| generator | dataset | stage | prompt tokens | generated tokens | scored tokens | wall time (s) | tokens/s | gain | gain per M tokens |\n| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |\n");
        foreach (var row in report.Compute)
        {
            var set = report.Compute.First(r => r.Generator == row.Generator && r.Dataset == row.Dataset && r.RewardModel is null);
            var a = row.Accounting;
            md.Append($"| {row.Generator} | {row.Dataset} | {row.RewardModel ?? "sampling"} | {(a is null ? "–" : ReportText.Count(a.PromptTokens))} | {(a is null ? "–" : ReportText.Count(a.GeneratedTokens))} | {(a is null ? "–" : ReportText.Count(a.ScoredTokens))} | ");
            md.Append($"{ReportText.Number(a?.WallMilliseconds / 1000, "F1")} | {ReportText.Number(row.TokensPerSecond, "F0")} | {ReportText.Points(row.Gain)} | {ReportText.Number(row.GainPerMillionTokens(set.Tokens), "F2")} |\n");
        }
        md.Append("\nThe manifest (versions, model hashes, prompts, token ids, grader rules, seeds) is in manifest.json.\n");
        return md.ToString();
    }
}
