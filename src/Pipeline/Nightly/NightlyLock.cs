namespace BestOfN.Pipeline.Nightly;

/// <summary>Another nightly run of the same store holds the lock.</summary>
public sealed class NightlyBusyException(string message) : Exception(message);

/// <summary>
/// One nightly run at a time per store: a lock file held open exclusively (an OS lock, so a killed process releases it). The file
/// names the holder's process id.
/// </summary>
public sealed class NightlyLock : IDisposable
{
    private readonly FileStream _stream;

    private NightlyLock(FileStream stream) => _stream = stream;

    /// <exception cref="NightlyBusyException">Another process (or another run in this one) holds the lock.</exception>
    public static NightlyLock Acquire(string path)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var stream = LockFiles.TryHold(path)
            ?? throw new NightlyBusyException($"another nightly run holds {path} (the file names its process id); this one exits. That run ends on its own, or stop it first.");
        stream.SetLength(0);
        using (var writer = new StreamWriter(stream, leaveOpen: true)) writer.Write($"{Environment.ProcessId}\n");
        stream.Flush(flushToDisk: true);
        return new NightlyLock(stream);
    }

    public void Dispose() => _stream.Dispose();
}
