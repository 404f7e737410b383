using BestOfN.Pipeline.Experiments;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Import;
using Cronos;

namespace BestOfN.Pipeline.Nightly;

/// <summary>
/// A nightly file: when to run, what to watch, and the experiment each new item becomes (its dataset and the reward models). Paths
/// are absolute (resolved against the file's folder when read).
/// </summary>
public sealed record NightlyConfig(string FilePath, CronExpression Schedule, TimeZoneInfo TimeZone, string StorePath, string OutFolder,
    IReadOnlyList<ExperimentDataset> Datasets, DumpWatch? Dumps, CheckpointWatch? Checkpoints, IReadOnlyList<ExperimentRewardModel> RewardModels,
    int MaxAttempts, Uri? NotifyUrl)
{
    /// <summary>The lock file that keeps one nightly run at a time per store.</summary>
    public string LockPath => StorePath + ".nightly.lock";
}

/// <summary>A folder where a training job drops published-format sample dumps, each scored on <paramref name="Dataset"/>.</summary>
public sealed record DumpWatch(string Folder, SampleSetFormat Format, string Dataset);

/// <summary>A folder of generator GGUFs, each sampled on <paramref name="Dataset"/> with these settings.</summary>
public sealed record CheckpointWatch(string Folder, string Dataset, SamplerOptions Sampler, PromptOptions Prompt, int GpuLayers);

/// <summary>What a nightly item is: a published-format sample dump or a generator checkpoint.</summary>
public enum NightlyItemKind { Dump, Checkpoint }

/// <summary>The defaults of the nightly file.</summary>
public static class NightlyDefaults
{
    /// <summary>The default value is 3.</summary>
    public const int MaxAttempts = 3;

    /// <summary>The default value is UTC.</summary>
    public static TimeZoneInfo TimeZone => TimeZoneInfo.Utc;

    /// <summary>How long a file must go unwritten before it is taken. The default value is 1 minute.</summary>
    public static readonly TimeSpan SettleTime = TimeSpan.FromMinutes(1);
}
