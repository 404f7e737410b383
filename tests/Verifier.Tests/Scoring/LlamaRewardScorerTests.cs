using BestOfN.Llama;
using BestOfN.Llama.Gguf;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class LlamaRewardScorerTests
{
    private const string Prompt = "Sam has 3 apples and buys 4 more. How many apples does he have?";

    private static ScoringProblem Problem(string id, string prompt, IReadOnlyList<string> answers) =>
        new(id, prompt, answers.Select((a, i) => new ScoringAnswer(i, a)).ToList());

    private static ScorerOptions Small(IRewardProtocol protocol) => new()
    {
        Protocol = protocol,
        Batch = 3,
        BatchTokens = 24,
        MicroBatchTokens = 16,
        ContextSize = 2048,
        MaxSequenceTokens = 1024,
        Threads = 2,
        FlashAttention = Flash,
    };

    private static ChatVerdictEncoder Encoder(LlamaModel model, ScorerOptions options) =>
        (ChatVerdictEncoder)((LlamaRewardProtocol)options.Protocol).CreateEncoder(model, options);

    private static IVerdictEncoder AnyEncoder(LlamaModel model, ScorerOptions options) => ((LlamaRewardProtocol)options.Protocol).CreateEncoder(model, options);

    // Exactness needs flash attention off on the CPU: its F16 accumulation depends on where in the cache a sequence's cells lie,
    // which moves the last digits (about 1e-4 in probability) between a batched and a single-sequence run.
    private const bool Flash = false;

    private static List<SampleScore> ScoreAll(IRewardScorer scorer, ScoringProblem problem) => scorer.Score(problem).SelectMany(b => b).OrderBy(s => s.Index).ToList();

    /// <summary>RLHFlow's prm_evaluate.py: for each step k, the chat up to step k's "+" turn is run on its own and read at position -3;
    /// empty steps are turns too (RlhflowReferenceTests has the full port, Jinja template and Python strip included).</summary>
    private static List<double> NaiveRlhflowStepScores(LlamaModel model, string prompt, string answer, StepSplit split)
    {
        var steps = answer.Split(StepSplitter.Resolve(split, answer) == StepSplit.Ki ? "ки\n" : "\n\n").Select(s => s.Trim()).ToList();
        return NaiveChatScores(model, steps.Select((s, k) => k == 0 ? prompt + " " + s : s).ToList());
    }

    /// <summary>One separate decode per user turn of the chat truncated after that turn's "+" reply, read at position -3.</summary>
    private static List<double> NaiveChatScores(LlamaModel model, IReadOnlyList<string> userTurns)
    {
        var plus = model.Tokenize("+", addSpecial: false, parseSpecial: false).Single();
        var minus = model.Tokenize("-", addSpecial: false, parseSpecial: false).Single();
        var scores = new List<double>();
        var conversation = new List<ChatMessage>();
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 2048, BatchSize = 2048, MaxSequences = 1, Threads = 2, FlashAttention = Flash });
        var logits = new float[model.VocabSize];
        foreach (var turn in userTurns)
        {
            conversation.Add(new ChatMessage("user", turn));
            conversation.Add(new ChatMessage("assistant", "+"));
            var text = ChatVerdictEncoder.Llama31SystemTurn + model.ApplyChatTemplate(conversation, addAssistant: false);
            var tokens = model.Tokenize(text, addSpecial: true, parseSpecial: true);
            Assert.Equal(plus, tokens[^2]); // ... assistant header, "+", <|eot_id|>
            context.ClearMemory();
            var batch = new LlamaBatch(tokens.Length);
            for (var i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, 0, logits: i == tokens.Length - 3);
            Assert.Equal(DecodeStatus.Ok, context.Decode(batch));
            context.CopyLogits(tokens.Length - 3, logits);
            scores.Add(1 / (1 + Math.Exp(logits[minus.Id] - logits[plus.Id])));
        }
        return scores;
    }

    [Fact]
    public void Rlhflow_prm_single_pass_step_scores_equal_the_naive_per_step_reference()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        using var scorer = new LlamaRewardScorer(model, Small(RewardProtocols.RlhflowPrm));
        var answers = ScoringTestModels.Answers;
        var scores = ScoreAll(scorer, Problem("p1", Prompt, answers));

        Assert.Equal(answers.Count, scores.Count);
        var compared = 0;
        for (var i = 0; i < answers.Count; i++)
        {
            var expected = NaiveRlhflowStepScores(model, Prompt, answers[i], StepSplit.Auto);
            Assert.Equal(expected.Count, scores[i].StepScores.Count);
            Assert.Equal(ScoreStatus.Ok, scores[i].Status); // every answer has a step, empty or not
            for (var k = 0; k < expected.Count; k++)
            {
                Assert.InRange(scores[i].StepScores[k], expected[k] - 1e-4, expected[k] + 1e-4);
                compared++;
            }
        }
        Assert.True(compared >= 10, $"only {compared} step scores compared");
        // Random weights still give distinct, non-degenerate probabilities.
        Assert.True(scores.SelectMany(s => s.StepScores).Distinct().Count() >= 5);
    }

    [Fact]
    public void Rlhflow_prm_reads_at_the_position_before_each_turns_plus()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var encoder = Encoder(model, Small(RewardProtocols.RlhflowPrm));
        var encoded = encoder.Encode(Prompt, ScoringTestModels.Answers[2]);
        Assert.Equal(4, encoded.ReadPositions.Length);
        Assert.All(encoded.ReadPositions[..^1], r => Assert.Equal(encoder.Good, encoded.Tokens[r + 1]));
        Assert.Equal(encoded.ReadPositions[^1] + 1, encoded.Tokens.Length); // cut after the last read: later tokens cannot change it
        Assert.True(encoder.Preamble.Length > 0); // the Llama 3.1 system turn
    }

    [Theory]
    [InlineData(null)]
    [InlineData("chatml")]
    public void Verdict_offsets_found_by_sentinels_equal_those_of_rendering_each_turns_header(string? template)
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var encoder = Encoder(model, Small(RewardProtocols.RlhflowPrm) with { ChatTemplate = template, Llama31SystemTurn = template is null ? null : false });
        foreach (var answer in ScoringTestModels.Answers.Where(a => a.Trim().Length > 0))
        {
            var messages = encoder.Conversation(Prompt, StepSplitter.Split(answer, StepSplit.Auto));
            var full = encoder.Render(messages, addAssistant: false);
            var fast = encoder.SentinelOffsets(messages, full);
            Assert.NotNull(fast); // the linear path applies to both templates
            Assert.Equal(encoder.VerdictOffsets(messages, full, useSentinels: false), fast);
            Assert.All(fast, o => Assert.Equal('+', full[o]));
        }
    }

    [Fact]
    public void Rlhflow_orm_score_equals_a_separate_pass_over_the_single_turn_chat()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        using var scorer = new LlamaRewardScorer(model, Small(RewardProtocols.RlhflowOrm));
        var answers = ScoringTestModels.Answers;
        var scores = ScoreAll(scorer, Problem("p1", Prompt, answers));
        for (var i = 0; i < answers.Count; i++)
        {
            // The ORM removes " ки" from Mistral-style answers and puts the whole answer in one user turn.
            var expected = NaiveChatScores(model, [Prompt + " " + answers[i].Replace(" ки", "")]).Single();
            Assert.Empty(scores[i].StepScores);
            Assert.Equal(ScoreStatus.Ok, scores[i].Status);
            Assert.InRange(scores[i].OrmScore!.Value, expected - 1e-4, expected + 1e-4);
        }
    }

    [Fact]
    public void A_batch_larger_than_the_context_is_cut_to_the_n_batch_llama_cpp_kept()
    {
        // llama.cpp lowers n_batch to n_ctx and aborts the process on a larger decode (GGML_ASSERT). `bench scoring` on a model with
        // the Llama-3 tokenizer asked for a 384-cell context at batch 1 with the default 2048 batch tokens, and died there.
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = new ScoringBenchOptions { Answers = 6, Batches = [1, 3], Threads = 2, FlashAttention = Flash };

        var rows = ScoringBenchmark.Run(model, options).ToList();

        Assert.Equal([1, 3], rows.Select(r => r.Batch));
        Assert.All(rows, r => Assert.Equal(6, r.Answers));
        Assert.Equal(rows[0].TokensScored, rows[1].TokensScored);
        Assert.InRange(ScoringBenchmark.AnswerOwnTokens(model, ScoringBenchmark.SyntheticProblems(model, options), options), options.AnswerTokens / 2, options.AnswerTokens + 64);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public void The_scoring_benchmark_reads_every_step_tag_it_wrote_and_nothing_else(bool llama3Tokenizer)
    {
        // In byte-level BPE (Llama-3) "a" alone and " a" inside a text are different tokens; the benchmark once took the bare word's
        // id as its tag, found no tag in the answers and reported "~-44 own tokens" (then the peer died with bad_alloc).
        var path = llama3Tokenizer ? ScoringTestModels.Llama3Prm : Path.Combine(Directory.CreateTempSubdirectory("bestofn-bench").FullName, "m.gguf");
        if (!llama3Tokenizer) TinyLlamaModel.Write(path, new TinyLlamaSpec { AddSpacePrefix = false });
        using var model = LlamaModel.Load(path);
        var options = new ScoringBenchOptions { Answers = 3, AnswerTokens = 64, StepEvery = 8 };
        var problem = ScoringBenchmark.SyntheticProblems(model, options).Single();
        var scorerOptions = ScoringBenchmark.BenchScorerOptions(model, options, 1);
        var encoder = ((LlamaRewardProtocol)scorerOptions.Protocol).CreateEncoder(model, scorerOptions);

        foreach (var answer in problem.Answers)
        {
            var encoded = encoder.Encode(problem.Prompt, answer.Text);
            var tags = answer.Text.Split(' ').Count(w => w == scorerOptions.StepTag);
            Assert.True(tags > 1, answer.Text);
            Assert.Equal(tags, encoded.ReadPositions.Length);
            Assert.All(encoded.ReadPositions, p => Assert.Equal(scorerOptions.StepTag, model.Detokenize([encoded.Tokens[p]], special: true).Trim()));
        }
        Assert.InRange(ScoringBenchmark.AnswerOwnTokens(model, [problem], options), options.AnswerTokens, options.AnswerTokens + 64);
    }

    [Fact]
    public void Split_and_auto_kv_give_the_scores_of_the_unified_cache_over_several_problems()
    {
        // kv_unified=false copies the prefix into each answer's stream (seq_cp across streams) instead of sharing its cells.
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var answers = ScoringTestModels.Answers.Where(a => a.Trim().Length > 0).ToList();
        string[] prompts = [Prompt, "What is 12 divided by 4? Give the answer as a number."];
        (List<SampleScore> Scores, string Used) All(KvLayout kv)
        {
            using var scorer = new LlamaRewardScorer(model, Small(RewardProtocols.RlhflowPrm) with { Kv = kv });
            return (prompts.SelectMany((p, i) => ScoreAll(scorer, Problem($"p{i}", p, answers))).ToList(), scorer.KvLayoutUsed);
        }

        var (unified, unifiedUsed) = All(KvLayout.Unified);
        Assert.Equal("unified", unifiedUsed);
        Assert.True(unified.Sum(s => s.StepScores.Count) > 10);
        foreach (var kv in new[] { KvLayout.Split, KvLayout.Auto })
        {
            var (other, used) = All(kv);
            Assert.Equal("split", used); // auto: 3 streams of 2048 / 3 cells, rounded down to 512, hold every sequence here
            Assert.Equal(unified.Count, other.Count);
            for (var i = 0; i < unified.Count; i++)
            {
                Assert.Equal((unified[i].ProblemId, unified[i].Index), (other[i].ProblemId, other[i].Index));
                Assert.Equal(unified[i].StepScores.Count, other[i].StepScores.Count);
                for (var k = 0; k < unified[i].StepScores.Count; k++) Assert.InRange(other[i].StepScores[k], unified[i].StepScores[k] - 1e-3, unified[i].StepScores[k] + 1e-3);
            }
        }
    }

    [Fact]
    public void Problem_prefix_is_prefilled_once_per_problem_not_once_per_answer()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = Small(RewardProtocols.RlhflowPrm);
        using var scorer = new LlamaRewardScorer(model, options);
        var encoder = Encoder(model, options);
        var answers = ScoringTestModels.Answers.Where(a => a.Trim().Length > 0).ToList();
        string[] prompts = [Prompt, "What is 12 divided by 4? Give the answer as a number."];

        long expectedPrefix = 0, expectedOwn = 0, naive = 0;
        foreach (var prompt in prompts)
        {
            var encoded = answers.Select(a => encoder.Encode(prompt, a)).ToList();
            var shared = 0;
            while (encoded.All(e => shared < e.ReadPositions[0] && e.Tokens[shared] == encoded[0].Tokens[shared])) shared++;
            Assert.True(shared > 20, $"shared prefix of {shared} tokens");
            expectedPrefix += shared;
            expectedOwn += encoded.Sum(e => e.Tokens.Length - shared);
            naive += encoded.Sum(e => e.Tokens.Length);
        }
        var decodesBefore = scorer.DecodeCalls;
        foreach (var (prompt, i) in prompts.Select((p, i) => (p, i))) Assert.Equal(answers.Count, ScoreAll(scorer, Problem($"p{i}", prompt, answers)).Count);

        Assert.Equal(expectedPrefix, scorer.PrefixTokensPrefilled);
        Assert.Equal(expectedOwn, scorer.AnswerTokensDecoded);
        Assert.Equal(expectedPrefix + expectedOwn, scorer.TokensScored);
        Assert.True(scorer.TokensScored < naive - (answers.Count - 1) * expectedPrefix / 2);
        Assert.True(scorer.DecodeCalls > decodesBefore);
    }

    [Fact]
    public void Math_shepherd_reads_every_step_tag_like_a_single_full_pass()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Shepherd);
        using var scorer = new LlamaRewardScorer(model, Small(RewardProtocols.MathShepherd));
        var answers = ScoringTestModels.Answers;
        var scores = ScoreAll(scorer, Problem("p1", Prompt, answers));

        var candidates = model.Tokenize("+ -", addSpecial: false, parseSpecial: false);
        var tag = model.Tokenize("ки", addSpecial: false, parseSpecial: false).Single();
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 1024, BatchSize = 1024, Threads = 2, FlashAttention = Flash });
        var logits = new float[model.VocabSize];
        for (var i = 0; i < answers.Count; i++)
        {
            // Untagged (blank-line) answers are tagged as search-and-learn does before Math-Shepherd reads them.
            var tokens = model.Tokenize(Prompt + " " + StepSplitter.WithStepTags(answers[i], StepSplit.Auto), addSpecial: true, parseSpecial: false);
            var tags = Enumerable.Range(0, tokens.Length).Where(p => tokens[p] == tag).ToList();
            Assert.Equal(tags.Count, scores[i].StepScores.Count);
            Assert.Equal(tags, scores[i].StepPositions);
            Assert.Equal(tags.Count == 0 ? ScoreStatus.NoCompleteStep : ScoreStatus.Ok, scores[i].Status);
            context.ClearMemory();
            var batch = new LlamaBatch(tokens.Length);
            foreach (var (t, p) in tokens.Select((t, p) => (t, p))) batch.Add(t, p, 0, logits: tags.Contains(p));
            Assert.Equal(DecodeStatus.Ok, context.Decode(batch));
            for (var k = 0; k < tags.Count; k++)
            {
                context.CopyLogits(tags[k], logits);
                var expected = 1 / (1 + Math.Exp(logits[candidates[1].Id] - logits[candidates[0].Id]));
                Assert.InRange(scores[i].StepScores[k], expected - 1e-4, expected + 1e-4);
            }
        }
        Assert.Equal([2, 3, 4, 1, 0, 2], scores.Select(s => s.StepScores.Count));
    }

    [Fact]
    public void Steps_past_the_sequence_limit_are_cut_and_the_answer_is_marked_truncated()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = Small(RewardProtocols.RlhflowPrm);
        var full = Encoder(model, options).Encode(Prompt, ScoringTestModels.Answers[2]);
        var limit = full.ReadPositions[1] + 1; // room for two of the four reads
        using var scorer = new LlamaRewardScorer(model, options with { MaxSequenceTokens = limit });
        var scores = ScoreAll(scorer, Problem("p", Prompt, [ScoringTestModels.Answers[2], "x"]));
        Assert.Equal(ScoreStatus.Truncated, scores[0].Status);
        Assert.Equal(2, scores[0].StepScores.Count);
        Assert.Equal(4, scores[0].StepCount);
        var reference = NaiveRlhflowStepScores(model, Prompt, ScoringTestModels.Answers[2], StepSplit.Auto);
        for (var k = 0; k < 2; k++) Assert.InRange(scores[0].StepScores[k], reference[k] - 1e-4, reference[k] + 1e-4);
        Assert.Equal(ScoreStatus.Ok, scores[1].Status);
    }

    [Fact]
    public void A_verdict_that_is_not_one_token_fails_with_a_clear_error()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Plain);
        // SentencePiece's space prefix makes "+" two pieces here ("▁", "+").
        var e = Assert.Throws<ScoringProtocolException>(() => Encoder(model, new ScorerOptions { Protocol = RewardProtocols.RlhflowPrm }));
        Assert.Contains("good verdict '+' is 2 tokens", e.Message);
        Assert.Contains("single token", e.Message);
        var e2 = Assert.Throws<ScoringProtocolException>(() => AnyEncoder(model, new ScorerOptions { Protocol = RewardProtocols.MathShepherd }));
        Assert.Contains("'+ -' is 4 tokens", e2.Message);
        using var shepherd = LlamaModel.Load(ScoringTestModels.Shepherd);
        var e3 = Assert.Throws<ScoringProtocolException>(() => AnyEncoder(shepherd, new ScorerOptions { Protocol = RewardProtocols.MathShepherd, StepTag = "кик" }));
        Assert.Contains("step tag 'кик'", e3.Message);
    }
}
