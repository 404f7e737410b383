using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Pipeline;
using BestOfN.Verifier.Grading;

namespace BestOfN.Cli.Commands;

/// <summary>`grade`: prediction/gold pairs from a JSONL file, each line written back with its verdict.</summary>
internal static class GradeCommand
{
    private static readonly Option<string> Extraction = CommonOptions.Extraction();
    private static readonly Option<FileInfo> Input = new Option<FileInfo>("--input") { Description = "JSONL file of prediction/gold pairs, one object per line", Required = true }.AcceptExistingOnly();
    private static readonly Option<FileInfo> Output = new("--output") { Description = "Write the graded JSONL here (default: standard output)" };
    private static readonly Option<string> PredField = new("--pred-field") { Description = "Field holding the prediction", DefaultValueFactory = _ => JsonlGradingDefaults.PredictionField };
    private static readonly Option<string> GoldField = new("--gold-field") { Description = "Field holding the gold answer", DefaultValueFactory = _ => JsonlGradingDefaults.GoldField };
    private static readonly Option<bool> Extract = new("--extract") { Description = "The prediction is a full solution: extract its final answer first" };
    private static readonly Option<double> Tolerance = new("--tolerance") { Description = "Relative tolerance of numeric comparison", DefaultValueFactory = _ => GraderDefaults.RelativeTolerance };
    private static readonly Option<int> Budget = new("--time-budget-ms") { Description = "Time budget of one comparison in milliseconds", DefaultValueFactory = _ => (int)GraderDefaults.TimeBudget.TotalMilliseconds };
    private static readonly Option<bool> Percent = new("--percent-equals-fraction") { Description = "Let p% also equal p/100" };
    private static readonly Option<bool> Degrees = new("--degrees-equal-radians") { Description = "Let d degrees also equal d*pi/180" };
    private static readonly Option<bool> KeepUnits = new("--keep-units") { Description = "Compare units instead of stripping them" };
    private static readonly Option<bool> Rounded = new("--accept-rounded-decimals") { Description = "Let a decimal prediction equal a gold that rounds to it" };

    public static Command Create()
    {
        var command = new Command("grade", "Grade predictions against gold answers; each line is written back with verdict, reason and the extracted answer")
        {
            Input, Output, PredField, GoldField, Extract, Extraction, Tolerance, Budget, Percent, Degrees, KeepUnits, Rounded,
        };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr, ct)));
        return command;
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var request = new GradeFileRequest
        {
            InputPath = pr.GetValue(Input)!.FullName,
            OutputPath = pr.GetValue(Output)?.FullName,
            Grading = new JsonlGradingOptions
            {
                PredictionField = pr.GetValue(PredField)!,
                GoldField = pr.GetValue(GoldField)!,
                Extract = pr.GetValue(Extract),
                Grader = new GraderOptions
                {
                    RelativeTolerance = pr.GetValue(Tolerance),
                    TimeBudget = TimeSpan.FromMilliseconds(pr.GetValue(Budget)),
                    PercentEqualsFraction = pr.GetValue(Percent),
                    DegreesEqualRadians = pr.GetValue(Degrees),
                    StripUnits = !pr.GetValue(KeepUnits),
                    AcceptRoundedDecimals = pr.GetValue(Rounded),
                    Extraction = ExtractionOptions.FromName(pr.GetValue(Extraction)!) ?? ExtractionOptions.Flexible,
                },
            },
        };
        if (request.Grading.Validate() is { Count: > 0 } errors) return CommandErrors.Invalid(pr, errors);
        var summary = GradeFile.Run(request, pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error, ct);
        // With no --output, standard output carries the JSONL, so the summary goes to standard error.
        (request.OutputPath is null ? pr.InvocationConfiguration.Error : pr.InvocationConfiguration.Output).WriteLine(summary.ToSummaryLine());
        return ExitCodes.Ok;
    }
}
