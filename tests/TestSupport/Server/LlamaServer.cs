using System.Diagnostics;
using Xunit;
using Peer = BestOfN.Llama.Peer.LlamaServer;

namespace BestOfN.TestSupport.Server;

/// <summary>
/// A real llama-server, built from the same source bundle as our natives by scripts/build-llama.sh --tools (cached after the first
/// build), serving a model on loopback through the project's own launcher (<see cref="Peer"/>). Disposing stops it.
/// </summary>
public sealed class LlamaServer : IDisposable
{
    private static readonly Lazy<(string? Binary, string? Why)> Built = new(Build);

    private readonly Peer _server;

    private LlamaServer(Peer server) => _server = server;

    /// <summary>The server's root, e.g. http://127.0.0.1:41234/ (the OpenAI API is under v1/).</summary>
    public Uri Url => _server.Url;

    /// <summary>What the server printed so far, for a failing assertion's message.</summary>
    public string Output => _server.Log;

    /// <summary>The llama-server binary, built on first use; throws with the reason where it cannot be built.</summary>
    public static string Binary => Built.Value.Binary ?? throw new InvalidOperationException(Built.Value.Why);

    /// <summary>Starts llama-server with one thread on a free loopback port and waits until /health answers 200.</summary>
    /// <param name="arguments">Extra arguments, e.g. "--alias", "tiny", "-np", "1".</param>
    public static LlamaServer Start(string modelPath, params string[] arguments) =>
        new(Peer.Start(Binary, ["-m", modelPath, "-t", "1", .. arguments], TimeSpan.FromSeconds(60)));

    private static (string?, string?) Build()
    {
        if (MissingBuildTool() is { } missing) return (null, missing);
        var psi = new ProcessStartInfo("bash") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(Path.Combine(RepoPaths.Root, "scripts", "build-llama.sh"));
        psi.ArgumentList.Add("--tools");
        using var build = Process.Start(psi)!;
        var stderr = build.StandardError.ReadToEndAsync();
        var lines = build.StandardOutput.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries);
        build.WaitForExit();
        if (build.ExitCode != 0 || lines.Length == 0)
            throw new InvalidOperationException($"scripts/build-llama.sh --tools failed ({build.ExitCode}): {stderr.Result}");
        var binary = Path.Combine(lines[^1].Trim(), "llama-server");
        return File.Exists(binary) ? (binary, null) : throw new InvalidOperationException($"scripts/build-llama.sh --tools printed {lines[^1]}, which holds no llama-server.");
    }

    /// <summary>Why llama-server cannot be built here (cmake or a C++ compiler missing), or null.</summary>
    public static string? MissingBuildTool() => new[] { "cmake", "c++" }
        .Where(tool => RepoPaths.FindOnPath(tool) is null)
        .Select(tool => $"{tool} is not installed: llama-server cannot be built from the source bundle here (scripts/build-llama.sh --tools needs cmake and a C++ compiler; CI installs them).")
        .FirstOrDefault();

    public void Dispose() => _server.Dispose();
}

/// <summary>A test that needs a real llama-server: skipped, with the reason, where cmake or a C++ compiler is missing to build one.</summary>
public sealed class LlamaServerFactAttribute : FactAttribute
{
    public LlamaServerFactAttribute()
    {
        if (LlamaServer.MissingBuildTool() is { } missing) Skip = missing;
    }
}
