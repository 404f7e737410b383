namespace BestOfN.Verifier.Grading;

/// <summary>Compares a predicted answer with a gold answer. Stateless and thread-safe; <see cref="AnswerGrader"/> adds memoisation.</summary>
public static class MathEquivalence
{
    /// <summary>Equal, NotEqual or Unparseable with a reason; TimedOut when the comparison ran past <see cref="GraderOptions.TimeBudget"/>. Never throws for any input strings.</summary>
    public static GradeResult Compare(string prediction, string gold, GraderOptions options) =>
        Compare(prediction, gold, options, TimeProvider.System);

    public static GradeResult Compare(string prediction, string gold, GraderOptions options, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(gold);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        var budget = new GradingBudget(time, options.TimeBudget);
        var result = Guarded(options, () =>
        {
            var parsedPrediction = AnswerParser.Parse(prediction, options, budget);
            var parsedGold = AnswerParser.Parse(gold, options, budget);
            return new EquivalenceChecker(options, budget).Compare(parsedPrediction, parsedGold);
        });
        return IdenticalText(prediction, gold, result);
    }

    /// <summary>Two identical strings are the same answer even when the engine cannot read them.</summary>
    internal static GradeResult IdenticalText(string prediction, string gold, GradeResult result) =>
        result.Verdict is Verdict.Unparseable or Verdict.TimedOut && prediction.AsSpan().Trim().SequenceEqual(gold.AsSpan().Trim())
            && prediction.AsSpan().Trim().Length > 0
            ? new GradeResult(Verdict.Equal, "identical text")
            : result;

    /// <summary>Turns the engine's internal failures into verdicts: a comparison is data, never an exception.</summary>
    internal static GradeResult Guarded(GraderOptions options, Func<GradeResult> compare)
    {
        try
        {
            return compare();
        }
        catch (GradingTimeoutException)
        {
            return new GradeResult(Verdict.TimedOut, $"ran past the time budget of {options.TimeBudget.TotalMilliseconds:0.#} ms");
        }
        catch (InsufficientExecutionStackException)
        {
            return new GradeResult(Verdict.Unparseable, "nesting too deep");
        }
        catch (Exception e) when (e is ArithmeticException or FormatException or AnswerParseException or InvalidOperationException or ArgumentException or IndexOutOfRangeException)
        {
            // A defect in the engine must cost one sample, not the run; the reason names it so it can be fixed.
            return new GradeResult(Verdict.Unparseable, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }
}
