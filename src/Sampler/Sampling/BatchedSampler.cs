using System.Diagnostics;
using BestOfN.Llama;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// Draws many samples of one prompt at once, in the shape of llama.cpp's examples/batched: the prompt is prefilled
/// once on sequence 0 and shared with every other sequence by llama_memory_seq_cp; each step decodes one token of
/// every live sequence in a single batch, with logits only for those rows; each sample has its own seeded chain.
/// More samples than sequences run in waves that keep the prompt's KV cells and drop only the generated ones.
///
/// KV layout. With kv_unified on, seq_cp only tags the prompt's cells with more sequence ids, so the prompt is stored
/// once and the cache needs prompt + parallel·max_new cells; but every token then attends over the cells of all
/// sequences (masked), so a step costs parallel × (prompt + parallel·t) attention work. With it off, each sequence has
/// its own stream: seq_cp copies the prompt into each (parallel·(prompt + max_new) cells) and a token attends over its
/// own prompt + t cells only. Measured with `bestofn bench --kv both` on the 2-core CI machine (35M-parameter F16
/// llama, prompt 128, 64 new tokens, best of 2), generated tokens/s unified vs split: parallel 1: 194 vs 187,
/// 16: 712 vs 689, 64: 628 vs 780, 256: 546 vs 849; llama-batched-bench shows the same crossover (64: 762 vs 966,
/// 256: 596 vs 935). Best-of-N runs at 64+ sequences and hundreds of new tokens, where the gap only widens with
/// length, so split is the default (SamplerDefaults.KvUnified = false). Unified (--kv unified) stores a long
/// prompt once, which matters when memory, not time, is short, or below ~16 sequences.
/// </summary>
public sealed class BatchedSampler : IDisposable
{
    private readonly LlamaModel _model;
    private readonly SamplerOptions _options;
    private readonly int _parallel;
    private readonly float[] _promptLogits;
    private readonly StreamDrawer _drawer;
    private readonly ForcedLength? _forcedLength;
    private LlamaContext? _context;
    private LlamaBatch _batch = new(1);

    /// <param name="forcedLength">Benchmarks only: each sample's exact length, end-of-generation ignored.</param>
    public BatchedSampler(LlamaModel model, SamplerOptions options, ForcedLength? forcedLength = null)
    {
        options.ThrowIfInvalid();
        _model = model;
        _options = options;
        _parallel = Math.Min(options.Parallel, options.N);
        _promptLogits = new float[model.VocabSize];
        _drawer = new StreamDrawer(model);
        _forcedLength = forcedLength;
    }

    /// <summary>Prompt tokens decoded so far, over all problems: one prefill per problem, however many samples.</summary>
    public long PromptTokensPrefilled { get; private set; }

    /// <summary>Generated tokens decoded so far.</summary>
    public long TokensGenerated { get; private set; }

    /// <summary>KV cells of the context the last problem was sampled in (0 before the first), all sequences together.</summary>
    public int ContextSize => _context?.ContextSize ?? 0;

    /// <summary>How long the last problem's prompt prefill took.</summary>
    public TimeSpan LastPrefillTime { get; private set; }

    /// <summary>How long sharing the last problem's prompt with its other sequences took (with split KV, copying its cells into their streams).</summary>
    public TimeSpan LastPromptShareTime { get; private set; }

    /// <summary>Of the last wave's time, how much llama_decode took; the rest is sampling and bookkeeping.</summary>
    public TimeSpan LastWaveDecodeTime { get; private set; }

    /// <summary>
    /// Draws the given sample indices of one problem, <see cref="SamplerOptions.Parallel"/> at a time, and yields each
    /// wave when it is complete. <paramref name="onStep"/> hears the tokens decoded by each step, for progress.
    /// </summary>
    public IEnumerable<Wave> Sample(PreparedPrompt prompt, IReadOnlyList<int> sampleIndices, Action<int>? onStep = null, CancellationToken cancellationToken = default)
    {
        if (prompt.Tokens.Length == 0) throw new ArgumentException($"Problem {prompt.ProblemId}: the prompt has no tokens.");
        if (sampleIndices.Count == 0) yield break;

        var context = ContextFor(prompt);
        context.ClearMemory();
        var prefillClock = Stopwatch.StartNew();
        Prefill(context, prompt.Tokens);
        LastPrefillTime = prefillClock.Elapsed;
        var shareClock = Stopwatch.StartNew();
        SharePrompt(context, prompt.Tokens, Math.Min(_parallel, sampleIndices.Count));
        LastPromptShareTime = shareClock.Elapsed;
        var promptTokensForFirstWave = prompt.Tokens.Length;

        for (var start = 0; start < sampleIndices.Count; start += _parallel)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var waveClock = Stopwatch.StartNew();
            var decodeBefore = context.DecodeTime;
            var count = Math.Min(_parallel, sampleIndices.Count - start);

            var streams = new SampleStream[count];
            for (var s = 0; s < count; s++)
            {
                var index = sampleIndices[start + s];
                streams[s] = SampleStream.Open(_options, prompt.ProblemId, index, s, prompt.Tokens.Length, _forcedLength?.Invoke(prompt.ProblemId, index));
            }
            try
            {
                _drawer.DrawAll(streams, (stream, _) => stream.SampleFrom(_promptLogits));
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    var live = streams.Where(s => s.Pending is not null).ToArray();
                    if (live.Length == 0) break;
                    DecodeAndSample(context, live);
                    onStep?.Invoke(live.Length);
                }
            }
            finally
            {
                foreach (var s in streams) s.Dispose();
            }
            // Drop the generated cells; the prompt's cells stay for the next wave.
            for (var s = 0; s < count; s++) context.RemoveTokens(s, prompt.Tokens.Length, -1);

            LastWaveDecodeTime = context.DecodeTime - decodeBefore;
            var samples = streams.Select(s => s.ToSample()).ToList();
            TokensGenerated += samples.Sum(x => x.TokenCount);
            yield return new Wave(prompt.ProblemId, samples, promptTokensForFirstWave, waveClock.Elapsed);
            promptTokensForFirstWave = 0;
        }
    }

    /// <summary>
    /// The KV cache for one problem, sized for its own prompt (not the run's longest), and checked before any decode: unified shares
    /// the prompt's cells among all sequences (prompt + parallel × max_new cells), split gives each sequence its own prompt + max_new.
    /// Each sequence's share is rounded up to 256 cells, so prompts of similar length share a size; the last problem's context is
    /// kept while it fits, its batch takes the whole prompt (up to 2048 tokens), and it is at most twice the size needed, so one long
    /// prompt costs one large cache, for its own problem only. The size does not change a sample's bits: llama.cpp attends over the
    /// cells in use (padded), whatever the cache holds, and the prompt is prefilled in the same chunks (all of it, or 2048 tokens at a
    /// time) in any context kept for it (BatchedSamplerTests pins this).
    /// </summary>
    private LlamaContext ContextFor(PreparedPrompt prompt)
    {
        var needed = _options.KvUnified ? prompt.Tokens.Length + _parallel * _options.MaxTokens : prompt.Tokens.Length + _options.MaxTokens;
        var cellsPerSequence = (needed + 255) / 256 * 256;
        var batchSize = Math.Max(_parallel, Math.Min(prompt.Tokens.Length, 2048));
        if (_context is { } current && current.ContextSizePerSequence >= needed && current.ContextSizePerSequence <= 2 * cellsPerSequence
            && _batch.Capacity >= batchSize)
        {
            return current;
        }

        _context?.Dispose();
        _context = null;
        var context = LlamaContext.Create(_model, new LlamaContextOptions
        {
            ContextSize = cellsPerSequence * (_options.KvUnified ? 1 : _parallel),
            BatchSize = batchSize,
            MicroBatchSize = 512,
            MaxSequences = _parallel,
            Threads = _options.Threads,
            KvUnified = _options.KvUnified,
        });
        if (context.ContextSizePerSequence < needed)
        {
            var size = context.ContextSize;
            context.Dispose();
            throw new LlamaException($"Problem {prompt.ProblemId}: llama.cpp gave a KV cache of {size} cells, fewer than prompt {prompt.Tokens.Length} + {_parallel} × {_options.MaxTokens} new tokens need.");
        }
        _context = context;
        _batch = new LlamaBatch(batchSize);
        return context;
    }

    private void Prefill(LlamaContext context, LlamaToken[] tokens)
    {
        BatchDecoder.Prefill(context, _batch, tokens, sequence: 0, logitsForLast: true);
        context.CopyLogits(_batch.Count - 1, _promptLogits);
        PromptTokensPrefilled += tokens.Length;
    }

    /// <summary>
    /// Gives sequences 1…count-1 the prompt of sequence 0. With split KV that is a copy of sequence 0's whole stream into each, which
    /// llama.cpp applies (and re-reserves its graph for) at the next decode; as llama-batched-bench does, one token decoded on
    /// sequence 0 without logits applies it now and is removed again (its cell is the next one written, so no sample's bits change),
    /// and the first generation step decodes only tokens.
    /// </summary>
    private void SharePrompt(LlamaContext context, LlamaToken[] tokens, int count)
    {
        for (var s = 1; s < count; s++) context.CopySequence(0, s);
        if (_options.KvUnified || count < 2) return;
        _batch.Clear();
        _batch.Add(tokens[^1], tokens.Length, 0, logits: false);
        var status = context.Decode(_batch);
        if (status != DecodeStatus.Ok) throw new LlamaException($"Sharing a prompt of {tokens.Length} tokens failed ({status}) in a KV cache of {context.ContextSize} cells.");
        context.RemoveTokens(0, tokens.Length, -1);
    }

    /// <summary>Decodes the pending token of each live stream in one batch, then samples each stream's next token.</summary>
    private void DecodeAndSample(LlamaContext context, SampleStream[] live) =>
        BatchDecoder.Decode(context, _batch, live,
            (batch, streams) =>
            {
                foreach (var s in streams) s.Row = batch.Add(s.Pending!.Value, s.Position, s.Sequence, logits: true);
            },
            streams =>
            {
                var decoded = streams.ToArray();
                var rows = new LlamaLogitsRow[decoded.Length];
                for (var i = 0; i < decoded.Length; i++) rows[i] = context.LogitsRow(decoded[i].Row);
                foreach (var s in decoded) s.Position++;
                _drawer.DrawAll(decoded, (stream, index) => stream.SampleFrom(rows[index]));
            });

    public void Dispose() => _context?.Dispose();
}

/// <summary>Benchmarks only: the exact length of a sample (its tokens after the prompt), or null for the sampler's own limits.</summary>
public delegate int? ForcedLength(string problemId, int index);
