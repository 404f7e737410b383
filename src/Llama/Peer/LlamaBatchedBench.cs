using System.Diagnostics;
using System.Globalization;
using System.Text.Json;

namespace BestOfN.Llama.Peer;

/// <summary>One row of llama-batched-bench's JSONL output.</summary>
public sealed record PeerBenchRow(int PromptTokens, int GeneratedTokens, int Parallel, double PromptSeconds, double PromptTokensPerSecond,
    double GenerationSeconds, double GeneratedTokensPerSecond);

/// <summary>Settings of one llama-batched-bench invocation, named after its flags.</summary>
/// <param name="SharedPrompt">-pps: one prompt shared by all sequences (sampling); otherwise each sequence has its own (scoring).</param>
/// <param name="FlashAttention">-fa on/off; null leaves llama.cpp's auto.</param>
/// <param name="Repeat">Invocations; each setting's fastest figures are kept, as ours are.</param>
public sealed record PeerBenchSettings(string ModelPath, int ContextSize, int PromptTokens, int GeneratedTokens, IReadOnlyList<int> Parallel,
    int Threads, bool KvUnified, bool SharedPrompt, int BatchSize = 2048, int MicroBatchSize = 512, bool? FlashAttention = null, int Repeat = 1);

/// <summary>Runs llama.cpp's own llama-batched-bench (built from the same source by scripts/build-llama.sh --tools).</summary>
public static class LlamaBatchedBench
{
    public static IReadOnlyList<PeerBenchRow> Run(string executable, PeerBenchSettings settings) =>
        Enumerable.Range(0, Math.Max(1, settings.Repeat))
            .SelectMany(_ => RunOnce(executable, settings))
            .GroupBy(r => (r.PromptTokens, r.GeneratedTokens, r.Parallel))
            .Select(g => g.First() with
            {
                PromptSeconds = g.Min(r => r.PromptSeconds),
                PromptTokensPerSecond = g.Max(r => r.PromptTokensPerSecond),
                GenerationSeconds = g.Min(r => r.GenerationSeconds),
                GeneratedTokensPerSecond = g.Max(r => r.GeneratedTokensPerSecond),
            })
            .ToList();

    private static IReadOnlyList<PeerBenchRow> RunOnce(string executable, PeerBenchSettings s)
    {
        if (!File.Exists(executable)) throw new FileNotFoundException($"llama-batched-bench not found at {executable}; build it with scripts/build-llama.sh --tools.", executable);
        var threads = s.Threads > 0 ? s.Threads : Environment.ProcessorCount;
        string I(int v) => v.ToString(CultureInfo.InvariantCulture);
        var args = new List<string>
        {
            "-m", s.ModelPath, "-c", I(s.ContextSize), "-b", I(s.BatchSize), "-ub", I(s.MicroBatchSize), "-npp", I(s.PromptTokens),
            "-ntg", I(s.GeneratedTokens), "-npl", string.Join(',', s.Parallel), "-t", I(threads), s.KvUnified ? "-kvu" : "-no-kvu",
            "--output-format", "jsonl",
        };
        if (s.SharedPrompt) args.Add("-pps");
        if (s.FlashAttention is { } fa) args.AddRange(["-fa", fa ? "on" : "off"]);
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
