namespace BestOfN.Cli.Tests.Commands;

public class ReportCommandTests
{
    /// <summary>A store with two problems whose samples have known answers, so the table can be checked by hand.</summary>
    private static string HandBuiltStore()
    {
        var path = Path.Combine(CliRunner.TempDir(), "runs.db");
        using (var store = BestOfN.Store.RunStore.Open(path))
        {
            store.EnsureRun(new BestOfN.Store.RunInfo("hand", "import", "gsm8k:hand.jsonl", null, null, "{}", DateTimeOffset.UnixEpoch));
            store.SaveProblems(
            [
                new("hand", "p1", 0, "q1", "5", new Dictionary<string, string>(), null, null),
                new("hand", "p2", 1, "q2", "7", new Dictionary<string, string>(), null, null),
            ]);
            // p1: answers 5, 5, 3 -> pass@1 = 2/3, maj@3 = 1.  p2: answers 1, 2, 7 -> pass@1 = 1/3, maj@3 = 1/3 (a three-way tie).
            string[][] answers = [["5", "5", "3"], ["1", "2", "7"]];
            store.SaveSamples(answers.SelectMany((a, p) => a.Select((x, i) =>
                new BestOfN.Store.StoredSample("hand", $"p{p + 1}", i, i, $"The answer is \\boxed{{{x}}}.", 5, "eos", null, 1, null))));
        }
        return path;
    }

    [Fact]
    public void Report_from_a_store_grades_samples_and_prints_the_hand_checked_table()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--bootstrap", "0");
        Assert.True(r.ExitCode == 0, r.Error);
        // pass@1 = (2/3 + 1/3) / 2 = 50.0; maj@3 = (1 + 1/3) / 2 = 66.7.
        Assert.Contains("| Pass@1 | 50.0 |", r.Output);
        Assert.Contains("| Majority Voting@3 | 66.7 |", r.Output);
        Assert.Contains("gsm8k:hand.jsonl (hand)", r.Output);
    }

    [Fact]
    public void Export_then_report_on_the_dump_gives_the_same_table_as_the_store()
    {
        var store = HandBuiltStore();
        var dump = Path.Combine(CliRunner.TempDir(), "dump.jsonl");
        Assert.Equal(0, CliRunner.Run("export", "--store", store, "--out", dump).ExitCode);
        var fromDump = CliRunner.Run("report", "--samples", dump, "--bootstrap", "0");
        Assert.True(fromDump.ExitCode == 0, fromDump.Error);
        Assert.Contains("| Pass@1 | 50.0 |", fromDump.Output);
        Assert.Contains("| Majority Voting@3 | 66.7 |", fromDump.Output);
    }

    [Fact]
    public void An_unknown_run_is_a_clear_error()
    {
        var r = CliRunner.Run("report", "--store", HandBuiltStore(), "--run", "nope");
        Assert.Equal(2, r.ExitCode); // unusable input
        Assert.Contains("No run 'nope'", r.Error);
        Assert.Contains("hand", r.Error);
    }
}
