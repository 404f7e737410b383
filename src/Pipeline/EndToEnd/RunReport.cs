using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Experiments.Report;
using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>
/// <c>run</c> seen as an experiment, so its report folder is the experiment report's (index.html, report.md, curves, manifest): one
/// generator (the model), one dataset, and the reward model of each protocol. <c>run</c> records its cells in the store under
/// <see cref="ExperimentName"/> as <c>experiment run</c> does, and the report finds them there.
/// </summary>
public static class RunReport
{
    /// <summary>The experiment name <c>run</c>'s cells are stored under; each run points them at its own run and scorers.</summary>
    public const string ExperimentName = "bestofn run";

    /// <summary>The default report folder: <c>&lt;store name&gt;-report</c> beside the store (runs.db → runs-report/).</summary>
    public static string DefaultFolder(string storePath)
    {
        var full = Path.GetFullPath(storePath);
        return Path.Combine(Path.GetDirectoryName(full)!, Path.GetFileNameWithoutExtension(full) + "-report");
    }

    /// <summary>
    /// The experiment a run is: its generator on its dataset, and the reward model of each protocol that has one, in protocol order,
    /// named after its file and protocol (one file may score under two protocols).
    /// </summary>
    public static Experiment ExperimentFor(PipelineRequest request, bool demo, string model, DatasetSpec dataset, Func<IRewardProtocol, string?> rewardModel)
    {
        var rewardModels = request.Protocols.DistinctBy(p => p.Name).Select(p => (Protocol: p, Path: rewardModel(p))).ToList();
        var generator = new ExperimentGenerator(ModelName(model, demo), new ModelSource(model), request.Sampler, demo ? DemoModels.Prompt : request.Prompt,
            request.GpuLayers, null, null);
        // The demo's verifiers were trained on its generator's samples: in-domain. Of a model given by path nothing is known.
        var rewards = rewardModels.Where(r => r.Path is not null).Select(r => new ExperimentRewardModel($"{ModelName(r.Path!, demo)} ({r.Protocol.Name})", r.Path!, request.Scorer(r.Protocol),
            request.GpuLayers, demo ? generator.Name : null, null)).ToList();
        return new Experiment(ExperimentName, null, Path.GetFullPath(request.StorePath), Path.GetFullPath(request.ReportFolder ?? DefaultFolder(request.StorePath)),
            [new ExperimentDataset(dataset.Name, dataset, null, null)], [generator], rewards, new ExperimentReportOptions(request.Voting, PipelineDefaults.Extraction));
    }

    /// <summary>Refuses a report folder whose files would write over the store, before any work starts.</summary>
    public static void CheckFolder(Experiment experiment)
    {
        foreach (var file in ExperimentReportFiles.FixedNames)
            OutputFiles.EnsureNotAnInput(Path.Combine(experiment.OutFolder, file), "--report", experiment.StorePath);
    }

    /// <summary>Points the generator's cell at the run (<paramref name="scorerId"/> null), or a reward model's at its scorer.</summary>
    public static void SaveCell(RunStore store, Experiment experiment, string runId, ExperimentRewardModel? rewardModel = null, string? scorerId = null) =>
        store.SaveExperimentCell(new ExperimentCell(experiment.Name, experiment.Generators[0].Name, experiment.Datasets[0].Name, rewardModel?.Name ?? "", runId, scorerId ?? ""));

    /// <summary>A model's name in the report: its file name, the demo's without the content hash of its cached copy.</summary>
    private static string ModelName(string path, bool demo)
    {
        var name = Path.GetFileNameWithoutExtension(path);
        var dash = name.LastIndexOf('-');
        return demo && dash > 0 ? name[..dash] : name;
    }
}
