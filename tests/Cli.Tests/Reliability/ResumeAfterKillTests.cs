using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Kills a real `bestofn sample` process with SIGKILL mid-run and checks the store, then resumes it.</summary>
public class ResumeAfterKillTests
{
    private const int Problems = 6, N = 4, Parallel = 2;

    private static string[] SampleArgs(string store, string data, params string[] more) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", N.ToString(), "--parallel", Parallel.ToString(),
         "--max-tokens", "200", "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--seed", "11", .. more];

    private static (long Count, long Distinct, string Integrity, long[] PerProblem) Inspect(string store)
    {
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        long Scalar(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return Convert.ToInt64(cmd.ExecuteScalar());
        }
        using var integrity = c.CreateCommand();
        integrity.CommandText = "PRAGMA integrity_check";
        var per = new List<long>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT COUNT(*) FROM samples GROUP BY problem_id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) per.Add(r.GetInt64(0));
        }
        return (Scalar("SELECT COUNT(*) FROM samples"), Scalar("SELECT COUNT(DISTINCT problem_id || '#' || sample_index) FROM samples"),
            (string)integrity.ExecuteScalar()!, per.ToArray());
    }

    [Fact]
    public void Resume_after_sigkill_loses_at_most_the_wave_in_flight_and_never_duplicates()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(Problems);

        using (var child = CliRunner.Start(SampleArgs(store, data)))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ChildRuns.CountOrZero(store) < Parallel && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            // Kill before reading anything from the child: reading its output to the end would wait for it to finish.
            var finishedEarly = child.HasExited;
            child.Kill(entireProcessTree: true); // SIGKILL: no managed cleanup runs
            child.WaitForExit();
            Assert.False(finishedEarly, "the run finished before it could be killed; make it longer. " + child.StandardError.ReadToEnd());
            Assert.Equal(137, child.ExitCode);
        }

        var killed = Inspect(store);
        Assert.Equal("ok", killed.Integrity);
        Assert.Equal(killed.Count, killed.Distinct);
        Assert.True(killed.Count < Problems * N, $"the kill should have come mid-run, but {killed.Count} samples were stored");
        // Waves are written whole: every problem holds a multiple of the wave size.
        Assert.All(killed.PerProblem, c => Assert.Equal(0, c % Parallel));

        var resumed = CliRunner.Run(SampleArgs(store, data));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"{killed.Count} already stored", resumed.Output);
        var done = Inspect(store);
        Assert.Equal((long)Problems * N, done.Count);
        Assert.Equal(done.Count, done.Distinct);
        Assert.Equal("ok", done.Integrity);
    }

    [Fact]
    public void With_continuous_batching_a_sigkill_loses_only_samples_in_flight_and_the_resume_draws_exactly_the_rest()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(Problems);
        string[] args = SampleArgs(store, data, "--batching", "continuous");

        using (var child = CliRunner.Start(args))
        {
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (ChildRuns.CountOrZero(store) < 3 && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            var finishedEarly = child.HasExited;
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            Assert.False(finishedEarly, "the run finished before it could be killed; make it longer. " + child.StandardError.ReadToEnd());
        }

        var killed = Inspect(store);
        Assert.Equal("ok", killed.Integrity);
        Assert.Equal(killed.Count, killed.Distinct);
        Assert.InRange(killed.Count, 3, Problems * N - 1);

        var resumed = CliRunner.Run(args);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"{Problems * N - killed.Count} samples drawn, {killed.Count} already stored", resumed.Output); // only what was missing
        var done = Inspect(store);
        Assert.Equal((long)Problems * N, done.Count);
        Assert.Equal(done.Count, done.Distinct);
    }
}
