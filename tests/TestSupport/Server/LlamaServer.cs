using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Xunit;

namespace BestOfN.TestSupport.Server;

/// <summary>
/// A real llama-server, built from the same source bundle as our natives by scripts/build-llama.sh --tools (cached after the first
/// build), serving a model on loopback. Disposing stops it.
/// </summary>
public sealed class LlamaServer : IDisposable
{
    private static readonly Lazy<(string? Binary, string? Why)> Built = new(Build);

    private readonly Process _process;
    private readonly StringWriter _log = new();

    private LlamaServer(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    /// <summary>The server's root, e.g. http://127.0.0.1:41234/ (the OpenAI API is under v1/).</summary>
    public Uri Url { get; }

    /// <summary>Starts llama-server on a free loopback port and waits until /health answers 200.</summary>
    /// <param name="arguments">Extra arguments, e.g. "--alias", "tiny", "-np", "1".</param>
    public static LlamaServer Start(string modelPath, params string[] arguments)
    {
        var binary = Built.Value.Binary ?? throw new InvalidOperationException(Built.Value.Why);
        var port = FreePort();
        var psi = new ProcessStartInfo(binary) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in new[] { "-m", modelPath, "--host", "127.0.0.1", "--port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-t", "1", "--no-webui" }.Concat(arguments))
            psi.ArgumentList.Add(a);
        psi.Environment["LD_LIBRARY_PATH"] = Path.GetDirectoryName(binary);
        var server = new LlamaServer(Process.Start(psi)!, new Uri($"http://127.0.0.1:{port}/"));
        server._process.OutputDataReceived += (_, e) => server.Log(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Log(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        server.WaitHealthy(TimeSpan.FromSeconds(60));
        return server;
    }

    /// <summary>What the server printed so far, for a failing assertion's message.</summary>
    public string Output
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    private void Log(string? line)
    {
        if (line is null) return;
        lock (_log) _log.WriteLine(line);
    }

    private void WaitHealthy(TimeSpan limit)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < limit)
        {
            if (_process.HasExited) throw new InvalidOperationException($"llama-server exited with {_process.ExitCode}:\n{Output}");
            try
            {
                if (http.GetAsync(new Uri(Url, "health")).GetAwaiter().GetResult().StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            catch (TaskCanceledException)
            {
                // loading
            }
            Thread.Sleep(100);
        }
        Dispose();
        throw new TimeoutException($"llama-server did not become healthy in {limit.TotalSeconds} s:\n{Output}");
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

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
        .Where(tool => !(Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator).Any(dir => File.Exists(Path.Combine(dir, tool))))
        .Select(tool => $"{tool} is not installed: llama-server cannot be built from the source bundle here (scripts/build-llama.sh --tools needs cmake and a C++ compiler; CI installs them).")
        .FirstOrDefault();

    public void Dispose()
    {
        try
        {
            if (!_process.HasExited) _process.Kill(entireProcessTree: true);
            _process.WaitForExit(5000);
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
        _process.Dispose();
    }
}

/// <summary>A test that needs a real llama-server: skipped, with the reason, where cmake or a C++ compiler is missing to build one.</summary>
public sealed class LlamaServerFactAttribute : FactAttribute
{
    public LlamaServerFactAttribute()
    {
        if (LlamaServer.MissingBuildTool() is { } missing) Skip = missing;
    }
}
