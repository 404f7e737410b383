using System.Text.Json;
using BestOfN.Pipeline.Sharding;
using BestOfN.Remote;
using BestOfN.Store;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>Everything one scoring of a stored run needs.</summary>
public sealed record ScoreRequest
{
    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>The run to score; null for the store's only run.</summary>
    public string? RunId { get; init; }

    /// <summary>The reward model: a GGUF for the llama.cpp protocols, an ONNX file for the ONNX one, the endpoint's URL for http-classifier.</summary>
    public required string ModelPath { get; init; }

    public ScorerOptions Scorer { get; init; } = new();

    public int GpuLayers { get; init; }

    /// <summary>Scorer id; null derives it from the model hash and every setting that changes scores.</summary>
    public string? ScorerName { get; init; }

    /// <summary>Only these problems; null for all.</summary>
    public IReadOnlySet<string>? ProblemIds { get; init; }

    /// <summary>Score only this shard's problems, in the shard's own store (<see cref="ShardSpec.StorePath"/>, as <c>sample --shard</c> wrote it); null for all.</summary>
    public ShardSpec? Shard { get; init; }

    /// <summary>Return the text the model reads for the first answer (the rendered conversation), to check the template.</summary>
    public bool ShowPrompt { get; init; }
}

/// <param name="Stored">Answers of the run with this scorer's scores once this invocation ended.</param>
/// <param name="MaxSequenceTokens">The longest sequence scored (the option, or the model's trained context); null when the scorer does not say.</param>
/// <param name="FirstInput">With <see cref="ScoreRequest.ShowPrompt"/>: the text the model reads for the first stored answer.</param>
/// <param name="Resilience">A remote reward model's retry, timeout and circuit-breaker counts; null for a local one.</param>
/// <param name="KvLayout">The llama.cpp KV layouts the batches ran with (<see cref="LlamaRewardScorer.KvLayoutUsed"/>); null for other runtimes.</param>
public sealed record ScoreResult(string RunId, string ScorerId, string StorePath, string ModelName, string Protocol, int Batch, ScoringSummary Summary,
    long Stored, int? MaxSequenceTokens = null, string? FirstInput = null, ResilienceCounts? Resilience = null, string? KvLayout = null);

/// <summary>Scores a run's stored samples with a reward model, every step score kept; a rerun resumes. llama.cpp must be loaded.</summary>
public static class ScoreRun
{
    public static ScoreResult Run(ScoreRequest request, IProgress<ScoringProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        PipelineErrors.ThrowIfInvalid(request.Scorer.Validate());
        var path = Path.GetFullPath(request.Shard?.StorePath(request.StorePath) ?? request.StorePath);
        if (!File.Exists(path))
            throw new FileNotFoundException($"No run store at {path}; give --store the file that sample or import wrote{(request.Shard is { } s ? $" (for shard {s}: the store that sample --shard {s} wrote)" : "")}.", path);
        using var store = RunStore.Open(path);
        return Run(store, StoredRuns.Select(store, request.RunId), request, progress, cancellationToken);
    }

    /// <summary>The options a scoring of the run uses: --steps auto follows the style an imported set was declared with (RLHFlow's Mistral mode never splits on blank lines).</summary>
    public static ScorerOptions ForRun(RunInfo run, ScorerOptions options) =>
        options.Steps == StepSplit.Auto && ScoringNames.TryParseStyle(SampleSetImport.Style(run), out var styled) ? options with { Steps = styled } : options;

    /// <summary>The id a scoring of the run gets when no scorer name is given (the model is hashed, not loaded).</summary>
    public static string ScorerIdFor(RunStore store, RunInfo run, string modelPath, ScorerOptions options) =>
        RunIdentity.ScorerIdFor(RunIdentity.ScorerConfigJson(ModelSha256(store, modelPath, options), ForRun(run, options), store.ModelHash));

    /// <summary>The model's hash: a file's SHA-256, or what a remote protocol has stand for it.</summary>
    private static string ModelSha256(RunStore store, string modelPath, ScorerOptions options) =>
        options.Protocol.RemoteModelSha256(modelPath, options) ?? store.ModelHash(modelPath);

    /// <summary>Scores a run of an open store.</summary>
    public static ScoreResult Run(RunStore store, RunInfo run, ScoreRequest request, IProgress<ScoringProgress>? progress = null,
        CancellationToken cancellationToken = default)
    {
        var options = ForRun(run, request.Scorer);
        var protocol = options.Protocol;
        using var scorer = protocol.Open(request.ModelPath, options, request.GpuLayers);
        var sha = ModelSha256(store, request.ModelPath, options);
        var modelPath = protocol.IsRemote ? request.ModelPath : Path.GetFullPath(request.ModelPath);
        var config = RunIdentity.ScorerConfigJson(sha, options, store.ModelHash);
        var scorerId = request.ScorerName ?? RunIdentity.ScorerIdFor(config);
        var manifest = new SortedDictionary<string, object?>(scorer.Manifest.ToDictionary()) { ["model_sha256"] = sha };
        store.EnsureScorer(new ScorerInfo(run.RunId, scorerId, protocol.Name, protocol.ScoresSteps(options), modelPath, sha, config,
            JsonSerializer.Serialize(manifest), DateTimeOffset.UtcNow));
        var problemIds = request.Shard is { } shard
            ? (request.ProblemIds ?? (IEnumerable<string>)store.ProblemIds(run.RunId)).Where(shard.Contains).ToHashSet()
            : request.ProblemIds;
        var scoreStore = new RunStoreScoreStore(store, run.RunId, scorerId, problemIds);
        string? firstInput = null;
        if (request.ShowPrompt && scoreStore.Problems().FirstOrDefault(p => p.Answers.Count > 0) is { } first)
            firstInput = scorer.InputText(first.Prompt, first.Answers[0].Text) ?? "(this protocol has no text form of its input)";
        var summary = ScoringJob.Run(scorer, scoreStore, progress, cancellationToken: cancellationToken);
        var maxTokens = scorer.Manifest.TryGetValue("max_sequence_tokens", out var m) && m is int max ? max : (int?)null;
        return new ScoreResult(run.RunId, scorerId, store.Path, protocol.IsRemote ? request.ModelPath : Path.GetFileName(request.ModelPath), protocol.Name, options.Batch, summary,
            store.ScoreCount(run.RunId, scorerId), maxTokens, firstInput, (scorer as HttpClassifierScorer)?.Resilience, (scorer as LlamaRewardScorer)?.KvLayoutUsed);
    }
}
