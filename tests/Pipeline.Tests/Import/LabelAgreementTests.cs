using BestOfN.Problems;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Import;

namespace BestOfN.Pipeline.Tests.Import;

public class LabelAgreementTests
{
    [Fact]
    public void Labels_are_compared_with_the_grade_against_the_gold_and_each_kind_of_disagreement_is_counted()
    {
        using var store = StoreFixture.WithRun();
        StoreFixture.AddProblem(store, "r", "p1", 0, "1+1?", "2",
        [
            ("The answer is 2", true),   // agree: correct and labelled correct
            ("The answer is 3", false),  // agree: wrong and labelled wrong
            ("The answer is 3", true),   // labelled correct, graded wrong
            ("The answer is 2", false),  // labelled wrong, graded correct
            ("The answer is 2", null),   // no label: not compared
        ]);
        StoreFixture.AddProblem(store, "r", "p2", 1, "no gold", null, [("The answer is 5", true)]);

        var agreement = LabelAgreement.Compute(store, "r", new AnswerGrader());

        // "2" and "3" each hold samples labelled both ways: two keys the report splits, in one problem.
        Assert.Equal(new LabelAgreement(Compared: 4, Agree: 2, LabelOnly: 1, GradeOnly: 1, WithoutGold: 1) { SplitKeys = 2, SplitKeyProblems = 1 }, agreement);
        Assert.Equal(0.5, agreement.AgreementRate);
    }

    [Fact]
    public void Gold_is_attached_by_question_text_with_whitespace_collapsed_and_alternative_golds_kept()
    {
        ImportedProblem[] imported =
        [
            new(1, "a", "How  many\napples?", null, ["7"], null, null, new Dictionary<string, string>()),
            new(2, "b", "Unmatched question", null, ["1"], null, null, new Dictionary<string, string>()),
            new(3, "c", "Has its own gold", "9", ["9"], null, null, new Dictionary<string, string>()),
        ];
        Problem[] dataset =
        [
            new("g1", "How many apples?", "7", null, new Dictionary<string, string> { ["level"] = "2" }) { AlternativeGolds = ["seven"] },
            new("g2", "Has its own gold", "8", null, new Dictionary<string, string>()),
        ];

        var (problems, matched) = LabelAgreement.AttachGold(imported, dataset);

        Assert.Equal(1, matched);
        Assert.Equal("7", problems[0].Gold);
        Assert.Equal("2", problems[0].Fields["level"]);
        Assert.Equal("[\"seven\"]", problems[0].Fields[SampleGrading.AlternativeGoldsField]);
        Assert.Null(problems[1].Gold);
        Assert.Equal("9", problems[2].Gold); // a shipped gold is never replaced
    }
}
