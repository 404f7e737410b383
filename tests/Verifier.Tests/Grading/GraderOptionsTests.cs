using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading;

public sealed class GraderOptionsTests
{
    [Fact]
    public void Defaults_are_pinned()
    {
        var options = new GraderOptions();
        Assert.Equal(1e-6, options.RelativeTolerance);
        Assert.Equal(5, options.NumericSamplePoints);
        Assert.Equal(TimeSpan.FromMilliseconds(250), options.TimeBudget);
        Assert.Equal(4096, options.MaxAnswerLength);
        Assert.Equal(64, options.MaxNestingDepth);
        Assert.Equal(4096, options.MaxExponent);
        Assert.Equal(100_000, options.CacheCapacity);
        Assert.True(options.StripUnits);
        Assert.False(options.PercentEqualsFraction);
        Assert.False(options.DegreesEqualRadians);
        Assert.False(options.AcceptRoundedDecimals);
        Assert.Same(ExtractionOptions.Flexible, options.Extraction);
        Assert.Empty(options.Validate());
    }

    [Fact]
    public void Validate_lists_every_error_at_once()
    {
        var options = new GraderOptions
        {
            RelativeTolerance = -1,
            NumericSamplePoints = 0,
            TimeBudget = TimeSpan.Zero,
            MaxAnswerLength = 0,
            MaxNestingDepth = 0,
            MaxExponent = 0,
            CacheCapacity = -1,
            Extraction = new ExtractionOptions { Rules = [] },
        };

        var errors = options.Validate();

        Assert.Equal(8, errors.Count);
        foreach (var name in new[] { "RelativeTolerance", "NumericSamplePoints", "TimeBudget", "MaxAnswerLength", "MaxNestingDepth", "MaxExponent", "CacheCapacity", "Rules" })
        {
            Assert.Contains(errors, e => e.Contains(name, StringComparison.Ordinal));
        }
    }

    [Fact]
    public void A_grader_refuses_invalid_options_with_every_error_in_the_message()
    {
        var error = Assert.Throws<ArgumentException>(() => new AnswerGrader(new GraderOptions { NumericSamplePoints = 0, MaxExponent = 0 }));
        Assert.Contains("NumericSamplePoints", error.Message, StringComparison.Ordinal);
        Assert.Contains("MaxExponent", error.Message, StringComparison.Ordinal);
    }
}
