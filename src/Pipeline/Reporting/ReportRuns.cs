using BestOfN.Store;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Samples;

namespace BestOfN.Pipeline;

/// <summary>What to report: sample dumps, stored runs, or both, each a column of the table.</summary>
public sealed record ReportRequest
{
    /// <summary>JSONL sample dumps, each with its column name.</summary>
    public IReadOnlyList<NamedDump> Dumps { get; init; } = [];

    /// <summary>Sample-field mappings for the dumps, as typed: NAME=SOURCE.</summary>
    public IReadOnlyList<string> FieldMappings { get; init; } = [];

    /// <summary>A run store whose runs are graded against their problems' golds.</summary>
    public string? StorePath { get; init; }

    /// <summary>Only these stored runs; empty for every run.</summary>
    public IReadOnlyList<string> RunIds { get; init; } = [];

    public string Extraction { get; init; } = PipelineDefaults.Extraction;

    public VotingOptions Voting { get; init; } = new();

    /// <summary>Only this scorer's ORM/PRM rows (a scorer id); null for every scorer of each run, one column per scorer when a run has several of a kind.</summary>
    public string? Scorer { get; init; }

    /// <summary>Write every curve to this JSON file.</summary>
    public string? JsonOut { get; init; }

    /// <summary>Write every curve to this CSV file.</summary>
    public string? CsvOut { get; init; }

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Dumps.Count == 0 && StorePath is null) errors.Add("give at least one --samples dump, or --store.");
        errors.AddRange(Voting.Validate());
        return errors;
    }
}

public sealed record NamedDump(string Name, string Path);

/// <param name="Reports">One per table column: each dump, and each stored run (one per scorer when a run has several of a kind). Each
/// result's own notes (score kinds left out, split answer keys) are on it; <see cref="ReportTable.Build"/> gathers them under the table.</param>
/// <param name="Notes">What a reader must know beyond the results: scorers left out because some samples have no score from them, --by
/// fields some datasets lack.</param>
public sealed record ReportRunsResult(IReadOnlyList<DatasetReport> Reports, IReadOnlyList<string> Notes);

/// <summary>Pass@k, majority, weighted majority and reward-ranked curves for sample dumps and stored runs, written as JSON/CSV on request.</summary>
public static class ReportRuns
{
    public static ReportRunsResult Run(ReportRequest request)
    {
        PipelineErrors.ThrowIfInvalid(request.Validate());
        string?[] inputs = [request.StorePath, .. request.Dumps.Select(d => d.Path)];
        if (request.JsonOut is { } jsonOut) OutputFiles.EnsureNotAnInput(jsonOut, "--json", inputs);
        if (request.CsvOut is { } csvOut) OutputFiles.EnsureNotAnInput(csvOut, "--csv", inputs);
        var options = request.Voting;
        var map = SampleFieldMap.Parse(request.FieldMappings);
        var notes = new List<string>();
        var datasets = request.Dumps.Select(d => (d.Name, SampleDumpReader.Read(d.Path, map))).ToList();
        if (request.StorePath is { } storePath)
        {
            using var store = RunStore.OpenReadOnly(storePath);
            var grader = Graders.ForExtraction(request.Extraction);
            foreach (var run in StoredRuns.SelectMany(store, request.RunIds))
            {
                foreach (var (label, scorers) in ScorerColumns(store, run, request.Scorer, notes))
                {
                    datasets.Add(($"{run.Dataset} ({run.RunId}){label}", GradeRun.Load(store, run.RunId, grader, StoredScores.Load(store, run.RunId, scorers))));
                }
            }
        }
        var breakdowns = BreakdownFields(datasets, options.BreakdownFields, notes);
        var reports = datasets.Select((d, i) => new DatasetReport(d.Name, VotingReport.Compute(d.Item2, options with { BreakdownFields = breakdowns[i] }))).ToList();
        // The same bytes as `report --format json|csv` prints.
        if (request.JsonOut is { } json) OutputFiles.Write(json, writer => Write(writer, "json", reports, options));
        if (request.CsvOut is { } csv) OutputFiles.Write(csv, writer => Write(writer, "csv", reports, options));

        return new ReportRunsResult(reports, notes);
    }

    private static int Write(TextWriter writer, string format, IReadOnlyList<DatasetReport> reports, VotingOptions options)
    {
        ReportFormats.ByName[format](writer, reports, TableOptions.From(options));
        return 0;
    }

    /// <summary>
    /// Each dataset's --by fields: those its problems have. A field that no problem of any dataset has is an error listing the fields
    /// there are; one that only some datasets have breaks those down, and a note names the others.
    /// </summary>
    private static List<IReadOnlyList<string>> BreakdownFields(IReadOnlyList<(string Name, IReadOnlyList<ProblemSamples> Problems)> datasets,
        IReadOnlyList<string> requested, List<string> notes)
    {
        var fields = datasets.Select(d => d.Problems.SelectMany(p => p.Fields.Keys).ToHashSet(StringComparer.Ordinal)).ToList();
        var nowhere = requested.Distinct().Where(f => !fields.Any(present => present.Contains(f))).ToList();
        if (nowhere.Count > 0)
        {
            var known = datasets.Select((d, i) => $"{d.Name}: {(fields[i].Count == 0 ? "(none)" : string.Join(", ", fields[i].Order(StringComparer.Ordinal)))}");
            throw new ArgumentException($"--by {string.Join(", ", nowhere)}: no problem has {(nowhere.Count > 1 ? "these fields" : "this field")}; the fields are:"
                + Environment.NewLine + string.Join(Environment.NewLine, known));
        }
        var result = new List<IReadOnlyList<string>>();
        for (var i = 0; i < datasets.Count; i++)
        {
            var present = requested.Distinct().Where(fields[i].Contains).ToList();
            foreach (var missing in requested.Distinct().Except(present)) notes.Add($"{datasets[i].Name}: no problem has the field '{missing}', so it is not broken down by it.");
            result.Add(present);
        }
        return result;
    }

    /// <summary>
    /// The table columns of a run and the scorers each reads: one column with its ORM and PRM when it has at most one of each, else one
    /// column per scorer, so two models are never blended into one row. A scorer that left samples unscored is left out, with a note.
    /// </summary>
    private static List<(string Label, List<ScorerInfo> Scorers)> ScorerColumns(RunStore store, RunInfo run, string? only, List<string> notes)
    {
        var all = store.Scorers(run.RunId);
        if (only is not null)
        {
            all = all.Where(s => s.ScorerId == only).ToList();
            if (all.Count == 0)
                throw new ArgumentException($"run {run.RunId} has no scorer '{only}'; its scorers: {string.Join(", ", store.Scorers(run.RunId).Select(s => s.ScorerId).DefaultIfEmpty("(none)"))}.");
        }
        var sampleCount = store.Samples(run.RunId).Count();
        var usable = new List<ScorerInfo>();
        foreach (var scorer in all)
        {
            var scored = store.Scores(run.RunId, scorer.ScorerId).Count(s => s.OrmScore is not null || s.StepScores.Count > 0);
            if (scored == sampleCount) usable.Add(scorer);
            else notes.Add($"{run.Dataset} ({run.RunId}): scorer {scorer.ScorerId} ({scorer.Protocol}) has no score for {sampleCount - scored} of {sampleCount} samples; its rows are left out (score the run again to finish).");
        }
        static string Name(ScorerInfo s) => $"{(s.ScoresSteps ? "PRM" : "ORM")} {s.ScorerId} ({s.Protocol})";
        if (usable.Count(s => s.ScoresSteps) <= 1 && usable.Count(s => !s.ScoresSteps) <= 1)
            return [(string.Concat(usable.Select(s => " · " + Name(s))), usable)];
        return usable.Select(s => (" · " + Name(s), new List<ScorerInfo> { s })).ToList();
    }
}
