using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>Stored samples to write as JSONL.</summary>
public sealed record ExportRequest
{
    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>Only this run; null for every run.</summary>
    public string? RunId { get; init; }

    /// <summary>The JSONL file to write, or "-" for the standard output given to <see cref="ExportSamples.Run"/>.</summary>
    public required string Out { get; init; }

    public string Extraction { get; init; } = PipelineDefaults.Extraction;
}

/// <param name="Destination">The file written, or "stdout".</param>
public sealed record ExportResult(long Samples, int Runs, string Destination);

/// <summary>Writes stored samples as JSONL, one line per sample, with problem fields, the prompt, grades and reward scores.</summary>
public static class ExportSamples
{
    public const string StandardOutput = "-";

    public static ExportResult Run(ExportRequest request, TextWriter standardOutput)
    {
        if (request.Out != StandardOutput) OutputFiles.EnsureNotAnInput(request.Out, "--out", request.StorePath);
        using var store = RunStore.OpenReadOnly(request.StorePath);
        var runs = request.RunId is { } id ? [StoredRuns.Select(store, id)] : store.Runs();
        IReadOnlyList<IExportColumns> columns = [new GradeColumns(Graders.ForExtraction(request.Extraction)), new ScoreColumns(store)];
        if (request.Out == StandardOutput) return new ExportResult(SampleExport.Write(store, runs, standardOutput, columns), runs.Count, "stdout");
        var path = Path.GetFullPath(request.Out);
        return new ExportResult(OutputFiles.Write(path, writer => SampleExport.Write(store, runs, writer, columns)), runs.Count, path);
    }
}
