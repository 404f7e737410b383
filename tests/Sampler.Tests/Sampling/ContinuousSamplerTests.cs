using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Tests.Sampling;

/// <summary>Continuous batching on the real llama.cpp: which samples it draws, how they end, resume, and where it matches the wave sampler bit for bit.</summary>
public class ContinuousSamplerTests
{
    private static readonly string[] Questions =
    [
        "Tom has 3 apples and buys 4 more. How many apples does he have?",
        "A train travels 60 miles in 1.5 hours. What is its average speed in miles per hour?",
        "What is 12 times 12?",
        "Sara reads 20 pages a day. How many days does she need for a book of 340 pages, reading the same amount each day?",
    ];

    private static List<Problem> Problems(int count) =>
        [.. Questions.Take(count).Select((q, i) => new Problem($"p{i}", q, "1", null, new Dictionary<string, string>()))];

    private static List<PreparedPrompt> Prompts(LlamaModel model, int count)
    {
        var renderer = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw });
        return [.. Problems(count).Select(renderer.Prepare)];
    }

    private static List<GeneratedSample> Continuous(LlamaModel model, SamplerOptions options, IReadOnlyList<ProblemWork> work)
    {
        using var sampler = new ContinuousSampler(model, options with { Batching = Batching.Continuous });
        return [.. sampler.Sample(work).SelectMany(w => w.Samples)];
    }

    private static List<GeneratedSample> Waves(LlamaModel model, SamplerOptions options, IEnumerable<PreparedPrompt> prompts)
    {
        using var sampler = new BatchedSampler(model, options);
        return [.. prompts.SelectMany(p => sampler.Sample(p, Enumerable.Range(0, options.N).ToList()).SelectMany(w => w.Samples).ToList())];
    }

    private static IEnumerable<(string, int, uint, string, int, FinishReason, string?)> Bits(IEnumerable<GeneratedSample> samples) =>
        samples.OrderBy(s => s.ProblemId, StringComparer.Ordinal).ThenBy(s => s.Index).Select(s => (s.ProblemId, s.Index, s.Seed, s.Text, s.TokenCount, s.FinishReason, s.StopString));

    [Fact]
    public void Draws_exactly_the_requested_problem_index_seed_set_once_each()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompts = Prompts(model, 4);
        var options = new SamplerOptions { N = 5, Parallel = 4, MaxTokens = 12, Temperature = 1, Seed = 9, Threads = 1 };
        List<int>[] indices = [[0, 1, 2, 3, 4], [1, 3], [0, 1, 2, 3, 4], [4]];
        using var sampler = new ContinuousSampler(model, options with { Batching = Batching.Continuous });
        var waves = sampler.Sample([.. prompts.Select((p, i) => new ProblemWork(p, indices[i]))]).ToList();
        var samples = waves.SelectMany(w => w.Samples).ToList();

        var expected = prompts.SelectMany((p, i) => indices[i].Select(index => (p.ProblemId, index, SampleSeed.Derive(9, p.ProblemId, index)))).ToHashSet();
        Assert.Equal(expected.Count, samples.Count);
        Assert.Equal(expected, samples.Select(s => (s.ProblemId, s.Index, s.Seed)).ToHashSet());
        Assert.All(waves, w => Assert.All(w.Samples, s => Assert.Equal(w.ProblemId, s.ProblemId)));
        Assert.Equal(prompts.Sum(p => (long)p.Tokens.Length), sampler.PromptTokensPrefilled); // one prefill per problem
        Assert.Equal(samples.Sum(s => (long)s.TokenCount), sampler.TokensGenerated);
        Assert.True(samples.Select(s => s.Text).Distinct().Count() > 1, "samples with different seeds should differ");
    }

    [Fact]
    public void Samples_end_at_end_of_generation_a_stop_string_or_the_length_limit()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompts = Prompts(model, 3);
        var options = new SamplerOptions { N = 6, Parallel = 4, MaxTokens = 20, Temperature = 1, Seed = 3, Threads = 1 };
        var free = Continuous(model, options, [.. prompts.Select(p => new ProblemWork(p, Enumerable.Range(0, 6).ToList()))]);
        Assert.All(free, s => Assert.True(s.FinishReason == FinishReason.Eos ? s.TokenCount <= 20 : s.FinishReason == FinishReason.Length && s.TokenCount == 20, $"{s.FinishReason} after {s.TokenCount}"));

        var stop = free.Select(s => s.Text).First(t => t.Length > 12).Substring(6, 3);
        var cut = Continuous(model, options with { StopStrings = [stop] }, [.. prompts.Select(p => new ProblemWork(p, Enumerable.Range(0, 6).ToList()))]);
        Assert.Equal(18, cut.Count);
        Assert.Contains(cut, s => s.FinishReason == FinishReason.Stop);
        Assert.All(cut, s =>
        {
            Assert.DoesNotContain(stop, s.Text, StringComparison.Ordinal);
            Assert.Equal(s.FinishReason == FinishReason.Stop ? stop : null, s.StopString);
            Assert.InRange(s.TokenCount, 1, 20);
        });
    }

    [Fact]
    public void The_same_work_drawn_again_gives_the_same_samples_bit_for_bit()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompts = Prompts(model, 3);
        var options = new SamplerOptions { N = 5, Parallel = 3, MaxTokens = 16, Temperature = 1, Seed = 2, Threads = 1 };
        List<ProblemWork> work = [.. prompts.Select(p => new ProblemWork(p, Enumerable.Range(0, 5).ToList()))];
        Assert.Equal(Bits(Continuous(model, options, work)), Bits(Continuous(model, options, work)));
    }

    [Fact]
    public void With_one_slot_it_draws_what_the_wave_sampler_draws_with_one_sequence()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompts = Prompts(model, 3);
        var options = new SamplerOptions { N = 3, Parallel = 1, MaxTokens = 16, Temperature = 1, Seed = 5, Threads = 1 };
        var waves = Waves(model, options, prompts);
        var continuous = Continuous(model, options, [.. prompts.Select(p => new ProblemWork(p, Enumerable.Range(0, 3).ToList()))]);
        Assert.Equal(Bits(waves), Bits(continuous));
    }

    [Fact]
    public void One_problem_whose_samples_fit_the_slots_is_drawn_as_one_wave_draws_it()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompts = Prompts(model, 1);
        var options = new SamplerOptions { N = 4, Parallel = 4, MaxTokens = 16, Temperature = 1, Seed = 5, Threads = 1 };
        Assert.Equal(Bits(Waves(model, options, prompts)), Bits(Continuous(model, options, [new ProblemWork(prompts[0], [0, 1, 2, 3])])));
    }

    [Fact]
    public void A_cancelled_run_keeps_the_samples_that_ended_and_a_rerun_draws_only_the_rest()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var problems = Problems(4);
        var renderer = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw });
        var options = new SamplerOptions { N = 6, Parallel = 3, MaxTokens = 12, Temperature = 1, Seed = 4, Threads = 1, Batching = Batching.Continuous };
        var path = TestModels.TempFile("continuous.jsonl");

        using var cancel = new CancellationTokenSource();
        SamplingSummary first;
        using (var sink = new JsonlSampleSink(path, "r"))
        {
            first = SamplingJob.Run(model, problems, renderer, options, sink, new InlineProgress(p =>
            {
                if (p.SamplesDone >= 5) cancel.Cancel();
            }), cancel.Token);
        }
        Assert.True(first.Interrupted);
        Assert.Equal(Batching.Continuous, first.Batching);
        Assert.InRange(first.SamplesDrawn, 5, 23);
        var kept = ReadKeys(path);
        Assert.Equal(first.SamplesDrawn, kept.Count);

        SamplingSummary second;
        using (var sink = new JsonlSampleSink(path, "r"))
            second = SamplingJob.Run(model, problems, renderer, options, sink);
        Assert.False(second.Interrupted);
        Assert.Equal(first.SamplesDrawn, second.SamplesSkipped);
        Assert.Equal(24 - first.SamplesDrawn, second.SamplesDrawn);
        var all = ReadKeys(path);
        Assert.Equal(24, all.Count);
        var expected = problems.SelectMany(p => Enumerable.Range(0, 6).Select(i => (p.Id, i, SampleSeed.Derive(4, p.Id, i)))).ToHashSet();
        Assert.Equal(expected, all.ToHashSet()); // 24 lines, 24 distinct samples: no duplicates
    }

    private static List<(string, int, uint)> ReadKeys(string path) =>
    [
        .. File.ReadLines(path).Select(line => System.Text.Json.JsonDocument.Parse(line).RootElement)
            .Select(e => (e.GetProperty("problem_id").GetString()!, e.GetProperty("sample_index").GetInt32(), e.GetProperty("seed").GetUInt32())),
    ];

    /// <summary>Reports on the caller's thread, so the test cancels exactly when the count is reached.</summary>
    private sealed class InlineProgress(Action<SamplingProgress> report) : IProgress<SamplingProgress>
    {
        public void Report(SamplingProgress value) => report(value);
    }
}
