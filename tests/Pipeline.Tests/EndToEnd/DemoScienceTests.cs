using BestOfN.Llama.Native;
using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using Xunit.Abstractions;

namespace BestOfN.Pipeline.Tests.EndToEnd;

/// <summary>
/// The science regression test: the embedded demo, through the production sampler, scorer, grader and voting, on a fixed subset with
/// fixed seeds. Majority voting must beat one sample, and both verifiers' scores must separate right answers from wrong ones: a
/// scorer that reads the wrong position, or voting that mishandles answer keys, breaks it.
/// </summary>
public sealed class DemoScienceTests(ITestOutputHelper output)
{
    private const int Subset = 30;

    [Fact]
    public void Majority_voting_beats_one_sample_and_both_verifiers_score_right_answers_above_wrong_ones()
    {
        var (headline, samples) = RunDemo();
        Assert.True(headline.Majority - headline.Pass1 >= 0.05, $"Maj@16 {headline.Majority:P1} is not 5 points above Pass@1 {headline.Pass1:P1}");

        var right = samples.Where(s => s.Correct).ToList();
        var wrong = samples.Where(s => !s.Correct).ToList();
        double Mean(IEnumerable<double?> scores) => scores.Where(s => s is not null).Average(s => s!.Value);
        var ormGap = Mean(right.Select(s => s.OrmScore)) - Mean(wrong.Select(s => s.OrmScore));
        var prmGap = Mean(right.Select(s => s.PrmStepScores?.Min())) - Mean(wrong.Select(s => s.PrmStepScores?.Min()));
        output.WriteLine($"{right.Count} right, {wrong.Count} wrong answers; mean score right − wrong: ORM {ormGap:F3}, PRM (min) {prmGap:F3}");
        Assert.True(ormGap >= 0.1, $"the ORM scores right answers only {ormGap:F3} above wrong ones");
        Assert.True(prmGap >= 0.1, $"the PRM scores right answers only {prmGap:F3} above wrong ones");
    }

    [Fact]
    public void The_demo_ranks_one_sample_below_majority_voting_below_the_orm_and_the_prm()
    {
        var (h, _) = RunDemo();
        Assert.True(h.Majority - h.Pass1 >= 0.05, $"Maj@16 {h.Majority:P1} is not 5 points above Pass@1 {h.Pass1:P1}");
        Assert.True(h.Orm - h.Majority >= 0.05, $"ORM@16 {h.Orm:P1} is not 5 points above Maj@16 {h.Majority:P1}");
        Assert.True(h.Prm - h.Majority >= 0.05, $"PRM@16 {h.Prm:P1} is not 5 points above Maj@16 {h.Majority:P1}");
    }

    private (RunHeadline Headline, IReadOnlyList<Voting.Samples.VoteSample> Samples) RunDemo()
    {
        LlamaRuntime.Load();
        // A fixed subset of the embedded test problems, a fixed sampling seed and no bootstrap: the figures are deterministic.
        var subset = TestModels.TempFile("demo-subset.jsonl");
        File.WriteAllLines(subset, File.ReadLines(DemoAssets.Problems().Path).Take(Subset));
        var storePath = TestModels.TempFile("demo-science.db");
        var result = RunPipeline.Run(new PipelineRequest
        {
            Dataset = new DatasetSpec(DatasetFormat.Gsm8k, subset, new Dictionary<string, string>()),
            Sampler = DemoModels.Sampler with { Threads = 1 },
            StorePath = storePath,
            Voting = new VotingOptions { BootstrapResamples = 0 },
        });
        Assert.True(result.UsedDemoModels);
        var h = RunHeadline.From(result.Report.Result, PrmAggregation.Min)!;
        Assert.Equal(16, h.N);
        output.WriteLine($"{Subset} problems x {h.N}: Pass@1 {100 * h.Pass1:F1}, Maj@{h.N} {100 * h.Majority:F1}, ORM@{h.N} {100 * h.Orm:F1}, PRM@{h.N} (min) {100 * h.Prm:F1}");
        output.WriteLine(h.Reading());
        using var store = RunStore.Open(storePath);
        var samples = GradeRun.Load(store, result.Sample.RunId, Graders.ForExtraction(PipelineDefaults.Extraction)).SelectMany(p => p.Samples).ToList();
        return (h, samples);
    }
}
