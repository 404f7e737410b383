using System.Diagnostics;
using BestOfN.Llama;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// One sample being drawn: its seeded chain, the KV sequence it decodes on, its text and why it ended. The wave sampler and the
/// continuous sampler share it, so both end a sample the same way (end-of-generation, a stop string, the length limit).
/// </summary>
internal sealed class SampleStream(string problemId, int index, int sequence, uint seed, int position, LlamaSamplerChain chain, StopStringMatcher text,
    int maxTokens, bool ignoreEndOfGeneration) : IDisposable
{
    private readonly byte[] _piece = new byte[256];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private LlamaToken _drawn;
    private int _tokens;
    private FinishReason _finish;
    private double _milliseconds;

    /// <summary>Opens the stream of sample <paramref name="index"/> of a problem, seeded per (run, problem, index).</summary>
    /// <param name="forcedLength">Benchmarks only: end the sample after exactly this many tokens, whatever it draws.</param>
    public static SampleStream Open(SamplerOptions options, string problemId, int index, int sequence, int position, int? forcedLength = null)
    {
        var seed = SampleSeed.Derive(options.Seed, problemId, index);
        return new SampleStream(problemId, index, sequence, seed, position, LlamaSamplerChain.Create(options.Sampling, seed), new StopStringMatcher(options.StopStrings),
            forcedLength ?? options.MaxTokens, forcedLength is not null || options.IgnoreEndOfGeneration);
    }

    public string ProblemId { get; } = problemId;
    public int Index { get; } = index;
    public int Sequence { get; } = sequence;
    public LlamaSamplerChain Chain { get; } = chain;
    public int Position { get; set; } = position;
    public int Row { get; set; }
    public LlamaToken? Pending { get; private set; }
    public SamplerScratch? Scratch { get; set; }

    /// <summary>The stream took its last token.</summary>
    public bool Finished { get; private set; }

    public void SampleFrom(float[] logits) => _drawn = Chain.Sample(logits, Scratch!);

    public void SampleFrom(LlamaLogitsRow logits) => _drawn = Chain.Sample(logits, Scratch!);

    /// <summary>Takes the drawn token: stop on end-of-generation, a completed stop string or the length limit.</summary>
    public void Advance(LlamaModel model)
    {
        _tokens++;
        Pending = null;
        if (!ignoreEndOfGeneration && model.IsEndOfGeneration(_drawn)) Finish(FinishReason.Eos);
        else if (text.Append(_piece.AsSpan(0, model.TokenBytes(_drawn, _piece)))) Finish(FinishReason.Stop);
        else if (_tokens >= maxTokens) Finish(FinishReason.Length);
        else Pending = _drawn;
    }

    private void Finish(FinishReason reason)
    {
        _finish = reason;
        _milliseconds = _clock.Elapsed.TotalMilliseconds;
        Finished = true;
    }

    public GeneratedSample ToSample() => new(ProblemId, Index, seed, text.Text, _tokens, _finish, text.MatchedStop, _milliseconds);

    public void Dispose() => Chain.Dispose();
}

/// <summary>
/// Samples the next token of each stream, on the calling thread. Drawing in parallel was measured slower (bestofn bench, P = 16, 2 cores:
/// 1.0–1.6 ms a step against 0.65 ms): when llama_decode returns, ggml's OpenMP workers spin for a while before they sleep, so the
/// cores a parallel draw would use are taken, and the thread pool's own spinning then competes with the next decode's threads.
/// A draw costs microseconds (a chain that starts with top-k is handed only the k largest logits; see TopKCandidates).
/// </summary>
internal sealed class StreamDrawer(LlamaModel model)
{
    private readonly SamplerScratch _scratch = new(model.VocabSize);

    public void DrawAll(IReadOnlyList<SampleStream> streams, Action<SampleStream, int> sample)
    {
        for (var i = 0; i < streams.Count; i++)
        {
            streams[i].Scratch = _scratch;
            sample(streams[i], i);
            streams[i].Advance(model);
        }
    }
}
