using System.Text.Json;
using BestOfN.Llama.Native;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>
/// Keeps a run's samples from mixing settings: the bit-changing settings are recorded when a run starts, and resuming or extending it
/// with other ones is refused, naming each setting; and one process samples a run at a time.
/// </summary>
public static class RunSettingsGuard
{
    /// <summary>The loaded llama.cpp build: its package folder and the CPU features ggml picked.</summary>
    public static string NativesIdentity()
    {
        var folder = LlamaRuntime.LoadedFrom is { } from ? Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(from))) + "/" + Path.GetFileName(Path.TrimEndingDirectorySeparator(from)) : "unknown";
        return $"{folder} | {LlamaRuntime.SystemInfo.Trim()}";
    }

    /// <summary>Records the settings of a new run, or checks that a stored run was sampled with the same ones.</summary>
    public static void Check(RunStore store, string runId, SamplerOptions sampler)
    {
        var now = RunIdentity.SamplingSettings(sampler, NativesIdentity());
        var json = JsonSerializer.Serialize(now);
        var storedJson = store.RunSettings(runId);
        if (storedJson is null)
        {
            if (store.SampleCount(runId) == 0) store.SaveRunSettings(runId, json);
            return; // a run sampled before settings were recorded: nothing to compare with
        }
        var stored = JsonSerializer.Deserialize<Dictionary<string, string>>(storedJson) ?? [];
        stored.TryAdd("batching", "waves"); // runs recorded before continuous batching existed were sampled in waves
        var differences = now.Where(kv => stored.GetValueOrDefault(kv.Key) != kv.Value)
            .Select(kv => $"{kv.Key} {stored.GetValueOrDefault(kv.Key) ?? "(none)"} (now {kv.Value})").ToList();
        if (differences.Count > 0)
        {
            throw new InvalidOperationException(
                $"Run {runId} in {store.Path} was sampled with {string.Join(", ", differences)}; these change the samples' bits. " +
                $"Resume with the same settings (--batching {stored["batching"]} --parallel {stored.GetValueOrDefault("parallel")} --threads {stored.GetValueOrDefault("threads")}, the same natives{NativesHint(stored.GetValueOrDefault("natives"))}), or give a new --run.");
        }
    }

    // Runs sampled before natives were built for the CPU by default used the npm package: say how to get it back.
    private static string NativesHint(string? natives) =>
        natives is not null && natives.StartsWith("bins/", StringComparison.Ordinal) ? $": {LlamaRuntime.NativesVariable}=prebuilt" : "";

    /// <summary>Holds the run for this process; a second process sampling the same run is refused while this one runs.</summary>
    public static IDisposable Lock(string storePath, string runId)
    {
        var path = $"{storePath}.{runId}.lock";
        return LockFiles.TryHold(path, FileOptions.DeleteOnClose)
            ?? throw new InvalidOperationException($"Run {runId} in {storePath} is being sampled by another process right now (it holds {path}); wait for it to finish, then rerun to resume.");
    }
}
