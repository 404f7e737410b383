using System.Diagnostics;
using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;

namespace BestOfN.Sampler.Sampling;

/// <summary>Progress of a sampling run, for a progress display.</summary>
public readonly record struct SamplingProgress(
    int ProblemsDone, int ProblemsTotal, long SamplesDone, long SamplesTotal, long SamplesResumed,
    long TokensGenerated, long PromptTokensPrefilled, TimeSpan Elapsed);

/// <param name="SamplesDrawn">Samples drawn by this invocation (not those found already stored).</param>
/// <param name="SamplesSkipped">Samples that were already stored and were not drawn again.</param>
/// <param name="Interrupted">The run was cancelled: the wave in flight (in continuous batching, the samples in flight) was dropped, every finished one is stored.</param>
/// <param name="Batching">How the samples were batched.</param>
public sealed record SamplingSummary(int Problems, long SamplesDrawn, long SamplesSkipped, long TokensGenerated, long PromptTokensPrefilled, TimeSpan Elapsed,
    bool Interrupted = false, Batching Batching = Batching.Waves);

/// <summary>
/// Samples N solutions per problem into a sink, resuming whatever the sink already holds. With <see cref="Batching.Waves"/>, samples
/// are drawn in waves of <see cref="SamplerOptions.Parallel"/> consecutive indices, [wP, (w+1)P), the same waves whatever N is:
/// llama.cpp's results depend slightly on which sequences are decoded together, so a wave cut short by a smaller N is drawn again
/// whole when N grows, and <c>--n 9</c> then <c>--n 16</c> stores what <c>--n 16</c> stores. With <see cref="Batching.Continuous"/>,
/// every sample is stored when it ends and a rerun draws exactly the indices not stored.
/// </summary>
public static class SamplingJob
{
    /// <param name="prepared">The problems' prompts from <see cref="Prepare"/>, when the caller checked them before opening its sink.</param>
    public static SamplingSummary Run(LlamaModel model, IReadOnlyList<Problem> problems, PromptRenderer renderer, SamplerOptions options,
        ISampleSink sink, IProgress<SamplingProgress>? progress = null, CancellationToken cancellationToken = default,
        IReadOnlyList<PreparedPrompt>? prepared = null)
    {
        var clock = Stopwatch.StartNew();
        options = options with { StopStrings = options.StopStrings.Concat(renderer.FormatStopStrings).Distinct().ToList() };
        options.ThrowIfInvalid();
        var prompts = prepared ?? Prepare(model, problems, renderer, options);
        var work = prompts.Select(p => (Prompt: p, Missing: ToDraw(sink.StoredIndices(p.ProblemId), options))).ToList();
        var samplesTotal = (long)problems.Count * options.N;
        var skipped = samplesTotal - work.Sum(w => (long)w.Missing.Count);
        long samplesDone = skipped, tokens = 0, prefilled = 0, drawn = 0;
        var problemsDone = 0;
        void Report() => progress?.Report(new SamplingProgress(problemsDone, problems.Count, samplesDone, samplesTotal, skipped, tokens, prefilled, clock.Elapsed));

        var todo = work.Where(w => w.Missing.Count > 0).ToList();
        problemsDone = problems.Count - todo.Count;
        for (var i = 0; i < problems.Count; i++) sink.SaveProblem(problems[i], prompts[i]);
        Report();
        if (todo.Count == 0) return new SamplingSummary(problems.Count, 0, skipped, 0, 0, clock.Elapsed);

        using var sampler = new BatchedSampler(model, options);
        using var continuous = new ContinuousSampler(model, options);
        var lastReport = clock.Elapsed;
        var interrupted = false;
        try
        {
            if (options.Batching == Batching.Continuous) DrawContinuously();
            else Draw();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        return new SamplingSummary(problems.Count, drawn, skipped, sampler.TokensGenerated + continuous.TokensGenerated,
            sampler.PromptTokensPrefilled + continuous.PromptTokensPrefilled, clock.Elapsed, interrupted, options.Batching);

        void OnStep(int step)
        {
            tokens += step;
            if (clock.Elapsed - lastReport < TimeSpan.FromMilliseconds(250)) return;
            lastReport = clock.Elapsed;
            Report();
        }

        void DrawContinuously()
        {
            var left = todo.ToDictionary(w => w.Prompt.ProblemId, w => w.Missing.Count);
            foreach (var wave in continuous.Sample([.. todo.Select(w => new ProblemWork(w.Prompt, w.Missing))], OnStep, cancellationToken))
            {
                sink.SaveWave(wave);
                samplesDone += wave.Samples.Count;
                drawn += wave.Samples.Count;
                tokens = continuous.TokensGenerated;
                prefilled = continuous.PromptTokensPrefilled;
                if ((left[wave.ProblemId] -= wave.Samples.Count) == 0) problemsDone++;
                Report();
            }
        }

        void Draw()
        {
            foreach (var (prompt, missing) in todo)
            {
                var tokensBefore = tokens;
                foreach (var wave in sampler.Sample(prompt, missing, OnStep, cancellationToken))
                {
                    sink.SaveWave(wave);
                    samplesDone += wave.Samples.Count;
                    drawn += wave.Samples.Count;
                    // First-token draws come from the prompt's logits, not a decode step: count them here.
                    tokens = tokensBefore + wave.GeneratedTokens;
                    tokensBefore = tokens;
                    prefilled = sampler.PromptTokensPrefilled;
                    Report();
                }
                problemsDone++;
                Report();
            }
        }
    }

    /// <summary>
    /// Renders and tokenizes every problem's prompt, and refuses, before any work, the problems whose prompt plus --max-tokens
    /// exceeds the context the model was trained on: positions beyond it are out of the model's range, and one such prompt
    /// would otherwise fail, or run garbled, hours into a run. Every such problem is listed, with its numbers.
    /// </summary>
    /// <exception cref="ArgumentException">A prompt plus --max-tokens exceeds the model's trained context.</exception>
    public static IReadOnlyList<PreparedPrompt> Prepare(LlamaModel model, IReadOnlyList<Problem> problems, PromptRenderer renderer, SamplerOptions options)
    {
        var prompts = problems.Select(renderer.Prepare).ToList();
        var trained = model.TrainedContextLength;
        if (trained <= 0) return prompts; // the model does not say
        var tooLong = prompts.Where(p => p.Tokens.Length + options.MaxTokens > trained).ToList();
        if (tooLong.Count == 0) return prompts;
        var first = tooLong[0];
        var others = tooLong.Count == 1 ? "" : $" ({tooLong.Count - 1} more: {string.Join(", ", tooLong.Skip(1).Take(5).Select(p => $"{p.ProblemId} with {p.Tokens.Length}"))}{(tooLong.Count > 6 ? ", …" : "")})";
        throw new ArgumentException(
            $"Problem {first.ProblemId}: its prompt of {first.Tokens.Length} tokens + --max-tokens {options.MaxTokens} = {first.Tokens.Length + options.MaxTokens} tokens, " +
            $"more than the {trained} the model was trained on{others}; lower --max-tokens or leave {(tooLong.Count == 1 ? "it" : "them")} out (--problems). Nothing was sampled.");
    }

    /// <summary>The indices to draw: in continuous batching every index below N not stored; in waves, see the other overload.</summary>
    public static List<int> ToDraw(IReadOnlySet<int> stored, SamplerOptions options) => options.Batching == Batching.Continuous
        ? [.. Enumerable.Range(0, options.N).Where(i => !stored.Contains(i))]
        : ToDraw(stored, options.N, options.Parallel);

    /// <summary>The indices to draw: every wave [wP, min((w+1)P, n)) that is not wholly stored, drawn whole.</summary>
    public static List<int> ToDraw(IReadOnlySet<int> stored, int n, int parallel)
    {
        var draw = new List<int>();
        for (var start = 0; start < n; start += parallel)
        {
            var end = Math.Min(start + parallel, n);
            for (var i = start; i < end; i++)
            {
                if (stored.Contains(i)) continue;
                for (var j = start; j < end; j++) draw.Add(j);
                break;
            }
        }
        return draw;
    }
}
