namespace BestOfN.Verifier.Grading;

/// <summary>
/// One way of finding the final answer in a solution. The explicit markers (every rule but <see cref="LastNumber"/>)
/// compete by position: the one latest in the solution wins. <see cref="LastNumber"/> is the fallback when none matched.
/// </summary>
public enum ExtractionRule
{
    /// <summary>The last <c>\boxed{..}</c> or <c>\fbox{..}</c>, nested braces included.</summary>
    Boxed,

    /// <summary>GSM8K's <c>#### 42</c>.</summary>
    Gsm8kHash,

    /// <summary>"Final Answer: ..." and "The final answer is ..." (Minerva style).</summary>
    FinalAnswer,

    /// <summary>"The answer is ...", "The answer is: X ки" (Math-Shepherd style) and "Answer: ...".</summary>
    AnswerIs,

    /// <summary>
    /// The fallback: in the final paragraph, the last <c>$..$</c>, <c>\(..\)</c> or <c>\[..\]</c> span holding a value
    /// ("last_math"), or the last number, a fraction a/b or a comma list ("last_number"); nothing when the text is cut off.
    /// </summary>
    LastNumber,

    /// <summary>GSM8K few-shot style: the last line that starts with <c>A:</c>.</summary>
    AnswerLine,

    /// <summary>Every <c>\boxed{..}</c>, joined as a tuple when there are several different ones (a multi-part answer).</summary>
    AllBoxed,
}

/// <summary>Default values of <see cref="ExtractionOptions"/>.</summary>
public static class ExtractionDefaults
{
    /// <summary>The default value is boxed, GSM8K hash, final answer, answer is, the "A:" line, then the last number.</summary>
    public static readonly IReadOnlyList<ExtractionRule> Rules =
        [ExtractionRule.Boxed, ExtractionRule.Gsm8kHash, ExtractionRule.FinalAnswer, ExtractionRule.AnswerIs, ExtractionRule.AnswerLine, ExtractionRule.LastNumber];

    /// <summary>The default value is 200,000: only the last 200,000 characters of a solution are searched.</summary>
    public const int MaxScanLength = 200_000;
}

/// <summary>Which rules may find a final answer; among the explicit markers the latest in the solution wins.</summary>
public sealed record ExtractionOptions
{
    /// <summary>Every rule, boxed first and the last number as a fallback (lm-evaluation-harness' "flexible").</summary>
    public static readonly ExtractionOptions Flexible = new();

    /// <summary>Only <c>\boxed{}</c>/<c>\fbox{}</c>, for MATH-style prompts.</summary>
    public static readonly ExtractionOptions MathStrict = new() { Rules = [ExtractionRule.Boxed] };

    /// <summary>Only <c>#### n</c>, as lm-evaluation-harness' "strict-match" for GSM8K.</summary>
    public static readonly ExtractionOptions Gsm8kStrict = new() { Rules = [ExtractionRule.Gsm8kHash] };

    /// <summary>Like <see cref="Flexible"/>, but several different boxes are joined as a tuple, for multi-part answers.</summary>
    public static readonly ExtractionOptions MultiPart = new()
    {
        Rules = [ExtractionRule.AllBoxed, ExtractionRule.Gsm8kHash, ExtractionRule.FinalAnswer, ExtractionRule.AnswerIs, ExtractionRule.AnswerLine, ExtractionRule.LastNumber],
    };

    public IReadOnlyList<ExtractionRule> Rules { get; init; } = ExtractionDefaults.Rules;

    /// <summary>Only this many characters at the end of a solution are searched.</summary>
    public int MaxScanLength { get; init; } = ExtractionDefaults.MaxScanLength;

    /// <summary>The named preset (flexible, math-strict, gsm8k-strict, multi-part), or null.</summary>
    public static ExtractionOptions? FromName(string name) => name.ToLowerInvariant() switch
    {
        "flexible" => Flexible,
        "multi-part" => MultiPart,
        "math-strict" or "boxed" => MathStrict,
        "gsm8k-strict" or "strict" => Gsm8kStrict,
        _ => null,
    };

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Rules is null || Rules.Count == 0)
        {
            errors.Add($"{nameof(Rules)} must name at least one extraction rule.");
        }
        else
        {
            foreach (var rule in Rules)
            {
                if (!Enum.IsDefined(rule))
                {
                    errors.Add($"{nameof(Rules)} contains the unknown rule {(int)rule}.");
                }
            }

            if (Rules.Distinct().Count() != Rules.Count)
            {
                errors.Add($"{nameof(Rules)} lists a rule twice.");
            }
        }

        if (MaxScanLength < 1)
        {
            errors.Add($"{nameof(MaxScanLength)} must be positive, got {MaxScanLength}.");
        }

        return errors;
    }
}
