using System.Diagnostics;
using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Ctrl-C and SIGTERM sent to a real `bestofn sample` process: it stops cleanly, says how to resume, and the resumed run equals an uninterrupted one.</summary>
public class SignalTests
{
    private const int Problems = 6, N = 4, Parallel = 2;

    private static string[] SampleArgs(string store, string data) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", N.ToString(), "--parallel", Parallel.ToString(),
         "--max-tokens", "120", "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--seed", "5", "--threads", "2"];

    internal static List<string> Texts(string store)
    {
        using var c = new SqliteConnection($"Data Source={store};Pooling=False");
        c.Open();
        using var cmd = c.CreateCommand();
        cmd.CommandText = "SELECT problem_id || '#' || sample_index || ':' || text FROM samples ORDER BY problem_id, sample_index";
        using var r = cmd.ExecuteReader();
        var texts = new List<string>();
        while (r.Read()) texts.Add(r.GetString(0));
        return texts;
    }

    internal static long CountOrZero(string store)
    {
        if (!File.Exists(store)) return 0;
        try
        {
            return Texts(store).Count;
        }
        catch (SqliteException)
        {
            return 0; // schema not created yet
        }
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public async Task The_first_signal_drops_the_wave_in_flight_closes_the_store_and_prints_how_to_resume(string signal)
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(Problems);

        using (var child = CliRunner.Start(SampleArgs(store, data)))
        {
            var output = child.StandardOutput.ReadToEndAsync();
            var error = child.StandardError.ReadToEndAsync();
            var deadline = DateTime.UtcNow.AddSeconds(60);
            while (CountOrZero(store) < Parallel && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
            Assert.False(child.HasExited, "the run finished before the signal; make it longer. " + await error);
            using (var kill = Process.Start("kill", ["-" + signal, child.Id.ToString()])) kill.WaitForExit();
            Assert.True(child.WaitForExit(120_000), "the process did not stop after the signal");

            Assert.Equal(130, child.ExitCode);
            Assert.Contains("stopping:", await error);
            var stdout = await output;
            Assert.Contains("interrupted:", stdout);
            Assert.Contains("Resume with: bestofn sample --model", stdout);
        }

        var stopped = Texts(store);
        Assert.True(stopped.Count < Problems * N, $"the signal should have come mid-run, but {stopped.Count} samples were stored");
        Assert.Equal(0, stopped.Count % Parallel); // whole waves only

        Assert.Equal(0, CliRunner.Run(SampleArgs(store, data)).ExitCode);
        var uninterrupted = Path.Combine(dir, "uninterrupted.db");
        Assert.Equal(0, CliRunner.Run(SampleArgs(uninterrupted, data)).ExitCode);
        Assert.Equal(Texts(uninterrupted), Texts(store));
    }
}
