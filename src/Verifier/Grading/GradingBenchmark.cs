namespace BestOfN.Verifier.Grading;

/// <summary>The result of grading a synthetic dump.</summary>
public sealed record GradingBenchmarkResult(int Answers, int DistinctPairs, TimeSpan Elapsed, IReadOnlyDictionary<Verdict, int> Verdicts, int Disagreements)
{
    public double GradesPerSecond => Answers / Math.Max(Elapsed.TotalSeconds, 1e-9);

    /// <summary>The time to extract the answer of every sample from a solution around it, without grading.</summary>
    public TimeSpan ExtractionElapsed { get; init; }

    public double ExtractionsPerSecond => Answers / Math.Max(ExtractionElapsed.TotalSeconds, 1e-9);
}

/// <summary>Grades every answer of a synthetic dump on the calling thread with one memoising grader.</summary>
public static class GradingBenchmark
{
    public static GradingBenchmarkResult Run(IReadOnlyList<SyntheticAnswer> answers, GraderOptions options, bool extract)
    {
        ArgumentNullException.ThrowIfNull(answers);
        var grader = new AnswerGrader(options);
        var solutions = answers.Select(a => a with { Answer = $"Let us compute step by step. Adding up everything, we get $\\boxed{{{a.Answer}}}$. The final answer is ${a.Answer}$." }).ToArray();
        var inputs = extract ? solutions : answers.ToArray();
        var extraction = System.Diagnostics.Stopwatch.StartNew();
        foreach (var solution in solutions)
        {
            AnswerExtractor.Extract(solution.Answer, options.Extraction);
        }

        extraction.Stop();
        var verdicts = new int[Enum.GetValues<Verdict>().Length];
        var disagreements = 0;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        foreach (var sample in inputs)
        {
            var verdict = extract ? grader.Grade(sample.Answer, sample.Gold).Verdict : grader.Compare(sample.Answer, sample.Gold).Verdict;
            verdicts[(int)verdict]++;
            if ((verdict == Verdict.Equal) != sample.MeantEqual)
            {
                disagreements++;
            }
        }

        watch.Stop();
        var distinct = inputs.Select(a => (a.Answer, a.Gold)).Distinct().Count();
        return new GradingBenchmarkResult(
            inputs.Length,
            distinct,
            watch.Elapsed,
            Enum.GetValues<Verdict>().ToDictionary(v => v, v => verdicts[(int)v]),
            disagreements)
        {
            ExtractionElapsed = extraction.Elapsed,
        };
    }
}
