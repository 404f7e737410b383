using System.Collections.Concurrent;
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

/// <summary>Samples the next token of many streams at once, each with scratch memory from a shared pool.</summary>
internal sealed class StreamDrawer(LlamaModel model, int threads)
{
    private readonly ConcurrentBag<SamplerScratch> _scratch = [];
    private readonly ParallelOptions _parallelOptions = new() { MaxDegreeOfParallelism = threads > 0 ? threads : Environment.ProcessorCount };

    public void DrawAll(IReadOnlyList<SampleStream> streams, Action<SampleStream, int> sample)
    {
        void One(int i)
        {
            var scratch = _scratch.TryTake(out var sc) ? sc : new SamplerScratch(model.VocabSize);
            try
            {
                streams[i].Scratch = scratch;
                sample(streams[i], i);
                streams[i].Advance(model);
            }
            finally
            {
                _scratch.Add(scratch);
            }
        }
        if (streams.Count == 1) One(0);
        else if (streams.Count > 1) Parallel.For(0, streams.Count, _parallelOptions, One);
    }
}
