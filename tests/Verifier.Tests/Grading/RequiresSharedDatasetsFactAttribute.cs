namespace BestOfN.Verifier.Tests.Grading;

/// <summary>A fact that is skipped, with the reason shown, when <c>../shared/datasets</c> next to the repository is missing (a user's clone).</summary>
public sealed class RequiresSharedDatasetsFactAttribute : FactAttribute
{
    public RequiresSharedDatasetsFactAttribute()
    {
        if (SharedDatasets.Directory is null)
        {
            Skip = $"../shared/datasets not found: looked next to the repository root above {AppContext.BaseDirectory}";
        }
    }
}

public static class SharedDatasets
{
    /// <summary>The shared datasets folder, or null when absent.</summary>
    public static string? Directory { get; } = Find();

    public static string PathOf(string relative) =>
        System.IO.Path.Combine(Directory ?? throw new InvalidOperationException("shared datasets are missing"), relative);

    private static string? Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(System.IO.Path.Combine(dir.FullName, "BestOfN.sln")))
            {
                var shared = System.IO.Path.GetFullPath(System.IO.Path.Combine(dir.FullName, "..", "shared", "datasets"));
                return System.IO.Directory.Exists(shared) ? shared : null;
            }
        }

        return null;
    }
}
