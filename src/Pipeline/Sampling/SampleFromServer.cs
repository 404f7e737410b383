using BestOfN.Problems;
using BestOfN.Remote;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Sampler.Server;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>
/// The server side of <see cref="SampleDataset"/> (<c>--generator openai</c>): the same store, sink, shard record and resume rules as
/// the llama.cpp sampler, with the server's model name and reported version standing for the GGUF's hash in the run identity.
/// </summary>
internal static class SampleFromServer
{
    public static SampleResult Run(SampleRequest request, ServerGeneratorOptions server, IReadOnlyList<Problem> runProblems, IReadOnlyList<Problem> problems,
        IProgress<SamplingProgress>? progress, CancellationToken cancellationToken)
    {
        var content = new PromptContent(request.Prompt);
        using var http = new ResilientHttp(new Uri(server.BaseUrl), server.Resilience, server.ApiKey);
        var client = new OpenAiCompatibleClient(http, server.ModelName);
        var model = client.DescribeModelAsync(cancellationToken).GetAwaiter().GetResult();
        using var store = request.JsonlOut is null ? RunStore.Open(request.Shard?.StorePath(request.StorePath) ?? request.StorePath) : null;
        var config = RunIdentity.ServerSamplingConfigJson(model, request.Dataset.Name, request.Prompt, request.Sampler);
        var runId = request.RunName ?? RunIdentity.RunIdFor(config);
        var modelUrl = new Uri(http.BaseAddress, $"models/{Uri.EscapeDataString(model.Name)}").AbsoluteUri;
        store?.EnsureRun(new RunInfo(runId, "sample", request.Dataset.Name, modelUrl, RunIdentity.ServerModelHash(model), config, DateTimeOffset.UtcNow));
        using var runLock = store is null ? null : RunSettingsGuard.Lock(store.Path, runId);
        if (store is not null && request.Shard is { } recorded)
            store.SaveShard(new ShardRecord(runId, recorded.Index, recorded.Count, request.Sampler.N, [.. runProblems.Select(p => p.Id)]));
        using var jsonlSink = request.JsonlOut is null ? null : new JsonlSampleSink(Path.GetFullPath(request.JsonlOut), runId);
        ISampleSink sink = jsonlSink ?? (ISampleSink)new RunStoreSink(store!, runId, runProblems);
        var summary = ServerSamplingJob.Run(client, http, server.Resilience.MaxConcurrency, problems, content, request.Sampler, sink, progress, cancellationToken);
        return new SampleResult(runId, store?.Path ?? jsonlSink!.Path, problems.Count, request.Sampler.N, model.Name, $"served at {server.BaseUrl}", summary.Sampling,
            store?.SampleCount(runId), request.Shard, summary);
    }
}
