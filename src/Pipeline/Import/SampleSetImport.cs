using System.Text.Json;
using BestOfN.Store;
using BestOfN.Verifier.Import;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <param name="ScoresImported">Shipped reward scores stored under the scorer "imported".</param>
public sealed record ImportSummary(RunInfo Run, int Problems, int SamplesInserted, int SamplesAlreadyStored, int LabelledSamples, int ScoresImported);

/// <summary>Writes an imported sample set into the run store as a run of kind "import": its shipped labels become each sample's label.</summary>
public static class SampleSetImport
{
    public const string ImportedScorerId = "imported";

    /// <summary>The dataset style stored with an imported run ("mistral" or "deepseek"), or null.</summary>
    public static string? Style(RunInfo run)
    {
        if (run.Kind != "import") return null;
        using var config = JsonDocument.Parse(run.ConfigJson);
        return config.RootElement.ValueKind == JsonValueKind.Object && config.RootElement.TryGetProperty("style", out var style) ? style.GetString() : null;
    }

    /// <summary>What identifies an imported run: the file's hash, its format, the field mapping, the style and the score kind.</summary>
    public static string ConfigJson(string path, SampleSetFormat format, SampleSetFieldMap map, string? style, ShippedScoreKind? scoresAs = null)
    {
        var entries = new SortedDictionary<string, object?>
        {
            ["format"] = format.Name(),
            ["file_sha256"] = RunStore.FileSha256(path),
            ["fields"] = map,
        };
        // Only when given, so that runs imported without a style keep their ids.
        if (style is not null) entries["style"] = style.ToLowerInvariant();
        if (scoresAs is { } kind) entries["scores_as"] = kind.ToString().ToLowerInvariant();
        return JsonSerializer.Serialize(entries);
    }

    /// <summary>The run id an import of the file gets when no run name is given.</summary>
    public static string RunIdFor(string path, SampleSetFormat format, SampleSetFieldMap map, string? style, ShippedScoreKind? scoresAs = null) =>
        RunIdentity.IdFor("import-", ConfigJson(path, format, map, style, scoresAs));

    /// <param name="shard">Import only this shard's problems (each keeps its position in the whole set); null for all. A shard that holds
    /// none of the set's problems writes nothing.</param>
    public static ImportSummary Import(RunStore store, string path, SampleSetFormat format, SampleSetFieldMap map, IReadOnlyList<ImportedProblem> problems, string? runName = null,
        string? style = null, ShippedScoreKind? scoresAs = null, Sharding.ShardSpec? shard = null)
    {
        var config = ConfigJson(path, format, map, style, scoresAs);
        var runId = runName ?? RunIdentity.IdFor("import-", config);
        var run = new RunInfo(runId, "import", System.IO.Path.GetFileName(path), null, null, config, DateTimeOffset.UtcNow);
        var rows = problems.Select((p, i) => new ImportedProblemRows(
            new StoredProblem(runId, p.ProblemId, i, p.Prompt, p.Gold, p.Fields, null, null),
            p.Answers.Select((a, k) => new StoredSample(runId, p.ProblemId, k, 0, a, 0, "imported", null, 0, p.Labels?[k])).ToList(),
            p.Scores?.Select((s, k) => new StoredScore(p.ProblemId, k, ScoreStatus.Ok.Name(), s.Steps ?? [], s.Outcome, [], s.Steps?.Count ?? 1, 0, 0)).ToList() ?? [])).ToList();
        if (shard is { } part)
        {
            rows = [.. part.Select(rows, r => r.Problem.ProblemId)];
            if (rows.Count == 0) return new ImportSummary(run, 0, 0, 0, 0, 0);
        }

        var scores = rows.SelectMany(r => r.Scores).ToList();
        var scorer = scores.Count == 0 ? null : new ScorerInfo(runId, ImportedScorerId, ImportedScorerId, ScoresSteps: scores.Any(s => s.OrmScore is null), null, null, config,
            JsonSerializer.Serialize(new { source = System.IO.Path.GetFileName(path), note = "scores shipped with the sample set" }), DateTimeOffset.UtcNow);
        var written = store.SaveImport(run, scorer, rows);
        if (shard is { } recorded) store.SaveShard(new ShardRecord(written.Run.RunId, recorded.Index, recorded.Count, null, [.. problems.Select(p => p.ProblemId)]));
        var samples = rows.SelectMany(r => r.Samples).ToList();
        return new ImportSummary(written.Run, rows.Count, written.SamplesInserted, samples.Count - written.SamplesInserted, samples.Count(s => s.Label is not null), scores.Count);
    }
}
