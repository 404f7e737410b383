using System.Globalization;
using System.Text;
using Microsoft.Data.Sqlite;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>
/// Ctrl-C and SIGTERM sent to a real `bestofn sample` process. Nothing here waits a fixed time: the test waits until the child has
/// stored a wave, freezes it with SIGSTOP, queues the signal(s), and lets it go with SIGCONT, so the signals always land mid-run.
///
/// A child started from a shell without job control (a CI step, `cmd &`) inherits SIGINT as ignored, and .NET keeps an inherited
/// ignored SIGINT ignored, so Ctrl-C would never reach it. The child is therefore started through `env --default-signal=INT,TERM`
/// (GNU coreutils 8.31+), which restores the default disposition before bestofn starts, and the test checks in /proc that bestofn
/// catches SIGINT before sending it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
public class SignalTests
{
    private const int Problems = 4, N = 4, Parallel = 2;

    private static string[] SampleArgs(string store, string data) =>
        ["sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{data}", "--n", N.ToString(CultureInfo.InvariantCulture),
         "--parallel", Parallel.ToString(CultureInfo.InvariantCulture), "--max-tokens", "48", "--temperature", "1.0", "--store", store,
         "--prompt", "Raw", "--seed", "5", "--threads", "2"];

    /// <summary>Starts the sample run, waits until it has stored a wave, and freezes it there with SIGSTOP.</summary>
    private static RunningChild StartAndFreezeAfterFirstWave(string store, string data)
    {
        var child = new RunningChild(SampleArgs(store, data));
        var deadline = DateTime.UtcNow.AddMinutes(3);
        while (ChildRuns.CountOrZero(store) < Parallel && !child.HasExited && DateTime.UtcNow < deadline) Thread.Sleep(10);
        child.Signal(RunningChild.SigStop);
        Assert.False(child.HasExited, $"the run ended before it could be signalled; make it longer.\n{child.Error}");
        Assert.True(ChildRuns.CountOrZero(store) >= Parallel, $"no wave was stored within 3 minutes.\n{child.Error}");
        Assert.False(child.InMask("SigIgn", RunningChild.SigInt), "bestofn ignores SIGINT (inherited); env --default-signal should have reset it");
        Assert.True(child.InMask("SigCgt", RunningChild.SigInt) && child.InMask("SigCgt", RunningChild.SigTerm), "bestofn does not catch SIGINT and SIGTERM");
        return child;
    }

    private static (long Count, long Distinct, string Integrity, long[] PerProblem) Inspect(string store)
    {
        using var c = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = store, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        c.Open();
        object? Scalar(string sql)
        {
            using var cmd = c.CreateCommand();
            cmd.CommandText = sql;
            return cmd.ExecuteScalar();
        }
        var per = new List<long>();
        using (var cmd = c.CreateCommand())
        {
            cmd.CommandText = "SELECT COUNT(*) FROM samples GROUP BY problem_id";
            using var r = cmd.ExecuteReader();
            while (r.Read()) per.Add(r.GetInt64(0));
        }
        return (Convert.ToInt64(Scalar("SELECT COUNT(*) FROM samples"), CultureInfo.InvariantCulture),
            Convert.ToInt64(Scalar("SELECT COUNT(DISTINCT problem_id || '#' || sample_index) FROM samples"), CultureInfo.InvariantCulture),
            (string)Scalar("PRAGMA integrity_check")!, per.ToArray());
    }

    /// <summary>Splits a command line printed with POSIX shell quoting (bare words, '…' and '\'') back into its arguments.</summary>
    private static List<string> ShellWords(string line)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        for (var i = 0; i < line.Length; i++)
        {
            switch (line[i])
            {
                case ' ':
                    if (inWord) words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                    continue;
                case '\'':
                    var close = line.IndexOf('\'', i + 1);
                    Assert.True(close > i, $"unbalanced quote in: {line}");
                    word.Append(line, i + 1, close - i - 1);
                    i = close;
                    break;
                case '\\' when i + 1 < line.Length:
                    word.Append(line[++i]);
                    break;
                default:
                    word.Append(line[i]);
                    break;
            }
            inWord = true;
        }
        if (inWord) words.Add(word.ToString());
        return words;
    }

    [Theory]
    [InlineData("INT")]
    [InlineData("TERM")]
    public void The_first_signal_drops_the_wave_in_flight_closes_the_store_and_prints_the_command_that_resumes(string signal)
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(Problems);

        int exitCode;
        string output, error;
        using (var child = StartAndFreezeAfterFirstWave(store, data))
        {
            child.Signal(signal == "INT" ? RunningChild.SigInt : RunningChild.SigTerm);
            child.Signal(RunningChild.SigCont);
            exitCode = child.WaitForExit();
            (output, error) = (child.Output, child.Error);
        }

        Assert.True(exitCode == 130, $"exit {exitCode}\n{output}\n{error}");
        Assert.Contains("stopping: finishing or dropping the work in flight and closing the store", error);
        Assert.DoesNotContain("   at ", error); // no stack trace
        var stopped = Inspect(store);
        Assert.Equal("ok", stopped.Integrity);
        Assert.Equal(stopped.Count, stopped.Distinct);
        Assert.True(stopped.Count < Problems * N, $"the signal should have come mid-run, but {stopped.Count} samples were stored");
        Assert.All(stopped.PerProblem, c => Assert.Equal(0, c % Parallel)); // whole waves only
        var interrupted = output.Split('\n').Select(l => l.TrimEnd('\r')).Single(l => l.StartsWith("interrupted: ", StringComparison.Ordinal));
        Assert.StartsWith($"interrupted: {stopped.Count} samples of run ", interrupted);
        Assert.Contains(" are stored; the wave in flight was dropped. Resume with: bestofn sample ", interrupted);

        // The printed command, run as printed, completes the run with no duplicates, and gives what an uninterrupted run gives.
        var command = ShellWords(interrupted[(interrupted.IndexOf("Resume with: ", StringComparison.Ordinal) + "Resume with: ".Length)..]);
        Assert.Equal("bestofn", command[0]);
        Assert.Equal(SampleArgs(store, data), command[1..]);
        var resumed = ChildCli.Run([.. command[1..]]);
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Contains($"{Problems * N - stopped.Count} samples drawn, {stopped.Count} already stored", resumed.Output);
        var done = Inspect(store);
        Assert.Equal(("ok", (long)Problems * N, (long)Problems * N), (done.Integrity, done.Count, done.Distinct));
        var uninterrupted = Path.Combine(dir, "uninterrupted.db");
        Assert.Equal(0, ChildCli.Run(SampleArgs(uninterrupted, data)).ExitCode);
        Assert.Equal(ChildRuns.Texts(uninterrupted), ChildRuns.Texts(store));
    }

    /// <summary>
    /// SIGINT and SIGTERM are queued while the child is frozen, so both arrive together when it resumes and the second lands while the
    /// first is being handled (bestofn is still finishing its decode step and has not closed the store). The runtime hands each signal
    /// to its own thread, so either may count as the first; the other ends the process at once with its default action (128 + the
    /// signal), before the clean stop prints its "interrupted:" line.
    /// </summary>
    [Fact]
    public void A_second_signal_while_the_first_is_handled_ends_the_process_at_once_and_the_store_stays_intact()
    {
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var data = CliRunner.Gsm8kFile(Problems);

        int exitCode;
        string output, error;
        using (var child = StartAndFreezeAfterFirstWave(store, data))
        {
            child.Signal(RunningChild.SigInt);
            child.Signal(RunningChild.SigTerm);
            child.Signal(RunningChild.SigCont);
            exitCode = child.WaitForExit();
            (output, error) = (child.Output, child.Error);
        }

        Assert.True(exitCode is 128 + RunningChild.SigInt or 128 + RunningChild.SigTerm, $"exit {exitCode}\n{output}\n{error}");
        Assert.True(!output.Contains("interrupted:", StringComparison.Ordinal), $"the first signal's clean stop finished: the second did not end the process\n{output}");
        Assert.Contains("stopping:", error); // the first signal was handled
        Assert.DoesNotContain("   at ", error);
        var stopped = Inspect(store);
        Assert.Equal("ok", stopped.Integrity);
        Assert.Equal(stopped.Count, stopped.Distinct);
        Assert.All(stopped.PerProblem, c => Assert.Equal(0, c % Parallel));

        var resumed = ChildCli.Run(SampleArgs(store, data));
        Assert.True(resumed.ExitCode == 0, resumed.Error);
        Assert.Equal((long)Problems * N, Inspect(store).Distinct);
    }
}
