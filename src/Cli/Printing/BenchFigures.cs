using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;
using BestOfN.Llama.Native;
using BestOfN.Llama.Peer;
using BestOfN.Pipeline;
using BestOfN.Sampler.Bench;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Printing;

/// <summary>
/// What every benchmark shares: <c>--json FILE</c> (the settings, the machine, the natives that ran and both sides' figures, so
/// results can be tracked over time) and the rows that print our figure beside the peer's as a ratio.
/// </summary>
internal static class BenchFigures
{
    private static readonly JsonSerializerOptions Json = new()
    {
        WriteIndented = true,
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
        Converters = { new JsonStringEnumConverter() },
    };

    public static Option<FileInfo?> JsonOption() => new("--json") { Description = "Also write the settings, the natives and both sides' figures to this JSON file" };

    /// <summary>Writes the figures when <c>--json</c> was given (through a temporary file, renamed into place).</summary>
    public static void WriteJson(ParseResult pr, Option<FileInfo?> option, string benchmark, object settings, object results)
    {
        if (pr.GetValue(option) is not { } file) return;
        var document = new
        {
            Benchmark = benchmark,
            Written = DateTimeOffset.UtcNow,
            Machine = new { Cpu = CpuModel(), Cores = Environment.ProcessorCount, Os = System.Runtime.InteropServices.RuntimeInformation.OSDescription },
            Natives = LlamaRuntime.Natives is { } natives ? new { Kind = natives.Source.ToString().ToLowerInvariant(), natives.Directory } : null,
            Settings = settings,
            Results = results,
        };
        OutputFiles.Write(file.FullName, writer =>
        {
            writer.WriteLine(JsonSerializer.Serialize(document, Json));
            return 0;
        });
        pr.InvocationConfiguration.Output.WriteLine($"figures written to {file.FullName}");
    }

    public static string SamplerRow(bool kvUnified, SamplerBenchRow row, PeerBenchRow? peer) =>
        $"| {(kvUnified ? "unified" : "split"),-7} | {row.Parallel,8} | {row.PromptTokensPrefilled,9} | {F(row.PromptTokensPerSecond),11} | {F(row.GeneratedTokensPerSecond),11} | " +
        $"{F(peer?.PromptTokensPerSecond),11} | {F(peer?.GeneratedTokensPerSecond),11} | {Ratio(row.GeneratedTokensPerSecond, peer?.GeneratedTokensPerSecond),8} | {Ratio(row.PromptTokensPerSecond, peer?.PromptTokensPerSecond),8} | {F(row.OutsideDecodeShare, "P1"),10} |";

    public static string ScoringRow(ScoringBenchRow row, PeerBenchRow? peer) =>
        $"| {row.Kv.Name(),-7} | {Used(row.KvUsed),-7} | {(row.AcrossProblems ? "across" : "per-problem"),-11} | {row.Batch,5} | {row.Answers,7} | {row.TokensScored,13} | {row.PrefixTokens,16} | {row.Reads,5} | {F(row.Seconds, "F2"),7} | {F(row.AnswersPerSecond),9} | {F(row.TokensPerSecond),12} | {F(peer?.PromptTokensPerSecond),13} | {Ratio(row.TokensPerSecond, peer?.PromptTokensPerSecond),5} |";

    public static string WorkloadRow(WorkloadBenchRow row, WorkloadBenchRow waves, WorkloadBenchRow? peer) =>
        $"| {row.Batching,-12} | {row.Samples,7} | {row.TokensGenerated,9} | {row.PromptTokensPrefilled,13} | {F(row.Seconds, "F2"),7} | {F(row.GeneratedTokensPerSecond),9} | " +
        $"{F(row.ProblemsPerSecond, "F3"),10} | {Ratio(row.GeneratedTokensPerSecond, waves.GeneratedTokensPerSecond),8} | {Ratio(row.GeneratedTokensPerSecond, peer?.GeneratedTokensPerSecond),7} |";

    /// <summary>The layout a row ran with; "mixed" when auto used both (the JSON has the batch counts).</summary>
    private static string Used(string kvUsed) => kvUsed.Contains(',', StringComparison.Ordinal) ? "mixed" : kvUsed;

    private static string F(double? value, string format = "F1") => value is null ? "-" : value.Value.ToString(format, CultureInfo.InvariantCulture);

    private static string Ratio(double ours, double? peer) => peer is null or 0 ? "-" : (ours / peer.Value).ToString("F2", CultureInfo.InvariantCulture) + "x";

    private static string? CpuModel()
    {
        try
        {
            return File.Exists("/proc/cpuinfo") ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
