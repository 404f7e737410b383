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

public sealed record ReportRunsResult(IReadOnlyList<DatasetReport> Reports);

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
        var reports = request.Dumps.Select(d => new DatasetReport(d.Name, VotingReport.Compute(SampleDumpReader.Read(d.Path, map), options))).ToList();
        if (request.StorePath is { } storePath)
        {
            using var store = RunStore.OpenReadOnly(storePath);
            var grader = Graders.ForExtraction(request.Extraction);
            foreach (var run in StoredRuns.SelectMany(store, request.RunIds))
                reports.Add(new DatasetReport($"{run.Dataset} ({run.RunId})", VotingReport.Compute(GradeRun.Load(store, run.RunId, grader), options)));
        }
        if (request.JsonOut is { } json)
        {
            OutputFiles.Write(json, writer =>
            {
                CurveJson.Write(writer.BaseStream, reports);
                return 0;
            });
        }

        if (request.CsvOut is { } csv)
        {
            OutputFiles.Write(csv, writer =>
            {
                CurveCsv.Write(writer, reports);
                return 0;
            });
        }

        return new ReportRunsResult(reports);
    }
}
