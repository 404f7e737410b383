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

    /// <summary>Answers per problem: the answers are spread over problems of this many (each with its own problem text); null puts them
    /// all in one problem. The default value is null.</summary>
    public int? AnswersPerProblem { get; init; }

    /// <summary>Fill each batch across problems (the scorer's <see cref="LlamaRewardScorer.ScoreAll"/>), or score problem after problem so
    /// that a batch never holds more than one problem's answers (what the scorer did before). The default value is true.</summary>
    public bool AcrossProblems { get; init; } = true;

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

    /// <summary>The scorer's KV layout. Auto runs with the default --ctx-size (raised to what unified needs), as <c>score</c> does. The
    /// default value is <see cref="KvLayout.Auto"/>.</summary>
    public KvLayout Kv { get; init; } = ScorerDefaults.Kv;

    /// <summary>Problems the answers are spread over.</summary>
    public int Problems => AnswersPerProblem is { } per ? (Answers + per - 1) / per : 1;
}

/// <param name="Kv">The layout asked for.</param>
/// <param name="KvUsed">The layouts the scorer's batches ran with (auto decides per batch).</param>
/// <param name="TokensScored">Tokens through the model: each problem's shared prefix once plus every answer's own tokens.</param>
public sealed record ScoringBenchRow(KvLayout Kv, string KvUsed, bool AcrossProblems, int Batch, int Problems, int Answers, long TokensScored, long PrefixTokens,
    int Reads, double Seconds)
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
        // Unified holds the prefix of every problem a batch reaches into (at most one more than its answers fill) and each answer's own cells.
        var problemsPerBatch = Math.Min(batch, (batch + (options.AnswersPerProblem ?? options.Answers) - 1) / (options.AnswersPerProblem ?? options.Answers) + 1);
        var unified = Math.Max(longest, problemsPerBatch * (options.PromptTokens + 64) + batch * (options.AnswerTokens + 64));
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
            ContextSize = options.Kv switch
            {
                KvLayout.Unified => unified,
                KvLayout.Split => batch * longest,
                _ => Math.Max(ScorerDefaults.ContextSize, unified),
            },
            Kv = options.Kv,
        };
    }

    /// <summary><see cref="ScoringBenchOptions.Answers"/> answers over <see cref="ScoringBenchOptions.Problems"/> problems, each with
    /// its own problem text.</summary>
    public static IReadOnlyList<ScoringProblem> SyntheticProblems(LlamaModel model, ScoringBenchOptions options)
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
        var per = options.AnswersPerProblem ?? options.Answers;
        return Enumerable.Range(0, options.Problems).Select(p =>
        {
            var prompt = Text(options.PromptTokens, tagged: false);
            var answers = Enumerable.Range(0, Math.Min(per, options.Answers - p * per)).Select(i => new ScoringAnswer(i, Text(options.AnswerTokens, tagged: true))).ToList();
            return new ScoringProblem($"bench-{p}", prompt, answers);
        }).ToList();
    }

    public static IEnumerable<ScoringBenchRow> Run(LlamaModel model, ScoringBenchOptions options)
    {
        var problems = SyntheticProblems(model, options);
        using (var warm = new LlamaRewardScorer(model, BenchScorerOptions(model, options, 4)))
            _ = warm.Score(problems[0] with { Answers = problems[0].Answers.Take(4).ToList() }).SelectMany(b => b).Count();
        foreach (var batch in options.Batches)
        {
            using var scorer = new LlamaRewardScorer(model, BenchScorerOptions(model, options, batch));
            var clock = Stopwatch.StartNew();
            var batches = options.AcrossProblems ? scorer.ScoreAll(problems) : problems.SelectMany(p => scorer.Score(p));
            var scores = batches.SelectMany(b => b).ToList();
            var seconds = clock.Elapsed.TotalSeconds;
            yield return new ScoringBenchRow(options.Kv, scorer.KvLayoutUsed, options.AcrossProblems, batch, problems.Count, scores.Count, scorer.TokensScored,
                scorer.PrefixTokensPrefilled, scores.Sum(s => s.StepScores.Count), seconds);
        }
    }

    /// <summary>Average tokens of an answer after its problem's text, for the peer's -npp.</summary>
    public static int AnswerOwnTokens(LlamaModel model, IReadOnlyList<ScoringProblem> problems, ScoringBenchOptions options)
    {
        var benchOptions = BenchScorerOptions(model, options, 1);
        var encoder = ((LlamaRewardProtocol)benchOptions.Protocol).CreateEncoder(model, benchOptions);
        var own = new List<int>();
        foreach (var problem in problems)
        {
            var prompt = model.Tokenize(problem.Prompt, addSpecial: true, parseSpecial: false).Length;
            var encoded = problem.Answers.Select(a => encoder.Encode(problem.Prompt, a.Text)).ToList();
            if (encoded.Any(e => e.ReadPositions.Length == 0))
                throw new ScoringProtocolException($"The benchmark's step tag is never read in {Path.GetFileName(model.Path)}'s tokenization of the answers; no answer would be scored.");
            own.AddRange(encoded.Select(e => e.Tokens.Length - prompt));
        }
        return (int)own.Average();
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
