namespace BestOfN.Voting.Reporting;

/// <summary>Samples that cannot be voted on (missing scores, mixed verdicts for one key, ...); lists every problem found.</summary>
public sealed class SampleValidationException(IReadOnlyList<string> errors)
    : Exception("Invalid samples:" + Environment.NewLine + string.Join(Environment.NewLine, errors.Take(20))
        + (errors.Count > 20 ? $"{Environment.NewLine}… and {errors.Count - 20} more" : ""))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}
