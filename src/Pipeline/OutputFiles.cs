namespace BestOfN.Pipeline;

/// <summary>
/// How use cases write their output files: never over a file they read, and through a temporary file beside the target that is
/// renamed into place only when complete, so a crash or a full disk leaves the old file or none, never a torn one.
/// </summary>
public static class OutputFiles
{
    /// <summary>Throws when <paramref name="output"/> is one of the <paramref name="inputs"/>: the same path, a symbolic link to it, or a hard link.</summary>
    public static void EnsureNotAnInput(string output, string option, params string?[] inputs)
    {
        var target = Resolve(output);
        foreach (var input in inputs)
        {
            if (input is not null && (string.Equals(target, Resolve(input), StringComparison.Ordinal) || SameFile(target, input)))
                throw new ArgumentException($"{option} {output} is a file this command reads ({input}); choose another output file.");
        }
    }

    /// <summary>Writes the file through a temporary file beside it, renamed over it once <paramref name="write"/> has finished.</summary>
    /// <exception cref="DirectoryNotFoundException">The file's folder does not exist.</exception>
    /// <exception cref="IOException">The disk is full (the file is left as it was), or another write failure.</exception>
    public static T Write<T>(string path, Func<StreamWriter, T> write) => WriteThroughTemporary(path, temporary =>
    {
        using var writer = new StreamWriter(temporary);
        return write(writer);
    });

    /// <summary>As <see cref="Write{T}"/>, for a binary file (a model, a Parquet table); the stream can also be read and sought.</summary>
    public static T WriteBinary<T>(string path, Func<Stream, T> write) => WriteThroughTemporary(path, temporary =>
    {
        using var stream = new FileStream(temporary, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 1 << 20);
        return write(stream);
    });

    private static T WriteThroughTemporary<T>(string path, Func<string, T> write)
    {
        var full = Path.GetFullPath(path);
        var folder = Path.GetDirectoryName(full)!;
        if (!Directory.Exists(folder)) throw new DirectoryNotFoundException($"Cannot write {full}: the folder {folder} does not exist. Create it, or give a file in an existing folder.");
        var temporary = Path.Combine(folder, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            var result = write(temporary);
            File.Move(temporary, full, overwrite: true);
            return result;
        }
        catch (IOException e) when (IsDiskFull(e))
        {
            throw new IOException($"The disk holding {full} is full. Free space there and rerun; {(File.Exists(full) ? "the file is as it was" : "nothing was written")}.", e);
        }
        finally
        {
            try
            {
                File.Delete(temporary);
            }
            catch (IOException)
            {
                // Best effort: the failure that brought us here is the one to report.
            }
        }
    }

    /// <summary>ENOSPC or EDQUOT on Linux (.NET passes the errno as the HResult), ERROR_DISK_FULL or ERROR_HANDLE_DISK_FULL on Windows.</summary>
    private static bool IsDiskFull(IOException e) =>
        e.HResult is 28 or 122 or unchecked((int)0x80070070) or unchecked((int)0x80070027);

    /// <summary>
    /// Whether two existing paths name one file (hard links included). .NET has no inode API, but its exclusive open takes a lock on
    /// the file itself (flock on Unix, a share mode on Windows), so a second exclusive open of the same file fails whatever its name.
    /// </summary>
    private static bool SameFile(string a, string b)
    {
        if (!File.Exists(a) || !File.Exists(b)) return false;
        try
        {
            using var first = new FileStream(a, FileMode.Open, FileAccess.Read, FileShare.None);
            try
            {
                using var second = new FileStream(b, FileMode.Open, FileAccess.Read, FileShare.None);
                return false;
            }
            catch (IOException)
            {
                return true;
            }
        }
        catch (IOException)
        {
            return false; // held by another process: nothing can be told from the lock
        }
    }

    private static string Resolve(string path)
    {
        var full = Path.GetFullPath(path);
        try
        {
            return File.ResolveLinkTarget(full, returnFinalTarget: true)?.FullName ?? full;
        }
        catch (IOException)
        {
            return full;
        }
    }
}
