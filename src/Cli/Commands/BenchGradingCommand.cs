using System.CommandLine;
using BestOfN.Cli.Printing;
using BestOfN.Verifier.Grading;

namespace BestOfN.Cli.Commands;

internal static class BenchGradingCommand
{
    public static Command Create()
    {
        var problems = new Option<int>("--problems") { Description = "Synthetic problems", DefaultValueFactory = _ => 1319 };
        var samples = new Option<int>("--samples") { Description = "Answers per problem", DefaultValueFactory = _ => 1024 };
        var seed = new Option<int>("--seed") { Description = "Seed of the synthetic dump", DefaultValueFactory = _ => 0 };
        var extract = new Option<bool>("--extract") { Description = "Wrap each answer in a solution and extract it first" };
        var noCache = new Option<bool>("--no-cache") { Description = "Disable memoisation, to time the engine itself" };
        var json = BenchFigures.JsonOption();
        var command = new Command("grading", "Grade every answer of a synthetic best-of-N dump on one thread and print grades/s")
        {
            problems, samples, seed, extract, noCache, json,
        };
        command.SetAction((parseResult, ct) => CommandErrors.Run(parseResult, () =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var problemCount = parseResult.GetValue(problems);
            var sampleCount = parseResult.GetValue(samples);
            var answers = SyntheticAnswers.Generate(problemCount, sampleCount, parseResult.GetValue(seed));
            var options = parseResult.GetValue(noCache) ? GraderOptions.Default with { CacheCapacity = 0 } : GraderOptions.Default;
            var extracting = parseResult.GetValue(extract);
            output.WriteLine($"synthetic dump: {problemCount} problems x {sampleCount} answers = {answers.Count} answers{(extracting ? ", extracted from solutions" : "")}{(options.CacheCapacity == 0 ? ", no memoisation" : "")}");

            var result = GradingBenchmark.Run(answers, options, extracting);

            output.WriteLine($"distinct (answer, gold) pairs: {result.DistinctPairs}");
            output.WriteLine("verdicts: " + string.Join(", ", result.Verdicts.Select(v => $"{v.Key} {v.Value}")));
            output.WriteLine($"disagreements with the generator's labels: {result.Disagreements}");
            output.WriteLine($"elapsed, single thread: {result.Elapsed.TotalSeconds:F3} s");
            output.WriteLine($"grades/s: {result.GradesPerSecond:N0}");
            output.WriteLine($"extractions/s (answer found in a solution, not graded): {result.ExtractionsPerSecond:N0}");
            BenchFigures.WriteJson(parseResult, json, "grading", new { Problems = problemCount, Samples = sampleCount, Seed = parseResult.GetValue(seed), Extract = extracting, Memoisation = options.CacheCapacity > 0 },
                new { result.Answers, result.DistinctPairs, ElapsedSeconds = result.Elapsed.TotalSeconds, result.GradesPerSecond, result.ExtractionsPerSecond, result.Verdicts, result.Disagreements });
            return ExitCodes.Ok;
        }));
        return command;
    }
}
