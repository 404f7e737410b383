using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BestOfN.Llama.Peer;

/// <summary>Settings of one llama-server, named after its flags: -np slots with continuous batching on (its default).</summary>
public sealed record LlamaServerSettings(string ModelPath, int ContextSize, int Slots, int Threads, bool KvUnified, int BatchSize = 2048, int MicroBatchSize = 512);

/// <summary>One completion asked of the server: prompt tokens, the exact number of tokens to generate (end-of-generation ignored) and a seed.</summary>
public sealed record PeerCompletion(IReadOnlyList<int> PromptTokens, int GeneratedTokens, uint Seed);

/// <param name="TokensGenerated">The server's own count (tokens_predicted), summed.</param>
/// <param name="PromptTokensEvaluated">Prompt tokens the server decoded (timings.prompt_n), after its prompt-cache reuse.</param>
public sealed record PeerWorkloadResult(int Requests, long TokensGenerated, long PromptTokensEvaluated, double Seconds);

/// <summary>
/// llama.cpp's llama-server (built from the same source bundle by scripts/build-llama.sh --tools), started on a loopback port and
/// driven over its HTTP API (/completion) with at most as many requests in flight as it has slots, in the order given.
/// </summary>
public sealed class LlamaServer : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _log = new();
    private readonly HttpClient _http;

    private LlamaServer(Process process, int port)
    {
        _process = process;
        Url = new Uri($"http://127.0.0.1:{port}/");
        _http = new HttpClient { BaseAddress = Url, Timeout = TimeSpan.FromHours(1) };
    }

    /// <summary>The server's root, e.g. http://127.0.0.1:41234/ (the OpenAI API is under v1/).</summary>
    public Uri Url { get; }

    /// <summary>Starts the server with the benchmark's settings and waits until it answers /health (the model is loaded).</summary>
    public static LlamaServer Start(string executable, LlamaServerSettings s, TimeSpan? timeout = null)
    {
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        return Start(executable,
        [
            "-m", s.ModelPath, "-c", I(s.ContextSize), "-np", I(s.Slots), "-t", I(s.Threads > 0 ? s.Threads : Environment.ProcessorCount),
            "-b", I(s.BatchSize), "-ub", I(s.MicroBatchSize), s.KvUnified ? "-kvu" : "-no-kvu", "-fit", "off",
        ], timeout);
    }

    /// <summary>Starts the server on a free loopback port with these arguments and waits until it answers /health.</summary>
    public static LlamaServer Start(string executable, IEnumerable<string> arguments, TimeSpan? timeout = null)
    {
        if (!File.Exists(executable)) throw new FileNotFoundException($"llama-server not found at {executable}; scripts/build-llama.sh --tools builds it.", executable);
        var port = FreePort();
        var psi = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in arguments.Concat(["--no-webui", "--host", "127.0.0.1", "--port", port.ToString(CultureInfo.InvariantCulture)])) psi.ArgumentList.Add(a);
        psi.Environment["LD_LIBRARY_PATH"] = Path.GetDirectoryName(Path.GetFullPath(executable));
        var server = new LlamaServer(Process.Start(psi)!, port);
        server._process.OutputDataReceived += (_, e) => server.Keep(e.Data);
        server._process.ErrorDataReceived += (_, e) => server.Keep(e.Data);
        server._process.BeginOutputReadLine();
        server._process.BeginErrorReadLine();
        try
        {
            server.WaitUntilReady(timeout ?? TimeSpan.FromMinutes(2));
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    /// <summary>Sends every completion, keeping up to <paramref name="inFlight"/> in flight, and times the whole workload.</summary>
    public PeerWorkloadResult Run(IReadOnlyList<PeerCompletion> completions, int inFlight, JsonObject sampling)
    {
        using var gate = new SemaphoreSlim(inFlight);
        var clock = Stopwatch.StartNew();
        var tasks = new List<Task<(long Generated, long Prompt)>>();
        foreach (var c in completions)
        {
            gate.Wait();
            tasks.Add(Task.Run(async () =>
            {
                try
                {
                    return await Complete(c, sampling).ConfigureAwait(false);
                }
                finally
                {
                    gate.Release();
                }
            }));
        }
        Task.WaitAll(tasks);
        var seconds = clock.Elapsed.TotalSeconds;
        return new PeerWorkloadResult(completions.Count, tasks.Sum(t => t.Result.Generated), tasks.Sum(t => t.Result.Prompt), seconds);
    }

    private async Task<(long, long)> Complete(PeerCompletion c, JsonObject sampling)
    {
        var body = (JsonObject)sampling.DeepClone();
        body["prompt"] = new JsonArray([.. c.PromptTokens.Select(t => (JsonNode)t)]);
        body["n_predict"] = c.GeneratedTokens;
        body["ignore_eos"] = true;
        body["seed"] = c.Seed;
        body["cache_prompt"] = true;
        using var response = await _http.PostAsJsonAsync("completion", body).ConfigureAwait(false);
        var text = await response.Content.ReadAsStringAsync().ConfigureAwait(false);
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"llama-server answered {(int)response.StatusCode}: {Tail(text)}");
        using var json = JsonDocument.Parse(text);
        var root = json.RootElement;
        var prompt = root.TryGetProperty("timings", out var t) && t.TryGetProperty("prompt_n", out var n) ? n.GetInt64() : 0;
        return (root.GetProperty("tokens_predicted").GetInt64(), prompt);
    }

    private void WaitUntilReady(TimeSpan timeout)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < timeout)
        {
            if (_process.HasExited) throw new InvalidOperationException($"llama-server exited with {_process.ExitCode} before it was ready: {Tail(Log)}");
            try
            {
                using var response = _http.GetAsync("health").GetAwaiter().GetResult();
                if (response.StatusCode == HttpStatusCode.OK) return;
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            Thread.Sleep(200);
        }
        throw new TimeoutException($"llama-server was not ready after {timeout.TotalSeconds:F0} s: {Tail(Log)}");
    }

    /// <summary>What the server printed so far (the last 32-64 kB), for an error message.</summary>
    public string Log
    {
        get
        {
            lock (_log) return _log.ToString();
        }
    }

    private void Keep(string? line)
    {
        if (line is null) return;
        lock (_log)
        {
            _log.AppendLine(line);
            if (_log.Length > 64_000) _log.Remove(0, _log.Length - 32_000);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];

    public void Dispose()
    {
        _http.Dispose();
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                _process.WaitForExit(10_000);
            }
        }
        catch (InvalidOperationException)
        {
            // it exited meanwhile
        }
        _process.Dispose();
    }
}
