using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BestOfN.Sampler.Bench;

/// <summary>One row of llama-batched-bench's JSONL output.</summary>
public sealed record PeerBenchRow(int PromptTokens, int GeneratedTokens, int Parallel, double PromptSeconds, double PromptTokensPerSecond,
    double GenerationSeconds, double GeneratedTokensPerSecond);

/// <summary>Runs llama.cpp's own llama-batched-bench (built from the same source by scripts/build-llama-batched-bench.sh).</summary>
public static class LlamaBatchedBench
{
    /// <summary>Runs the peer <see cref="SamplerBenchOptions.Repeat"/> times and keeps each setting's fastest figures, as ours are kept.</summary>
    public static IReadOnlyList<PeerBenchRow> Run(string executable, string modelPath, SamplerBenchOptions options, bool kvUnified, int contextSize) =>
        Enumerable.Range(0, Math.Max(1, options.Repeat))
            .SelectMany(_ => RunOnce(executable, modelPath, options, kvUnified, contextSize))
            .GroupBy(r => (r.PromptTokens, r.GeneratedTokens, r.Parallel))
            .Select(g => g.First() with
            {
                PromptSeconds = g.Min(r => r.PromptSeconds), PromptTokensPerSecond = g.Max(r => r.PromptTokensPerSecond),
                GenerationSeconds = g.Min(r => r.GenerationSeconds), GeneratedTokensPerSecond = g.Max(r => r.GeneratedTokensPerSecond),
            })
            .ToList();

    private static IReadOnlyList<PeerBenchRow> RunOnce(string executable, string modelPath, SamplerBenchOptions options, bool kvUnified, int contextSize)
    {
        if (!File.Exists(executable)) throw new FileNotFoundException($"llama-batched-bench not found at {executable}; build it with scripts/build-llama-batched-bench.sh.", executable);
        var threads = options.Threads > 0 ? options.Threads : Environment.ProcessorCount;
        var args = new List<string>
        {
            "-m", modelPath, "-c", contextSize.ToString(CultureInfo.InvariantCulture), "-b", "2048", "-ub", "512",
            "-npp", options.PromptTokens.ToString(CultureInfo.InvariantCulture), "-ntg", options.GeneratedTokens.ToString(CultureInfo.InvariantCulture),
            "-npl", string.Join(',', options.Parallel), "-pps", "-t", threads.ToString(CultureInfo.InvariantCulture),
            kvUnified ? "-kvu" : "-no-kvu", "--output-format", "jsonl",
        };
        var psi = new ProcessStartInfo(executable) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var p = Process.Start(psi)!;
        var stderr = p.StandardError.ReadToEndAsync();
        var stdout = p.StandardOutput.ReadToEnd();
        p.WaitForExit();
        if (p.ExitCode != 0) throw new InvalidOperationException($"llama-batched-bench failed ({p.ExitCode}): {Tail(stderr.Result)}");
        var rows = new List<PeerBenchRow>();
        foreach (var line in (stdout + "\n" + stderr.Result).Split('\n'))
        {
            if (!line.TrimStart().StartsWith("{\"n_kv_max\"", StringComparison.Ordinal)) continue;
            using var doc = JsonDocument.Parse(line);
            var r = doc.RootElement;
            rows.Add(new PeerBenchRow(r.GetProperty("pp").GetInt32(), r.GetProperty("tg").GetInt32(), r.GetProperty("pl").GetInt32(),
                r.GetProperty("t_pp").GetDouble(), r.GetProperty("speed_pp").GetDouble(), r.GetProperty("t_tg").GetDouble(), r.GetProperty("speed_tg").GetDouble()));
        }
        if (rows.Count == 0) throw new InvalidOperationException($"llama-batched-bench printed no result rows: {Tail(stderr.Result)}");
        return rows;
    }

    private static string Tail(string s) => s.Length <= 2000 ? s : s[^2000..];
}
