using BestOfN.Llama;
using BestOfN.Pipeline.Sharding;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Sampler.Server;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>Everything one sampling run needs.</summary>
public sealed record SampleRequest
{
    public required DatasetSpec Dataset { get; init; }

    /// <summary>Only these problem ids; null for all.</summary>
    public IReadOnlyCollection<string>? ProblemIds { get; init; }

    /// <summary>Only the first problems; null for all.</summary>
    public int? Limit { get; init; }

    /// <summary>The GGUF to sample from with llama.cpp; empty when <see cref="Server"/> is set.</summary>
    public string ModelPath { get; init; } = "";

    /// <summary>Sample from this OpenAI-compatible server instead of a local GGUF (<c>--generator openai</c>); null for llama.cpp.</summary>
    public ServerGeneratorOptions? Server { get; init; }

    public SamplerOptions Sampler { get; init; } = new();

    public PromptOptions Prompt { get; init; } = new();

    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>Write samples to this JSONL file instead of the store.</summary>
    public string? JsonlOut { get; init; }

    /// <summary>Run id; null derives it from the model hash and every setting that changes samples.</summary>
    public string? RunName { get; init; }

    public int GpuLayers { get; init; }

    /// <summary>Sample only this shard's problems, into its own store (<see cref="ShardSpec.StorePath"/>); null for the whole run.</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>Every problem with the request, listed together.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>([.. Sampler.Validate(), .. Prompt.Validate()]);
        if (Limit is <= 0) errors.Add($"--limit must be 1 or more, not {Limit}.");
        if (Server is null && string.IsNullOrEmpty(ModelPath)) errors.Add("--model is required (a GGUF), or --generator openai with --base-url and --model-name.");
        if (Server is null) return errors;
        errors.AddRange(Server.Validate());
        if (!string.IsNullOrEmpty(ModelPath)) errors.Add("--model is for the llama generator; with --generator openai the server's model (--model-name) is used.");
        if (Prompt.ChatTemplate is not null) errors.Add("--chat-template is for the llama generator; a server applies its own template to chat messages.");
        return errors;
    }
}

/// <param name="Destination">The store or JSONL file the samples are in.</param>
/// <param name="Stored">Samples of the run in the store once this invocation ended; null for a JSONL file.</param>
/// <param name="Shard">The shard sampled; null for the whole run.</param>
/// <param name="Server">With <c>--generator openai</c>: failed samples and what the retry, timeout and circuit breaker did.</param>
public sealed record SampleResult(string RunId, string Destination, int Problems, int N, string ModelName, string ModelDescription, SamplingSummary Summary,
    long? Stored = null, ShardSpec? Shard = null, ServerSamplingSummary? Server = null);

/// <summary>
/// Samples N solutions per problem of a dataset into the run store (or a JSONL file); a rerun resumes. llama.cpp must be loaded,
/// unless the request samples from a server (<see cref="SampleFromServer"/>).
/// </summary>
public static class SampleDataset
{
    public static SampleResult Run(SampleRequest request, IProgress<SamplingProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        PipelineErrors.ThrowIfInvalid(request.Validate());
        if (request.Shard is { } sharded && request.JsonlOut is not null) request = request with { JsonlOut = sharded.StorePath(request.JsonlOut) };
        if (request.JsonlOut is { } jsonl)
            OutputFiles.EnsureNotAnInput(jsonl, "--out", request.Dataset.Path, request.Server is null ? request.ModelPath : null, request.Prompt.MessagesFile, request.Prompt.FewShotSource?.Path);
        var runProblems = DatasetLoader.Select(DatasetLoader.Load(request.Dataset), request.ProblemIds, request.Limit);
        // A shard keeps each problem's position in the whole run, so merged shards list their problems as one run does.
        var problems = request.Shard is { } shard ? shard.Select(runProblems, p => p.Id) : runProblems;
        if (request.Server is { } server) return SampleFromServer.Run(request, server, runProblems, problems, progress, cancellationToken);
        using var model = LlamaModel.Load(request.ModelPath, new LlamaModelOptions { GpuLayers = request.GpuLayers });
        var renderer = new PromptRenderer(model, request.Prompt);
        var prompts = SamplingJob.Prepare(model, problems, renderer, request.Sampler); // refuses a prompt too long for the model before the store is touched
        using var store = request.JsonlOut is null ? RunStore.Open(request.Shard?.StorePath(request.StorePath) ?? request.StorePath) : null;
        var modelHash = store?.ModelHash(request.ModelPath) ?? RunStore.FileSha256(request.ModelPath);
        var config = RunIdentity.SamplingConfigJson(modelHash, request.Dataset.Name, request.Prompt, request.Sampler);
        var runId = request.RunName ?? RunIdentity.RunIdFor(config);
        store?.EnsureRun(new RunInfo(runId, "sample", request.Dataset.Name, Path.GetFullPath(request.ModelPath), modelHash, config, DateTimeOffset.UtcNow));
        using var runLock = store is null ? null : RunSettingsGuard.Lock(store.Path, runId);
        if (store is not null) RunSettingsGuard.Check(store, runId, request.Sampler);
        if (store is not null && request.Shard is { } recorded)
            store.SaveShard(new ShardRecord(runId, recorded.Index, recorded.Count, request.Sampler.N, [.. runProblems.Select(p => p.Id)]));
        using var jsonlSink = request.JsonlOut is null ? null : new JsonlSampleSink(Path.GetFullPath(request.JsonlOut), runId);
        ISampleSink sink = jsonlSink ?? (ISampleSink)new RunStoreSink(store!, runId, runProblems);
        var summary = SamplingJob.Run(model, problems, renderer, request.Sampler, sink, progress, cancellationToken, prompts);
        return new SampleResult(runId, store?.Path ?? jsonlSink!.Path, problems.Count, request.Sampler.N, Path.GetFileName(request.ModelPath), model.Description, summary,
            store?.SampleCount(runId), request.Shard);
    }
}
