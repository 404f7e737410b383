using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class SyntheticAnswersTests
{
    [Fact]
    public void The_dump_is_deterministic_in_the_seed()
    {
        Assert.Equal(SyntheticAnswers.Generate(20, 16, 3), SyntheticAnswers.Generate(20, 16, 3));
        Assert.NotEqual(SyntheticAnswers.Generate(20, 16, 3), SyntheticAnswers.Generate(20, 16, 4));
        Assert.Equal(20 * 16, SyntheticAnswers.Generate(20, 16, 3).Count);
    }
}
