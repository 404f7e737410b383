using BestOfN.Verifier.Grading;

namespace BestOfN.Pipeline;

/// <summary>A JSONL file of prediction/gold pairs to grade.</summary>
public sealed record GradeFileRequest
{
    public required string InputPath { get; init; }

    /// <summary>Where the graded lines go; null for the standard output given to <see cref="GradeFile.Run"/>.</summary>
    public string? OutputPath { get; init; }

    public JsonlGradingOptions Grading { get; init; } = new();
}

/// <summary>Grades every line of a JSONL file; each line is written back with its verdict, reason and extracted answer.</summary>
public static class GradeFile
{
    /// <param name="diagnostics">Where problems with single lines are reported.</param>
    public static JsonlGradingSummary Run(GradeFileRequest request, TextWriter standardOutput, TextWriter diagnostics, CancellationToken cancellationToken = default)
    {
        PipelineErrors.ThrowIfInvalid(request.Grading.Validate());
        if (request.OutputPath is { } output) OutputFiles.EnsureNotAnInput(output, "--output", request.InputPath);
        using var reader = new StreamReader(request.InputPath);
        if (request.OutputPath is null) return JsonlGrading.Grade(reader, standardOutput, diagnostics, request.Grading, cancellationToken);
        return OutputFiles.Write(request.OutputPath, writer => JsonlGrading.Grade(reader, writer, diagnostics, request.Grading, cancellationToken));
    }
}
