using System.Diagnostics;
using BestOfN.Problems;
using BestOfN.Remote;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Server;

/// <param name="Failed">Samples still failing after every retry (or refused by the server); a rerun draws them again.</param>
/// <param name="FirstFailures">The first few failures, one line each: problem, index and why.</param>
/// <param name="Resilience">What the retry, timeout and circuit breaker did.</param>
public sealed record ServerSamplingSummary(SamplingSummary Sampling, long Failed, IReadOnlyList<string> FirstFailures, ResilienceCounts Resilience);

/// <summary>
/// Samples N solutions per problem from an OpenAI-compatible server into a sink, resuming whatever the sink already holds. Every sample is
/// one request with its own seed (<see cref="SampleSeed"/>, as the llama.cpp sampler derives it) and is stored as a one-sample wave
/// the moment its response has arrived whole, so a crash loses only requests in flight. A sample whose retries run out is counted,
/// not stored, and the run goes on.
/// </summary>
public static class ServerSamplingJob
{
    private const int FailuresListed = 5;

    public static ServerSamplingSummary Run(OpenAiCompatibleClient client, ResilientHttp http, int maxConcurrency, IReadOnlyList<Problem> problems,
        PromptContent content, SamplerOptions options, ISampleSink sink, IProgress<SamplingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var clock = Stopwatch.StartNew();
        var stop = options.StopStrings.Concat(content.FormatStopStrings).Distinct().ToList();
        var prompts = problems.Select(p => content.IsConversation ? new ServerPrompt(p.Id, null, content.Conversation(p)) : new ServerPrompt(p.Id, content.Text(p), null)).ToList();
        // Every sample is its own unit here: a wave of one.
        var work = prompts.Select(p => (Prompt: p, Missing: SamplingJob.ToDraw(sink.StoredIndices(p.ProblemId), options.N, 1))).ToList();
        var samplesTotal = (long)problems.Count * options.N;
        var skipped = samplesTotal - work.Sum(w => (long)w.Missing.Count);
        var gate = new Lock();
        long samplesDone = skipped, tokens = 0, prefilled = 0, drawn = 0, failed = 0;
        var failures = new List<string>();
        var left = work.ToDictionary(w => w.Prompt.ProblemId, w => w.Missing.Count);
        var problemsDone = left.Count(kv => kv.Value == 0);
        var lastReport = TimeSpan.MinValue;
        void Report(bool force)
        {
            if (!force && clock.Elapsed - lastReport < TimeSpan.FromMilliseconds(250)) return;
            lastReport = clock.Elapsed;
            progress?.Report(new SamplingProgress(problemsDone, problems.Count, samplesDone, samplesTotal, skipped, tokens, prefilled, clock.Elapsed));
        }

        for (var i = 0; i < problems.Count; i++) sink.SaveProblem(problems[i], new PreparedPrompt(problems[i].Id, prompts[i].AuditText, []));
        Report(force: true);
        var items = work.SelectMany(w => w.Missing.Select(index => (w.Prompt, Index: index)));
        var interrupted = false;
        try
        {
            Parallel.ForEachAsync(items, new ParallelOptions { MaxDegreeOfParallelism = maxConcurrency, CancellationToken = cancellationToken }, async (item, token) =>
            {
                var seed = SampleSeed.Derive(options.Seed, item.Prompt.ProblemId, item.Index);
                var started = clock.Elapsed;
                try
                {
                    var completion = await client.GenerateAsync(item.Prompt, options, stop, seed, token);
                    var elapsed = clock.Elapsed - started;
                    var sample = new GeneratedSample(item.Prompt.ProblemId, item.Index, seed, completion.Text, completion.CompletionTokens,
                        completion.FinishReason, completion.StopString, elapsed.TotalMilliseconds);
                    lock (gate)
                    {
                        sink.SaveWave(new Wave(item.Prompt.ProblemId, [sample], completion.PromptTokens, elapsed));
                        samplesDone++;
                        drawn++;
                        tokens += completion.CompletionTokens;
                        prefilled += completion.PromptTokens;
                        if (--left[item.Prompt.ProblemId] == 0) problemsDone++;
                        Report(force: false);
                    }
                }
                catch (Exception e) when (!token.IsCancellationRequested)
                {
                    lock (gate)
                    {
                        failed++;
                        if (failures.Count < FailuresListed) failures.Add($"problem {item.Prompt.ProblemId} sample {item.Index}: {e.Message}");
                    }
                }
            }).GetAwaiter().GetResult();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            interrupted = true;
        }
        lock (gate) Report(force: true);
        var summary = new SamplingSummary(problems.Count, drawn, skipped, tokens, prefilled, clock.Elapsed, interrupted);
        return new ServerSamplingSummary(summary, failed, failures, http.Counts);
    }
}
