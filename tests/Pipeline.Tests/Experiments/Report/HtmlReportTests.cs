using System.Text.Json;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Pipeline.Tests.Experiments;
using BestOfN.Store;
using BestOfN.Voting.Reporting;
using Microsoft.Playwright;

namespace BestOfN.Pipeline.Tests.Experiments.Report;

/// <summary>The report page in a real browser: Debian's chromium driven by Playwright (no browser download).</summary>
[Collection(ExperimentCollection.Name)]
public class HtmlReportTests(ExperimentFixture fixture)
{
    private sealed record Image(bool Complete, int NaturalWidth, string Source);

    [RequiresChromiumFact]
    public async Task The_page_shows_every_image_and_the_tables_expected_numbers_in_headless_chromium()
    {
        var page = Path.Combine(fixture.Folder, "report", "index.html");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = Chromium.Executable, Headless = true });
        var tab = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1200, Height = 1400 } });
        var requests = new List<string>();
        tab.Request += (_, request) => requests.Add(request.Url);
        await tab.GotoAsync(new Uri(page).AbsoluteUri, new PageGotoOptions { WaitUntil = WaitUntilState.Load });

        var images = JsonSerializer.Deserialize<Image[]>(await tab.EvaluateAsync<string>(
            "JSON.stringify(Array.from(document.images).map(i => ({ Complete: i.complete, NaturalWidth: i.naturalWidth, Source: i.src.slice(0, 22) })))"))!;
        Assert.Equal(3, images.Length); // one curve per generator of the one dataset
        Assert.All(images, i => Assert.True(i.Complete && i.NaturalWidth == CurvePlots.Width && i.Source == "data:image/png;base64,", i.ToString()));
        Assert.Equal([new Uri(page).AbsoluteUri], requests); // self-contained: the page itself, nothing else

        async Task<string> Cell(string selector) => (await tab.Locator(selector).TextContentAsync())!.Trim();
        // The imported set's shipped labels fix its numbers (see ExperimentFixture.PublishedAnswers); the intervals are the voting report's own.
        using var store = RunStore.OpenReadOnly(Path.Combine(fixture.Folder, "runs.db"));
        var run = store.ExperimentCells("ood-tiny").Single(c => c.Generator == "published" && c.RewardModel == "").RunId;
        var expected = VotingReport.Compute(GradeRun.Load(store, run, Graders.ForExtraction("flexible"), StoredScores.Load(store, run, [])),
            new VotingOptions { Ks = [1, 2, 4], BootstrapResamples = 200 }).Overall;
        Assert.StartsWith("50.0 [", await Cell("#bon-gsm8k tr[data-method='pass@1'] td[data-generator='published']"));
        Assert.StartsWith("60.0 [", await Cell("#bon-gsm8k tr[data-method='maj@4'] td[data-generator='published']"));
        Assert.StartsWith("80.0 [", await Cell("#bon-gsm8k tr[data-method='pass@4'] td[data-generator='published']"));
        Assert.Equal(ReportText.Percent(expected[MetricNames.Pass]!.At(1)), await Cell("#bon-gsm8k tr[data-method='pass@1'] td[data-generator='published']"));
        Assert.Equal(ReportText.Percent(expected[MetricNames.Majority]!.At(4)), await Cell("#bon-gsm8k tr[data-method='maj@4'] td[data-generator='published']"));

        Assert.Equal("in-domain", await tab.Locator("#matrix-gsm8k tr[data-generator='tiny-a'] td[data-reward-model='prm']").GetAttributeAsync("data-domain"));
        Assert.Equal("OOD", await tab.Locator("#matrix-gsm8k tr[data-generator='tiny-b'] td[data-reward-model='prm']").GetAttributeAsync("data-domain"));
        Assert.Equal("domain unknown", await tab.Locator("#matrix-gsm8k tr[data-generator='tiny-b'] td[data-reward-model='orm']").GetAttributeAsync("data-domain"));
        var orm = store.ExperimentCells("ood-tiny").Single(c => c.Generator == "published" && c.RewardModel == "orm").ScorerId;
        var ormAt4 = VotingReport.Compute(GradeRun.Load(store, run, Graders.ForExtraction("flexible"), StoredScores.Load(store, run, store.Scorers(run).Where(s => s.ScorerId == orm))),
            new VotingOptions { Ks = [1, 2, 4], BootstrapResamples = 200 }).Overall[MetricNames.Orm]!.At(4);
        Assert.Equal($"{ReportText.Percent(ormAt4)}domain unknown{ReportText.Points(ormAt4!.Value - 0.6)} vs Maj",
            await Cell("#matrix-gsm8k tr[data-generator='published'] td[data-reward-model='orm']"));

        if (Environment.GetEnvironmentVariable("BESTOFN_REPORT_SCREENSHOT") is { Length: > 0 } screenshot)
            await tab.ScreenshotAsync(new PageScreenshotOptions { Path = screenshot, FullPage = false });
    }
}
