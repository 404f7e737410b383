using BestOfN.Voting.Synthetic;

namespace BestOfN.Voting.Tests.Synthetic;

public class SyntheticSamplesTests
{
    [Fact]
    public void Is_reproducible_for_a_seed_and_has_the_requested_shape()
    {
        var a = SyntheticSamples.Generate(5, 32, 9);
        var b = SyntheticSamples.Generate(5, 32, 9);
        Assert.Equal(5, a.Count);
        Assert.All(a, p => Assert.Equal(32, p.Samples.Count));
        Assert.Equal(a.SelectMany(p => p.Samples.Select(s => (s.AnswerKey, s.Correct, s.OrmScore))), b.SelectMany(p => p.Samples.Select(s => (s.AnswerKey, s.Correct, s.OrmScore))));
        Assert.All(a, p => Assert.Contains("level", p.Fields.Keys));
    }

    [Fact]
    public void One_key_has_one_verdict()
    {
        var problems = SyntheticSamples.Generate(20, 64, 1);
        Assert.All(problems.SelectMany(p => p.Samples.Where(s => s.AnswerKey != "").GroupBy(s => s.AnswerKey)), g => Assert.Single(g.Select(s => s.Correct).Distinct()));
    }
}
