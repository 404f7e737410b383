using BestOfN.Store;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Samples;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>Computes an experiment's report from its store: the cells the runner recorded, graded and voted on.</summary>
public static class ExperimentReportBuilder
{
    public static ExperimentReport Build(Experiment experiment, RunStore store, Func<string, GgufSummary?>? readGguf = null)
    {
        var cells = store.ExperimentCells(experiment.Name);
        var grader = Graders.ForExtraction(experiment.Report.Extraction);
        var notes = new List<string>();
        var datasetNames = experiment.Datasets.Select(d => d.Name)
            .Concat(experiment.Generators.Select(g => g.Source).OfType<ImportSource>().Select(ExperimentPlanner.DatasetOf)).Distinct().ToList();
        var sections = new List<DatasetSection>();
        var compute = new List<ComputeRow>();
        foreach (var dataset in datasetNames)
        {
            var loaded = new List<(ExperimentGenerator Generator, RunInfo Run, IReadOnlyList<ProblemSamples> Samples)>();
            foreach (var generator in experiment.Generators)
            {
                var cell = cells.FirstOrDefault(c => c.Generator == generator.Name && c.Dataset == dataset && c.RewardModel == "");
                if (cell is null)
                {
                    if (generator.Source is not ImportSource || ExperimentPlanner.DatasetOf((ImportSource)generator.Source) == dataset)
                        notes.Add($"{generator.Name} × {dataset}: not in the store yet; run `bestofn experiment run` to sample it.");
                    continue;
                }
                if (store.Run(cell.RunId) is not { } run) continue;
                var samples = GradeRun.Load(store, run.RunId, grader, StoredScores.Load(store, run.RunId, []));
                if (samples.Count > 0) loaded.Add((generator, run, samples));
            }
            if (loaded.Count == 0) continue;
            var maxSamples = loaded.Max(l => l.Samples.Max(p => p.Samples.Count));
            var ks = KsFor(experiment.Report.Voting.Ks, maxSamples);
            var k = ks.Where(x => x <= maxSamples).DefaultIfEmpty(ks[0]).Max();
            var columns = loaded.Select(l => Column(experiment, store, grader, cells, dataset, l.Generator, l.Run, l.Samples, ks, notes)).ToList();
            sections.Add(new DatasetSection(dataset, k, columns, Rows(experiment, k)));
            foreach (var column in columns) compute.AddRange(ComputeRows(experiment, store, dataset, column, k));
        }
        var report = new ExperimentReport(experiment, sections, compute, notes, new System.Text.Json.Nodes.JsonObject());
        return report with { Manifest = ExperimentManifest.Build(report, store, readGguf ?? (_ => null)) };
    }

    /// <summary>The report's ks with 1 always in (Pass@1 reads it): the file's, or powers of two up to the largest sample count.</summary>
    private static int[] KsFor(IReadOnlyList<int>? requested, int maxSamples) =>
        (requested ?? VotingReport.DefaultKs(maxSamples)).Append(1).Distinct().Order().ToArray();

    private static GeneratorColumn Column(Experiment experiment, RunStore store, Verifier.Grading.AnswerGrader grader, IReadOnlyList<ExperimentCell> cells, string dataset,
        ExperimentGenerator generator, RunInfo run, IReadOnlyList<ProblemSamples> samples, int[] ks, List<string> notes)
    {
        var fields = samples.SelectMany(p => p.Fields.Keys).ToHashSet();
        var by = experiment.Report.Voting.BreakdownFields.Count > 0 ? experiment.Report.Voting.BreakdownFields : ExperimentReport.DefaultBreakdowns.Where(fields.Contains).ToList();
        var options = experiment.Report.Voting with { Ks = ks, BreakdownFields = by };
        var baseReport = VotingReport.Compute(samples, options with { WeightBy = null });
        var rewards = new List<RewardColumn>();
        var sampleCount = samples.Sum(p => p.Samples.Count);
        foreach (var rewardModel in experiment.RewardModels)
        {
            var cell = cells.FirstOrDefault(c => c.Generator == generator.Name && c.Dataset == dataset && c.RewardModel == rewardModel.Name && c.RunId == run.RunId);
            var scorer = cell is null ? null : store.Scorers(run.RunId).FirstOrDefault(s => s.ScorerId == cell.ScorerId);
            if (scorer is null)
            {
                notes.Add($"{generator.Name} × {dataset}: not scored by {rewardModel.Name} yet.");
                continue;
            }
            var scored = store.Scores(run.RunId, scorer.ScorerId).Count(s => s.OrmScore is not null || s.StepScores.Count > 0);
            if (scored < sampleCount)
            {
                notes.Add($"{generator.Name} × {dataset}: {rewardModel.Name} has scored {scored} of {sampleCount} samples; its rows are left out until it has scored all.");
                continue;
            }
            RewardSource? weightBy = options.WeightBy is { } w && w.IsOrm != scorer.ScoresSteps ? w : null;
            var result = VotingReport.Compute(GradeRun.Load(store, run.RunId, grader, StoredScores.Load(store, run.RunId, [scorer])), options with { WeightBy = weightBy });
            rewards.Add(new RewardColumn(rewardModel, scorer, scorer.ScoresSteps ? experiment.Report.Voting.TablePrmAggregation.MetricName() : MetricNames.Orm, result));
        }
        return new GeneratorColumn(generator, run, samples.Count, samples.Max(p => p.Samples.Count), baseReport, rewards);
    }

    /// <summary>The table's rows: Pass@1, Maj@k, weighted Maj@k and best-of-k per reward model, and the Pass@k oracle.</summary>
    private static List<MethodRow> Rows(Experiment experiment, int k)
    {
        var rows = new List<MethodRow>
        {
            new("Pass@1", "pass@1", c => c.Base.Overall[MetricNames.Pass]?.At(1)),
            new($"Maj@{k}", $"maj@{k}", c => c.Base.Overall[MetricNames.Majority]?.At(k)),
        };
        foreach (var rm in experiment.RewardModels)
            rows.Add(new($"Weighted Maj@{k} · {rm.Name}", $"weighted_maj@{k}/{rm.Name}", c => c.For(rm)?.Result.Overall[MetricNames.WeightedMajority]?.At(k)));
        foreach (var rm in experiment.RewardModels)
            rows.Add(new($"{MethodName(experiment, rm)}@{k} · {rm.Name}", $"rm@{k}/{rm.Name}", c => c.For(rm) is { } r ? r.Result.Overall[r.Metric]?.At(k) : null));
        rows.Add(new($"Pass@{k} (oracle)", $"pass@{k}", c => c.Base.Overall[MetricNames.Pass]?.At(k)));
        return rows;
    }

    /// <summary>ORM, or PRM with the table's aggregation, as the reward model's protocol scores.</summary>
    public static string MethodName(Experiment experiment, ExperimentRewardModel rm) =>
        rm.Scorer.Protocol.ScoresSteps(rm.Scorer) ? $"PRM ({Voting.Metrics.PrmAggregations.ShortName(experiment.Report.Voting.TablePrmAggregation)})" : "ORM";

    private static IEnumerable<ComputeRow> ComputeRows(Experiment experiment, RunStore store, string dataset, GeneratorColumn column, int k)
    {
        var pass1 = column.Base.Overall[MetricNames.Pass]?.At(1)?.Value;
        var maj = column.Base.Overall[MetricNames.Majority]?.At(k)?.Value;
        yield return new ComputeRow(column.Generator.Name, dataset, null, store.Accounting(column.Run.RunId, ""), maj - pass1);
        foreach (var reward in column.Rewards)
        {
            var best = reward.Result.Overall[reward.Metric]?.At(k)?.Value;
            yield return new ComputeRow(column.Generator.Name, dataset, reward.RewardModel.Name, store.Accounting(column.Run.RunId, reward.Scorer.ScorerId), best - pass1);
        }
    }
}
