using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>The file formats of an export.</summary>
public enum ExportFormat { Jsonl, Parquet }

/// <summary>Stored samples to write as JSONL or Parquet.</summary>
public sealed record ExportRequest
{
    public string StorePath { get; init; } = PipelineDefaults.StorePath;

    /// <summary>Only this run; null for every run.</summary>
    public string? RunId { get; init; }

    /// <summary>The file to write, or "-" for the standard output given to <see cref="ExportSamples.Run"/> (JSONL only).</summary>
    public required string Out { get; init; }

    /// <summary>The default value is <see cref="ExportFormat.Jsonl"/>.</summary>
    public ExportFormat Format { get; init; } = ExportFormat.Jsonl;

    public string Extraction { get; init; } = PipelineDefaults.Extraction;
}

/// <param name="Destination">The file written, or "stdout".</param>
public sealed record ExportResult(long Samples, int Runs, string Destination);

/// <summary>
/// Writes stored samples as JSONL, one line per sample, with problem fields, the prompt, grades and reward scores; or the same
/// columns as a Parquet table (<see cref="ParquetExport"/>).
/// </summary>
public static class ExportSamples
{
    public const string StandardOutput = "-";

    public static ExportResult Run(ExportRequest request, TextWriter standardOutput)
    {
        if (request.Out == StandardOutput && request.Format != ExportFormat.Jsonl)
            throw new ArgumentException($"--format {request.Format.ToString().ToLowerInvariant()} writes a file: give --out a path, not '-'.");
        if (request.Out != StandardOutput) OutputFiles.EnsureNotAnInput(request.Out, "--out", request.StorePath);
        using var store = RunStore.OpenReadOnly(request.StorePath);
        var runs = request.RunId is { } id ? [StoredRuns.Select(store, id)] : store.Runs();
        IReadOnlyList<IExportColumns> columns = [new GradeColumns(Graders.ForExtraction(request.Extraction)), new ScoreColumns(store)];
        if (request.Out == StandardOutput) return new ExportResult(SampleExport.Write(store, runs, standardOutput, columns), runs.Count, "stdout");
        var path = Path.GetFullPath(request.Out);
        if (request.Format == ExportFormat.Jsonl)
            return new ExportResult(OutputFiles.Write(path, writer => SampleExport.Write(store, runs, writer, columns)), runs.Count, path);

        // The JSONL lines go to a scratch file beside the output first: the Parquet table has exactly their columns and values.
        var scratch = Path.Combine(Path.GetDirectoryName(path)!, $".{Path.GetFileName(path)}.{Environment.ProcessId}.jsonl.tmp");
        try
        {
            using (var writer = new StreamWriter(scratch)) SampleExport.Write(store, runs, writer, columns);
            return new ExportResult(OutputFiles.WriteBinary(path, stream => ParquetExport.Write(scratch, stream)), runs.Count, path);
        }
        finally
        {
            File.Delete(scratch);
        }
    }
}
