using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>Ctrl-C and SIGTERM sent to a real `bestofn sample` process: it stops cleanly, says how to resume, and the resumed run equals an uninterrupted one.</summary>
public partial class SignalTests
{
    private const int Problems = 40, N = 4, Parallel = 2; // long enough that the signal lands mid-run

    private static string[] SampleArgs(string store, string data) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", N.ToString(), "--parallel", Parallel.ToString(),
         "--max-tokens", "120", "--temperature", "1.0", "--store", store, "--prompt", "Raw", "--seed", "5", "--threads", "2"];

    [System.Runtime.InteropServices.DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);

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
            using var c = new SqliteConnection($"Data Source={store};Pooling=False");
            c.Open();
            using var cmd = c.CreateCommand();
            cmd.CommandText = "SELECT COUNT(*) FROM samples";
            return Convert.ToInt64(cmd.ExecuteScalar());
        }
        catch (SqliteException)
        {
            return 0; // schema not created yet
        }
    }

    [Fact]
    public Task Sigterm_drops_the_wave_in_flight_closes_the_store_and_prints_how_to_resume() => StopWith("TERM");

    [SigIntDeliverableFact]
    public Task Ctrl_c_drops_the_wave_in_flight_closes_the_store_and_prints_how_to_resume() => StopWith("INT");

    private static async Task StopWith(string signal)
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
            Assert.True(Kill(child.Id, signal == "INT" ? 2 : 15) == 0, $"kill: errno {System.Runtime.InteropServices.Marshal.GetLastPInvokeError()}");
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

/// <summary>
/// Skipped when this process ignores SIGINT: a child inherits that, and .NET keeps an inherited SIGINT ignored (as shells do for
/// background jobs), so no Ctrl-C could reach it.
/// </summary>
public sealed class SigIntDeliverableFactAttribute : FactAttribute
{
    public SigIntDeliverableFactAttribute()
    {
        var ignored = File.Exists("/proc/self/status")
            ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith("SigIgn:", StringComparison.Ordinal)) : null;
        if (ignored is not null && (Convert.ToUInt64(ignored[7..].Trim(), 16) & (1UL << 1)) != 0)
            Skip = "SIGINT is ignored by this process (started in the background), so its children cannot receive Ctrl-C; the SIGTERM test covers the same path.";
    }
}
