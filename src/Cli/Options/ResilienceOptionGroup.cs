using System.CommandLine;
using BestOfN.Remote;

namespace BestOfN.Cli.Options;

/// <summary>How requests to a server survive its faults (<see cref="ResilienceOptions"/>): <c>sample --generator openai</c> and <c>score --protocol http-classifier</c>.</summary>
internal sealed class ResilienceOptionGroup : IOptionGroup
{
    public Option<int> MaxConcurrency { get; } = new("--max-concurrency") { Description = "Requests in flight at once", DefaultValueFactory = _ => ResilienceDefaults.MaxConcurrency };
    public Option<double> RequestTimeout { get; } = new("--request-timeout") { Description = "Seconds one attempt may take, the whole response read; then it is retried", DefaultValueFactory = _ => ResilienceDefaults.AttemptTimeout.TotalSeconds };
    public Option<int> MaxRetries { get; } = new("--max-retries") { Description = "Retries per request on 408/429/5xx, timeouts, connection failures and cut-off bodies", DefaultValueFactory = _ => ResilienceDefaults.MaxRetries };
    public Option<double> RetryDelay { get; } = new("--retry-delay") { Description = "Seconds before the first retry, doubled each retry, with jitter (a server's Retry-After wins)", DefaultValueFactory = _ => ResilienceDefaults.RetryBaseDelay.TotalSeconds };
    public Option<double> RetryMaxDelay { get; } = new("--retry-max-delay") { Description = "Longest wait between attempts, in seconds, Retry-After included", DefaultValueFactory = _ => ResilienceDefaults.RetryMaxDelay.TotalSeconds };
    public Option<double> BreakerFailureRatio { get; } = new("--breaker-failure-ratio") { Description = "Share of failed attempts in the window that opens the circuit breaker", DefaultValueFactory = _ => ResilienceDefaults.BreakerFailureRatio };
    public Option<int> BreakerMinThroughput { get; } = new("--breaker-min-throughput") { Description = "Attempts the window must hold before the breaker may open", DefaultValueFactory = _ => ResilienceDefaults.BreakerMinimumThroughput };
    public Option<double> BreakerWindow { get; } = new("--breaker-window") { Description = "Seconds over which the failure ratio is measured", DefaultValueFactory = _ => ResilienceDefaults.BreakerSamplingDuration.TotalSeconds };
    public Option<double> BreakerBreak { get; } = new("--breaker-break") { Description = "Seconds an open breaker refuses requests before one probe", DefaultValueFactory = _ => ResilienceDefaults.BreakerBreakDuration.TotalSeconds };

    public void AddTo(Command command)
    {
        foreach (var option in new Option[] { MaxConcurrency, RequestTimeout, MaxRetries, RetryDelay, RetryMaxDelay, BreakerFailureRatio, BreakerMinThroughput, BreakerWindow, BreakerBreak })
            command.Options.Add(option);
    }

    public ResilienceOptions Read(ParseResult pr) => new()
    {
        MaxConcurrency = pr.GetValue(MaxConcurrency),
        AttemptTimeout = Seconds(pr.GetValue(RequestTimeout)),
        MaxRetries = pr.GetValue(MaxRetries),
        RetryBaseDelay = Seconds(pr.GetValue(RetryDelay)),
        RetryMaxDelay = Seconds(pr.GetValue(RetryMaxDelay)),
        BreakerFailureRatio = pr.GetValue(BreakerFailureRatio),
        BreakerMinimumThroughput = pr.GetValue(BreakerMinThroughput),
        BreakerSamplingDuration = Seconds(pr.GetValue(BreakerWindow)),
        BreakerBreakDuration = Seconds(pr.GetValue(BreakerBreak)),
    };

    // Out-of-range numbers become a Validate() line, not an exception from TimeSpan.
    private static TimeSpan Seconds(double seconds) => double.IsFinite(seconds) && Math.Abs(seconds) < 1e9 ? TimeSpan.FromSeconds(seconds) : TimeSpan.MinValue;
}
