using System.Diagnostics;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline;

/// <summary>The main job in one request: sample, score with each protocol, grade and report.</summary>
public sealed record PipelineRequest
{
    /// <summary>The generator; null runs the embedded demo (the trained demo generator, ORM and PRM).</summary>
    public string? ModelPath { get; init; }

    /// <summary>The problems; null for the embedded demo problems.</summary>
    public DatasetSpec? Dataset { get; init; }

    /// <summary>The reward model; null scores nothing, unless the demo runs (its ORM for outcome protocols, its PRM for step ones).</summary>
    public string? RewardModelPath { get; init; }

    /// <summary>The llama.cpp protocols to score with, in order.</summary>
    public IReadOnlyList<IRewardProtocol> Protocols { get; init; } = [RewardProtocols.RlhflowPrm, RewardProtocols.RlhflowOrm];

    public SamplerOptions Sampler { get; init; } = new();

    /// <summary>The prompt format; the demo ignores it, as its generator was trained on the bare question (raw).</summary>
    public PromptOptions Prompt { get; init; } = new();

    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>Where the report (index.html, report.md, curves) is written; null for <c>&lt;store name&gt;-report</c> beside the store.</summary>
    public string? ReportFolder { get; init; }

    public int GpuLayers { get; init; }

    public VotingOptions Voting { get; init; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>(Sampler.Validate());
        errors.AddRange(Prompt.Validate());
        errors.AddRange(Voting.Validate());
        foreach (var p in Protocols.Where(p => p is not LlamaRewardProtocol))
            errors.Add($"--protocol {p.Name} does not run through llama.cpp; score such models with `bestofn score`.");
        foreach (var p in Protocols) errors.AddRange(Scorer(p).Validate());
        return errors;
    }

    internal ScorerOptions Scorer(IRewardProtocol protocol) => new() { Protocol = protocol, Threads = Sampler.Threads };
}

/// <summary>Where the end-to-end run stands: the stage, and the progress of its sampling or scoring.</summary>
public readonly record struct PipelineProgress(string Stage, SamplingProgress? Sampling, ScoringProgress? Scoring);

/// <param name="UsedDemoModels">No generator was given: the demo's trained generator, ORM and PRM ran.</param>
/// <param name="RewardModelPaths">The reward model each protocol scored with, in protocol order.</param>
/// <param name="ReportFiles">The report folder written from the store, the run seen as an experiment (<see cref="RunReport"/>).</param>
public sealed record PipelineResult(bool UsedDemoModels, string ModelPath, IReadOnlyList<string> RewardModelPaths, string DatasetName, SampleResult Sample,
    IReadOnlyList<ScoreResult> Scores, DatasetReport Report, ExperimentReportFiles ReportFiles);

/// <summary>Samples, scores, grades and reports in one go; a rerun resumes every stage. llama.cpp must be loaded.</summary>
public static class RunPipeline
{
    public static PipelineResult Run(PipelineRequest request, IProgress<PipelineProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        PipelineErrors.ThrowIfInvalid(request.Validate());
        var demo = request.ModelPath is null;
        // The demo's models are tiny: one llama.cpp thread is fastest (more spin at every barrier, worse still on a busy machine).
        if (demo && request.Sampler.Threads == 0) request = request with { Sampler = request.Sampler with { Threads = 1 } };
        var model = request.ModelPath ?? DemoAssets.Generator();
        string? RewardModel(IRewardProtocol protocol) => request.RewardModelPath ?? (demo ? DemoAssets.RewardModel(protocol) : null);
        var dataset = request.Dataset ?? DemoAssets.Problems();
        var experiment = RunReport.ExperimentFor(request, demo, model, dataset, RewardModel);
        RunReport.CheckFolder(experiment);
        CheckScorersOpen(request, RewardModel);

        var clock = Stopwatch.StartNew();
        var sample = SampleDataset.Run(new SampleRequest
        {
            Dataset = dataset,
            ModelPath = model,
            Sampler = request.Sampler,
            Prompt = demo ? DemoModels.Prompt : request.Prompt,
            StorePath = request.StorePath,
            GpuLayers = request.GpuLayers,
        }, progress is null ? null : new Relay<SamplingProgress>(p => progress.Report(new PipelineProgress("sampling", p, null))), cancellationToken);

        cancellationToken.ThrowIfCancellationRequested();
        using var store = RunStore.Open(request.StorePath);
        var run = StoredRuns.Select(store, sample.RunId);
        // Recorded as `experiment run` records its stages (compute only by an invocation that did work), so the report finds this run.
        if (sample.Summary.SamplesDrawn > 0)
            store.AddStageAccounting(new StageAccounting(run.RunId, "", sample.Summary.PromptTokensPrefilled, sample.Summary.TokensGenerated, 0, clock.Elapsed.TotalMilliseconds));
        RunReport.SaveCell(store, experiment, run.RunId);
        var scores = new List<ScoreResult>();
        foreach (var rewardModel in experiment.RewardModels)
        {
            var stage = $"scoring ({rewardModel.Scorer.Protocol.Name})";
            clock.Restart();
            var score = ScoreRun.Run(store, run, new ScoreRequest { StorePath = store.Path, ModelPath = rewardModel.ModelPath, Scorer = rewardModel.Scorer, GpuLayers = request.GpuLayers },
                progress is null ? null : new Relay<ScoringProgress>(p => progress.Report(new PipelineProgress(stage, null, p))), cancellationToken);
            if (score.Summary.AnswersScored > 0)
                store.AddStageAccounting(new StageAccounting(run.RunId, score.ScorerId, 0, 0, score.Summary.TokensScored, clock.Elapsed.TotalMilliseconds));
            RunReport.SaveCell(store, experiment, run.RunId, rewardModel, score.ScorerId);
            scores.Add(score);
            cancellationToken.ThrowIfCancellationRequested();
        }
        var report = VotingReport.Compute(GradeRun.Load(store, run.RunId, Graders.ForExtraction(PipelineDefaults.Extraction)), request.Voting);
        progress?.Report(new PipelineProgress("writing the report", null, null));
        var files = ReportExperiment.Write(experiment, store);
        return new PipelineResult(demo, model, [.. experiment.RewardModels.Select(r => r.ModelPath)], dataset.Name, sample, scores, new DatasetReport(dataset.Name, report), files);
    }

    /// <summary>
    /// Opens and closes the reward model under each protocol: a template, verdict token or protocol it cannot take fails now, as
    /// one line, and not after hours of sampling.
    /// </summary>
    private static void CheckScorersOpen(PipelineRequest request, Func<IRewardProtocol, string?> rewardModel)
    {
        foreach (var protocol in request.Protocols)
            if (rewardModel(protocol) is { } path) protocol.Open(path, request.Scorer(protocol), request.GpuLayers).Dispose();
    }

    private sealed class Relay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
