using System.Text.Json;
using BestOfN.Verifier.Grading;
using Xunit.Abstractions;

namespace BestOfN.Verifier.Tests.Grading;

/// <summary>Every gold answer of MATH-500 and GSM8K parses, equals itself, and equals the answer extracted from its reference solution.</summary>
public sealed class GoldAnswerTests(ITestOutputHelper output)
{
    private static readonly AnswerGrader Grader = new(GraderOptions.Default with { CacheCapacity = 0 });

    /// <summary>Parses the gold and compares the tree with itself, past the equal-string fast path; null when equal.</summary>
    private static string? StructuralSelfComparison(string gold)
    {
        var budget = new GradingBudget(TimeProvider.System, TimeSpan.FromSeconds(5));
        var parsed = AnswerParser.Parse(gold, GraderOptions.Default, budget);
        if (parsed.Root is null)
        {
            return $"gold '{gold}' does not parse: {parsed.Failure}";
        }

        var judgement = new EquivalenceChecker(GraderOptions.Default, budget).Nodes(parsed.Root, parsed.Root);
        return judgement.Outcome == Outcome.Equal ? null : $"gold '{gold}' parsed as {parsed.Root} is not equal to itself: {judgement.Reason}";
    }

    [RequiresSharedDatasetsFact]
    public void Every_math500_gold_parses_equals_itself_and_the_last_boxed_of_its_solution()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.SharedDatasets!, "math500/test.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var gold = json.RootElement.GetProperty("answer").GetString()!;
            var solution = json.RootElement.GetProperty("solution").GetString()!;
            var id = json.RootElement.GetProperty("unique_id").GetString();
            count++;

            var self = MathEquivalence.Compare(gold, gold, GraderOptions.Default);
            var parsedKey = AnswerKey.Canonical(gold);
            if (parsedKey.StartsWith("raw:", StringComparison.Ordinal))
            {
                failures.Add($"{id}: gold '{gold}' does not parse ({parsedKey})");
            }

            if (self.Verdict != Verdict.Equal)
            {
                failures.Add($"{id}: gold '{gold}' against itself: {self.Verdict} ({self.Reason})");
            }

            if (StructuralSelfComparison(gold) is { } structural)
            {
                failures.Add($"{id}: {structural}");
            }

            var extracted = AnswerExtractor.Extract(solution, ExtractionOptions.MathStrict);
            if (extracted.Answer is null)
            {
                failures.Add($"{id}: no \\boxed in the reference solution");
                continue;
            }

            var graded = Grader.Compare(extracted.Answer, gold);
            if (graded.Verdict != Verdict.Equal)
            {
                failures.Add($"{id}: boxed '{extracted.Answer}' against gold '{gold}': {graded.Verdict} ({graded.Reason})");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        output.WriteLine($"{count - failures.Count}/{count} MATH-500 golds pass");
        Assert.Equal(500, count);
        Assert.Empty(failures);
    }

    [RequiresSharedDatasetsFact]
    public void Every_gsm8k_gold_parses_equals_itself_and_the_number_after_the_hashes_of_its_solution()
    {
        var failures = new List<string>();
        var count = 0;
        foreach (var line in File.ReadLines(Path.Combine(RepoPaths.SharedDatasets!, "gsm8k/test.jsonl")))
        {
            using var json = JsonDocument.Parse(line);
            var solution = json.RootElement.GetProperty("answer").GetString()!;
            var gold = solution.Substring(solution.LastIndexOf("####", StringComparison.Ordinal) + 4).Trim();
            count++;

            var self = MathEquivalence.Compare(gold, gold, GraderOptions.Default);
            var key = AnswerKey.Canonical(gold);
            if (!System.Numerics.BigInteger.TryParse(key, out _))
            {
                failures.Add($"line {count}: gold '{gold}' has key '{key}', not an integer");
            }

            if (self.Verdict != Verdict.Equal)
            {
                failures.Add($"line {count}: gold '{gold}' against itself: {self.Verdict} ({self.Reason})");
            }

            if (StructuralSelfComparison(gold) is { } structural)
            {
                failures.Add($"line {count}: {structural}");
            }

            var graded = Grader.Grade(solution, gold.Replace(",", string.Empty, StringComparison.Ordinal));
            if (graded.Rule != "gsm8k_hash" || graded.Verdict != Verdict.Equal)
            {
                failures.Add($"line {count}: extracted '{graded.ExtractedAnswer}' by {graded.Rule} against '{gold}': {graded.Verdict} ({graded.Reason})");
            }
        }

        foreach (var failure in failures)
        {
            output.WriteLine(failure);
        }

        output.WriteLine($"{count - failures.Count}/{count} GSM8K golds pass");
        Assert.Equal(1319, count);
        Assert.Empty(failures);
    }
}
