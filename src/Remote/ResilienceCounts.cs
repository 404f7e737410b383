namespace BestOfN.Remote;

/// <summary>What the resilience pipeline did during a run, printed at its end.</summary>
/// <param name="Attempts">Requests sent, retries included.</param>
/// <param name="Retries">Attempts made again after a failure.</param>
/// <param name="Timeouts">Attempts cancelled by the per-attempt timeout.</param>
/// <param name="BreakerOpenings">Times the circuit breaker opened.</param>
/// <param name="RetryCauses">Retries by cause: "429", "5xx", "timeout", "connection", "invalid-body", "breaker-open", …</param>
public sealed record ResilienceCounts(long Attempts, long Retries, long Timeouts, long BreakerOpenings, IReadOnlyDictionary<string, long> RetryCauses)
{
    /// <summary>One line: "12 retries (429: 3, 5xx: 4, …), 2 timeouts, 1 circuit-breaker opening, 130 attempts".</summary>
    public override string ToString()
    {
        var causes = RetryCauses.Count == 0 ? "" : $" ({string.Join(", ", RetryCauses.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key}: {c.Value}"))})";
        return $"{Retries} retries{causes}, {Timeouts} timeouts, {BreakerOpenings} circuit-breaker openings, {Attempts} attempts";
    }
}
