using BestOfN.Store;

namespace BestOfN.Pipeline.Nightly;

/// <summary>A file found in a watched folder, known by its content: a renamed file keeps its hash, a rewritten one gets a new one.</summary>
public sealed record WatchedFile(string Path, NightlyItemKind Kind, string Sha256)
{
    public string Name => System.IO.Path.GetFileName(Path);
}

/// <summary>A file left for a later night, and why.</summary>
public sealed record SkippedFile(string Path, string Reason);

/// <summary>Finds the stable files of a watched folder: not a <c>.partial</c>, not written to for the settle time, and the same size before and after hashing.</summary>
public static class WatchedFolder
{
    public const string PartialSuffix = ".partial";

    /// <param name="extensions">The file endings an item has (".gguf"); any other file is ignored.</param>
    public static (IReadOnlyList<WatchedFile> Stable, IReadOnlyList<SkippedFile> Skipped) Scan(string folder, NightlyItemKind kind, string[] extensions, TimeProvider clock,
        TimeSpan settleTime, CancellationToken cancellationToken = default)
    {
        var stable = new List<WatchedFile>();
        var skipped = new List<SkippedFile>();
        foreach (var path in Directory.EnumerateFiles(folder).Order(StringComparer.Ordinal))
        {
            cancellationToken.ThrowIfCancellationRequested();
            var name = Path.GetFileName(path);
            if (name.StartsWith('.')) continue;
            if (name.EndsWith(PartialSuffix, StringComparison.OrdinalIgnoreCase))
            {
                skipped.Add(new SkippedFile(path, "still being written (.partial)"));
                continue;
            }
            if (!extensions.Any(e => name.EndsWith(e, StringComparison.OrdinalIgnoreCase))) continue;
            var before = new FileInfo(path);
            var age = clock.GetUtcNow() - before.LastWriteTimeUtc;
            if (age < settleTime)
            {
                skipped.Add(new SkippedFile(path, $"written {Math.Max(0, age.TotalSeconds):0} s ago; taken once unchanged for {settleTime.TotalSeconds:0} s"));
                continue;
            }
            var sha = RunStore.FileSha256(path);
            var after = new FileInfo(path);
            if (after.Length != before.Length || after.LastWriteTimeUtc != before.LastWriteTimeUtc)
            {
                skipped.Add(new SkippedFile(path, "changed while it was read"));
                continue;
            }
            stable.Add(new WatchedFile(path, kind, sha));
        }
        return (stable, skipped);
    }
}
