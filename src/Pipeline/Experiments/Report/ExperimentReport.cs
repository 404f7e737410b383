using BestOfN.Store;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>A generator's sample set on one dataset, with one voting report per reward model that scored all of it.</summary>
/// <param name="Base">Pass@k and majority voting (no reward).</param>
public sealed record GeneratorColumn(ExperimentGenerator Generator, RunInfo Run, int Problems, int MaxSamples, ReportResult Base, IReadOnlyList<RewardColumn> Rewards)
{
    public RewardColumn? For(ExperimentRewardModel rewardModel) => Rewards.FirstOrDefault(r => r.RewardModel == rewardModel);
}

/// <param name="Metric">The best-of-k curve this reward model is read by: orm, or prm_&lt;aggregation&gt;.</param>
public sealed record RewardColumn(ExperimentRewardModel RewardModel, ScorerInfo Scorer, string Metric, ReportResult Result);

/// <summary>A row of the best-of-N table: a name and how to read it from a generator's column.</summary>
public sealed record MethodRow(string Name, string Key, Func<GeneratorColumn, CurvePoint?> Pick);

/// <summary>Every generator's sample set on one dataset, and the largest k the table reads.</summary>
public sealed record DatasetSection(string Dataset, int K, IReadOnlyList<GeneratorColumn> Columns, IReadOnlyList<MethodRow> Rows);

/// <summary>Compute spent on one stage of a generator's sample set: its sampling (RewardModel null) or one reward model's scoring.</summary>
/// <param name="Accounting">Null when no experiment recorded the work (an imported set, or runs made outside the experiment).</param>
/// <param name="Gain">Accuracy (0–1) over Pass@1 that the stage buys: Maj@k for sampling, RM@k for a reward model.</param>
public sealed record ComputeRow(string Generator, string Dataset, string? RewardModel, StageAccounting? Accounting, double? Gain)
{
    public long Tokens => Accounting is { } a ? a.PromptTokens + a.GeneratedTokens + a.ScoredTokens : 0;

    public double? TokensPerSecond => Accounting is { WallMilliseconds: > 0 } a ? (a.GeneratedTokens + a.ScoredTokens) / (a.WallMilliseconds / 1000) : null;

    /// <summary>Accuracy points gained over Pass@1 per million tokens spent (the sample set's own tokens plus this stage's).</summary>
    public double? GainPerMillionTokens(long sampleSetTokens) =>
        Gain is { } g && sampleSetTokens + (RewardModel is null ? 0 : Tokens) is > 0 and var total ? 100 * g / (total / 1e6) : null;
}

/// <summary>Everything the report folder shows, computed from the store alone.</summary>
public sealed record ExperimentReport(Experiment Experiment, IReadOnlyList<DatasetSection> Datasets, IReadOnlyList<ComputeRow> Compute, IReadOnlyList<string> Notes,
    System.Text.Json.Nodes.JsonObject Manifest)
{
    /// <summary>The breakdown fields every column uses: report.by, or MATH's level and subject where the problems have them.</summary>
    public static readonly IReadOnlyList<string> DefaultBreakdowns = ["level", "subject"];

    /// <summary>The table's PRM aggregation, as its metric name.</summary>
    public string PrmMetric => Experiment.Report.Voting.TablePrmAggregation.MetricName();
}
