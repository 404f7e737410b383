using System.Diagnostics;
using System.Runtime.InteropServices;
using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Scores answers with a generative reward model through llama.cpp, in one forward pass per answer instead of RLHFlow's one pass
/// per step:
/// <list type="number">
/// <item>per problem, encode every answer (the protocol's <see cref="IVerdictEncoder"/>) and find the token prefix all of them share
/// (the chat header and the problem text), never past any answer's first read position;</item>
/// <item>fill a batch of <see cref="ScorerOptions.Batch"/> answers in problem order, across problems, so that a problem with few answers
/// never runs a short batch; answer g of the batch is sequence g;</item>
/// <item>prefill each problem's prefix once, on the first sequence of its answers (a problem continued from the last batch keeps it),
/// and copy it to its other answers' sequences by llama_memory_seq_cp;</item>
/// <item>decode the answers' remaining tokens, packed into llama_decode batches of <see cref="ScorerOptions.BatchTokens"/> tokens,
/// asking for logits only at the read positions;</item>
/// <item>read P(good) = softmax([logit(good), logit(bad)])[0] at those rows, then drop the answers' cells and keep the prefixes.</item>
/// </list>
/// Causal attention makes the logits at a read position depend on the tokens of its own sequence up to it only, so each score equals
/// the one of a separate pass over the conversation truncated after that step, whatever else shares the batch.
/// The KV layout (<see cref="ScorerOptions.Kv"/>) is chosen per batch; each layout has its own context, made when first used, and the
/// split one is made again with longer streams when a batch holds a longer sequence than any before.
/// </summary>
public sealed class LlamaRewardScorer : IRewardScorer
{
    /// <summary>llama.cpp rounds the cache, and with split KV each stream, up to a multiple of 256 cells (llama-context.cpp).</summary>
    public const int CellPadding = 256;

    private readonly LlamaModel _model;
    private readonly ScorerOptions _options;
    private readonly LogitsReader<(float Good, float Bad)> _readVerdict;
    private readonly int _good;
    private readonly int _bad;
    private readonly bool _ownsModel;
    private readonly bool _scoresSteps;
    private KvCache? _unified;
    private KvCache? _split;
    private int _problems;

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
        // A fixed unified cache fails here, before any work, when llama.cpp cannot make it; split streams are sized by the answers.
        if (options.Kv == KvLayout.Unified) _unified = CreateCache(unified: true, streamCells: 0);
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

    /// <summary>Batches decoded with one unified KV cache.</summary>
    public int UnifiedBatches { get; private set; }

    /// <summary>Batches decoded with a KV stream per answer.</summary>
    public int SplitBatches { get; private set; }

    /// <summary>Batches that held answers of more than one problem.</summary>
    public int MixedBatches { get; private set; }

    /// <summary>
    /// The most cells a split stream may have: under <see cref="KvLayout.Auto"/>, the --ctx-size cells (or as many as
    /// <see cref="ScorerOptions.SplitKvBytes"/> holds, if more) shared by --batch streams rounded down to llama.cpp's padding (0 when a stream would have fewer than 256 cells, and auto never splits); under
    /// <see cref="KvLayout.Split"/>, --ctx-size / --batch rounded up, as llama.cpp sizes the streams of such a context.
    /// </summary>
    public int SplitStreamLimit => _options.Kv == KvLayout.Split
        ? Padded(Padded(_options.ContextSize) / _options.Batch)
        : (int)Math.Min(int.MaxValue, Math.Max(_options.ContextSize, _options.SplitKvBytes / Math.Max(1, _model.KvBytesPerCell)) / _options.Batch / CellPadding * CellPadding);

    /// <summary>Cells of each stream of the split cache now (0 before the first split batch): the longest sequence so far, padded.</summary>
    public int SplitStreamCells => _split?.Context.ContextSizePerSequence ?? 0;

    /// <summary>The layouts the batches ran with so far: "split", "unified", "split (3 batches), unified (1 batch)", or "none".</summary>
    public string KvLayoutUsed => (SplitBatches, UnifiedBatches) switch
    {
        (0, 0) => "none",
        (_, 0) => "split",
        (0, _) => "unified",
        var (s, u) => $"split ({s} batch{(s == 1 ? "" : "es")}), unified ({u} batch{(u == 1 ? "" : "es")})",
    };

    public IEnumerable<IReadOnlyList<SampleScore>> Score(ScoringProblem problem, CancellationToken cancellationToken = default) =>
        ScoreAll([problem], cancellationToken);

    public IEnumerable<IReadOnlyList<SampleScore>> ScoreAll(IEnumerable<ScoringProblem> problems, CancellationToken cancellationToken = default)
    {
        using var source = problems.GetEnumerator();
        var queue = new Queue<Slot>();
        var pending = new List<SampleScore>();
        while (true)
        {
            // Encode problems only as far as the next batch needs: answers wait here, not all at once.
            while (queue.Count < _options.Batch && source.MoveNext())
            {
                cancellationToken.ThrowIfCancellationRequested();
                if (Prepare(source.Current, pending, cancellationToken) is { } work)
                    foreach (var answer in work.Scorable) queue.Enqueue(new Slot(work, answer));
            }
            if (queue.Count == 0) break;
            cancellationToken.ThrowIfCancellationRequested();
            pending.AddRange(ScoreBatch(queue, cancellationToken));
            yield return pending;
            pending = [];
        }
        if (pending.Count > 0) yield return pending;
    }

    /// <summary>Encodes a problem's answers; those with nothing to read go to <paramref name="unscorable"/> with their status.</summary>
    private ProblemWork? Prepare(ScoringProblem problem, List<SampleScore> unscorable, CancellationToken cancellationToken)
    {
        if (problem.Answers.Count == 0) return null;
        var encoded = new EncodedAnswer[problem.Answers.Count];
        EncodeAll(problem, encoded, cancellationToken);
        var scorable = new List<int>();
        for (var i = 0; i < encoded.Length; i++)
        {
            if (encoded[i].ReadPositions.Length > 0) scorable.Add(i);
            else unscorable.Add(new SampleScore(problem.ProblemId, problem.Answers[i].Index, encoded[i].Status, [], null, [], encoded[i].StepCount, 0, 0));
        }
        return scorable.Count == 0 ? null : new ProblemWork(problem, encoded, scorable, SharedPrefix(scorable.Select(i => encoded[i]).ToList()), _problems++);
    }

    /// <summary>Takes the next batch off the queue, decodes it and returns its scores.</summary>
    private List<SampleScore> ScoreBatch(Queue<Slot> queue, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var candidates = queue.Take(_options.Batch).ToList();
        var longest = candidates.MaxBy(c => c.Tokens.Length);
        var streamCells = Padded(longest.Tokens.Length);
        var unified = _options.Kv switch
        {
            KvLayout.Unified => true,
            KvLayout.Split => false,
            _ => streamCells > SplitStreamLimit,
        };
        if (!unified && streamCells > SplitStreamLimit)
        {
            var answer = longest.Work.Problem.Answers[longest.Answer].Index;
            throw new LlamaException($"Problem {longest.Work.Problem.ProblemId}, answer {answer}: {longest.Tokens.Length} tokens do not fit a split KV stream of " +
                $"{SplitStreamLimit} cells (--ctx-size {_options.ContextSize} / --batch {_options.Batch}); raise --ctx-size, or use --kv auto or unified.");
        }
        // Split streams are as small as the answers allow, because llama.cpp shares a prefix between streams by copying the whole
        // stream's K and V: a longer sequence than any so far makes a new split context with longer streams.
        if (!unified && SplitStreamCells < streamCells)
        {
            _split?.Dispose();
            _split = null;
            _split = CreateCache(unified: false, streamCells);
        }
        var cache = unified ? _unified ??= CreateCache(unified: true, streamCells: 0) : _split!;
        var batch = Fit(cache, candidates);
        for (var i = 0; i < batch.Count; i++) queue.Dequeue();

        var scores = batch.Select(b => new double[b.Encoded.ReadPositions.Length]).ToArray();
        try
        {
            var sequences = PlacePrefixes(cache, batch);
            DecodeAnswers(cache, batch, sequences, scores, cancellationToken);
            for (var g = 0; g < batch.Count; g++) cache.Context.RemoveTokens(sequences[g], batch[g].Work.Prefix, -1);
        }
        catch
        {
            cache.Reset(); // a batch cut short leaves answer cells behind: start the next one from an empty cache
            throw;
        }
        if (unified) UnifiedBatches++;
        else SplitBatches++;
        if (batch.Select(b => b.Work.Serial).Distinct().Count() > 1) MixedBatches++;

        var elapsed = clock.Elapsed.TotalMilliseconds;
        var ownTokens = Math.Max(1, batch.Sum(b => b.Tokens.Length - b.Work.Prefix));
        return batch.Select((b, g) =>
        {
            var e = b.Encoded;
            return new SampleScore(b.Work.Problem.ProblemId, b.Work.Problem.Answers[b.Answer].Index, e.Status, _scoresSteps ? scores[g] : [],
                _scoresSteps ? null : scores[g][0], e.ReadPositions, e.StepCount, e.Tokens.Length, elapsed * (e.Tokens.Length - b.Work.Prefix) / ownTokens);
        }).ToList();
    }

    /// <summary>The candidates that fit a unified cache together: each problem's prefix once plus every answer's own cells (split
    /// streams are sized for the longest candidate).</summary>
    private static List<Slot> Fit(KvCache cache, List<Slot> candidates)
    {
        if (!cache.Unified) return candidates;
        var batch = new List<Slot>();
        var problems = new HashSet<int>();
        var cells = 0;
        foreach (var c in candidates)
        {
            var need = c.Tokens.Length - c.Work.Prefix + (problems.Contains(c.Work.Serial) ? 0 : c.Work.Prefix);
            if (batch.Count > 0 && cells + need > cache.Context.ContextSize) break;
            batch.Add(c);
            problems.Add(c.Work.Serial);
            cells += need;
        }
        return batch;
    }

    /// <summary>
    /// Gives each answer a sequence holding its problem's prefix and nothing else, and returns the sequences. An answer takes a sequence
    /// that already holds its prefix (a problem continued from the last batch), else a free one; sequences no answer takes are cleared.
    /// Each prefix missing from the cache is prefilled on the first sequence of its problem (all in the same llama_decode calls) and copied
    /// from there: split KV copies whole streams only (llama.cpp asserts on a range), which is why a source holds just the prefix.
    /// </summary>
    private int[] PlacePrefixes(KvCache cache, List<Slot> batch)
    {
        var holds = cache.Holds;
        var sequences = new int[batch.Count];
        var taken = new bool[holds.Length];
        for (var g = 0; g < batch.Count; g++)
        {
            sequences[g] = -1;
            for (var s = 0; s < holds.Length && sequences[g] < 0; s++)
            {
                if (taken[s] || holds[s] != batch[g].Work.Serial) continue;
                sequences[g] = s;
                taken[s] = true;
            }
        }
        for (var s = 0; s < holds.Length; s++)
        {
            if (taken[s] || holds[s] < 0) continue;
            cache.Context.RemoveTokens(s, 0, -1);
            holds[s] = -1;
        }
        var free = 0;
        for (var g = 0; g < batch.Count; g++)
        {
            if (sequences[g] >= 0) continue;
            while (taken[free]) free++;
            sequences[g] = free;
            taken[free] = true;
        }

        var source = new Dictionary<int, int>();
        for (var g = 0; g < batch.Count; g++)
            if (holds[sequences[g]] == batch[g].Work.Serial) source.TryAdd(batch[g].Work.Serial, sequences[g]);
        var prefills = new List<(LlamaToken Token, int Position, int Sequence)>();
        for (var g = 0; g < batch.Count; g++)
        {
            var work = batch[g].Work;
            if (!source.TryAdd(work.Serial, sequences[g])) continue;
            for (var p = 0; p < work.Prefix; p++) prefills.Add((batch[g].Tokens[p], p, sequences[g]));
            PrefixTokensPrefilled += work.Prefix;
            TokensScored += work.Prefix;
        }
        for (var start = 0; start < prefills.Count; start += cache.Batch.Capacity)
        {
            DecodeCalls += BatchDecoder.Decode(cache.Context, cache.Batch, CollectionsMarshal.AsSpan(prefills).Slice(start, Math.Min(cache.Batch.Capacity, prefills.Count - start)),
                (b, slice) => { foreach (var (token, position, sequence) in slice) b.Add(token, position, sequence, logits: false); },
                _ => { });
        }
        foreach (var (serial, s) in source) holds[s] = serial;
        for (var g = 0; g < batch.Count; g++)
        {
            if (holds[sequences[g]] == batch[g].Work.Serial) continue;
            cache.Context.CopySequence(source[batch[g].Work.Serial], sequences[g]);
            holds[sequences[g]] = batch[g].Work.Serial;
        }
        return sequences;
    }

    private static int Padded(int cells) => (cells + CellPadding - 1) / CellPadding * CellPadding;

    /// <summary>A context of --ctx-size cells (unified), or of --batch streams of <paramref name="streamCells"/> cells (split).</summary>
    private KvCache CreateCache(bool unified, int streamCells)
    {
        var cells = unified ? _options.ContextSize : _options.Batch * streamCells;
        var context = LlamaContext.Create(_model, new LlamaContextOptions
        {
            ContextSize = cells,
            BatchSize = _options.BatchTokens,
            MicroBatchSize = _options.MicroBatchTokens,
            MaxSequences = _options.Batch,
            Threads = _options.Threads,
            KvUnified = unified,
            FlashAttention = _options.FlashAttention,
        });
        if (context.ContextSize < cells)
        {
            var size = context.ContextSize;
            context.Dispose();
            throw new LlamaException($"llama.cpp gave a KV cache of {size} cells, fewer than the {cells} asked for.");
        }
        // llama.cpp lowers n_batch to the context size for causal models, and aborts on a larger batch: fill to what it kept.
        return new KvCache(context, unified, new LlamaBatch(Math.Min(_options.BatchTokens, context.BatchSize)));
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

    /// <summary>Decodes every answer's tokens after its problem's prefix, answer after answer, in batches of BatchTokens (at most the
    /// context's n_batch); answer g is sequence <c>sequences[g]</c>.</summary>
    private void DecodeAnswers(KvCache cache, List<Slot> batch, int[] sequences, double[][] scores, CancellationToken cancellationToken)
    {
        var total = batch.Sum(b => b.Tokens.Length - b.Work.Prefix);
        var entries = new (int Answer, int Position, int Read)[total];
        var n = 0;
        for (var g = 0; g < batch.Count; g++)
        {
            var reads = batch[g].Encoded.ReadPositions;
            var r = 0;
            for (var p = batch[g].Work.Prefix; p < batch[g].Tokens.Length; p++)
            {
                var read = r < reads.Length && reads[r] == p ? r++ : -1;
                entries[n++] = (g, p, read);
            }
        }
        for (var start = 0; start < total; start += cache.Batch.Capacity)
        {
            cancellationToken.ThrowIfCancellationRequested();
            DecodeCalls += BatchDecoder.Decode(cache.Context, cache.Batch, entries.AsSpan(start, Math.Min(cache.Batch.Capacity, total - start)),
                (b, slice) =>
                {
                    foreach (var (g, p, read) in slice) b.Add(batch[g].Tokens[p], p, sequences[g], logits: read >= 0);
                },
                slice =>
                {
                    // The batch was filled from a cleared batch, so entry i is batch row i.
                    for (var i = 0; i < slice.Length; i++)
                    {
                        var (g, _, read) = slice[i];
                        if (read < 0) continue;
                        var (good, bad) = cache.Context.ReadLogits(i, _readVerdict);
                        scores[g][read] = ProbabilityOfGood(good, bad);
                    }
                });
        }
        AnswerTokensDecoded += total;
        TokensScored += total;
    }

    /// <summary>softmax([good, bad])[0], computed stably.</summary>
    public static double ProbabilityOfGood(double good, double bad) => 1.0 / (1.0 + Math.Exp(bad - good));

    public void Dispose()
    {
        _unified?.Dispose();
        _split?.Dispose();
        if (_ownsModel) _model.Dispose();
    }

    /// <summary>A problem being scored: its encoded answers, those with something to read, and the prefix they share.</summary>
    /// <param name="Serial">The problem's number in this scorer's life, what a sequence's prefix is known by.</param>
    private sealed record ProblemWork(ScoringProblem Problem, EncodedAnswer[] Encoded, List<int> Scorable, int Prefix, int Serial);

    /// <summary>One answer waiting for, or taking, a place in a batch.</summary>
    private readonly record struct Slot(ProblemWork Work, int Answer)
    {
        public EncodedAnswer Encoded => Work.Encoded[Answer];

        public LlamaToken[] Tokens => Work.Encoded[Answer].Tokens;
    }

    /// <summary>A context of one KV layout, its batch, and which problem's prefix each sequence holds between batches (-1: none).</summary>
    private sealed class KvCache(LlamaContext context, bool unified, LlamaBatch batch) : IDisposable
    {
        public LlamaContext Context { get; } = context;

        public bool Unified { get; } = unified;

        public LlamaBatch Batch { get; } = batch;

        public int[] Holds { get; } = Enumerable.Repeat(-1, context.MaxSequences).ToArray();

        public void Reset()
        {
            Context.ClearMemory();
            Array.Fill(Holds, -1);
        }

        public void Dispose() => Context.Dispose();
    }
}
