using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using BestOfN.Llama;
using BestOfN.Llama.Peer;

namespace BestOfN.Verifier.Scoring;

public sealed record ScoringBenchOptions
{
    /// <summary>Answers scored per measurement. The default value is 64.</summary>
    public int Answers { get; init; } = 64;

    /// <summary>Approximate tokens of each answer after the shared prompt. The default value is 256.</summary>
    public int AnswerTokens { get; init; } = 256;

    /// <summary>Approximate tokens of the shared problem text. The default value is 64.</summary>
    public int PromptTokens { get; init; } = 64;

    /// <summary>A step tag every this many answer tokens. The default value is 32.</summary>
    public int StepEvery { get; init; } = 32;

    public IReadOnlyList<int> Batches { get; init; } = [1, 16, 64];

    public int Threads { get; init; }

    public bool? FlashAttention { get; init; }

    public int BatchTokens { get; init; } = ScorerDefaults.BatchTokens;

    public int MicroBatchTokens { get; init; } = ScorerDefaults.MicroBatchTokens;

    /// <summary>One KV cache for the batch (true) or a stream per answer (false). The default value is true.</summary>
    public bool KvUnified { get; init; } = true;
}

/// <param name="TokensScored">Tokens through the model: the shared prefix once plus every answer's own tokens.</param>
public sealed record ScoringBenchRow(bool KvUnified, int Batch, int Answers, long TokensScored, long PrefixTokens, int Reads, double Seconds)
{
    public double TokensPerSecond => TokensScored / Seconds;

    public double AnswersPerSecond => Answers / Seconds;
}

/// <summary>
/// Times the llama.cpp scorer on synthetic answers: a shared problem text, then answers of random words with a step tag every
/// <see cref="ScoringBenchOptions.StepEvery"/> tokens, scored Math-Shepherd style (logits only at the tags) with verdict and tag
/// words every vocabulary has as single tokens. What it measures is the forward-pass throughput that every protocol shares.
/// </summary>
public static class ScoringBenchmark
{
    public static ScorerOptions BenchScorerOptions(LlamaModel model, ScoringBenchOptions options, int batch)
    {
        var (good, bad, tag) = PickWords(model);
        var longest = options.PromptTokens + options.AnswerTokens + 64;
        return new ScorerOptions
        {
            Protocol = RewardProtocols.MathShepherd,
            GoodToken = good,
            BadToken = bad,
            StepTag = tag,
            // The tag as it tokenizes after a space inside the text: in byte-level BPE vocabularies (Llama-3) " a" is another
            // token than "a", and reading the bare word's id would find no tag in the answers.
            StepTagId = TagAfterSpace(model, tag).Id,
            Batch = batch,
            Threads = options.Threads,
            BatchTokens = options.BatchTokens,
            MicroBatchTokens = options.MicroBatchTokens,
            FlashAttention = options.FlashAttention,
            MaxSequenceTokens = longest,
            ContextSize = options.KvUnified ? Math.Max(longest, options.PromptTokens + batch * (options.AnswerTokens + 64)) : batch * longest,
            KvUnified = options.KvUnified,
        };
    }

    public static ScoringProblem SyntheticProblem(LlamaModel model, ScoringBenchOptions options)
    {
        var (_, _, tag) = PickWords(model);
        var rng = new Random(1);
        var words = Words(model, tag);
        string Text(int tokens, bool tagged)
        {
            var sb = new StringBuilder();
            var n = 0;
            while (model.Tokenize(sb.ToString(), addSpecial: false, parseSpecial: false).Length < tokens)
            {
                for (var i = 0; i < 8; i++)
                {
                    sb.Append(' ').Append(words[rng.Next(words.Count)]);
                    if (tagged && ++n % options.StepEvery == 0) sb.Append(' ').Append(tag);
                }
            }
            if (tagged) sb.Append(' ').Append(tag);
            return sb.ToString().Trim();
        }
        var prompt = Text(options.PromptTokens, tagged: false);
        return new ScoringProblem("bench", prompt, Enumerable.Range(0, options.Answers).Select(i => new ScoringAnswer(i, Text(options.AnswerTokens, tagged: true))).ToList());
    }

    public static IEnumerable<ScoringBenchRow> Run(LlamaModel model, ScoringBenchOptions options)
    {
        var problem = SyntheticProblem(model, options);
        using (var warm = new LlamaRewardScorer(model, BenchScorerOptions(model, options, 4)))
            _ = warm.Score(problem with { Answers = problem.Answers.Take(4).ToList() }).SelectMany(b => b).Count();
        foreach (var batch in options.Batches)
        {
            using var scorer = new LlamaRewardScorer(model, BenchScorerOptions(model, options, batch));
            var clock = Stopwatch.StartNew();
            var scores = scorer.Score(problem).SelectMany(b => b).ToList();
            var seconds = clock.Elapsed.TotalSeconds;
            yield return new ScoringBenchRow(options.KvUnified, batch, scores.Count, scorer.TokensScored, scorer.PrefixTokensPrefilled, scores.Sum(s => s.StepScores.Count), seconds);
        }
    }

    /// <summary>Average tokens of an answer after the shared prefix, for the peer's -npp.</summary>
    public static int AnswerOwnTokens(LlamaModel model, ScoringProblem problem, ScoringBenchOptions options)
    {
        var benchOptions = BenchScorerOptions(model, options, 1);
        var encoder = ((LlamaRewardProtocol)benchOptions.Protocol).CreateEncoder(model, benchOptions);
        var prompt = model.Tokenize(problem.Prompt, addSpecial: true, parseSpecial: false).Length;
        var encoded = problem.Answers.Select(a => encoder.Encode(problem.Prompt, a.Text)).ToList();
        if (encoded.Any(e => e.ReadPositions.Length == 0))
            throw new ScoringProtocolException($"The benchmark's step tag is never read in {Path.GetFileName(model.Path)}'s tokenization of the answers; no answer would be scored.");
        return (int)encoded.Average(e => e.Tokens.Length - prompt);
    }

    private static LlamaToken TagAfterSpace(LlamaModel model, string tag)
    {
        var before = model.Tokenize("x", addSpecial: false, parseSpecial: false);
        var with = model.Tokenize("x " + tag, addSpecial: false, parseSpecial: false);
        return with.Length == before.Length + 1 ? with[^1] : new LlamaToken(-1);
    }

    /// <summary>Verdict and tag words that are one token each in this vocabulary, the tag also after a space.</summary>
    private static (string Good, string Bad, string Tag) PickWords(LlamaModel model)
    {
        string[] candidates = ["a", "b", "so", "the", "is", "x", "y", "of", "and"];
        bool Pair(string g, string b) => model.Tokenize($"{g} {b}", addSpecial: false, parseSpecial: false).Length == 2;
        bool One(string w) => model.Tokenize(w, addSpecial: false, parseSpecial: false).Length == 1;
        foreach (var tag in candidates.Where(c => One(c) && TagAfterSpace(model, c).Id >= 0))
        {
            foreach (var good in candidates.Where(c => c != tag))
            {
                foreach (var bad in candidates.Where(c => c != tag && c != good))
                    if (Pair(good, bad)) return (good, bad, tag);
            }
        }

        throw new ScoringProtocolException($"No single-token verdict/tag words found in {Path.GetFileName(model.Path)}'s vocabulary for the benchmark.");
    }

    private static List<string> Words(LlamaModel model, string tag)
    {
        var words = new List<string>();
        // Only words that never tokenize into the tag (a small vocabulary spells "ab" as " a" + "b"): the benchmark reads at its tags only.
        var tagAfterSpace = TagAfterSpace(model, tag);
        var start = Math.Min(model.VocabSize - 1, 300);
        for (var id = start; id < model.VocabSize && words.Count < 2000; id++)
        {
            var piece = model.Detokenize([new LlamaToken(id)]).Trim();
            if (piece.Length >= 2 && piece.All(char.IsAsciiLetterOrDigit) && piece != tag && !model.Tokenize("x " + piece, addSpecial: false, parseSpecial: false).Contains(tagAfterSpace))
                words.Add(piece);
        }
        return words.Count > 0 ? words : ["alpha", "beta", "gamma", "delta"];
    }
}

/// <summary>The peer of the scorer: llama-batched-bench's prompt processing over <c>pl</c> separate prompts of <c>npp</c> tokens each.</summary>
public static class PeerPromptBench
{
    public static IReadOnlyList<PeerBenchRow> Run(string executable, string modelPath, int promptTokens, IReadOnlyList<int> parallel, ScoringBenchOptions options) =>
        LlamaBatchedBench.Run(executable, new PeerBenchSettings(modelPath, (parallel.Max() * (promptTokens + 1) + 255) / 256 * 256, promptTokens,
            GeneratedTokens: 1, parallel, options.Threads, KvUnified: true, SharedPrompt: false, options.BatchTokens, options.MicroBatchTokens, options.FlashAttention));
}
