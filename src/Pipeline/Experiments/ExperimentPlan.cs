using BestOfN.Pipeline.Expo;
using BestOfN.Pipeline.Sharding;
using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Verifier.Import;

namespace BestOfN.Pipeline.Experiments;

public enum StageKind { BuildModel, Sample, Import, Score }

/// <summary>
/// One stage of an experiment's plan, and whether the store already holds its result.
/// </summary>
/// <param name="Dataset">The dataset the stage's sample set belongs to; empty for a model build.</param>
/// <param name="RewardModel">The reward model of a scoring stage, else null.</param>
/// <param name="MissingItems">Samples to draw, answers to score, or 1 for a model to build; 0 when done.</param>
/// <param name="EstimatedTokens">Tokens the missing work runs through a model: for sampling an upper bound (missing samples × max_tokens).</param>
/// <param name="RunId">The run the stage writes or reads, when it can be known now (an ExPO generator's only once its model is built).</param>
/// <param name="ScorerId">A scoring stage's scorer, when its run exists.</param>
/// <param name="ModelPath">The model the stage runs (for a build, the cached file it writes).</param>
public sealed record ExperimentStage(StageKind Kind, string Generator, string Dataset, string? RewardModel, bool Done, long MissingItems, long EstimatedTokens,
    string? RunId, string? ScorerId, string? ModelPath)
{
    public string Label => Kind switch
    {
        StageKind.BuildModel => $"build {Generator} (expo)",
        StageKind.Sample => $"sample {Generator} × {Dataset}",
        StageKind.Import => $"import {Generator} ({Dataset})",
        _ => $"score {Generator} × {Dataset} with {RewardModel}",
    };
}

/// <summary>Works out an experiment's stages from the file and what the store holds; loads no model (models are hashed, the hashes cached in the store).</summary>
public static class ExperimentPlanner
{
    /// <param name="store">The experiment's store, or null when it does not exist yet (every stage is to do).</param>
    /// <param name="shard">Plan only this shard's problems (the store is then the shard's own); null for all.</param>
    public static IReadOnlyList<ExperimentStage> Plan(Experiment experiment, RunStore? store, ShardSpec? shard = null)
    {
        Func<string, string> hash = store is null ? RunStore.FileSha256 : store.ModelHash;
        var stages = new List<ExperimentStage>();
        var sets = new List<ExperimentStage>();
        var problems = experiment.Datasets.ToDictionary(d => d.Name, d => Shard(DatasetLoader.Select(DatasetLoader.Load(d.Spec), d.ProblemIds, d.Limit), shard));
        foreach (var generator in experiment.Generators)
        {
            string? modelPath = null;
            switch (generator.Source)
            {
                case ModelSource model:
                    modelPath = model.ModelPath;
                    break;
                case ExpoSource expo:
                    var built = ExpoModelPath(experiment, expo, hash);
                    var done = File.Exists(built);
                    stages.Add(new ExperimentStage(StageKind.BuildModel, generator.Name, "", null, done, done ? 0 : 1, 0, null, null, built));
                    modelPath = done ? built : null;
                    break;
                case ImportSource import:
                    sets.Add(ImportStage(generator, import, store, shard));
                    continue;
            }
            foreach (var dataset in experiment.Datasets)
                sets.Add(SampleStage(generator, dataset, problems[dataset.Name], modelPath, hash, store));
        }
        stages.AddRange(sets);
        foreach (var set in sets)
        {
            var generator = experiment.Generators.First(g => g.Name == set.Generator);
            foreach (var rewardModel in experiment.RewardModels) stages.Add(ScoreStage(set, generator, rewardModel, store));
        }
        return stages;
    }

    /// <summary>Where an ExPO generator's model is cached: models/ beside the store, named by its parents' hashes, α and type.</summary>
    public static string ExpoModelPath(Experiment experiment, ExpoSource expo, Func<string, string> hash) =>
        Path.Combine(experiment.ModelCacheFolder, "expo-" + ExpoMerge.CacheKey(hash(expo.SftPath), hash(expo.AlignedPath), expo.Alpha, ExpoMerge.ResolveType(expo.AlignedPath, expo.Type)) + ".gguf");

    /// <summary>The name an imported set is reported under: its dataset, or its file's name.</summary>
    public static string DatasetOf(ImportSource import) => import.Dataset ?? Path.GetFileName(import.Path);

    private static ExperimentStage SampleStage(ExperimentGenerator generator, ExperimentDataset dataset, IReadOnlyList<Problem> problems, string? modelPath,
        Func<string, string> hash, RunStore? store)
    {
        var n = generator.Sampler.N;
        if (modelPath is null)
            return new ExperimentStage(StageKind.Sample, generator.Name, dataset.Name, null, false, (long)problems.Count * n, (long)problems.Count * n * generator.Sampler.MaxTokens, null, null, null);
        var runId = RunIdentity.RunIdFor(RunIdentity.SamplingConfigJson(hash(modelPath), dataset.Spec.Name, generator.Prompt, generator.Sampler));
        long missing = (long)problems.Count * n;
        if (store?.Run(runId) is not null)
            missing = problems.Sum(p => (long)(n - store.SampleIndices(runId, p.Id).Count(i => i < n)));
        return new ExperimentStage(StageKind.Sample, generator.Name, dataset.Name, null, missing == 0, missing, missing * generator.Sampler.MaxTokens, runId, null, modelPath);
    }

    private static IReadOnlyList<Problem> Shard(IReadOnlyList<Problem> problems, ShardSpec? shard) => shard is { } s ? s.Select(problems, p => p.Id) : problems;

    private static ExperimentStage ImportStage(ExperimentGenerator generator, ImportSource import, RunStore? store, ShardSpec? shard)
    {
        var map = SampleSetFieldMap.Parse(import.Format, import.FieldMappings);
        var runId = SampleSetImport.RunIdFor(import.Path, import.Format, map, import.Style);
        var lines = shard is { } s
            ? s.Select(SampleSetReader.Read(Path.GetFullPath(import.Path), import.Format, map), p => p.ProblemId).Count
            : File.ReadLines(import.Path).Count(l => !string.IsNullOrWhiteSpace(l));
        var stored = store?.Run(runId) is null ? 0 : store!.Problems(runId).Count;
        return new ExperimentStage(StageKind.Import, generator.Name, DatasetOf(import), null, stored >= lines, Math.Max(0, lines - stored), 0, runId, null, import.Path);
    }

    private static ExperimentStage ScoreStage(ExperimentStage set, ExperimentGenerator generator, ExperimentRewardModel rewardModel, RunStore? store)
    {
        var run = set.RunId is null ? null : store?.Run(set.RunId);
        if (run is null || !set.Done)
        {
            var answers = set.Kind == StageKind.Sample ? set.MissingItems : 0;
            var perAnswer = generator.Sampler.MaxTokens;
            return new ExperimentStage(StageKind.Score, set.Generator, set.Dataset, rewardModel.Name, false, answers, answers * perAnswer, set.RunId, null, rewardModel.ModelPath);
        }
        var scorerId = ScoreRun.ScorerIdFor(store!, run, rewardModel.ModelPath, rewardModel.Scorer);
        var total = store!.SampleCount(run.RunId);
        var missing = Math.Max(0, total - store.ScoreCount(run.RunId, scorerId));
        var sample = store.Samples(run.RunId).Take(1000).ToList();
        var tokensPerAnswer = sample.Count == 0 ? 0 : sample.Average(s => s.TokenCount > 0 ? s.TokenCount : s.Text.Length / 4.0);
        return new ExperimentStage(StageKind.Score, set.Generator, set.Dataset, rewardModel.Name, missing == 0, missing, (long)(missing * tokensPerAnswer), run.RunId, scorerId,
            rewardModel.ModelPath);
    }
}
