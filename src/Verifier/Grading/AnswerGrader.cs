namespace BestOfN.Verifier.Grading;

/// <summary>
/// Extracts and grades answers with one set of options, memoising verdicts by (prediction, gold) and parsed answers by
/// string and by normalised string. Thread-safe: the caches are concurrent and bounded, and a verdict never depends on
/// what was graded before; only time-outs, which are not cached, depend on load.
/// </summary>
public sealed class AnswerGrader
{
    private readonly TimeProvider _time;
    private readonly BoundedCache<string, ParsedAnswer> _parsed;
    private readonly BoundedCache<string, ParsedAnswer> _parsedByNormalized;
    private readonly BoundedCache<(string Prediction, string Gold), GradeResult> _verdicts;
    private readonly BoundedCache<string, string> _keys;

    public AnswerGrader(GraderOptions? options = null, TimeProvider? time = null)
    {
        Options = (options ?? GraderOptions.Default).EnsureValid();
        _time = time ?? TimeProvider.System;
        _parsed = new(Options.CacheCapacity, StringComparer.Ordinal);
        _parsedByNormalized = new(Options.CacheCapacity, StringComparer.Ordinal);
        _verdicts = new(Options.CacheCapacity);
        _keys = new(Options.CacheCapacity, StringComparer.Ordinal);
    }

    public GraderOptions Options { get; }

    /// <summary>Compares a predicted answer with a gold answer; see <see cref="MathEquivalence.Compare(string, string, GraderOptions)"/>.</summary>
    public GradeResult Compare(string prediction, string gold)
    {
        ArgumentNullException.ThrowIfNull(prediction);
        ArgumentNullException.ThrowIfNull(gold);
        if (_verdicts.TryGet((prediction, gold), out var cached))
        {
            return cached;
        }

        var budget = new GradingBudget(_time, Options.TimeBudget);
        var result = MathEquivalence.IdenticalText(prediction, gold, MathEquivalence.Guarded(Options, () =>
            new EquivalenceChecker(Options, budget).Compare(Parse(prediction, budget), Parse(gold, budget))));
        if (result.Verdict != Verdict.TimedOut)
        {
            _verdicts.Add((prediction, gold), result);
        }

        return result;
    }

    /// <summary>Extracts the final answer of a solution with <see cref="GraderOptions.Extraction"/> and compares it with the gold.</summary>
    public GradedAnswer Grade(string solution, string gold)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(gold);
        var extraction = AnswerExtractor.Extract(solution, Options.Extraction);
        if (extraction.Answer is null)
        {
            return new GradedAnswer(null, extraction.Rule, Verdict.Unparseable, "no final answer found", null);
        }

        var result = Compare(extraction.Answer, gold);
        return new GradedAnswer(extraction.Answer, extraction.Rule, result.Verdict, result.Reason, Key(extraction.Answer));
    }

    /// <summary>The canonical key of an answer (see <see cref="AnswerKey"/>), memoised.</summary>
    public string Key(string answer)
    {
        ArgumentNullException.ThrowIfNull(answer);
        if (_keys.TryGet(answer, out var cached))
        {
            return cached;
        }

        var budget = new GradingBudget(_time, Options.TimeBudget);
        string key;
        try
        {
            key = AnswerKey.Of(Parse(answer, budget), Options, budget);
        }
        catch (GradingTimeoutException)
        {
            return "raw:" + AnswerParser.NormalizeForKey(answer.Length > Options.MaxAnswerLength ? answer.Substring(0, Options.MaxAnswerLength) : answer);
        }

        _keys.Add(answer, key);

        return key;
    }

    private ParsedAnswer Parse(string answer, GradingBudget budget)
    {
        if (_parsed.TryGet(answer, out var cached))
        {
            return cached;
        }

        var parsed = AnswerParser.Parse(answer, Options, budget, _parsedByNormalized);
        _parsed.Add(answer, parsed);

        return parsed;
    }
}
