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
}

/// <summary>Options of grading a JSONL file of prediction/gold pairs.</summary>
public sealed record JsonlGradingOptions
{
    public string PredictionField { get; init; } = JsonlGradingDefaults.PredictionField;

    public string GoldField { get; init; } = JsonlGradingDefaults.GoldField;

    /// <summary>Extract the final answer from a full solution in the prediction field first.</summary>
    public bool Extract { get; init; } = JsonlGradingDefaults.Extract;

    public GraderOptions Grader { get; init; } = GraderOptions.Default;

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

/// <summary>What a JSONL grading run did: lines read, lines graded, bad lines skipped, and the count of each verdict.</summary>
public sealed record JsonlGradingSummary(int Lines, int Graded, int BadLines, IReadOnlyDictionary<Verdict, int> Verdicts)
{
    public string ToSummaryLine() =>
        $"graded {Graded} of {Lines} lines ({BadLines} bad): "
        + string.Join(", ", Enum.GetValues<Verdict>().Select(v => $"{v} {Verdicts.GetValueOrDefault(v)}"));
}

/// <summary>
/// Grades a JSONL stream: each line is written back with "verdict", "reason", "extracted" and "key" (and "rule" when
/// extracting). A bad line is reported with its number on the error writer and skipped; the run goes on.
/// </summary>
public static class JsonlGrading
{
    private static readonly JsonSerializerOptions OutputJson = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

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
        string? line;
        while ((line = input.ReadLine()) is not null)
        {
            cancellationToken.ThrowIfCancellationRequested();
            lines++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }

            if (!TryReadPair(line, options, out var record, out var prediction, out var gold, out var problem))
            {
                bad++;
                errors.WriteLine($"line {lines}: {problem}; skipped");
                continue;
            }

            if (options.Extract)
            {
                var result = grader.Grade(prediction, gold);
                record["verdict"] = result.Verdict.ToString();
                record["reason"] = result.Reason;
                record["extracted"] = result.ExtractedAnswer;
                record["rule"] = result.Rule;
                record["key"] = result.Key;
                Count(verdicts, result.Verdict);
            }
            else
            {
                var result = grader.Compare(prediction, gold);
                record["verdict"] = result.Verdict.ToString();
                record["reason"] = result.Reason;
                record["extracted"] = prediction;
                record["key"] = grader.Key(prediction);
                Count(verdicts, result.Verdict);
            }

            graded++;
            output.WriteLine(record.ToJsonString(OutputJson));
        }

        return new JsonlGradingSummary(lines, graded, bad, verdicts);
    }

    private static void Count(Dictionary<Verdict, int> verdicts, Verdict verdict) =>
        verdicts[verdict] = verdicts.GetValueOrDefault(verdict) + 1;

    private static bool TryReadPair(string line, JsonlGradingOptions options, out JsonObject record, out string prediction, out string gold, out string problem)
    {
        record = null!;
        prediction = gold = problem = string.Empty;
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(line);
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
