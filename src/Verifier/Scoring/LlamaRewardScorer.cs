using System.Diagnostics;
using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Scores answers with a generative reward model through llama.cpp, in one forward pass per answer instead of RLHFlow's one pass
/// per step. Per problem:
/// <list type="number">
/// <item>encode every answer (the protocol's <see cref="IVerdictEncoder"/>) and find the token prefix all of them share (the chat header and
/// the problem text), never past any answer's first read position;</item>
/// <item>prefill that prefix once on sequence 0, and share its KV cells with the other sequences by llama_memory_seq_cp (unified KV);</item>
/// <item>decode up to <see cref="ScorerOptions.Batch"/> answers together: their remaining tokens are packed into llama_decode batches of
/// <see cref="ScorerOptions.BatchTokens"/> tokens, each with its own sequence id, asking for logits only at the read positions;</item>
/// <item>read P(good) = softmax([logit(good), logit(bad)])[0] at those rows, then drop the answers' cells and keep the prefix.</item>
/// </list>
/// Causal attention makes the logits at a read position depend on the tokens up to it only, so each score equals the one of a separate
/// pass over the conversation truncated after that step.
/// </summary>
public sealed class LlamaRewardScorer : IRewardScorer
{
    private readonly LlamaModel _model;
    private readonly ScorerOptions _options;
    private readonly LlamaContext _context;
    private readonly LlamaBatch _batch;
    private readonly LogitsReader<(float Good, float Bad)> _readVerdict;
    private readonly int _good;
    private readonly int _bad;
    private readonly bool _ownsModel;
    private readonly bool _scoresSteps;

    /// <param name="ownsModel">Dispose the model with the scorer.</param>
    public LlamaRewardScorer(LlamaModel model, ScorerOptions options, bool ownsModel = false)
    {
        options.ThrowIfInvalid();
        var protocol = options.Protocol as LlamaRewardProtocol
            ?? throw new ArgumentException($"{options.Protocol.Name} is not a llama.cpp protocol.", nameof(options));
        _model = model;
        _options = options;
        _ownsModel = ownsModel;
        _scoresSteps = protocol.ScoresSteps(options);
        Encoder = protocol.CreateEncoder(model, options);
        _good = Encoder.Good.Id;
        _bad = Encoder.Bad.Id;
        _readVerdict = logits => (logits[_good], logits[_bad]);
        _context = LlamaContext.Create(model, new LlamaContextOptions
        {
            ContextSize = options.ContextSize,
            BatchSize = options.BatchTokens,
            MicroBatchSize = options.MicroBatchTokens,
            MaxSequences = options.Batch,
            Threads = options.Threads,
            KvUnified = options.KvUnified,
            FlashAttention = options.FlashAttention,
        });
        if (_context.ContextSize < options.ContextSize)
            throw new LlamaException($"llama.cpp gave a KV cache of {_context.ContextSize} cells, fewer than the {options.ContextSize} asked for.");
        // llama.cpp lowers n_batch to the context size for causal models, and aborts on a larger batch: fill to what it kept.
        _batch = new LlamaBatch(Math.Min(options.BatchTokens, _context.BatchSize));
    }

    public IVerdictEncoder Encoder { get; }

    public IReadOnlyDictionary<string, object?> Manifest => Encoder.Manifest();

    public string? InputText(string prompt, string answer) => Encoder.InputText(prompt, answer);

    public long TokensScored { get; private set; }

    public long PrefixTokensPrefilled { get; private set; }

    /// <summary>Answer tokens decoded after the shared prefix, over all problems.</summary>
    public long AnswerTokensDecoded { get; private set; }

    /// <summary>llama_decode calls so far (prefix prefills included).</summary>
    public long DecodeCalls { get; private set; }

    /// <summary>The shared prefix length of the last problem.</summary>
    public int LastPrefixLength { get; private set; }

    public IEnumerable<IReadOnlyList<SampleScore>> Score(ScoringProblem problem, CancellationToken cancellationToken = default)
    {
        if (problem.Answers.Count == 0) yield break;
        var encoded = new EncodedAnswer[problem.Answers.Count];
        EncodeAll(problem, encoded, cancellationToken);

        var pending = new List<SampleScore>();
        var work = new List<int>();
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i].ReadPositions.Length > 0) work.Add(i);
            else pending.Add(new SampleScore(problem.ProblemId, problem.Answers[i].Index, encoded[i].Status, [], null, [], encoded[i].StepCount, 0, 0));
        }
        if (work.Count == 0)
        {
            yield return pending;
            yield break;
        }

        var prefix = SharedPrefix(work.Select(i => encoded[i]).ToList());
        LastPrefixLength = prefix;
        _context.ClearMemory();
        Prefill(encoded[work[0]].Tokens.AsSpan(0, prefix));
        var sequencesWithPrefix = 1;

        var next = 0;
        while (next < work.Count)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var clock = Stopwatch.StartNew();
            // A group: at most Batch answers whose cells fit the cache beside the shared prefix (split KV: each in its own stream).
            var group = new List<int>();
            var cells = prefix;
            while (next < work.Count && group.Count < _options.Batch)
            {
                var own = encoded[work[next]].Tokens.Length - prefix;
                if (group.Count > 0 && (_options.KvUnified ? cells + own > _context.ContextSize : prefix + own > _context.ContextSize / _options.Batch)) break;
                group.Add(work[next++]);
                cells += own;
            }
            // Split KV copies whole streams only (llama.cpp asserts on a range); sequence 0 holds just the prefix at this point.
            for (; sequencesWithPrefix < group.Count; sequencesWithPrefix++)
            {
                if (_options.KvUnified) _context.CopySequence(0, sequencesWithPrefix, 0, prefix);
                else _context.CopySequence(0, sequencesWithPrefix);
            }

            var scores = group.Select(i => new double[encoded[i].ReadPositions.Length]).ToArray();
            DecodeGroup(group.Select(i => encoded[i]).ToArray(), prefix, scores, cancellationToken);
            for (var s = 0; s < group.Count; s++) _context.RemoveTokens(s, prefix, -1);

            var elapsed = clock.Elapsed.TotalMilliseconds;
            var ownTokens = Math.Max(1, group.Sum(i => encoded[i].Tokens.Length - prefix));
            for (var g = 0; g < group.Count; g++)
            {
                var e = encoded[group[g]];
                pending.Add(new SampleScore(problem.ProblemId, problem.Answers[group[g]].Index, e.Status, _scoresSteps ? scores[g] : [],
                    _scoresSteps ? null : scores[g][0], e.ReadPositions, e.StepCount, e.Tokens.Length, elapsed * (e.Tokens.Length - prefix) / ownTokens));
            }
            yield return pending;
            pending = [];
        }
    }

    /// <summary>Encodes the answers in parallel; a failure surfaces as itself, not wrapped in an AggregateException.</summary>
    private void EncodeAll(ScoringProblem problem, EncodedAnswer[] encoded, CancellationToken cancellationToken)
    {
        try
        {
            Parallel.For(0, encoded.Length, new ParallelOptions { MaxDegreeOfParallelism = ThreadCount, CancellationToken = cancellationToken },
                i => encoded[i] = Encoder.Encode(problem.Prompt, problem.Answers[i].Text));
        }
        catch (AggregateException e) when (e.InnerExceptions.Count > 0)
        {
            System.Runtime.ExceptionServices.ExceptionDispatchInfo.Capture(e.InnerExceptions[0]).Throw();
        }
    }

    private int ThreadCount => _options.Threads > 0 ? _options.Threads : Environment.ProcessorCount;

    /// <summary>The longest token prefix every answer shares, stopping before any answer's first read position so that every read is
    /// decoded in its answer's own pass.</summary>
    private static int SharedPrefix(IReadOnlyList<EncodedAnswer> answers)
    {
        var first = answers[0].Tokens;
        var length = answers.Min(a => a.ReadPositions[0]);
        foreach (var a in answers)
        {
            var n = Math.Min(length, a.Tokens.Length);
            var i = 0;
            while (i < n && a.Tokens[i] == first[i]) i++;
            length = i;
        }
        return length;
    }

    private void Prefill(ReadOnlySpan<LlamaToken> tokens)
    {
        DecodeCalls += BatchDecoder.Prefill(_context, _batch, tokens, sequence: 0, logitsForLast: false);
        PrefixTokensPrefilled += tokens.Length;
        TokensScored += tokens.Length;
    }

    /// <summary>Decodes every answer's tokens after the prefix, answer after answer, in batches of BatchTokens (at most the context's n_batch); answer g is sequence g.</summary>
    private void DecodeGroup(EncodedAnswer[] group, int prefix, double[][] scores, CancellationToken cancellationToken)
    {
        var total = group.Sum(a => a.Tokens.Length - prefix);
        var entries = new (int Answer, int Position, int Read)[total];
        var n = 0;
        for (var g = 0; g < group.Length; g++)
        {
            var reads = group[g].ReadPositions;
            var r = 0;
            for (var p = prefix; p < group[g].Tokens.Length; p++)
            {
                var read = r < reads.Length && reads[r] == p ? r++ : -1;
                entries[n++] = (g, p, read);
            }
        }
        for (var start = 0; start < total; start += _batch.Capacity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            Decode(group, entries.AsSpan(start, Math.Min(_batch.Capacity, total - start)), scores);
        }
        AnswerTokensDecoded += total;
        TokensScored += total;
    }

    /// <summary>Decodes consecutive entries (answer g is sequence g) and reads P(good) at their read positions.</summary>
    private void Decode(EncodedAnswer[] group, ReadOnlySpan<(int Answer, int Position, int Read)> entries, double[][] scores) =>
        DecodeCalls += BatchDecoder.Decode(_context, _batch, entries,
            (batch, slice) =>
            {
                foreach (var (g, p, read) in slice) batch.Add(group[g].Tokens[p], p, g, logits: read >= 0);
            },
            slice =>
            {
                // The batch was filled from a cleared batch, so entry i is batch row i.
                for (var i = 0; i < slice.Length; i++)
                {
                    var (g, _, read) = slice[i];
                    if (read < 0) continue;
                    var (good, bad) = _context.ReadLogits(i, _readVerdict);
                    scores[g][read] = ProbabilityOfGood(good, bad);
                }
            });

    /// <summary>softmax([good, bad])[0], computed stably.</summary>
    public static double ProbabilityOfGood(double good, double bad) => 1.0 / (1.0 + Math.Exp(bad - good));

    public void Dispose()
    {
        _context.Dispose();
        if (_ownsModel) _model.Dispose();
    }
}
