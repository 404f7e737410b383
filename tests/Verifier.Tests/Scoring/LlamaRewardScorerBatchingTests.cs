using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

/// <summary>Batches filled across problems, and the KV layout chosen per batch.</summary>
public class LlamaRewardScorerBatchingTests
{
    private static readonly IReadOnlyList<string> Answers = ScoringTestModels.Answers.Where(a => a.Trim().Length > 0).ToList();

    private static readonly string[] Prompts =
    [
        "Sam has 3 apples and buys 4 more. How many apples does he have?",
        "What is 12 divided by 4? Give the answer as a number.",
        "A box holds 5 pens. How many pens are in 3 boxes?",
        "Tom is 9 years old. How old was he 2 years ago?",
    ];

    // Flash attention off: on the CPU its F16 accumulation moves the last digits with where a sequence's cells lie.
    private static ScorerOptions Options(KvLayout kv, int batch) => new()
    {
        Protocol = RewardProtocols.RlhflowPrm,
        Batch = batch,
        BatchTokens = 40,
        MicroBatchTokens = 16,
        ContextSize = 2048,
        MaxSequenceTokens = 512,
        Threads = 2,
        FlashAttention = false,
        Kv = kv,
        SplitKvBytes = 0, // the cells alone decide; the byte floor has its own test
    };

    /// <summary>Problem p has <c>counts[p]</c> answers, taken round the answer list from a different start per problem.</summary>
    private static List<ScoringProblem> Problems(params int[] counts) =>
        counts.Select((n, p) => new ScoringProblem($"p{p}", Prompts[p % Prompts.Length],
            Enumerable.Range(0, n).Select(i => new ScoringAnswer(i, Answers[(p + i) % Answers.Count])).ToList())).ToList();

    private static Dictionary<(string, int), SampleScore> ByAnswer(IEnumerable<IReadOnlyList<SampleScore>> batches) =>
        batches.SelectMany(b => b).ToDictionary(s => (s.ProblemId, s.Index));

    private static void AssertSameScores(Dictionary<(string, int), SampleScore> expected, Dictionary<(string, int), SampleScore> actual, double tolerance)
    {
        Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
        foreach (var (key, e) in expected)
        {
            Assert.Equal(e.StepScores.Count, actual[key].StepScores.Count);
            Assert.Equal(e.TokenCount, actual[key].TokenCount);
            for (var k = 0; k < e.StepScores.Count; k++) Assert.InRange(actual[key].StepScores[k] - e.StepScores[k], -tolerance, tolerance);
        }
    }

    [Theory]
    [InlineData(KvLayout.Unified)]
    [InlineData(KvLayout.Split)]
    public void Batches_filled_across_problems_give_the_scores_of_one_problem_batches_and_are_always_full(KvLayout kv)
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var problems = Problems(2, 5, 1, 4); // batches of 4: p0+p1, p1 (continued)+p2, p3
        Dictionary<(string, int), SampleScore> perProblem;
        long prefixPerProblem;
        using (var scorer = new LlamaRewardScorer(model, Options(kv, 4)))
        {
            perProblem = ByAnswer(problems.SelectMany(p => scorer.Score(p)));
            prefixPerProblem = scorer.PrefixTokensPrefilled;
            Assert.Equal(0, scorer.MixedBatches);
        }

        using var across = new LlamaRewardScorer(model, Options(kv, 4));
        var batches = across.ScoreAll(problems).ToList();

        Assert.Equal([4, 4, 4], batches.Select(b => b.Count)); // 12 answers: no short batch for the problems of 2 and 1 answers
        Assert.Equal(2, across.MixedBatches);
        Assert.Equal(["p0", "p1"], batches[0].Select(s => s.ProblemId).Distinct().Order());
        AssertSameScores(perProblem, ByAnswer(batches), 1e-4);
        // p1's prefix stays in its sequences from the first batch to the second: every prefix is prefilled once.
        Assert.Equal(prefixPerProblem, across.PrefixTokensPrefilled);
    }

    [Theory]
    [InlineData(KvLayout.Unified)]
    [InlineData(KvLayout.Split)]
    public void An_answer_in_a_mixed_batch_is_read_after_its_own_problems_text(KvLayout kv)
    {
        // Two problems whose texts tokenize to the same length, each with the same answer: a batch that gave an answer the other
        // problem's prefix would still decode, at the right positions, and only its scores would tell.
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        string[] texts = ["What is 12 divided by 4?", "What is 15 divided by 5?"];
        Assert.Equal(model.Tokenize(texts[0], addSpecial: false, parseSpecial: false).Length, model.Tokenize(texts[1], addSpecial: false, parseSpecial: false).Length);
        var problems = texts.Select((t, p) => new ScoringProblem($"p{p}", t, [new ScoringAnswer(0, Answers[2])])).ToList();

        Dictionary<(string, int), SampleScore> alone;
        using (var scorer = new LlamaRewardScorer(model, Options(kv, 1))) alone = ByAnswer(scorer.ScoreAll(problems));
        using var mixed = new LlamaRewardScorer(model, Options(kv, 2));
        var batches = mixed.ScoreAll(problems).ToList();

        Assert.Single(batches);
        Assert.Equal(1, mixed.MixedBatches);
        var (first, second) = (alone[("p0", 0)].StepScores, alone[("p1", 0)].StepScores);
        Assert.Contains(Enumerable.Range(0, first.Count), k => Math.Abs(first[k] - second[k]) > 1e-3); // the problem text moves the scores
        AssertSameScores(alone, ByAnswer(batches), 1e-4);
    }

    /// <summary>The problems' longest encoded sequence, and that rounded up to llama.cpp's cell padding.</summary>
    private static (int Longest, int Padded) Longest(LlamaModel model, IReadOnlyList<ScoringProblem> problems)
    {
        var encoder = ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(model, Options(KvLayout.Auto, 3));
        var longest = problems.SelectMany(p => p.Answers.Select(a => encoder.Encode(p.Prompt, a.Text).Tokens.Length)).Max();
        return (longest, (longest + LlamaRewardScorer.CellPadding - 1) / LlamaRewardScorer.CellPadding * LlamaRewardScorer.CellPadding);
    }

    [Fact]
    public void Auto_splits_when_batch_times_the_longest_padded_sequence_fits_the_cells_and_unifies_when_it_does_not()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var problems = Problems(3, 3);
        var (longest, padded) = Longest(model, problems);

        Dictionary<(string, int), SampleScore> reference;
        using (var unified = new LlamaRewardScorer(model, Options(KvLayout.Unified, 3))) reference = ByAnswer(unified.ScoreAll(problems));

        using var fits = new LlamaRewardScorer(model, Options(KvLayout.Auto, 3) with { ContextSize = 3 * padded });
        AssertSameScores(reference, ByAnswer(fits.ScoreAll(problems)), 1e-3);
        Assert.Equal((2, 0, "split"), (fits.SplitBatches, fits.UnifiedBatches, fits.KvLayoutUsed));
        Assert.Equal(padded, fits.SplitStreamCells);

        // One cell fewer: a stream would have 256 cells fewer than the longest sequence needs.
        using var tight = new LlamaRewardScorer(model, Options(KvLayout.Auto, 3) with { ContextSize = 3 * padded - 1 });
        Assert.True(tight.SplitStreamLimit < longest);
        AssertSameScores(reference, ByAnswer(tight.ScoreAll(problems)), 1e-3);
        Assert.Equal((0, 2, "unified"), (tight.SplitBatches, tight.UnifiedBatches, tight.KvLayoutUsed));
    }

    [Fact]
    public void Auto_also_splits_when_the_split_streams_fit_the_byte_floor_though_not_the_cells()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var problems = Problems(3, 3);
        var (_, padded) = Longest(model, problems);
        var splitBytes = 3L * padded * model.KvBytesPerCell;
        Assert.True(model.KvBytesPerCell > 0);

        var tooFewCells = Options(KvLayout.Auto, 3) with { ContextSize = 3 * padded - 1 };
        using var fits = new LlamaRewardScorer(model, tooFewCells with { SplitKvBytes = splitBytes });
        _ = fits.ScoreAll(problems).SelectMany(b => b).Count();
        Assert.Equal((2, 0), (fits.SplitBatches, fits.UnifiedBatches));

        using var oneByteShort = new LlamaRewardScorer(model, tooFewCells with { SplitKvBytes = splitBytes - 1 });
        _ = oneByteShort.ScoreAll(problems).SelectMany(b => b).Count();
        Assert.Equal((0, 2), (oneByteShort.SplitBatches, oneByteShort.UnifiedBatches));

        // The default floor (1 GiB) holds this tiny model's streams whatever the cells say.
        using var byDefault = new LlamaRewardScorer(model, tooFewCells with { SplitKvBytes = ScorerDefaults.SplitKvBytes });
        _ = byDefault.ScoreAll(problems).SelectMany(b => b).Count();
        Assert.Equal("split", byDefault.KvLayoutUsed);
    }

    [Fact]
    public void Auto_decides_per_batch_and_a_run_can_use_both_layouts()
    {
        // The second problem's text is longer: its batch does not fit split streams sized for the first problem's sequences.
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var longText = Prompts[0] + " " + Prompts[0];
        var problems = new List<ScoringProblem>
        {
            new("short", Prompts[1], Answers.Take(2).Select((a, i) => new ScoringAnswer(i, a)).ToList()),
            new("long", longText, Answers.Take(2).Select((a, i) => new ScoringAnswer(i, a)).ToList()),
        };
        var encoder = ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(model, Options(KvLayout.Auto, 2) with { MaxSequenceTokens = 2048 });
        int Longest(ScoringProblem p) => p.Answers.Max(a => encoder.Encode(p.Prompt, a.Text).Tokens.Length);
        var shortCells = (Longest(problems[0]) + 255) / 256 * 256;
        Assert.True(Longest(problems[1]) > shortCells, $"the long problem's sequences ({Longest(problems[1])}) fit {shortCells} cells");

        Dictionary<(string, int), SampleScore> reference;
        using (var unified = new LlamaRewardScorer(model, Options(KvLayout.Unified, 2) with { ContextSize = 4096, MaxSequenceTokens = 2048 }))
            reference = ByAnswer(unified.ScoreAll(problems));
        using var auto = new LlamaRewardScorer(model, Options(KvLayout.Auto, 2) with { ContextSize = 2 * shortCells, MaxSequenceTokens = 2 * shortCells });
        var scores = ByAnswer(auto.ScoreAll(problems));

        Assert.Equal("split (1 batch), unified (1 batch)", auto.KvLayoutUsed);
        AssertSameScores(reference, scores, 1e-3);
    }

    [Fact]
    public void Split_streams_grow_to_the_longest_sequence_so_far_and_the_scores_stay()
    {
        // llama.cpp shares a prefix between split streams by copying the whole stream, so streams start as small as the answers allow.
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var problems = new List<ScoringProblem>
        {
            new("short", Prompts[1], Answers.Take(2).Select((a, i) => new ScoringAnswer(i, a)).ToList()),
            new("long", Prompts[0] + " " + Prompts[0], Answers.Take(2).Select((a, i) => new ScoringAnswer(i, a)).ToList()),
        };
        Dictionary<(string, int), SampleScore> reference;
        using (var unified = new LlamaRewardScorer(model, Options(KvLayout.Unified, 2))) reference = ByAnswer(unified.ScoreAll(problems));

        using var split = new LlamaRewardScorer(model, Options(KvLayout.Split, 2));
        Assert.Equal(0, split.SplitStreamCells);
        var scores = ByAnswer(split.ScoreAll(problems.Take(1)));
        Assert.Equal(256, split.SplitStreamCells);
        foreach (var (key, s) in ByAnswer(split.ScoreAll(problems.Skip(1)))) scores[key] = s;
        Assert.Equal(512, split.SplitStreamCells);
        Assert.Equal(1024, split.SplitStreamLimit); // 2048 cells over 2 streams
        AssertSameScores(reference, scores, 1e-3);
    }

    [Fact]
    public void A_sequence_longer_than_a_split_stream_fails_with_a_clear_error()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var longText = string.Concat(Enumerable.Repeat(Prompts[0] + " ", 3)); // about 300 tokens with the answer
        using var scorer = new LlamaRewardScorer(model, Options(KvLayout.Split, 4) with { ContextSize = 1024, MaxSequenceTokens = 1024 });
        var e = Assert.Throws<LlamaException>(() => scorer.ScoreAll([new ScoringProblem("long", longText, [new ScoringAnswer(0, Answers[0])])]).ToList());
        Assert.Contains("do not fit a split KV stream of 256 cells (--ctx-size 1024 / --batch 4)", e.Message);
        Assert.Contains("--kv auto or unified", e.Message);
    }
}
