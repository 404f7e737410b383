namespace BestOfN.Pipeline;

/// <summary>
/// How use cases write their output files: never over a file they read, and through a temporary file beside the target that is
/// renamed into place only when complete, so a crash or a full disk leaves the old file or none, never a torn one.
/// </summary>
public static class OutputFiles
{
    /// <summary>Throws when <paramref name="output"/> is one of the <paramref name="inputs"/> (symbolic links resolved).</summary>
    public static void EnsureNotAnInput(string output, string option, params string?[] inputs)
    {
        var target = Resolve(output);
        foreach (var input in inputs)
        {
            if (input is not null && string.Equals(target, Resolve(input), StringComparison.Ordinal))
                throw new ArgumentException($"{option} {output} is a file this command reads ({input}); choose another output file.");
        }
    }

    /// <summary>Writes the file through a temporary file beside it, renamed over it once <paramref name="write"/> has finished.</summary>
    public static T Write<T>(string path, Func<StreamWriter, T> write)
    {
        var full = Path.GetFullPath(path);
        var temporary = Path.Combine(Path.GetDirectoryName(full)!, $".{Path.GetFileName(full)}.{Environment.ProcessId}.tmp");
        try
        {
            T result;
            using (var writer = new StreamWriter(temporary))
            {
                result = write(writer);
            }
            File.Move(temporary, full, overwrite: true);
            return result;
        }
        finally
        {
            File.Delete(temporary);
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
