using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Tests.Sampling;

public class BatchedSamplerTests
{
    private static readonly Problem Question = new("p1", "Tom has 3 apples and buys 4 more. How many apples does he have?", "7", null, new Dictionary<string, string>());

    private static List<GeneratedSample> Draw(LlamaModel model, SamplerOptions options, Problem? problem = null, IReadOnlyList<int>? indices = null)
    {
        var prompt = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw }).Prepare(problem ?? Question);
        using var sampler = new BatchedSampler(model, options);
        return sampler.Sample(prompt, indices ?? Enumerable.Range(0, options.N).ToList()).SelectMany(w => w.Samples).ToList();
    }

    [Fact]
    public void Same_configuration_and_seed_give_identical_samples_on_rerun()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 6, Parallel = 3, MaxTokens = 24, Temperature = 1.0f, Seed = 7 };
        var first = Draw(model, options);
        var second = Draw(model, options);
        Assert.Equal(first.Select(s => (s.Index, s.Seed, s.Text, s.TokenCount, s.FinishReason)), second.Select(s => (s.Index, s.Seed, s.Text, s.TokenCount, s.FinishReason)));
        Assert.True(first.Select(s => s.Text).Distinct().Count() > 1, "samples with different seeds should differ");
        var other = Draw(model, options with { Seed = 8 });
        Assert.NotEqual(first.Select(s => s.Text), other.Select(s => s.Text));
    }

    [Fact]
    public void Each_sample_has_its_own_seed_derived_from_run_problem_and_index()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var samples = Draw(model, new SamplerOptions { N = 8, Parallel = 8, MaxTokens = 2, Seed = 3 });
        Assert.Equal(Enumerable.Range(0, 8), samples.Select(s => s.Index));
        Assert.Equal(8, samples.Select(s => s.Seed).Distinct().Count());
        Assert.All(samples, s => Assert.Equal(SampleSeed.Derive(3, "p1", s.Index), s.Seed));
    }

    [Fact]
    public void Greedy_samples_are_all_the_same_and_stop_at_the_length_limit()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var samples = Draw(model, new SamplerOptions { N = 4, Parallel = 4, MaxTokens = 10, Temperature = 0 });
        Assert.Single(samples.Select(s => s.Text).Distinct());
        Assert.All(samples, s => Assert.True(s.FinishReason == FinishReason.Eos || (s.FinishReason == FinishReason.Length && s.TokenCount == 10)));
    }

    [Fact]
    public void A_stop_string_cuts_the_text_before_its_first_occurrence()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 1, Parallel = 1, MaxTokens = 40, Temperature = 0 };
        var free = Draw(model, options).Single();
        Assert.True(free.Text.Length > 16, $"the free run should produce some text, got '{free.Text}'");
        var stop = free.Text.Substring(8, 4);
        var cut = Draw(model, options with { StopStrings = [stop] }).Single();
        Assert.Equal(FinishReason.Stop, cut.FinishReason);
        Assert.Equal(stop, cut.StopString);
        Assert.Equal(free.Text[..free.Text.IndexOf(stop, StringComparison.Ordinal)], cut.Text);
        Assert.True(cut.TokenCount < free.TokenCount);
    }

    [Fact]
    public void More_samples_than_llama_cpp_sequences_run_in_waves_that_reuse_the_prompt()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 300, Parallel = 256, MaxTokens = 3, Temperature = 1 };
        var prompt = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw }).Prepare(Question);
        using var sampler = new BatchedSampler(model, options);
        var waves = sampler.Sample(prompt, Enumerable.Range(0, 300).ToList()).ToList();
        Assert.Equal([256, 44], waves.Select(w => w.Samples.Count));
        Assert.Equal(Enumerable.Range(0, 300), waves.SelectMany(w => w.Samples).Select(s => s.Index));
        Assert.Equal(prompt.Tokens.Length, sampler.PromptTokensPrefilled);
        Assert.Equal(waves.Sum(w => w.GeneratedTokens), sampler.TokensGenerated);
    }

    [Fact]
    public void Only_the_requested_indices_are_drawn_and_they_match_a_full_run()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 4, Parallel = 2, MaxTokens = 12, Temperature = 0.9f };
        var full = Draw(model, options);
        var partial = Draw(model, options, indices: [2, 3]);
        Assert.Equal([2, 3], partial.Select(s => s.Index));
        Assert.Equal(full.Where(s => s.Index >= 2).Select(s => s.Text), partial.Select(s => s.Text));
    }

    [Fact]
    public void Unified_kv_layout_draws_the_same_count_and_respects_limits()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var samples = Draw(model, new SamplerOptions { N = 5, Parallel = 5, MaxTokens = 8, KvUnified = true });
        Assert.Equal(5, samples.Count);
        Assert.All(samples, s => Assert.InRange(s.TokenCount, 1, 8));
    }

    /// <summary>The question padded with a repeated note until its raw prompt has between <paramref name="minTokens"/> and twice as many tokens.</summary>
    private static PreparedPrompt PromptOfAbout(LlamaModel model, string id, int minTokens)
    {
        var renderer = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw });
        var question = Question.Question;
        PreparedPrompt prompt;
        while ((prompt = renderer.Prepare(new Problem(id, question, "7", null, new Dictionary<string, string>()))).Tokens.Length < minTokens)
            question += " Note: apples are red.";
        return prompt;
    }

    private static List<string> Texts(BatchedSampler sampler, PreparedPrompt prompt, int n) =>
        sampler.Sample(prompt, Enumerable.Range(0, n).ToList()).SelectMany(w => w.Samples).Select(s => s.Text).ToList();

    [Fact]
    public void A_long_prompt_sizes_the_cache_for_its_own_problem_only()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 2, Parallel = 2, MaxTokens = 8, Temperature = 1, Threads = 2 };
        var shortPrompt = PromptOfAbout(model, "short", 1);
        var longPrompt = PromptOfAbout(model, "long", 1500);
        using var sampler = new BatchedSampler(model, options);

        Texts(sampler, shortPrompt, 2);
        var forShort = sampler.ContextSize;
        Texts(sampler, longPrompt, 2);
        var forLong = sampler.ContextSize;
        Texts(sampler, shortPrompt, 2);

        Assert.Equal(2 * 256, forShort); // 2 sequences × (prompt + 8 new tokens, rounded up to 256 cells)
        Assert.True(forLong >= 2 * (longPrompt.Tokens.Length + 8), $"the long prompt's cache has {forLong} cells");
        Assert.Equal(forShort, sampler.ContextSize); // the next short problem does not keep the long one's cache
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_cache_a_problem_is_sampled_in_does_not_change_its_samples(bool kvUnified)
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new SamplerOptions { N = 6, Parallel = 3, MaxTokens = 16, Temperature = 1, Threads = 2, KvUnified = kvUnified };
        var shortPrompt = PromptOfAbout(model, "short", 1);
        var longerPrompt = PromptOfAbout(model, "longer", 300); // needs a larger cache that still fits the short prompt without waste

        using var fresh = new BatchedSampler(model, options);
        var alone = Texts(fresh, shortPrompt, 6);
        var ownCache = fresh.ContextSize;
        using var reused = new BatchedSampler(model, options);
        Texts(reused, longerPrompt, 6);
        var afterLonger = Texts(reused, shortPrompt, 6);

        Assert.True(reused.ContextSize > ownCache, $"the short problem should have run in the longer one's cache ({reused.ContextSize} cells), larger than its own ({ownCache})");
        Assert.Equal(alone, afterLonger); // two waves each, bit for bit
    }

    [Fact]
    public void Invalid_options_list_every_error()
    {
        var errors = new SamplerOptions { N = 0, Parallel = 300, TopP = 0, Temperature = -1 }.Validate();
        Assert.Equal(4, errors.Count);
        Assert.Contains(errors, e => e.Contains("--parallel"));
    }

    [Fact]
    public void Defaults_are_pinned()
    {
        var o = new SamplerOptions();
        Assert.Equal((16, 0.7f, 0, 1f, 0f, 512, 64, 1UL, false, Batching.Waves), (o.N, o.Temperature, o.TopK, o.TopP, o.MinP, o.MaxTokens, o.Parallel, o.Seed, o.KvUnified, o.Batching));
    }
}
