using System.Diagnostics;
using BestOfN.Llama;

namespace BestOfN.Sampler.Sampling;

/// <summary>One problem's prompt and the sample indices still to draw for it.</summary>
public sealed record ProblemWork(PreparedPrompt Prompt, IReadOnlyList<int> Indices);

/// <summary>
/// Continuous batching across samples and problems, as llama-server keeps its slots busy: <see cref="SamplerOptions.Parallel"/>
/// sequences (slots) are kept generating. When a sample ends, its slot takes the next sample of the problem being handed out: it
/// drops its generated cells when its last sample was of that problem (the prompt's cells stay), or clears its cells and copies the
/// prompt (llama_memory_seq_cp) from the prompt sequence, one past the slots. When that problem
/// has no samples left, the next problem's prompt is prefilled into the prompt sequence in the same llama_decode batch as the other
/// slots' generated tokens, and free slots take its samples once its last prompt token is decoded. Each sample keeps its seed per
/// (run, problem, index), and is handed back as soon as it ends, so a cancelled run loses only the samples in flight.
///
/// llama.cpp's results depend slightly on which sequences share a batch, so a sample's bits depend on its neighbours (which differ
/// with --parallel, the problems around it and what a resume left to draw); <see cref="BatchedSampler"/> (--batching waves) is the
/// reproducible mode. The KV cache is sized once for the run's longest prompt, and checked per problem before any decode.
/// </summary>
public sealed class ContinuousSampler(LlamaModel model, SamplerOptions options, ForcedLength? forcedLength = null) : IDisposable
{
    private const int MaxPromptChunk = 2048;
    private readonly StreamDrawer _drawer = new(model);
    private LlamaContext? _context;

    /// <summary>Prompt tokens decoded so far: one prefill per problem.</summary>
    public long PromptTokensPrefilled { get; private set; }

    /// <summary>Tokens of the samples handed back so far.</summary>
    public long TokensGenerated { get; private set; }

    /// <summary>KV cells of the context of the last run (0 before the first), all sequences together.</summary>
    public int ContextSize => _context?.ContextSize ?? 0;

    /// <summary>
    /// Draws every listed sample, problem after problem, and yields the samples that ended at each decode step, one wave per
    /// problem. <paramref name="onStep"/> hears the generated tokens each decode step takes, for progress.
    /// </summary>
    public IEnumerable<Wave> Sample(IReadOnlyList<ProblemWork> work, Action<int>? onStep = null, CancellationToken cancellationToken = default)
    {
        options.ThrowIfInvalid();
        var todo = work.Where(w => w.Indices.Count > 0).ToList();
        if (todo.Count == 0) yield break;
        if (todo.FirstOrDefault(w => w.Prompt.Tokens.Length == 0) is { } empty) throw new ArgumentException($"Problem {empty.Prompt.ProblemId}: the prompt has no tokens.");

        var slots = (int)Math.Min(options.Parallel, todo.Sum(w => (long)w.Indices.Count));
        var promptSequence = slots;
        var context = ContextFor(todo, slots);
        var batch = new LlamaBatch(slots + Math.Min(todo.Max(w => w.Prompt.Tokens.Length), MaxPromptChunk));
        var queue = new Queue<ProblemState>(todo.Select(w => new ProblemState(w, model.VocabSize)));
        ProblemState? feeding = null;
        var live = new SampleStream?[slots];
        var owners = new ProblemState?[slots];
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var started = new List<SampleStream>();
                for (var slot = 0; slot < slots; slot++)
                {
                    if (live[slot] is not null) continue;
                    if (feeding is null || feeding.Exhausted)
                    {
                        if (!queue.TryDequeue(out var next)) break;
                        // Slots that copied the last problem's prompt keep their own cells (split KV) or tags (unified KV); a copy
                        // is applied at the start of the next llama_decode, from the cells as they were when it was asked for.
                        context.RemoveTokens(promptSequence, 0, -1);
                        feeding = next;
                        feeding.Clock.Start();
                    }
                    if (!feeding.Ready) break;
                    var index = feeding.Work.Indices[feeding.Handed++];
                    if (owners[slot] == feeding)
                    {
                        // The slot's last sample was of this problem: its cells still hold the prompt, so drop only the generated ones.
                        context.RemoveTokens(slot, feeding.Work.Prompt.Tokens.Length, -1);
                    }
                    else
                    {
                        // A split-KV copy is a whole-stream copy, applied (with a graph re-reservation) at the next decode.
                        context.RemoveTokens(slot, 0, -1);
                        context.CopySequence(promptSequence, slot);
                    }
                    live[slot] = SampleStream.Open(options, feeding.Id, index, slot, feeding.Work.Prompt.Tokens.Length, forcedLength?.Invoke(feeding.Id, index));
                    owners[slot] = feeding;
                    started.Add(live[slot]!);
                }
                // A sample's first token is drawn from its prompt's logits, as in the wave sampler.
                _drawer.DrawAll(started, (stream, _) => stream.SampleFrom(owners[stream.Sequence]!.PromptLogits));

                var entries = new List<BatchEntry>(batch.Capacity);
                foreach (var stream in live)
                {
                    if (stream?.Pending is { } token) entries.Add(new BatchEntry(token, stream.Position, stream.Sequence, stream));
                }
                var generated = entries.Count;
                if (feeding is { Ready: false } prefilling)
                {
                    var tokens = prefilling.Work.Prompt.Tokens;
                    var end = Math.Min(tokens.Length, prefilling.Prefilled + batch.Capacity - entries.Count);
                    for (var i = prefilling.Prefilled; i < end; i++) entries.Add(new BatchEntry(tokens[i], i, promptSequence, null, LastOfPrompt: i == tokens.Length - 1));
                }
                if (entries.Count > 0)
                {
                    DecodeAndSample(context, batch, entries.ToArray(), feeding);
                    if (generated > 0) onStep?.Invoke(generated);
                }

                var ended = new List<(ProblemState Problem, GeneratedSample Sample)>();
                for (var slot = 0; slot < slots; slot++)
                {
                    if (live[slot] is not { Finished: true } done) continue;
                    ended.Add((owners[slot]!, done.ToSample()));
                    done.Dispose();
                    live[slot] = null;
                }
                foreach (var group in ended.GroupBy(e => e.Problem))
                {
                    var samples = group.Select(e => e.Sample).ToList();
                    TokensGenerated += samples.Sum(s => s.TokenCount);
                    var problem = group.Key;
                    var promptTokens = problem.PromptCounted ? 0 : problem.Work.Prompt.Tokens.Length;
                    problem.PromptCounted = true;
                    yield return new Wave(problem.Id, samples, promptTokens, problem.Clock.Elapsed);
                }
                if (entries.Count == 0 && ended.Count == 0 && live.All(s => s is null)) break;
            }
        }
        finally
        {
            foreach (var stream in live) stream?.Dispose();
        }
    }

    /// <summary>Decodes the step's entries (generated tokens of live slots, then a chunk of a prompt), halving on "no KV slot", and samples each slot's next token.</summary>
    private void DecodeAndSample(LlamaContext context, LlamaBatch batch, BatchEntry[] entries, ProblemState? feeding)
    {
        var promptRow = -1;
        BatchDecoder.Decode(context, batch, entries,
            (b, items) =>
            {
                foreach (var e in items)
                {
                    var row = b.Add(e.Token, e.Position, e.Sequence, logits: e.Stream is not null || e.LastOfPrompt);
                    if (e.Stream is { } stream) stream.Row = row;
                    else if (e.LastOfPrompt) promptRow = row;
                }
            },
            items =>
            {
                var streams = new List<SampleStream>(items.Length);
                foreach (var e in items)
                {
                    if (e.Stream is { } stream)
                    {
                        streams.Add(stream);
                    }
                    else
                    {
                        feeding!.Prefilled++;
                        PromptTokensPrefilled++;
                        if (e.LastOfPrompt) context.CopyLogits(promptRow, feeding.PromptLogits);
                    }
                }
                var rows = new LlamaLogitsRow[streams.Count];
                for (var i = 0; i < streams.Count; i++) rows[i] = context.LogitsRow(streams[i].Row);
                foreach (var s in streams) s.Position++;
                _drawer.DrawAll(streams, (stream, i) => stream.SampleFrom(rows[i]));
            });
    }

    /// <summary>
    /// One context for the run, sized for its longest prompt: split KV gives each slot and the prompt sequence prompt + max_new cells,
    /// unified KV holds up to one prompt per sequence plus every slot's new tokens. Each problem is checked before any decode.
    /// </summary>
    private LlamaContext ContextFor(List<ProblemWork> todo, int slots)
    {
        var longest = todo.Max(w => w.Prompt.Tokens.Length);
        var sequences = slots + 1;
        var cells = options.KvUnified ? sequences * longest + slots * options.MaxTokens : sequences * ((longest + options.MaxTokens + 255) / 256 * 256);
        _context?.Dispose();
        _context = null;
        var context = LlamaContext.Create(model, new LlamaContextOptions
        {
            ContextSize = (cells + 255) / 256 * 256,
            BatchSize = slots + Math.Min(longest, MaxPromptChunk),
            MicroBatchSize = 512,
            MaxSequences = sequences,
            Threads = options.Threads,
            KvUnified = options.KvUnified,
        });
        var perSequence = context.ContextSizePerSequence;
        var tooLong = todo.FirstOrDefault(w => w.Prompt.Tokens.Length + options.MaxTokens > perSequence);
        if (tooLong is not null || (options.KvUnified && context.ContextSize < cells))
        {
            var size = context.ContextSize;
            context.Dispose();
            var problem = tooLong ?? todo.MaxBy(w => w.Prompt.Tokens.Length)!;
            throw new LlamaException($"Problem {problem.Prompt.ProblemId}: llama.cpp gave a KV cache of {size} cells ({perSequence} per sequence), fewer than prompt {problem.Prompt.Tokens.Length} + {options.MaxTokens} new tokens need in each of {slots} slots.");
        }
        _context = context;
        return context;
    }

    public void Dispose() => _context?.Dispose();

    /// <summary>A token of a step: a slot's pending token (<paramref name="Stream"/> set), or a token of the prompt being prefilled.</summary>
    private readonly record struct BatchEntry(LlamaToken Token, int Position, int Sequence, SampleStream? Stream, bool LastOfPrompt = false);

    private sealed class ProblemState(ProblemWork work, int vocabSize)
    {
        public ProblemWork Work { get; } = work;
        public string Id => Work.Prompt.ProblemId;
        public float[] PromptLogits { get; } = new float[vocabSize];
        public Stopwatch Clock { get; } = new();
        public int Prefilled { get; set; }
        public bool Ready => Prefilled == Work.Prompt.Tokens.Length;
        public int Handed { get; set; }
        public bool Exhausted => Handed == Work.Indices.Count;
        public bool PromptCounted { get; set; }
    }
}
