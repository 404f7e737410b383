using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace BestOfN.Pipeline.Sharding;

/// <summary>
/// Shard <see cref="Index"/> of <see cref="Count"/> (0-based): the problems whose stable hash falls to it. A problem's shard is the
/// SHA-256 of its UTF-8 id, taken as a number, mod the count: adding problems never moves the others, and every problem is in
/// exactly one shard. A shard never changes the run's identity, so the shards of one run merge into it.
/// </summary>
public readonly record struct ShardSpec
{
    public ShardSpec(int index, int count)
    {
        if (count < 1) throw new ArgumentException($"A shard count must be 1 or more, not {count}.");
        if (index < 0 || index >= count) throw new ArgumentException($"Shard {index} of {count} does not exist: the shard index runs from 0 to {count - 1}.");
        Index = index;
        Count = count;
    }

    public int Index { get; }

    public int Count { get; }

    /// <summary>The shard a problem id belongs to among <paramref name="count"/>.</summary>
    public static int Of(string problemId, int count)
    {
        Span<byte> hash = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(problemId), hash);
        return (int)(System.Buffers.Binary.BinaryPrimitives.ReadUInt64BigEndian(hash) % (ulong)count);
    }

    public bool Contains(string problemId) => Count == 1 || Of(problemId, Count) == Index;

    /// <summary>The items of this shard, in their order.</summary>
    public IReadOnlyList<T> Select<T>(IReadOnlyList<T> items, Func<T, string> problemId)
    {
        var shard = this;
        return Count == 1 ? items : [.. items.Where(i => shard.Contains(problemId(i)))];
    }

    /// <summary>"3/16", as <c>--shard</c> takes it.</summary>
    public override string ToString() => $"{Index}/{Count}";

    /// <summary>
    /// The store this shard writes: <c>runs.db</c> becomes <c>runs.shard-003-of-016.db</c>; a path holding <c>{index}</c> and
    /// <c>{count}</c> is a template filled with the zero-padded numbers. One shard of one is the store itself.
    /// </summary>
    public string StorePath(string storePath)
    {
        if (Count == 1) return storePath;
        var index = Index.ToString("D3", CultureInfo.InvariantCulture);
        var count = Count.ToString("D3", CultureInfo.InvariantCulture);
        if (storePath.Contains("{index}", StringComparison.Ordinal))
            return storePath.Replace("{index}", index, StringComparison.Ordinal).Replace("{count}", count, StringComparison.Ordinal);
        var folder = Path.GetDirectoryName(storePath) ?? "";
        return Path.Combine(folder, $"{Path.GetFileNameWithoutExtension(storePath)}.shard-{index}-of-{count}{Path.GetExtension(storePath)}");
    }

    /// <summary>Parses "i/n" (0 ≤ i &lt; n).</summary>
    public static ShardSpec Parse(string text, string source = "--shard")
    {
        var parts = text.Split('/');
        if (parts.Length != 2 || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var index)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var count))
        {
            throw new ArgumentException($"{source} must be INDEX/COUNT with 0 <= INDEX < COUNT, for example 3/16; got '{text}'.");
        }

        try
        {
            return new ShardSpec(index, count);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{source} {text}: {e.Message}");
        }
    }

    /// <summary>
    /// The shard this process is: <paramref name="shard"/> (<c>--shard i/n</c>) when given; else a Slurm array task
    /// (<c>SLURM_ARRAY_TASK_ID</c> with <c>SLURM_ARRAY_TASK_COUNT</c>, or with <c>SLURM_ARRAY_TASK_MIN</c>/<c>MAX</c>); else a Kubernetes
    /// Indexed Job's <c>JOB_COMPLETION_INDEX</c> with <paramref name="shards"/> (<c>--shards n</c>). Null when none applies: the whole run.
    /// </summary>
    public static ShardSpec? Resolve(string? shard, int? shards, Func<string, string?> environment)
    {
        if (shard is not null)
        {
            var parsed = Parse(shard);
            if (shards is { } n && n != parsed.Count) throw new ArgumentException($"--shard {shard} and --shards {n} disagree on the shard count; give one of them.");
            return parsed;
        }
        if (shards is < 1) throw new ArgumentException($"--shards must be 1 or more, not {shards}.");
        if (environment("SLURM_ARRAY_TASK_ID") is { Length: > 0 } task)
        {
            var id = Number(task, "SLURM_ARRAY_TASK_ID");
            if (environment("SLURM_ARRAY_TASK_COUNT") is { Length: > 0 } countText && environment("SLURM_ARRAY_TASK_MIN") is not { Length: > 0 })
                return FromEnvironment(id, Number(countText, "SLURM_ARRAY_TASK_COUNT"), "SLURM_ARRAY_TASK_ID", shards);
            if (environment("SLURM_ARRAY_TASK_MIN") is { Length: > 0 } min && environment("SLURM_ARRAY_TASK_MAX") is { Length: > 0 } max)
            {
                var first = Number(min, "SLURM_ARRAY_TASK_MIN");
                return FromEnvironment(id - first, Number(max, "SLURM_ARRAY_TASK_MAX") - first + 1, "SLURM_ARRAY_TASK_ID", shards);
            }
            if (shards is { } n) return FromEnvironment(id, n, "SLURM_ARRAY_TASK_ID", shards);
            throw new ArgumentException($"SLURM_ARRAY_TASK_ID is {task} but neither SLURM_ARRAY_TASK_COUNT nor SLURM_ARRAY_TASK_MIN/MAX is set; give --shard {task}/COUNT.");
        }
        if (environment("JOB_COMPLETION_INDEX") is { Length: > 0 } completion)
        {
            if (shards is not { } n)
                throw new ArgumentException($"JOB_COMPLETION_INDEX is {completion} (a Kubernetes Indexed Job) but --shards is not given; give --shards with the Job's completions.");
            return FromEnvironment(Number(completion, "JOB_COMPLETION_INDEX"), n, "JOB_COMPLETION_INDEX", shards);
        }
        if (shards is { } alone) throw new ArgumentException($"--shards {alone} needs a shard index: --shard INDEX/{alone}, a Slurm array task or a Kubernetes Indexed Job (JOB_COMPLETION_INDEX).");
        return null;
    }

    private static ShardSpec FromEnvironment(int index, int count, string variable, int? shards)
    {
        if (shards is { } n && n != count) throw new ArgumentException($"--shards {n} disagrees with the Slurm array's {count} tasks; leave --shards out under Slurm.");
        try
        {
            return new ShardSpec(index, count);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"{variable}: {e.Message}");
        }
    }

    private static int Number(string text, string variable) =>
        int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw new ArgumentException($"{variable} must be a whole number, got '{text}'.");
}
