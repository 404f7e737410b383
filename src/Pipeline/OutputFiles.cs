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
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            var result = write(temporary);
            File.Move(temporary, full, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(temporary);
        }
    }

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
