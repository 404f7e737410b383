using System.CommandLine;
using BestOfN.Pipeline.Sharding;

namespace BestOfN.Cli.Options;

/// <summary>Which shard of a run this process does: <c>--shard i/n</c>, else the Slurm array task, else the Kubernetes Indexed Job's index with <c>--shards n</c>.</summary>
internal sealed class ShardOptions : IOptionGroup
{
    public Option<string?> Shard { get; } = new("--shard")
    {
        Description = "Do only shard INDEX/COUNT of the problems (0-based, by a stable hash of the problem id), into its own store runs.shard-003-of-016.db " +
            "(or a --store holding {index} and {count}). Default: SLURM_ARRAY_TASK_ID of SLURM_ARRAY_TASK_COUNT, else JOB_COMPLETION_INDEX with --shards",
    };

    public Option<int?> Shards { get; } = new("--shards") { Description = "The shard count when the index comes from a Kubernetes Indexed Job (JOB_COMPLETION_INDEX)" };

    public void AddTo(Command command)
    {
        command.Options.Add(Shard);
        command.Options.Add(Shards);
    }

    /// <summary>The shard, from the options or the scheduler's environment; null for the whole run.</summary>
    public ShardSpec? Read(ParseResult pr) => ShardSpec.Resolve(pr.GetValue(Shard), pr.GetValue(Shards), Environment.GetEnvironmentVariable);
}
