using BestOfN.Store;

namespace BestOfN.Pipeline.Tests;

/// <summary>Real SQLite run stores in temp folders, filled through the store's own API.</summary>
internal static class StoreFixture
{
    public static string NewPath() => Path.Combine(Directory.CreateTempSubdirectory("bestofn-pipeline").FullName, "runs.db");

    public static RunStore WithRun(string runId = "r", string kind = "import") =>
        WithRun(RunStore.Open(NewPath()), runId, kind);

    public static RunStore WithRun(RunStore store, string runId, string kind = "import")
    {
        store.EnsureRun(new RunInfo(runId, kind, "set.jsonl", null, null, "{}", DateTimeOffset.UnixEpoch));
        return store;
    }

    public static void AddProblem(RunStore store, string runId, string problemId, int position, string question, string? gold,
        IReadOnlyList<(string Text, bool? Label)> samples, IReadOnlyDictionary<string, string>? fields = null)
    {
        store.SaveProblems([new StoredProblem(runId, problemId, position, question, gold, fields ?? new Dictionary<string, string>(), null, null)]);
        store.SaveSamples(samples.Select((s, i) => new StoredSample(runId, problemId, i, i, s.Text, 1, "eos", null, 0, s.Label)));
    }
}
