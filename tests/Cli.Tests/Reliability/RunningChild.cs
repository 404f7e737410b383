using System.Diagnostics;
using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace BestOfN.Cli.Tests.Reliability;

/// <summary>
/// bestofn as a running child process that a test signals: its output is read as it comes, so it never blocks on a full pipe. It is
/// started through `env --default-signal=INT,TERM`, so SIGINT reaches it even when the tests run from a shell that ignores it.
/// </summary>
[System.Runtime.Versioning.SupportedOSPlatform("linux")]
internal sealed partial class RunningChild : IDisposable
{
    public const int SigInt = 2, SigTerm = 15, SigCont = 18, SigStop = 19; // Linux numbers

    private readonly Process _process;
    private readonly StringBuilder _output = new(), _error = new();

    public RunningChild(string[] args)
    {
        var psi = new ProcessStartInfo("env") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add("--default-signal=INT,TERM");
        psi.ArgumentList.Add("dotnet");
        psi.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "bestofn.dll"));
        foreach (var a in args) psi.ArgumentList.Add(a);
        _process = new Process { StartInfo = psi };
        _process.OutputDataReceived += (_, e) => { if (e.Data is not null) lock (_output) _output.AppendLine(e.Data); };
        _process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lock (_error) _error.AppendLine(e.Data); };
        _process.Start();
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public int Id => _process.Id; // env execs dotnet: the same process

    public bool HasExited => _process.HasExited;

    public string Output { get { lock (_output) return _output.ToString(); } }

    public string Error { get { lock (_error) return _error.ToString(); } }

    /// <summary>Sends a signal with kill(2).</summary>
    public void Signal(int signal) => Assert.True(kill(Id, signal) == 0, $"kill({Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");

    [LibraryImport("libc", SetLastError = true)]
    private static partial int kill(int pid, int signal);

    /// <summary>Waits for the exit (generously: a loaded machine is slow, and a hang is what this catches) and for the last output.</summary>
    public int WaitForExit()
    {
        if (!_process.WaitForExit(TimeSpan.FromMinutes(3)))
        {
            _process.Kill(entireProcessTree: true);
            Assert.Fail($"bestofn did not exit within 3 minutes.\n{Error}");
        }
        _process.WaitForExit(); // drains the asynchronous output readers
        return _process.ExitCode;
    }

    /// <summary>A signal's bit in one of /proc/PID/status's masks (SigIgn, SigCgt).</summary>
    public bool InMask(string mask, int signal)
    {
        var line = File.ReadLines($"/proc/{Id}/status").Single(l => l.StartsWith(mask + ":", StringComparison.Ordinal));
        return (ulong.Parse(line[(mask.Length + 1)..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << (signal - 1))) != 0;
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit();
        }
        _process.Dispose();
    }
}
