using Xunit;

namespace BestOfN.TestSupport;

public static class RepoPaths
{
    /// <summary>The checkout's root: the folder holding BestOfN.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>../shared/datasets beside the checkout, or null on a user's clone that has none.</summary>
    public static string? SharedDatasets
    {
        get
        {
            var dir = Path.GetFullPath(Path.Combine(Root, "..", "shared", "datasets"));
            return Directory.Exists(dir) ? dir : null;
        }
    }

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "BestOfN.sln"))) return dir.FullName;
        throw new InvalidOperationException("BestOfN.sln not found above " + AppContext.BaseDirectory);
    }

    public static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator)
            .Select(d => Path.Combine(d, program)).FirstOrDefault(File.Exists);
}

/// <summary>A fact that is skipped, with the reason, when ../shared/datasets is absent (a user's clone).</summary>
public sealed class RequiresSharedDatasetsFactAttribute : FactAttribute
{
    public RequiresSharedDatasetsFactAttribute()
    {
        if (RepoPaths.SharedDatasets is null) Skip = "../shared/datasets is not beside this checkout; these tests read the real GSM8K/MATH files from there.";
    }
}

/// <summary>A fact that is skipped, with the reason, when no C compiler is on PATH.</summary>
public sealed class RequiresCCompilerFactAttribute : FactAttribute
{
    public RequiresCCompilerFactAttribute()
    {
        if (RepoPaths.FindOnPath("cc") is null) Skip = "No C compiler (cc) on PATH: the ABI test compiles a C program against llama.h to read the real struct layouts.";
    }
}

/// <summary>A fact that is skipped, with the reason, when the build step made no llama.cpp build for this CPU (no cmake or compiler).</summary>
public sealed class RequiresNativeBuildFactAttribute : FactAttribute
{
    public RequiresNativeBuildFactAttribute()
    {
        if (BestOfN.Llama.Native.NativeBuilds.ForThisCpu() is null)
            Skip = "No llama.cpp build for this CPU in the cache: `dotnet build` makes one when cmake and a C++ compiler are present (scripts/build-llama.sh).";
    }
}
