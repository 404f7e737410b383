using BestOfN.Verifier.Import;

namespace BestOfN.Pipeline.Tests.Import;

public class ShippedScoresTests
{
    private static ImportedProblem Problem(int line, string[] answers, params ImportedScore[] scores) =>
        new(line, $"p{line}", "q", "1", answers, null, scores, new Dictionary<string, string>());

    private static ImportedScore Steps(params double[] steps) => new(null, steps);

    private static ImportedScore Outcome(double score) => new(score, null);

    private static readonly string[] TwoStepAnswers = ["Step 1.\n\nStep 2.", "Step 1.\n\nStep 2."];

    [Fact]
    public void Step_lists_are_prm_scores_and_numbers_orm_scores()
    {
        var (_, prm) = ShippedScores.Check("set.jsonl", "scores", [Problem(1, TwoStepAnswers, Steps(0.9, 0.8), Steps(0.2))], null);
        var (_, orm) = ShippedScores.Check("set.jsonl", "scores", [Problem(1, TwoStepAnswers, Outcome(-2.5), Outcome(3.1))], null);
        Assert.Equal(ShippedScoreKind.Prm, prm);
        Assert.Equal(ShippedScoreKind.Orm, orm); // an ORM score may be a logit
    }

    [Theory]
    [InlineData(-1.25, "PRM step 2 is -1.25")]
    [InlineData(3.5, "PRM step 2 is 3.5")]
    public void Logits_as_prm_steps_are_refused_naming_file_line_and_field(double logit, string expected)
    {
        ImportedProblem[] problems = [Problem(1, TwoStepAnswers, Steps(0.9, 0.8), Steps(0.2)), Problem(4, TwoStepAnswers, Steps(0.5), Steps(0.4, logit))];

        var e = Assert.Throws<SampleSetFormatException>(() => ShippedScores.Check("set.jsonl", "scores", problems, null));

        var (line, message) = Assert.Single(e.Errors);
        Assert.Equal(4, line);
        Assert.StartsWith($"'scores'[1]: {expected}, not a probability in [0, 1]", message);
        Assert.EndsWith("; give --scores-as orm if they are ORM scores", message);
        Assert.StartsWith("set.jsonl:4: 'scores'[1]:", e.Message);
    }

    [Fact]
    public void One_number_lists_over_several_step_answers_must_be_declared_and_orm_unwraps_them()
    {
        ImportedProblem[] problems = [Problem(1, TwoStepAnswers, Steps(2.3), Steps(-0.4))];

        var e = Assert.Throws<SampleSetFormatException>(() => ShippedScores.Check("set.jsonl", "scores", problems, null));
        Assert.Contains("one ORM score per answer ([[x]]) or one step score? Give --scores-as orm or --scores-as prm", e.Message);

        var (asOrm, kind) = ShippedScores.Check("set.jsonl", "scores", problems, ShippedScoreKind.Orm);
        Assert.Equal(ShippedScoreKind.Orm, kind);
        Assert.Equal([new ImportedScore(2.3, null), new ImportedScore(-0.4, null)], asOrm[0].Scores!);

        // Declared as PRM they are step scores, and -0.4 is no probability.
        var asPrm = Assert.Throws<SampleSetFormatException>(() => ShippedScores.Check("set.jsonl", "scores", problems, ShippedScoreKind.Prm));
        Assert.Equal(2, asPrm.Errors.Count);
        Assert.DoesNotContain("--scores-as", asPrm.Message); // the user said what they are
    }

    [Fact]
    public void Numbers_and_lists_mixed_must_be_declared_and_orm_refuses_a_real_step_list()
    {
        ImportedProblem[] problems = [Problem(1, TwoStepAnswers, Outcome(0.5), Outcome(0.2)), Problem(2, TwoStepAnswers, Steps(0.9, 0.1), Steps(0.3))];

        var e = Assert.Throws<SampleSetFormatException>(() => ShippedScores.Check("set.jsonl", "scores", problems, null));
        Assert.Contains("set.jsonl:2: 'scores' holds numbers (line 1) and lists (line 2)", e.Message);

        var orm = Assert.Throws<SampleSetFormatException>(() => ShippedScores.Check("set.jsonl", "scores", problems, ShippedScoreKind.Orm));
        Assert.Contains("set.jsonl:2: 'scores'[0]: holds 2 numbers; an ORM score is one number per answer", orm.Message);

        var (asPrm, _) = ShippedScores.Check("set.jsonl", "scores", problems, ShippedScoreKind.Prm);
        Assert.Equal([0.5], asPrm[0].Scores![0].Steps!); // a number declared a step score is a one-step list
    }
}
