using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace BestOfN.Verifier.Grading;

/// <summary>Default values of <see cref="JsonlGradingOptions"/>.</summary>
public static class JsonlGradingDefaults
{
    /// <summary>The default value is "pred".</summary>
    public const string PredictionField = "pred";

    /// <summary>The default value is "gold".</summary>
    public const string GoldField = "gold";

    /// <summary>The default value is false: the prediction field holds the answer itself.</summary>
    public const bool Extract = false;

    /// <summary>The default value is 16,777,216 characters; a longer line is written back as Invalid.</summary>
    public const int MaxLineLength = 16 * 1024 * 1024;
}

/// <summary>Options of grading a JSONL file of prediction/gold pairs.</summary>
public sealed record JsonlGradingOptions
{
    public string PredictionField { get; init; } = JsonlGradingDefaults.PredictionField;

    public string GoldField { get; init; } = JsonlGradingDefaults.GoldField;

    /// <summary>Extract the final answer from a full solution in the prediction field first.</summary>
    public bool Extract { get; init; } = JsonlGradingDefaults.Extract;

    public GraderOptions Grader { get; init; } = GraderOptions.Default;

    /// <summary>Longer lines are not parsed: their output line says Invalid.</summary>
    public int MaxLineLength { get; init; } = JsonlGradingDefaults.MaxLineLength;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (string.IsNullOrWhiteSpace(PredictionField))
        {
            errors.Add($"{nameof(PredictionField)} must name a field.");
        }

        if (string.IsNullOrWhiteSpace(GoldField))
        {
            errors.Add($"{nameof(GoldField)} must name a field.");
        }

        if (PredictionField == GoldField && !string.IsNullOrWhiteSpace(GoldField))
        {
            errors.Add($"{nameof(PredictionField)} and {nameof(GoldField)} must differ, both are '{GoldField}'.");
        }

        if (MaxLineLength < 1)
        {
            errors.Add($"{nameof(MaxLineLength)} must be positive, got {MaxLineLength}.");
        }

        if (Grader is null)
        {
            errors.Add($"{nameof(Grader)} must be set.");
        }
        else
        {
            errors.AddRange(Grader.Validate());
        }

        return errors;
    }
}

/// <summary>What a JSONL grading run did: lines read, lines graded, bad lines written back as Invalid, and the count of each verdict.</summary>
public sealed record JsonlGradingSummary(int Lines, int Graded, int BadLines, IReadOnlyDictionary<Verdict, int> Verdicts)
{
    public string ToSummaryLine() =>
        $"graded {Graded} of {Lines} lines ({BadLines} bad): "
        + string.Join(", ", Enum.GetValues<Verdict>().Select(v => $"{v} {Verdicts.GetValueOrDefault(v)}"));
}

/// <summary>
/// Grades a JSONL stream and writes exactly one line per input line, so the output joins 1:1 with the input. A good line
/// is written back with "verdict", "reason", "extracted" and "key" (and "rule" when extracting). A bad line (not JSON,
/// a duplicate key, a missing field, too long, blank) becomes <c>{"line": n, "verdict": "Invalid", "reason": ...}</c>
/// and is also reported on the error writer; no line stops the run. Lines end at '\n' only.
/// </summary>
public static class JsonlGrading
{
    /// <summary>The verdict written for a line that could not be graded; not a <see cref="Verdict"/>, as no comparison ran.</summary>
    public const string InvalidVerdict = "Invalid";

    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // Duplicate keys are refused at parse time: which "pred" was meant is unknowable, and JsonObject throws on them later.
    private static readonly JsonDocumentOptions InputJson = new() { AllowDuplicateProperties = false };

    public static JsonlGradingSummary Grade(TextReader input, TextWriter output, TextWriter errors, JsonlGradingOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(errors);
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Validate();
        if (problems.Count > 0)
        {
            throw new ArgumentException("Invalid JSONL grading options: " + string.Join(" ", problems));
        }

        var grader = new AnswerGrader(options.Grader);
        var verdicts = new Dictionary<Verdict, int>();
        int lines = 0, graded = 0, bad = 0;
        var reader = new JsonlLineReader(input, options.MaxLineLength);
        while (reader.TryRead(out var line))
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines++;
            var outcome = GradeLine(line, grader, options);
            if (outcome.Verdict is { } verdict)
            {
                graded++;
                verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;
            }
            else
            {
                bad++;
                errors.WriteLine($"line {line.Number}: {outcome.Problem}; written as {InvalidVerdict}");
            }

            output.WriteLine(outcome.OutputLine);
        }

        return new JsonlGradingSummary(lines, graded, bad, verdicts);
    }

    private readonly record struct LineOutcome(string OutputLine, Verdict? Verdict, string? Problem);

    private static LineOutcome GradeLine(JsonlLine line, AnswerGrader grader, JsonlGradingOptions options)
    {
        try
        {
            if (line.Text is null)
            {
                return Invalid(line.Number, $"line longer than {options.MaxLineLength} characters");
            }

            if (string.IsNullOrWhiteSpace(line.Text))
            {
                return Invalid(line.Number, "blank line");
            }

            if (!TryReadPair(line.Text, options, out var record, out var prediction, out var gold, out var problem))
            {
                return Invalid(line.Number, problem);
            }

            Verdict verdict;
            if (options.Extract)
            {
                var result = grader.Grade(prediction, gold);
                record["verdict"] = result.Verdict.ToString();
                record["reason"] = Writable(result.Reason);
                record["extracted"] = result.ExtractedAnswer is null ? null : Writable(result.ExtractedAnswer);
                record["rule"] = result.Rule;
                record["key"] = result.Key is null ? null : Writable(result.Key);
                verdict = result.Verdict;
            }
            else
            {
                var result = grader.Compare(prediction, gold);
                record["verdict"] = result.Verdict.ToString();
                record["reason"] = Writable(result.Reason);
                record["extracted"] = Writable(prediction);
                record["key"] = Writable(grader.Key(prediction));
                verdict = result.Verdict;
            }

            return new LineOutcome(record.ToJsonString(OutputJson), verdict, null);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            // The last guard of "no line stops the run": whatever a line does, it is reported on its own output line.
            return Invalid(line.Number, $"internal error: {e.GetType().Name}: {e.Message}");
        }
    }

    /// <summary>Reasons and keys can quote half of a surrogate pair; the JSON writer throws on one.</summary>
    private static string Writable(string text) => LoneSurrogates.ReplaceInText(text);

    private static LineOutcome Invalid(int lineNumber, string problem)
    {
        var reason = LoneSurrogates.ReplaceInText(problem);
        var record = new JsonObject { ["line"] = lineNumber, ["verdict"] = InvalidVerdict, ["reason"] = reason };
        return new LineOutcome(record.ToJsonString(OutputJson), null, reason);
    }

    private static bool TryReadPair(string line, JsonlGradingOptions options, out JsonObject record, out string prediction, out string gold, out string problem)
    {
        record = null!;
        prediction = gold = problem = string.Empty;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(LoneSurrogates.ReplaceInJson(line), documentOptions: InputJson);
        }
        catch (JsonException e)
        {
            problem = "invalid JSON: " + e.Message;
            return false;
        }

        if (node is not JsonObject obj)
        {
            problem = "not a JSON object";
            return false;
        }

        record = obj;
        return TryReadField(obj, options.PredictionField, out prediction, ref problem)
            && TryReadField(obj, options.GoldField, out gold, ref problem);
    }

    private static bool TryReadField(JsonObject obj, string field, out string value, ref string problem)
    {
        value = string.Empty;
        if (!obj.TryGetPropertyValue(field, out var node) || node is null)
        {
            problem = $"field '{field}' is missing or null";
            return false;
        }

        if (node is JsonValue scalar)
        {
            if (scalar.TryGetValue<string>(out var text))
            {
                value = text;
                return true;
            }

            if (scalar.GetValueKind() == JsonValueKind.Number)
            {
                // GSM8K golds are often numbers: keep the digits exactly as written.
                value = scalar.ToJsonString();
                return true;
            }
        }

        problem = $"field '{field}' is not a string or a number";
        return false;
    }
}
