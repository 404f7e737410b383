namespace BestOfN.Verifier.Grading;

/// <summary>The judgement of one prediction against one gold answer.</summary>
public enum Verdict
{
    Equal,
    NotEqual,
    /// <summary>The prediction or the gold could not be parsed, or could not be evaluated; the reason says which.</summary>
    Unparseable,
    /// <summary>The comparison ran past <see cref="GraderOptions.TimeBudget"/> and was abandoned.</summary>
    TimedOut,
}

/// <summary>The verdict of comparing two answers, with a human-readable reason.</summary>
public sealed record GradeResult(Verdict Verdict, string Reason)
{
    public bool IsEqual => Verdict == Verdict.Equal;
}

/// <summary>The final answer found in a solution, and the rule that found it (boxed, fbox, gsm8k_hash, answer_is, final_answer, last_number or none).</summary>
public sealed record ExtractionResult(string? Answer, string Rule)
{
    public const string NoMatch = "none";

    public static readonly ExtractionResult None = new(null, NoMatch);
}

/// <summary>Extraction followed by comparison: what a solution answered, how it was found, and whether it equals the gold.</summary>
/// <param name="Key">The canonical key of <paramref name="ExtractedAnswer"/> for majority voting; null when nothing was extracted.</param>
public sealed record GradedAnswer(string? ExtractedAnswer, string Rule, Verdict Verdict, string Reason, string? Key);
