namespace BestOfN.Pipeline;

/// <summary>One holder at a time: a lock file held open with no sharing, an OS lock, so a killed process releases it.</summary>
internal static class LockFiles
{
    /// <summary>The held file, or null when another process (or another holder in this one) has it.</summary>
    public static FileStream? TryHold(string path, FileOptions options = FileOptions.None)
    {
        try
        {
            return new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, 1, options);
        }
        catch (IOException)
        {
            return null;
        }
    }
}
