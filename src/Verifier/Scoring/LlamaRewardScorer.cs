using System.Diagnostics;
using BestOfN.Sampler.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Scores answers with a generative reward model through llama.cpp, in one forward pass per answer instead of RLHFlow's one pass
/// per step. Per problem:
/// <list type="number">
/// <item>encode every answer (<see cref="LlamaProtocolEncoder"/>) and find the token prefix all of them share (the chat header and
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

    public LlamaRewardScorer(LlamaModel model, ScorerOptions options)
    {
        options.ThrowIfInvalid();
        _model = model;
        _options = options;
        Encoder = new LlamaProtocolEncoder(model, options);
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
            KvUnified = true,
            FlashAttention = options.FlashAttention,
        });
        if (_context.ContextSize < options.ContextSize)
            throw new Sampler.Native.LlamaException($"llama.cpp gave a KV cache of {_context.ContextSize} cells, fewer than the {options.ContextSize} asked for.");
        _batch = new LlamaBatch(options.BatchTokens);
    }

    public LlamaProtocolEncoder Encoder { get; }

    public IReadOnlyDictionary<string, object?> Manifest => Encoder.Manifest();

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
        Parallel.For(0, encoded.Length, new ParallelOptions { MaxDegreeOfParallelism = ThreadCount, CancellationToken = cancellationToken },
            i => encoded[i] = Encoder.Encode(problem.Prompt, problem.Answers[i].Text));

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
            // A group: at most Batch answers whose cells fit the cache beside the shared prefix.
            var group = new List<int>();
            var cells = prefix;
            while (next < work.Count && group.Count < _options.Batch)
            {
                var own = encoded[work[next]].Tokens.Length - prefix;
                if (group.Count > 0 && cells + own > _context.ContextSize) break;
                group.Add(work[next++]);
                cells += own;
            }
            for (; sequencesWithPrefix < group.Count; sequencesWithPrefix++) _context.CopySequence(0, sequencesWithPrefix, 0, prefix);

            var scores = group.Select(i => new double[encoded[i].ReadPositions.Length]).ToArray();
            DecodeGroup(group.Select(i => encoded[i]).ToArray(), prefix, scores, cancellationToken);
            for (var s = 0; s < group.Count; s++) _context.RemoveTokens(s, prefix, -1);

            var elapsed = clock.Elapsed.TotalMilliseconds;
            var ownTokens = Math.Max(1, group.Sum(i => encoded[i].Tokens.Length - prefix));
            for (var g = 0; g < group.Count; g++)
            {
                var e = encoded[group[g]];
                var isOutcome = _options.Protocol == ScoringProtocol.RlhflowOrm;
                pending.Add(new SampleScore(problem.ProblemId, problem.Answers[group[g]].Index, e.Status, isOutcome ? [] : scores[g],
                    isOutcome ? scores[g][0] : null, e.ReadPositions, e.StepCount, e.Tokens.Length, elapsed * (e.Tokens.Length - prefix) / ownTokens));
            }
            yield return pending;
            pending = [];
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
        for (var offset = 0; offset < tokens.Length; offset += _batch.Capacity)
        {
            _batch.Clear();
            var end = Math.Min(tokens.Length, offset + _batch.Capacity);
            for (var i = offset; i < end; i++) _batch.Add(tokens[i], i, 0, logits: false);
            DecodeCalls++;
            var status = _context.Decode(_batch);
            if (status != DecodeStatus.Ok) throw new Sampler.Native.LlamaException($"Prefix prefill failed: {status}. The prefix ({tokens.Length} tokens) does not fit the KV cache ({_context.ContextSize} cells).");
        }
        PrefixTokensPrefilled += tokens.Length;
        TokensScored += tokens.Length;
    }

    /// <summary>Decodes every answer's tokens after the prefix, answer after answer, in batches of BatchTokens; answer g is sequence g.</summary>
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

    /// <summary>One llama_decode of consecutive entries; on "no KV slot" each half is retried (per-sequence order is kept).</summary>
    private void Decode(EncodedAnswer[] group, ReadOnlySpan<(int Answer, int Position, int Read)> entries, double[][] scores)
    {
        _batch.Clear();
        Span<int> rows = entries.Length <= 4096 ? stackalloc int[entries.Length] : new int[entries.Length];
        for (var i = 0; i < entries.Length; i++)
        {
            var (g, p, read) = entries[i];
            rows[i] = _batch.Add(group[g].Tokens[p], p, g, logits: read >= 0);
        }
        DecodeCalls++;
        var status = _context.Decode(_batch);
        if (status == DecodeStatus.NoKvSlot && entries.Length > 1)
        {
            var half = entries.Length / 2;
            Decode(group, entries[..half], scores);
            Decode(group, entries[half..], scores);
            return;
        }
        if (status != DecodeStatus.Ok) throw new Sampler.Native.LlamaException($"llama_decode: {status} with {entries.Length} tokens; the KV cache ({_context.ContextSize} cells) is too small.");
        for (var i = 0; i < entries.Length; i++)
        {
            var (g, _, read) = entries[i];
            if (read < 0) continue;
            var (good, bad) = _context.ReadLogits(rows[i], _readVerdict);
            scores[g][read] = ProbabilityOfGood(good, bad);
        }
    }

    /// <summary>softmax([good, bad])[0], computed stably.</summary>
    public static double ProbabilityOfGood(double good, double bad) => 1.0 / (1.0 + Math.Exp(bad - good));

    public void Dispose() => _context.Dispose();
}
