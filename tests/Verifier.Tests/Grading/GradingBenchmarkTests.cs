using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class GradingBenchmarkTests
{
    [Fact]
    public void The_engine_agrees_with_every_label_of_the_synthetic_dump()
    {
        var answers = SyntheticAnswers.Generate(400, 64, 11);

        var result = GradingBenchmark.Run(answers, GraderOptions.Default, extract: false);

        var disagreeing = answers.Where(a => MathEquivalence.Compare(a.Answer, a.Gold, GraderOptions.Default).IsEqual != a.MeantEqual).Distinct().Take(10);
        Assert.True(result.Disagreements == 0, string.Join("\n", disagreeing));
        Assert.True(result.Verdicts[Verdict.Equal] > 0 && result.Verdicts[Verdict.NotEqual] > 0);
        Assert.Equal(0, result.Verdicts[Verdict.Unparseable] + result.Verdicts[Verdict.TimedOut]);
    }

    [Fact]
    public void Extracting_from_solutions_gives_the_same_verdicts()
    {
        var answers = SyntheticAnswers.Generate(100, 16, 5);
        var direct = GradingBenchmark.Run(answers, GraderOptions.Default, extract: false);
        var extracted = GradingBenchmark.Run(answers, GraderOptions.Default, extract: true);
        Assert.Equal(direct.Verdicts, extracted.Verdicts);
        Assert.Equal(0, extracted.Disagreements);
    }
}
