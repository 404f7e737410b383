namespace BestOfN.Store.Tests;

public class RunStoreMergeTests
{
    private static string NewPath(string name = "runs.db") => Path.Combine(Directory.CreateTempSubdirectory("bestofn-merge").FullName, name);

    /// <summary>A store holding run r with the given problems, two samples each, and scores of scorer s when <paramref name="score"/> is given.</summary>
    private static string Store(IEnumerable<string> problems, string text = "answer", double? score = null, string question = "q")
    {
        var path = NewPath();
        using var store = RunStore.Open(path);
        store.EnsureRun(new RunInfo("r", "sample", "d", null, "abc", "{}", DateTimeOffset.UnixEpoch));
        var ids = problems.ToList();
        store.SaveProblems(ids.Select(p => new StoredProblem("r", p, int.Parse(p[1..]), question, "1", new Dictionary<string, string>(), "prompt", 3)));
        store.SaveSamples(ids.SelectMany(p => Enumerable.Range(0, 2).Select(i => new StoredSample("r", p, i, 10 + i, $"{text} {p} {i}", 4, "eos", null, 1.5 * i, null))));
        store.SaveShard(new ShardRecord("r", 0, 2, 2, ids));
        if (score is { } value)
        {
            store.EnsureScorer(new ScorerInfo("r", "s", "rlhflow-orm", false, null, "def", "{}", "{}", DateTimeOffset.UnixEpoch));
            store.SaveScores("r", "s", ids.SelectMany(p => Enumerable.Range(0, 2).Select(i => new StoredScore(p, i, "ok", [], value, [], 1, 4, 2))));
        }
        return path;
    }

    [Fact]
    public void Disjoint_stores_merge_and_identical_duplicates_are_kept_once()
    {
        var a = Store(["p0", "p1"], score: 0.5);
        var b = Store(["p2"]);
        using var merged = RunStore.Open(NewPath("merged.db"));
        Assert.Null(merged.MergeFrom(a));
        Assert.Null(merged.MergeFrom(b));
        Assert.Null(merged.MergeFrom(a)); // the same rows again: nothing changes
        Assert.Equal(["p0", "p1", "p2"], merged.ProblemIds("r"));
        Assert.Equal(6, merged.SampleCount("r"));
        Assert.Equal(4, merged.ScoreCount("r", "s"));
        Assert.Equal(["p0", "p1"], Assert.Single(merged.Shards("r")).RunProblemIds); // both stores record shard 0/2 here; the first is kept
    }

    [Theory]
    [InlineData("sample")]
    [InlineData("problem")]
    [InlineData("score")]
    public void A_row_that_differs_is_named_and_nothing_of_its_store_is_copied(string what)
    {
        var a = Store(["p0", "p1"], score: 0.5);
        var b = what switch
        {
            "sample" => Store(["p1", "p3"], text: "other", score: 0.5),
            "problem" => Store(["p1", "p3"], question: "another question", score: 0.5),
            _ => Store(["p1", "p3"], score: 0.25),
        };
        using var merged = RunStore.Open(NewPath("merged.db"));
        Assert.Null(merged.MergeFrom(a));
        var conflict = merged.MergeFrom(b);
        Assert.NotNull(conflict);
        Assert.Equal(what, conflict.What);
        Assert.Equal("r", conflict.RunId);
        Assert.Equal("p1", conflict.ProblemId);
        if (what != "problem") Assert.Equal(0, conflict.Index);
        if (what == "score") Assert.Equal("s", conflict.ScorerId);
        Assert.Equal(["p0", "p1"], merged.ProblemIds("r")); // p3 was not copied
    }
}
