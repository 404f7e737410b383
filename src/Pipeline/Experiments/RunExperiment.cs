using System.Diagnostics;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Pipeline.Expo;
using BestOfN.Pipeline.Sharding;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline.Experiments;

/// <summary>Runs an experiment file's missing stages, or (<see cref="DryRun"/>) only plans them.</summary>
public sealed record ExperimentRequest(string ExperimentFile)
{
    /// <summary>Print the plan; run nothing, write nothing.</summary>
    public bool DryRun { get; init; }

    /// <summary>
    /// Do only this shard's problems, into the shard's own store (<see cref="ShardSpec.StorePath"/> of the file's store); the report is
    /// written once the shards are merged into the file's store (<c>bestofn merge</c>, then <c>experiment report</c>). Null for all.
    /// </summary>
    public ShardSpec? Shard { get; init; }
}

/// <summary>Where the whole plan stands: the stage running (1-based) and the items (samples, answers) done of all the plan's missing ones.</summary>
public readonly record struct ExperimentProgress(int Stage, int Stages, string Label, long ItemsDone, long ItemsTotal, SamplingProgress? Sampling, ScoringProgress? Scoring);

/// <param name="Ran">The stage did work in this invocation (false: the store held its result already).</param>
/// <param name="Summary">One line saying what it did.</param>
public sealed record StageOutcome(ExperimentStage Stage, bool Ran, string Summary);

/// <param name="Plan">The stages as planned before anything ran.</param>
/// <param name="Report">The report folder's files; null for a dry run, an interrupted one or a shard.</param>
/// <param name="StorePath">The store the stages wrote: the file's, or the shard's own.</param>
public sealed record ExperimentResult(Experiment Experiment, IReadOnlyList<ExperimentStage> Plan, IReadOnlyList<StageOutcome> Outcomes, ExperimentReportFiles? Report,
    bool Interrupted, string StorePath = "", ShardSpec? Shard = null);

/// <summary>
/// <c>experiment run</c>: builds ExPO models, samples each generator × dataset, imports published sets, scores every set with every
/// reward model, then writes the report. Every stage goes through the use case that does it alone (they resume at sample
/// granularity); a stage the store already holds is skipped. llama.cpp must be loaded.
/// </summary>
public static class RunExperiment
{
    public static ExperimentResult Run(ExperimentRequest request, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        var experiment = ExperimentFileReader.Read(request.ExperimentFile);
        CheckOutputs(experiment);
        var shard = request.Shard;
        var storePath = Path.GetFullPath(shard?.StorePath(experiment.StorePath) ?? experiment.StorePath);
        if (request.DryRun)
        {
            using var existing = File.Exists(storePath) ? RunStore.OpenReadOnly(storePath) : null;
            return new ExperimentResult(experiment, ExperimentPlanner.Plan(experiment, existing, shard), [], null, false, storePath, shard);
        }
        return Run(experiment, progress, cancellationToken, shard);
    }

    /// <summary>Runs an experiment built in code (the nightly service's items), as <c>experiment run</c> runs a file's.</summary>
    public static ExperimentResult Run(Experiment experiment, IProgress<ExperimentProgress>? progress = null, CancellationToken cancellationToken = default,
        ShardSpec? shard = null)
    {
        CheckOutputs(experiment);
        var storePath = Path.GetFullPath(shard?.StorePath(experiment.StorePath) ?? experiment.StorePath);
        using var store = RunStore.Open(storePath);
        var plan = ExperimentPlanner.Plan(experiment, store, shard);
        var total = plan.Where(s => !s.Done).Sum(s => s.MissingItems);
        var outcomes = new List<StageOutcome>();
        long finished = 0;
        var stageNumber = 0;
        // Builds first, then sample sets, then scores: each phase is planned again, since it needs what the one before made.
        foreach (var phase in new[] { new[] { StageKind.BuildModel }, [StageKind.Sample, StageKind.Import], [StageKind.Score] })
        {
            foreach (var stage in ExperimentPlanner.Plan(experiment, store, shard).Where(s => phase.Contains(s.Kind)))
            {
                if (stage.Done)
                {
                    outcomes.Add(new StageOutcome(stage, false, "done already"));
                    continue;
                }
                if (shard is not null && stage.Kind == StageKind.Score && (stage.RunId is null || store.Run(stage.RunId) is null))
                {
                    outcomes.Add(new StageOutcome(stage, false, $"nothing to score: shard {shard} holds none of this set's problems"));
                    continue;
                }
                stageNumber++;
                var stages = plan.Count(s => !s.Done);
                outcomes.Add(RunStage(experiment, store, stage, progress, stageNumber, stages, finished, total, shard, cancellationToken));
                finished += stage.MissingItems;
                progress?.Report(new ExperimentProgress(stageNumber, stages, stage.Label, finished, total, null, null));
                if (cancellationToken.IsCancellationRequested) return new ExperimentResult(experiment, plan, outcomes, null, true, storePath, shard);
            }
        }
        RecordCells(experiment, store, shard);
        if (shard is not null) return new ExperimentResult(experiment, plan, outcomes, null, false, storePath, shard);
        var report = ReportExperiment.Write(experiment, store);
        return new ExperimentResult(experiment, plan, outcomes, report, false, storePath);
    }

    /// <summary>Refuses an output folder that would write over the store or the experiment file before any work starts.</summary>
    private static void CheckOutputs(Experiment experiment)
    {
        foreach (var file in ExperimentReportFiles.FixedNames)
            OutputFiles.EnsureNotAnInput(Path.Combine(experiment.OutFolder, file), "out:", experiment.StorePath, experiment.FilePath);
    }

    /// <summary>Where a running stage reports: its place in the plan, and the items the stages before it finished.</summary>
    private sealed record StageContext(Experiment Experiment, RunStore Store, ExperimentStage Stage, ExperimentGenerator Generator, IProgress<ExperimentProgress>? Progress,
        int Number, int Count, long Before, long Total, ShardSpec? Shard)
    {
        public IProgress<SamplingProgress>? Sampling => Progress is null ? null : new Relay<SamplingProgress>(p =>
            Progress.Report(new ExperimentProgress(Number, Count, Stage.Label, Before + p.SamplesDone - p.SamplesResumed, Total, p, null)));

        public IProgress<ScoringProgress>? Scoring => Progress is null ? null : new Relay<ScoringProgress>(p =>
            Progress.Report(new ExperimentProgress(Number, Count, Stage.Label, Before + p.AnswersDone - p.AnswersResumed, Total, null, p)));
    }

    private static StageOutcome RunStage(Experiment experiment, RunStore store, ExperimentStage stage, IProgress<ExperimentProgress>? progress, int number, int count,
        long before, long total, ShardSpec? shard, CancellationToken cancellationToken)
    {
        var context = new StageContext(experiment, store, stage, experiment.Generators.First(g => g.Name == stage.Generator), progress, number, count, before, total, shard);
        return stage.Kind switch
        {
            StageKind.BuildModel => BuildModel(context, cancellationToken),
            StageKind.Sample => Sample(context, cancellationToken),
            StageKind.Import => Import(context),
            _ => Score(context, cancellationToken),
        };
    }

    private static StageOutcome BuildModel(StageContext c, CancellationToken cancellationToken)
    {
        var expo = (ExpoSource)c.Generator.Source;
        Directory.CreateDirectory(c.Experiment.ModelCacheFolder);
        var built = ExpoMerge.Run(new ExpoRequest(expo.SftPath, expo.AlignedPath, expo.Alpha, c.Stage.ModelPath!) { Type = expo.Type }, null, cancellationToken);
        return new StageOutcome(c.Stage, true, $"built {built.OutPath}");
    }

    private static StageOutcome Sample(StageContext c, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var dataset = c.Experiment.Datasets.First(d => d.Name == c.Stage.Dataset);
        var result = SampleDataset.Run(new SampleRequest
        {
            Dataset = dataset.Spec,
            ProblemIds = dataset.ProblemIds,
            Limit = dataset.Limit,
            ModelPath = c.Stage.ModelPath!,
            Sampler = c.Generator.Sampler,
            Prompt = c.Generator.Prompt,
            StorePath = c.Experiment.StorePath,
            Shard = c.Shard,
            GpuLayers = c.Generator.GpuLayers,
        }, c.Sampling, cancellationToken);
        var s = result.Summary;
        c.Store.AddStageAccounting(new StageAccounting(result.RunId, "", s.PromptTokensPrefilled, s.TokensGenerated, 0, clock.Elapsed.TotalMilliseconds));
        c.Store.SaveExperimentCell(new ExperimentCell(c.Experiment.Name, c.Generator.Name, dataset.Name, "", result.RunId, ""));
        return new StageOutcome(c.Stage, true, $"{s.SamplesDrawn} samples drawn, {s.SamplesSkipped} already stored (run {result.RunId})");
    }

    private static StageOutcome Import(StageContext c)
    {
        var import = (ImportSource)c.Generator.Source;
        var result = ImportSampleSet.Run(new ImportRequest
        {
            Path = import.Path,
            Format = import.Format,
            FieldMappings = import.FieldMappings,
            StorePath = c.Experiment.StorePath,
            Shard = c.Shard,
            Gold = import.Gold,
            Style = import.Style,
            MinGoldMatch = import.MinGoldMatch,
        });
        var s = result.Summary;
        c.Store.SaveExperimentCell(new ExperimentCell(c.Experiment.Name, c.Generator.Name, c.Stage.Dataset, "", s.Run.RunId, ""));
        return new StageOutcome(c.Stage, true, $"{s.Problems} problems, {s.SamplesInserted} samples imported (run {s.Run.RunId})");
    }

    private static StageOutcome Score(StageContext c, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        var rewardModel = c.Experiment.RewardModels.First(r => r.Name == c.Stage.RewardModel);
        var run = StoredRuns.Select(c.Store, c.Stage.RunId);
        var request = new ScoreRequest { StorePath = c.Store.Path, ModelPath = rewardModel.ModelPath, Scorer = rewardModel.Scorer, GpuLayers = rewardModel.GpuLayers, Shard = c.Shard };
        var result = ScoreRun.Run(c.Store, run, request, c.Scoring, cancellationToken);
        c.Store.AddStageAccounting(new StageAccounting(run.RunId, result.ScorerId, 0, 0, result.Summary.TokensScored, clock.Elapsed.TotalMilliseconds));
        c.Store.SaveExperimentCell(new ExperimentCell(c.Experiment.Name, c.Generator.Name, c.Stage.Dataset, rewardModel.Name, run.RunId, result.ScorerId));
        return new StageOutcome(c.Stage, true, $"{result.Summary.AnswersScored} answers scored, {result.Summary.AnswersSkipped} already stored (scorer {result.ScorerId})");
    }

    /// <summary>Points every cell of the experiment at its current run and scorer, those done before this invocation included.</summary>
    private static void RecordCells(Experiment experiment, RunStore store, ShardSpec? shard)
    {
        foreach (var stage in ExperimentPlanner.Plan(experiment, store, shard).Where(s => s.Done && s.RunId is not null))
        {
            if (stage.Kind is StageKind.Sample or StageKind.Import)
                store.SaveExperimentCell(new ExperimentCell(experiment.Name, stage.Generator, stage.Dataset, "", stage.RunId!, ""));
            else if (stage is { Kind: StageKind.Score, ScorerId: { } scorerId })
                store.SaveExperimentCell(new ExperimentCell(experiment.Name, stage.Generator, stage.Dataset, stage.RewardModel!, stage.RunId!, scorerId));
        }
    }

    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
