using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline.Nightly;

/// <summary>One nightly run of a nightly file: what <c>nightly --once</c> does, and what the scheduled service does each time it fires.</summary>
public sealed record NightlyRequest(string ConfigFile)
{
    /// <summary>The clock a file's age is read against (a fake one in tests).</summary>
    public TimeProvider Clock { get; init; } = TimeProvider.System;

    /// <inheritdoc cref="NightlyDefaults.SettleTime"/>
    public TimeSpan SettleTime { get; init; } = NightlyDefaults.SettleTime;

    public NotifyOptions Notify { get; init; } = new();
}

/// <summary>Where a nightly run stands: the item running (1-based) of the new ones, and its experiment's progress.</summary>
public readonly record struct NightlyProgress(int Item, int Items, string Name, ExperimentProgress? Stage);

/// <param name="Processed">This run's attempts, as stored.</param>
/// <param name="Skipped">Files left for a later night (still being written).</param>
/// <param name="GivenUp">Items that failed <c>max_attempts</c> times; they are not tried again.</param>
/// <param name="Interrupted">Cancelled: the item in flight stopped after its sample in flight and resumes on the next run.</param>
/// <param name="Trend">The trend outputs, regenerated from the whole history; null when nothing has succeeded yet.</param>
public sealed record NightlyResult(NightlyConfig Config, IReadOnlyList<NightlyRun> Processed, IReadOnlyList<SkippedFile> Skipped, IReadOnlyList<WatchedFile> GivenUp,
    bool Interrupted, NightlyTrendReport? Trend)
{
    /// <summary>Why the webhook did not take the summary after every retry; null when it did or none is set.</summary>
    public string? NotifyError { get; init; }
}

/// <summary>
/// Finds the new items of the watched folders (new by content hash), runs each as a one-generator experiment through
/// <see cref="RunExperiment"/> (so it resumes where a killed run stopped), and records each attempt with its runs and headline metrics.
/// A failing item is recorded with its error and never stops the others. llama.cpp must be loaded.
/// </summary>
public static class RunNightly
{
    public static readonly string[] DumpExtensions = [".jsonl", ".json"];
    public static readonly string[] CheckpointExtensions = [".gguf"];

    /// <exception cref="NightlyBusyException">Another nightly run of the same store is running.</exception>
    public static NightlyResult Run(NightlyRequest request, IProgress<NightlyProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var config = NightlyConfigReader.Read(request.ConfigFile);
        foreach (var file in NightlyTrend.FixedNames) OutputFiles.EnsureNotAnInput(Path.Combine(config.OutFolder, file), "out:", config.StorePath, config.FilePath);
        using var held = NightlyLock.Acquire(config.LockPath);
        using var store = RunStore.Open(config.StorePath);

        var found = new List<WatchedFile>();
        var skipped = new List<SkippedFile>();
        foreach (var (folder, kind, extensions) in Watched(config))
        {
            var (stable, notYet) = WatchedFolder.Scan(folder, kind, extensions, request.Clock, request.SettleTime, cancellationToken);
            found.AddRange(stable);
            skipped.AddRange(notYet);
        }

        // An item is new until it succeeded with this set of reward models: adding (or replacing) one scores every item again.
        var rewardModels = string.Join(", ", config.RewardModels.Select(r => $"{r.Name}={store.ModelHash(r.ModelPath)[..12]}/{r.Scorer.Protocol.Name}").Order(StringComparer.Ordinal));
        var history = store.NightlyRuns().Where(r => r.RewardModels == rewardModels).ToLookup(r => (r.Kind, r.Sha256));
        var todo = new List<WatchedFile>();
        var givenUp = new List<WatchedFile>();
        foreach (var file in found.DistinctBy(f => (f.Kind, f.Sha256)))
        {
            var attempts = history[(KindName(file.Kind), file.Sha256)].ToList();
            if (attempts.Any(a => a.Status == NightlyStatus.Succeeded)) continue;
            if (attempts.Count(a => a.Status == NightlyStatus.Failed) >= config.MaxAttempts) givenUp.Add(file);
            else todo.Add(file);
        }

        var processed = new List<NightlyRun>();
        for (var i = 0; i < todo.Count; i++)
        {
            var file = todo[i];
            var attempt = history[(KindName(file.Kind), file.Sha256)].Count() + 1;
            var id = store.StartNightlyRun(file.Name, KindName(file.Kind), file.Sha256, attempt, request.Clock.GetUtcNow(), rewardModels);
            var itemProgress = progress is null ? null : new Relay<ExperimentProgress>(p => progress.Report(new NightlyProgress(i + 1, todo.Count, file.Name, p)));
            progress?.Report(new NightlyProgress(i + 1, todo.Count, file.Name, null));
            var (status, error, runIds, metrics) = RunItem(config, file, itemProgress, cancellationToken);
            store.FinishNightlyRun(id, request.Clock.GetUtcNow(), status, error, runIds, metrics);
            processed.Add(store.NightlyRuns().Single(r => r.Id == id));
            if (status == NightlyStatus.Interrupted) return new NightlyResult(config, processed, skipped, givenUp, true, null);
        }
        var all = store.NightlyRuns();
        var trend = all.Any(r => r.Status == NightlyStatus.Succeeded) ? NightlyTrend.Write(config.OutFolder, all) : null;
        var result = new NightlyResult(config, processed, skipped, givenUp, false, trend);
        if (config.NotifyUrl is null || processed.Count == 0) return result;
        var pipeline = NightlyNotifier.Pipeline(request.Notify, request.Clock);
        return result with { NotifyError = NightlyNotifier.SendAsync(config.NotifyUrl, NightlyNotifier.Summary(result), pipeline, cancellationToken).GetAwaiter().GetResult() };
    }

    public static string KindName(NightlyItemKind kind) => kind == NightlyItemKind.Dump ? "dump" : "checkpoint";

    private static IEnumerable<(string Folder, NightlyItemKind Kind, string[] Extensions)> Watched(NightlyConfig config)
    {
        if (config.Dumps is { } dumps) yield return (dumps.Folder, NightlyItemKind.Dump, DumpExtensions);
        if (config.Checkpoints is { } checkpoints) yield return (checkpoints.Folder, NightlyItemKind.Checkpoint, CheckpointExtensions);
    }

    private static (NightlyStatus, string?, IReadOnlyList<string>, IReadOnlyList<NightlyMetric>) RunItem(NightlyConfig config, WatchedFile file,
        IProgress<ExperimentProgress>? progress, CancellationToken cancellationToken)
    {
        var experiment = ExperimentFor(config, file);
        try
        {
            var result = RunExperiment.Run(experiment, progress, cancellationToken);
            using var store = RunStore.OpenReadOnly(config.StorePath);
            var runIds = store.ExperimentCells(experiment.Name).Select(c => c.RunId).Distinct().ToList();
            if (result.Interrupted) return (NightlyStatus.Interrupted, "stopped; the next run resumes it", runIds, []);
            return (NightlyStatus.Succeeded, null, runIds, Headline(result.Report!.Report));
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return (NightlyStatus.Interrupted, "stopped; the next run resumes it", [], []);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // A bad item is data: it is recorded and retried on a later night, and the others go on.
            return (NightlyStatus.Failed, e.Message.ReplaceLineEndings(" "), [], []);
        }
    }

    /// <summary>A nightly item as an experiment: the watched dataset, the item as its one generator, and every reward model.</summary>
    public static Experiment ExperimentFor(NightlyConfig config, WatchedFile file)
    {
        var name = $"nightly-{KindName(file.Kind)}-{file.Sha256[..12]}";
        var generatorName = Path.GetFileNameWithoutExtension(file.Path);
        var (datasetName, source, sampler, prompt, gpuLayers) = file.Kind switch
        {
            NightlyItemKind.Dump => (config.Dumps!.Dataset,
                (GeneratorSource)new ImportSource(file.Path, config.Dumps.Format, [], config.Dumps.Dataset, config.Datasets.First(d => d.Name == config.Dumps.Dataset).Spec,
                    null, new ImportRequest { Path = file.Path, Format = config.Dumps.Format }.MinGoldMatch), new SamplerOptions(), new PromptOptions(), 0),
            _ => (config.Checkpoints!.Dataset, new ModelSource(file.Path), config.Checkpoints.Sampler, config.Checkpoints.Prompt, config.Checkpoints.GpuLayers),
        };
        var dataset = config.Datasets.First(d => d.Name == datasetName);
        var generator = new ExperimentGenerator(generatorName, source, sampler, prompt, gpuLayers, null, null);
        return new Experiment(name, config.FilePath, config.StorePath, Path.Combine(config.OutFolder, "items", name), [dataset], [generator], config.RewardModels,
            new ExperimentReportOptions(new VotingOptions(), PipelineDefaults.Extraction));
    }

    /// <summary>Every row of the report's best-of-N table at its largest k, as "dataset/method".</summary>
    private static List<NightlyMetric> Headline(ExperimentReport report) =>
        [.. from section in report.Datasets
            from column in section.Columns
            from row in section.Rows
            let point = row.Pick(column)
            where point is not null
            select new NightlyMetric($"{section.Dataset}/{row.Key}", point.Value, point.CiLow, point.CiHigh)];

    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
