using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>Picks runs of a store by id, with errors that list the runs there are.</summary>
public static class StoredRuns
{
    /// <summary>The named run, or the store's only run when none is named.</summary>
    public static RunInfo Select(RunStore store, string? runId)
    {
        var runs = store.Runs();
        if (runId is not null) return runs.FirstOrDefault(r => r.RunId == runId) ?? throw NoSuchRun(store, runId, runs);
        if (runs.Count == 1) return runs[0];
        throw new ArgumentException($"{store.Path} holds {runs.Count} runs; name one with --run: {string.Join(", ", runs.Select(r => r.RunId))}");
    }

    /// <summary>The named runs in the order given, or every run when none is named.</summary>
    public static IReadOnlyList<RunInfo> SelectMany(RunStore store, IReadOnlyCollection<string>? runIds)
    {
        var runs = store.Runs();
        if (runIds is not { Count: > 0 }) return runs;
        return runIds.Select(id => runs.FirstOrDefault(r => r.RunId == id) ?? throw NoSuchRun(store, id, runs)).ToList();
    }

    private static ArgumentException NoSuchRun(RunStore store, string runId, IReadOnlyList<RunInfo> runs) =>
        new($"No run '{runId}' in {store.Path}; runs: {string.Join(", ", runs.Select(r => r.RunId))}");
}
