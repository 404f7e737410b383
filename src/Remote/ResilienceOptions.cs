namespace BestOfN.Remote;

/// <summary>Defaults of <see cref="ResilienceOptions"/>, in one place so tests can pin them.</summary>
public static class ResilienceDefaults
{
    public const int MaxConcurrency = 16;
    public static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(300);
    public const int MaxRetries = 8;
    public static readonly TimeSpan RetryBaseDelay = TimeSpan.FromSeconds(1);
    public static readonly TimeSpan RetryMaxDelay = TimeSpan.FromSeconds(60);
    public const double BreakerFailureRatio = 0.5;
    public const int BreakerMinimumThroughput = 20;
    public static readonly TimeSpan BreakerSamplingDuration = TimeSpan.FromSeconds(30);
    public static readonly TimeSpan BreakerBreakDuration = TimeSpan.FromSeconds(15);
}

/// <summary>
/// How requests to an inference or reward server survive its faults. Each request runs through, outermost first: a concurrency
/// limiter, a retry (exponential backoff with jitter; a server's Retry-After wins), a circuit breaker, and a per-attempt timeout.
/// </summary>
public sealed record ResilienceOptions
{
    /// <summary>Requests in flight at once; the others wait their turn. The default value is 16.</summary>
    public int MaxConcurrency { get; init; } = ResilienceDefaults.MaxConcurrency;

    /// <summary>Longest one attempt may take, the whole response read; a slower one is cancelled and retried. The default value is 300 s
    /// (a long generation on a busy server).</summary>
    public TimeSpan AttemptTimeout { get; init; } = ResilienceDefaults.AttemptTimeout;

    /// <summary>Retries after the first attempt, on 408, 429, 5xx, timeouts, connection failures and cut-off or invalid bodies. The default value is 8.</summary>
    public int MaxRetries { get; init; } = ResilienceDefaults.MaxRetries;

    /// <summary>The first retry's delay, doubled each retry, with jitter. The default value is 1 s.</summary>
    public TimeSpan RetryBaseDelay { get; init; } = ResilienceDefaults.RetryBaseDelay;

    /// <summary>The longest delay between attempts, a server's Retry-After included. The default value is 60 s.</summary>
    public TimeSpan RetryMaxDelay { get; init; } = ResilienceDefaults.RetryMaxDelay;

    /// <summary>The breaker opens when at least this share of the attempts in <see cref="BreakerSamplingDuration"/> failed. The default value is 0.5.</summary>
    public double BreakerFailureRatio { get; init; } = ResilienceDefaults.BreakerFailureRatio;

    /// <summary>Attempts the sampling window must hold before the breaker may open. The default value is 20.</summary>
    public int BreakerMinimumThroughput { get; init; } = ResilienceDefaults.BreakerMinimumThroughput;

    /// <summary>The window the failure ratio is measured over. The default value is 30 s.</summary>
    public TimeSpan BreakerSamplingDuration { get; init; } = ResilienceDefaults.BreakerSamplingDuration;

    /// <summary>How long an open breaker refuses requests before letting one probe through. The default value is 15 s.</summary>
    public TimeSpan BreakerBreakDuration { get; init; } = ResilienceDefaults.BreakerBreakDuration;

    /// <summary>Every problem with these options, listed together so a run never starts half-valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (MaxConcurrency < 1) errors.Add($"--max-concurrency must be >= 1, got {MaxConcurrency}.");
        // Polly's own bounds: a timeout in (10 ms, 24 h], a sampling window >= 500 ms, a break >= 500 ms, a throughput >= 2.
        if (AttemptTimeout <= TimeSpan.FromMilliseconds(10) || AttemptTimeout > TimeSpan.FromHours(24)) errors.Add($"--request-timeout must be between 0.01 s and 24 h, got {AttemptTimeout.TotalSeconds} s.");
        if (MaxRetries is < 0 or > 100) errors.Add($"--max-retries must be between 0 and 100, got {MaxRetries}.");
        if (RetryBaseDelay < TimeSpan.Zero) errors.Add($"--retry-delay must be >= 0, got {RetryBaseDelay.TotalSeconds} s.");
        if (RetryMaxDelay < RetryBaseDelay) errors.Add($"--retry-max-delay ({RetryMaxDelay.TotalSeconds} s) must be at least --retry-delay ({RetryBaseDelay.TotalSeconds} s).");
        if (BreakerFailureRatio is <= 0 or > 1 || double.IsNaN(BreakerFailureRatio)) errors.Add($"--breaker-failure-ratio must be in (0, 1], got {BreakerFailureRatio}.");
        if (BreakerMinimumThroughput < 2) errors.Add($"--breaker-min-throughput must be >= 2, got {BreakerMinimumThroughput}.");
        if (BreakerSamplingDuration < TimeSpan.FromMilliseconds(500)) errors.Add($"--breaker-window must be >= 0.5 s, got {BreakerSamplingDuration.TotalSeconds} s.");
        if (BreakerBreakDuration < TimeSpan.FromMilliseconds(500)) errors.Add($"--breaker-break must be >= 0.5 s, got {BreakerBreakDuration.TotalSeconds} s.");
        return errors;
    }
}
