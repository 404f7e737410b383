using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Tests.Samples;

public class SampleFieldMapTests
{
    [Fact]
    public void Defaults_are_the_documented_field_names()
    {
        var map = SampleFieldMap.Default;
        Assert.Equal(("problem_id", "answer", "correct", "orm_score", "prm_scores"), (map.ProblemId, map.Answer, map.Correct, map.OrmScore, map.PrmScores));
    }

    [Fact]
    public void Parse_lists_every_bad_mapping()
    {
        var error = Assert.Throws<ArgumentException>(() => SampleFieldMap.Parse(["answer", "score=x", "correct="]));
        Assert.Contains("'answer'", error.Message);
        Assert.Contains("unknown field 'score'", error.Message);
        Assert.Contains("'correct='", error.Message);
    }
}
