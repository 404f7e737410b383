using System.Text.Json;
using BestOfN.Llama.Native;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using Microsoft.Playwright;

namespace BestOfN.Pipeline.Tests.EndToEnd;

/// <summary>
/// <c>run</c>'s report folder: the demo on a few problems, seen as an experiment of one generator and two reward models, written by
/// the experiment report and opened in a real browser (Debian's chromium driven by Playwright).
/// </summary>
public sealed class RunReportTests
{
    private sealed record Image(bool Complete, int NaturalWidth, string Source);

    [RequiresChromiumFact]
    public async Task The_demos_report_page_opens_self_contained_and_shows_the_runs_own_figures()
    {
        LlamaRuntime.Load();
        var subset = TestModels.TempFile("run-report-subset.jsonl");
        File.WriteAllLines(subset, File.ReadLines(DemoAssets.Problems().Path).Take(4));
        var storePath = TestModels.TempFile("run-report.db");
        var result = RunPipeline.Run(new PipelineRequest
        {
            Dataset = new DatasetSpec(DatasetFormat.Gsm8k, subset, new Dictionary<string, string>()),
            Sampler = DemoModels.Sampler with { N = 8, Threads = 1 },
            StorePath = storePath,
            Voting = new VotingOptions { BootstrapResamples = 20 },
        });
        var folder = Path.Combine(Path.GetDirectoryName(storePath)!, Path.GetFileNameWithoutExtension(storePath) + "-report");
        Assert.Equal(folder, result.ReportFiles.Folder);
        Assert.All(ExperimentReportFiles.FixedNames, f => Assert.True(File.Exists(Path.Combine(folder, f)), f));

        // The cells point at this run and its two scorers, and its compute is recorded, as `experiment run` records its own.
        using (var store = RunStore.OpenReadOnly(storePath))
        {
            var cells = store.ExperimentCells(RunReport.ExperimentName);
            Assert.Equal(["", "demo-prm (rlhflow-prm)", "demo-orm (rlhflow-orm)"], cells.Select(c => c.RewardModel));
            Assert.All(cells, c => Assert.Equal(result.Sample.RunId, c.RunId));
            Assert.Equal(result.Scores.Select(s => s.ScorerId), cells.Skip(1).Select(c => c.ScorerId));
            Assert.Equal(result.Sample.Summary.TokensGenerated, store.Accounting(result.Sample.RunId, "")!.GeneratedTokens);
            Assert.All(result.Scores, s => Assert.Equal(s.Summary.TokensScored, store.Accounting(s.RunId, s.ScorerId)!.ScoredTokens));
        }

        var page = Path.Combine(folder, "index.html");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Executable, Headless = true });
        var tab = await browser.NewPageAsync();
        var requests = new List<string>();
        tab.Request += (_, request) => requests.Add(request.Url);
        await tab.GotoAsync(new Uri(page).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });
        Assert.Equal([new Uri(page).AbsoluteUri], requests);
        var images = JsonSerializer.Deserialize<Image[]>(await tab.EvaluateAsync<string>(
            "JSON.stringify(Array.from(document.images).map(i => ({ Complete: i.complete, NaturalWidth: i.naturalWidth, Source: i.src.slice(0, 22) })))"))!;
        var image = Assert.Single(images);
        Assert.True(image.Complete && image.NaturalWidth == CurvePlots.Width && image.Source == "data:image/png;base64,", image.ToString());

        async Task<string> Cell(string method) => (await tab.Locator($"table.bon tr[data-method='{method}'] td[data-generator='demo-generator']").TextContentAsync())!.Trim();
        var overall = result.Report.Result.Overall;
        Assert.Equal(ReportText.Percent(overall[MetricNames.Majority]!.At(8)), await Cell("maj@8"));
        Assert.Equal(ReportText.Percent(overall[MetricNames.Orm]!.At(8)), await Cell("rm@8/demo-orm (rlhflow-orm)"));
        Assert.Equal(ReportText.Percent(overall[PrmAggregation.Min.MetricName()]!.At(8)), await Cell("rm@8/demo-prm (rlhflow-prm)"));
        // The demo's verifiers were trained on its generator's samples.
        Assert.Equal("in-domain", await tab.Locator("table.matrix td[data-reward-model='demo-orm (rlhflow-orm)']").GetAttributeAsync("data-domain"));
    }
}
