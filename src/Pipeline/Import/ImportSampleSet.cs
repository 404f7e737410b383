using System.Globalization;
using BestOfN.Problems;
using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Import;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>A published sample set to import.</summary>
public sealed record ImportRequest
{
    /// <summary>The JSONL file, one problem per line.</summary>
    public required string Path { get; init; }

    public required SampleSetFormat Format { get; init; }

    /// <summary>Field mappings as typed: id=, prompt=, gold=, answers=, label=, scores=.</summary>
    public IReadOnlyList<string> FieldMappings { get; init; } = [];

    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>Run id; null derives it from the file's hash, the format and the field mapping.</summary>
    public string? RunName { get; init; }

    /// <summary>A dataset whose gold answers fill in problems that ship none, matched by question text.</summary>
    public DatasetSpec? Gold { get; init; }

    /// <summary>The set's step style, "mistral" (steps end with "ки\n") or "deepseek" (blank lines), stored with the run: scoring with
    /// <c>--steps auto</c> then splits as the reference does for that style. Null when not given.</summary>
    public string? Style { get; init; }

    /// <summary>With <see cref="Gold"/>: the least share of problems that must match a gold question, else nothing is imported. The default value is 0.9.</summary>
    public double MinGoldMatch { get; init; } = 0.9;

    /// <summary>What the shipped scores are; null infers it (numbers are ORM scores, lists PRM step scores) and asks when it cannot tell.
    /// Stored with the run when given.</summary>
    public ShippedScoreKind? ScoresAs { get; init; }

    /// <summary>Import only this shard's problems, into its own store (<see cref="Sharding.ShardSpec.StorePath"/>); null for all.</summary>
    public Sharding.ShardSpec? Shard { get; init; }
}

/// <param name="GoldMatched">Problems that got a gold from <see cref="ImportRequest.Gold"/>; null without one.</param>
/// <param name="Agreement">How the shipped labels compare with our grading against the gold.</param>
/// <param name="ScoresKind">What the shipped scores were taken as; null when the set ships none.</param>
/// <param name="Shard">The shard imported; null for the whole set.</param>
public sealed record ImportResult(ImportSummary Summary, string StorePath, int? GoldMatched, LabelAgreement Agreement, ShippedScoreKind? ScoresKind = null,
    Sharding.ShardSpec? Shard = null);

/// <summary>Imports a published sample set (RLHFlow test sets, search-and-learn outputs) into the run store; shipped labels are kept.</summary>
public static class ImportSampleSet
{
    public static ImportResult Run(ImportRequest request)
    {
        if (request.Style is not null && !ScoringNames.TryParseStyle(request.Style, out _))
            throw new ArgumentException($"--style {request.Style} is not a style; styles: {string.Join(", ", ScoringNames.StyleNames)}.");
        var map = SampleSetFieldMap.Parse(request.Format, request.FieldMappings);
        var path = System.IO.Path.GetFullPath(request.Path);
        var problems = SampleSetReader.Read(path, request.Format, map);
        (problems, var scoresKind) = ShippedScores.Check(path, map.Scores ?? "scores", problems, request.ScoresAs);
        int? matched = null;
        if (request.Gold is { } gold)
        {
            var needing = problems.Count(p => p.Gold is null); // problems that ship a gold need none
            (problems, var count) = LabelAgreement.AttachGold(problems, DatasetLoader.Load(gold));
            matched = count;
            if (count < request.MinGoldMatch * needing)
            {
                var unmatched = problems.Where(p => p.Gold is null).Take(3).Select(p => $"'{(p.Prompt.Length > 60 ? p.Prompt[..60] + "…" : p.Prompt)}'");
                throw new ArgumentException(string.Create(CultureInfo.InvariantCulture,
                    $"--gold: {count} of {needing} problems matched a question ({100.0 * count / Math.Max(1, needing):F1}%), fewer than --min-gold-match {request.MinGoldMatch:0.###}; unmatched, e.g. {string.Join(", ", unmatched)}. Nothing was imported; lower --min-gold-match to import anyway."));
            }
        }
        using var store = RunStore.Open(request.Shard?.StorePath(request.StorePath) ?? request.StorePath);
        var summary = SampleSetImport.Import(store, path, request.Format, map, problems, request.RunName, request.Style, request.ScoresAs, request.Shard);
        return new ImportResult(summary, store.Path, matched, LabelAgreement.Compute(store, summary.Run.RunId, new AnswerGrader()), scoresKind, request.Shard);
    }
}
