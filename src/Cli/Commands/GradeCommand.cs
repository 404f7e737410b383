using System.CommandLine;
using BestOfN.Verifier.Grading;

namespace BestOfN.Cli.Commands;

internal static class GradeCommand
{
    public static Command Create()
    {
        var input = new Option<FileInfo>("--input") { Description = "JSONL file of prediction/gold pairs, one object per line", Required = true }.AcceptExistingOnly();
        var output = new Option<FileInfo>("--output") { Description = "Write the graded JSONL here (default: standard output)" };
        var predField = new Option<string>("--pred-field") { Description = "Field holding the prediction", DefaultValueFactory = _ => JsonlGradingDefaults.PredictionField };
        var goldField = new Option<string>("--gold-field") { Description = "Field holding the gold answer", DefaultValueFactory = _ => JsonlGradingDefaults.GoldField };
        var extract = new Option<bool>("--extract") { Description = "The prediction is a full solution: extract its final answer first" };
        var extraction = new Option<string>("--extraction")
        {
            Description = "Extraction rules with --extract: flexible, math-strict, gsm8k-strict or multi-part (several boxes joined as a tuple)",
            DefaultValueFactory = _ => "flexible",
        };
        extraction.AcceptOnlyFromAmong("flexible", "math-strict", "gsm8k-strict", "multi-part");
        var tolerance = new Option<double>("--tolerance") { Description = "Relative tolerance of numeric comparison", DefaultValueFactory = _ => GraderDefaults.RelativeTolerance };
        var budget = new Option<int>("--time-budget-ms")
        {
            Description = "Time budget of one comparison in milliseconds",
            DefaultValueFactory = _ => (int)GraderDefaults.TimeBudget.TotalMilliseconds,
        };
        var percent = new Option<bool>("--percent-equals-fraction") { Description = "Let p% also equal p/100" };
        var degrees = new Option<bool>("--degrees-equal-radians") { Description = "Let d degrees also equal d*pi/180" };
        var keepUnits = new Option<bool>("--keep-units") { Description = "Compare units instead of stripping them" };
        var rounded = new Option<bool>("--accept-rounded-decimals") { Description = "Let a decimal prediction equal a gold that rounds to it" };

        var command = new Command("grade", "Grade predictions against gold answers; each line is written back with verdict, reason and the extracted answer")
        {
            input, output, predField, goldField, extract, extraction, tolerance, budget, percent, degrees, keepUnits, rounded,
        };
        command.SetAction(async (ParseResult parseResult, CancellationToken cancellationToken) =>
        {
            var console = parseResult.InvocationConfiguration.Output;
            var errors = parseResult.InvocationConfiguration.Error;
            var options = new JsonlGradingOptions
            {
                PredictionField = parseResult.GetValue(predField)!,
                GoldField = parseResult.GetValue(goldField)!,
                Extract = parseResult.GetValue(extract),
                Grader = new GraderOptions
                {
                    RelativeTolerance = parseResult.GetValue(tolerance),
                    TimeBudget = TimeSpan.FromMilliseconds(parseResult.GetValue(budget)),
                    PercentEqualsFraction = parseResult.GetValue(percent),
                    DegreesEqualRadians = parseResult.GetValue(degrees),
                    StripUnits = !parseResult.GetValue(keepUnits),
                    AcceptRoundedDecimals = parseResult.GetValue(rounded),
                    Extraction = ExtractionOptions.FromName(parseResult.GetValue(extraction)!) ?? ExtractionOptions.Flexible,
                },
            };
            var problems = options.Validate();
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await errors.WriteLineAsync(problem);
                }

                return 2;
            }

            var outputFile = parseResult.GetValue(output);
            using var reader = new StreamReader(parseResult.GetValue(input)!.FullName);
            JsonlGradingSummary summary;
            if (outputFile is null)
            {
                summary = await Task.Run(() => JsonlGrading.Grade(reader, console, errors, options, cancellationToken), cancellationToken);
                // Standard output carries the JSONL, so the summary goes to standard error.
                await errors.WriteLineAsync(summary.ToSummaryLine());
            }
            else
            {
                await using (var writer = new StreamWriter(outputFile.FullName))
                {
                    summary = await Task.Run(() => JsonlGrading.Grade(reader, writer, errors, options, cancellationToken), cancellationToken);
                }

                await console.WriteLineAsync(summary.ToSummaryLine());
            }

            return 0;
        });
        return command;
    }
}
