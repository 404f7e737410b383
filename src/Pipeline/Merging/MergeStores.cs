using BestOfN.Store;

namespace BestOfN.Pipeline.Merging;

/// <summary>Merge run stores (the shards of a run, or a merged store and more shards) into a new store.</summary>
public sealed record MergeRequest(string OutPath, IReadOnlyList<string> Inputs)
{
    /// <summary>Write the merged store even when problems or samples are missing.</summary>
    public bool AllowPartial { get; init; }
}

/// <summary>What one input store holds of a run.</summary>
/// <param name="Shards">The shards it records ("2/4"; several for a merged store); empty for a run drawn whole.</param>
public sealed record InputCoverage(string Path, int Problems, long Samples, IReadOnlyList<string> Shards);

/// <param name="Indices">The sample indices below the run's N that the problem lacks.</param>
public sealed record MissingSamples(string ProblemId, IReadOnlyList<int> Indices);

/// <summary>How much of a run the merged store holds.</summary>
/// <param name="ExpectedProblems">The whole run's problem count as its shards recorded it; the stored count for a run without shard records.</param>
/// <param name="SamplesPerProblem">The N every problem should hold: the largest the shards were asked for, or else the most any problem holds.</param>
/// <param name="MissingShards">Shards ("3/4") of a recorded shard count that no input holds.</param>
public sealed record RunCoverage(string RunId, IReadOnlyList<InputCoverage> Inputs, int Problems, int ExpectedProblems, int? SamplesPerProblem, long Samples,
    IReadOnlyList<string> MissingProblems, IReadOnlyList<MissingSamples> MissingSamples, IReadOnlyList<string> MissingShards)
{
    public bool Complete => MissingProblems.Count == 0 && MissingSamples.Count == 0;
}

/// <param name="Written">False when the merge was incomplete without <see cref="MergeRequest.AllowPartial"/>: nothing was written.</param>
public sealed record MergeResult(string OutPath, IReadOnlyList<RunCoverage> Runs, bool Written)
{
    public bool Complete => Runs.All(r => r.Complete);
}

/// <summary>
/// <c>bestofn merge OUT IN...</c>: the stores of a run's shards into one store. Every input's runs must agree on what they are (model hash,
/// configuration, recorded settings), and two inputs holding a run hold disjoint or nested problem sets; identical duplicate rows are
/// kept once and a differing one is an error naming it. The output is built beside OUT and renamed over it only when complete (or
/// with <see cref="MergeRequest.AllowPartial"/>), and is never one of the inputs. Merging is idempotent: a merged store merges again
/// with more shards to the store all of them give.
/// </summary>
public static class MergeStores
{
    public static MergeResult Run(MergeRequest request)
    {
        if (request.Inputs.Count == 0) throw new ArgumentException("merge needs at least one input store: bestofn merge OUT.db SHARD.db...");
        var outPath = Path.GetFullPath(request.OutPath);
        var inputs = request.Inputs.Select(Path.GetFullPath).ToList();
        OutputFiles.EnsureNotAnInput(outPath, "merge's output", [.. inputs]);
        var folder = Path.GetDirectoryName(outPath)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write {outPath}: the folder {folder} does not exist.");
        var contents = inputs.Select(Describe).ToList();
        CheckRuns(contents);

        var temporary = Path.Combine(folder, $".{Path.GetFileName(outPath)}.{Environment.ProcessId}.tmp");
        DeleteStore(temporary);
        try
        {
            IReadOnlyList<RunCoverage> coverage;
            using (var merged = RunStore.Open(temporary))
            {
                foreach (var input in inputs)
                {
                    if (merged.MergeFrom(input) is { } conflict) throw Conflict(conflict, input, inputs);
                }
                coverage = [.. merged.Runs().Select(run => Coverage(merged, run.RunId, contents))];
                merged.Seal();
            }
            var written = request.AllowPartial || coverage.All(c => c.Complete);
            if (written)
            {
                DeleteStore(outPath, keepMain: true); // an old -wal beside OUT would be read as part of the new file
                File.Move(temporary, outPath, overwrite: true);
            }
            return new MergeResult(outPath, coverage, written);
        }
        finally
        {
            DeleteStore(temporary);
        }
    }

    /// <summary>One input: its runs, each with its problem ids, sample count, settings and shard records.</summary>
    private sealed record InputRun(RunInfo Run, string? Settings, IReadOnlySet<string> Problems, long Samples, IReadOnlyList<ShardRecord> Shards);

    private sealed record InputStore(string Path, IReadOnlyList<InputRun> Runs);

    private static InputStore Describe(string path)
    {
        using var store = RunStore.OpenReadOnly(path);
        return new InputStore(path, [.. store.Runs().Select(run => new InputRun(run, store.RecordedRunSettings(run.RunId), store.ProblemIds(run.RunId).ToHashSet(),
            store.SampleCount(run.RunId), store.Shards(run.RunId)))]);
    }

    /// <summary>Refuses inputs whose runs of one id are not one run, or whose problem sets overlap without one holding the other.</summary>
    private static void CheckRuns(IReadOnlyList<InputStore> inputs)
    {
        var byRun = inputs.SelectMany(i => i.Runs.Select(r => (Input: i.Path, Run: r))).GroupBy(x => x.Run.Run.RunId);
        foreach (var group in byRun)
        {
            var first = group.First();
            foreach (var other in group.Skip(1))
            {
                var (a, b) = (first.Run.Run, other.Run.Run);
                string? difference = a.Kind != b.Kind ? $"kind {a.Kind} vs {b.Kind}"
                    : a.ModelSha256 != b.ModelSha256 ? $"model sha256 {a.ModelSha256} vs {b.ModelSha256}"
                    : a.Dataset != b.Dataset ? $"dataset {a.Dataset} vs {b.Dataset}"
                    : a.ConfigJson != b.ConfigJson ? $"configuration {a.ConfigJson} vs {b.ConfigJson}"
                    : first.Run.Settings is { } s1 && other.Run.Settings is { } s2 && s1 != s2 ? $"sampling settings {s1} vs {s2} (parallelism, threads and natives change a sample's bits)"
                    : null;
                if (difference is not null)
                    throw new InvalidDataException($"Run {group.Key} is not the same run in {first.Input} and {other.Input}: {difference}. Merge only the shards of one run.");
            }
            var runs = group.ToList();
            for (var i = 0; i < runs.Count; i++)
            {
                for (var j = i + 1; j < runs.Count; j++)
                {
                    var (p, q) = (runs[i].Run.Problems, runs[j].Run.Problems);
                    if (p.Overlaps(q) && !p.IsSubsetOf(q) && !q.IsSubsetOf(p))
                    {
                        var shared = p.Intersect(q).Order(StringComparer.Ordinal).First();
                        throw new InvalidDataException(
                            $"Run {group.Key}: {runs[i].Input} and {runs[j].Input} share some problems (e.g. {shared}) but neither holds the other's; shards of one count are disjoint, so these are not shards of one split.");
                    }
                }
            }
        }
    }

    private static InvalidDataException Conflict(MergeConflict c, string input, IReadOnlyList<string> inputs)
    {
        var earlier = string.Join(", ", inputs.TakeWhile(i => i != input));
        var what = c.What switch
        {
            "sample" => $"sample {c.Index} of problem {c.ProblemId}",
            "score" => $"the score of sample {c.Index} of problem {c.ProblemId} by scorer {c.ScorerId}",
            "scorer" => $"scorer {c.ScorerId}",
            _ => $"problem {c.ProblemId}",
        };
        return new InvalidDataException($"Run {c.RunId}: {what} in {input} differs from the one in {earlier}; these stores do not come from one run. Nothing was written.");
    }

    private static RunCoverage Coverage(RunStore merged, string runId, IReadOnlyList<InputStore> inputs)
    {
        var stored = merged.ProblemIds(runId);
        var shards = merged.Shards(runId);
        var expected = shards.SelectMany(s => s.RunProblemIds).Distinct().ToList();
        var storedSet = stored.ToHashSet();
        var missingProblems = expected.Where(id => !storedSet.Contains(id)).ToList();
        var counts = merged.SampleCounts(runId);
        var run = merged.Run(runId)!;
        int? perProblem = shards.Select(s => s.SamplesPerProblem).Max() ?? (run.Kind == "sample" && counts.Count > 0 ? counts.Values.Max(c => c.MaxIndex) + 1 : null);
        var missingSamples = new List<MissingSamples>();
        if (perProblem is { } n)
        {
            foreach (var id in stored)
            {
                // Indices are unique: a problem holding count = max + 1 samples holds exactly 0…max.
                if (counts.TryGetValue(id, out var c) && c.Count == c.MaxIndex + 1 && c.Count >= n) continue;
                var have = merged.SampleIndices(runId, id);
                var missing = Enumerable.Range(0, n).Where(i => !have.Contains(i)).ToList();
                if (missing.Count > 0) missingSamples.Add(new MissingSamples(id, missing));
            }
        }
        var missingShards = shards.Select(s => s.Count).Distinct()
            .SelectMany(count => Enumerable.Range(0, count).Where(i => !shards.Any(s => s.Count == count && s.Index == i)).Select(i => $"{i}/{count}")).ToList();
        var perInput = inputs.SelectMany(i => i.Runs.Where(r => r.Run.RunId == runId)
            .Select(r => new InputCoverage(i.Path, r.Problems.Count, r.Samples, [.. r.Shards.Select(s => $"{s.Index}/{s.Count}")]))).ToList();
        return new RunCoverage(runId, perInput, stored.Count, Math.Max(expected.Count, stored.Count), perProblem, merged.SampleCount(runId), missingProblems, missingSamples, missingShards);
    }

    private static void DeleteStore(string path, bool keepMain = false)
    {
        foreach (var suffix in keepMain ? new[] { "-wal", "-shm", "-journal" } : ["", "-wal", "-shm", "-journal"])
        {
            try
            {
                File.Delete(path + suffix);
            }
            catch (IOException)
            {
                // Best effort: what failed before matters more.
            }
        }
    }
}
