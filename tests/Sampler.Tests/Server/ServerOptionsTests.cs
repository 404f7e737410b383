using BestOfN.Remote;
using BestOfN.Sampler.Server;

namespace BestOfN.Sampler.Tests.Server;

public class ServerOptionsTests
{
    [Fact]
    public void Resilience_defaults_are_pinned()
    {
        var o = new ResilienceOptions();
        Assert.Equal((16, 300.0, 8, 1.0, 60.0), (o.MaxConcurrency, o.AttemptTimeout.TotalSeconds, o.MaxRetries, o.RetryBaseDelay.TotalSeconds, o.RetryMaxDelay.TotalSeconds));
        Assert.Equal((0.5, 20, 30.0, 15.0), (o.BreakerFailureRatio, o.BreakerMinimumThroughput, o.BreakerSamplingDuration.TotalSeconds, o.BreakerBreakDuration.TotalSeconds));
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Validate_lists_every_problem_at_once()
    {
        var options = new ServerGeneratorOptions
        {
            BaseUrl = "host:8000",
            ModelName = " ",
            Resilience = new ResilienceOptions { MaxConcurrency = 0, MaxRetries = -1, BreakerFailureRatio = 2, BreakerBreakDuration = TimeSpan.Zero },
        };
        var errors = options.Validate();
        Assert.Equal(6, errors.Count);
        Assert.Contains(errors, e => e.StartsWith("--base-url", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--model-name", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--max-concurrency", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.StartsWith("--breaker-break", StringComparison.Ordinal));
    }
}
