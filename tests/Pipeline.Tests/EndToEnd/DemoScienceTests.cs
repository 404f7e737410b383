using BestOfN.Llama.Native;
using BestOfN.Problems;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using Xunit.Abstractions;

namespace BestOfN.Pipeline.Tests.EndToEnd;

/// <summary>
/// The science regression test: the embedded demo, through the production sampler, scorer, grader and voting, must show the
/// best-of-N ordering. A scorer that reads the wrong position, or voting that mishandles answer keys, breaks it.
/// </summary>
public sealed class DemoScienceTests(ITestOutputHelper output)
{
    [Fact]
    public void The_demo_ranks_one_sample_below_majority_voting_below_the_orm_and_the_prm()
    {
        LlamaRuntime.Load();
        // A fixed subset of the embedded test problems, fixed sampling seed, no bootstrap: the figures are deterministic.
        var subset = TestModels.TempFile("demo-subset.jsonl");
        File.WriteAllLines(subset, File.ReadLines(DemoAssets.Problems().Path).Take(Subset));
        var result = RunPipeline.Run(new PipelineRequest
        {
            Dataset = new DatasetSpec(DatasetFormat.Gsm8k, subset, new Dictionary<string, string>()),
            Sampler = DemoModels.Sampler with { Threads = 1 },
            StorePath = TestModels.TempFile("demo-science.db"),
            Voting = new VotingOptions { BootstrapResamples = 0 },
        });

        Assert.True(result.UsedDemoModels);
        var h = RunHeadline.From(result.Report.Result, PrmAggregation.Min)!;
        output.WriteLine($"{Subset} problems x {h.N}: Pass@1 {100 * h.Pass1:F1}, Maj@{h.N} {100 * h.Majority:F1}, ORM@{h.N} {100 * h.Orm:F1}, PRM@{h.N} (min) {100 * h.Prm:F1}");
        output.WriteLine(h.Reading());
        Assert.Equal(16, h.N);
        Assert.True(h.Majority - h.Pass1 >= Margin, $"Maj@16 {h.Majority:P1} is not {Margin:P0} above Pass@1 {h.Pass1:P1}");
        Assert.True(h.Orm - h.Majority >= Margin, $"ORM@16 {h.Orm:P1} is not {Margin:P0} above Maj@16 {h.Majority:P1}");
        Assert.True(h.Prm - h.Majority >= Margin, $"PRM@16 {h.Prm:P1} is not {Margin:P0} above Maj@16 {h.Majority:P1}");
    }

    private const int Subset = 30;

    /// <summary>Each step of the ordering must be at least this large (an accuracy difference), not a tie broken by noise.</summary>
    private const double Margin = 0.03;
}
