using Xunit;

namespace BestOfN.TestSupport;

/// <summary>Debian's chromium (the <c>chromium</c> apt package, which .ci/run installs), for tests that render a page in a real browser.</summary>
public static class Chromium
{
    /// <summary>$BESTOFN_CHROMIUM, else chromium on PATH; null when there is none.</summary>
    public static string? Executable { get; } =
        Environment.GetEnvironmentVariable("BESTOFN_CHROMIUM") is { Length: > 0 } path && File.Exists(path) ? path : RepoPaths.FindOnPath("chromium");
}

/// <summary>A fact that is skipped, with the reason, when no chromium is installed.</summary>
public sealed class RequiresChromiumFactAttribute : FactAttribute
{
    public RequiresChromiumFactAttribute()
    {
        if (Chromium.Executable is null) Skip = "No chromium on PATH (nor $BESTOFN_CHROMIUM): install Debian's chromium package (.ci/run does) to run the browser test.";
    }
}
