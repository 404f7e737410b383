using System.Runtime.InteropServices;

namespace BestOfN.Llama.Native;

/// <summary>One npm package of prebuilt llama.cpp natives for a platform.</summary>
/// <param name="Platform">The npm platform name, e.g. linux-x64, and the folder under bins/.</param>
/// <param name="Version">The node-llama-cpp version that is served for it.</param>
/// <param name="LlamaFile">The file name of libllama inside the package.</param>
/// <param name="GgmlFile">The file name of libggml inside the package.</param>
public sealed record NativePackage(string Platform, string Version, string LlamaFile, string GgmlFile)
{
    public string PackageName => $"@node-llama-cpp/{Platform}";

    public string PackageSpec => $"{PackageName}@{Version}";

    /// <summary>The folder the package is unpacked to inside the cache.</summary>
    public string CacheFolderName => $"node-llama-cpp-{Platform}-{Version}";
}

/// <summary>
/// The node-llama-cpp packages we take natives from. 3.22.1 ships llama.cpp release v0.5.0, the header our
/// binding mirrors; some platforms are served only at 3.21.1 (an older release), which <see cref="LlamaRuntime"/> reports.
/// Only linux-x64 is exercised here.
/// </summary>
public static class NativePackages
{
    public const string ExpectedVersion = "3.22.1";

    public static readonly IReadOnlyList<NativePackage> All =
    [
        new("linux-x64", ExpectedVersion, "libllama.v0.5.0.so", "libggml.v0.5.0.so"),
        new("linux-x64-cuda", ExpectedVersion, "libllama.v0.5.0.so", "libggml.v0.5.0.so"),
        new("linux-arm64", ExpectedVersion, "libllama.v0.5.0.so", "libggml.v0.5.0.so"),
        new("win-x64", "3.21.1", "llama.dll", "ggml.dll"),
        new("mac-arm64-metal", "3.21.1", "libllama.dylib", "libggml.dylib"),
        new("mac-x64", "3.21.1", "libllama.dylib", "libggml.dylib"),
    ];

    /// <summary>The package for this process's OS and architecture; <paramref name="cuda"/> picks the CUDA build where one exists.</summary>
    public static NativePackage ForCurrentPlatform(bool cuda = false)
    {
        var arch = RuntimeInformation.ProcessArchitecture;
        string platform;
        if (OperatingSystem.IsLinux() && arch == Architecture.X64)
        {
            platform = cuda ? "linux-x64-cuda" : "linux-x64";
        }
        else if (OperatingSystem.IsLinux() && arch == Architecture.Arm64)
        {
            platform = "linux-arm64";
        }
        else if (OperatingSystem.IsWindows() && arch == Architecture.X64)
        {
            platform = "win-x64";
        }
        else if (OperatingSystem.IsMacOS() && arch == Architecture.Arm64)
        {
            platform = "mac-arm64-metal";
        }
        else if (OperatingSystem.IsMacOS() && arch == Architecture.X64)
        {
            platform = "mac-x64";
        }
        else
        {
            throw new LlamaException($"No prebuilt llama.cpp package is known for {RuntimeInformation.OSDescription} {arch}. " +
                                      $"Build llama.cpp yourself (scripts/build-llama.sh) and set {LlamaRuntime.LibraryDirectoryVariable}.");
        }

        return All.Single(p => p.Platform == platform);
    }

    /// <summary>The cache root: $BESTOFN_NATIVE_CACHE, else $XDG_CACHE_HOME/bestofn/natives, else ~/.cache/bestofn/natives.</summary>
    public static string CacheRoot()
    {
        var explicitRoot = Environment.GetEnvironmentVariable("BESTOFN_NATIVE_CACHE");
        if (!string.IsNullOrEmpty(explicitRoot)) return explicitRoot;
        var xdg = Environment.GetEnvironmentVariable("XDG_CACHE_HOME");
        var baseDir = !string.IsNullOrEmpty(xdg) ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".cache");
        return Path.Combine(baseDir, "bestofn", "natives");
    }

    /// <summary>Where the package's libraries lie once the build step has fetched it.</summary>
    public static string LibraryDirectory(NativePackage package) =>
        Path.Combine(CacheRoot(), package.CacheFolderName, "package", "bins", package.Platform);
}
