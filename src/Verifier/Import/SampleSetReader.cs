using System.Globalization;
using System.Text.Json;
using BestOfN.Problems;

namespace BestOfN.Verifier.Import;

/// <summary>Published sample-set layouts.</summary>
public enum SampleSetFormat
{
    /// <summary>RLHFlow's best-of-N test sets (Mistral-GSM8K-Test, Deepseek-MATH500-Test, ...): prompt, answers, label (0/1 per answer).</summary>
    Rlhflow,

    /// <summary>search-and-learn outputs: problem, answer (gold), completions, scores (step scores per completion).</summary>
    SearchAndLearn,
}

/// <summary>The sample-set formats by the names users type and runs record.</summary>
public static class SampleSetFormats
{
    public static readonly IReadOnlyDictionary<string, SampleSetFormat> ByName = new Dictionary<string, SampleSetFormat>
    {
        ["rlhflow"] = SampleSetFormat.Rlhflow,
        ["search-and-learn"] = SampleSetFormat.SearchAndLearn,
    };

    public static string Names => string.Join(" or ", ByName.Keys);

    public static string Name(this SampleSetFormat format) => ByName.First(kv => kv.Value == format).Key;
}

/// <summary>Scores shipped with an imported answer: a number (one per answer) or a list (one per step).</summary>
public sealed record ImportedScore(double? Outcome, IReadOnlyList<double>? Steps);

/// <param name="Line">1-based line of the file the problem came from.</param>
/// <param name="Labels">Shipped correctness per answer, or null when the set has none.</param>
/// <param name="Scores">Shipped reward scores per answer, or null.</param>
/// <param name="Fields">The line's other scalar fields (level, subject, ...).</param>
public sealed record ImportedProblem(int Line, string ProblemId, string Prompt, string? Gold, IReadOnlyList<string> Answers,
    IReadOnlyList<bool>? Labels, IReadOnlyList<ImportedScore>? Scores, IReadOnlyDictionary<string, string> Fields);

/// <summary>Which JSON property holds each field. Defaults follow the format; <see cref="Parse"/> remaps them (<c>prompt=question</c>).</summary>
public sealed record SampleSetFieldMap
{
    public static IReadOnlyList<string> Names { get; } = ["id", "prompt", "gold", "answers", "label", "scores"];

    public string? Id { get; init; }
    public required string Prompt { get; init; }
    public string? Gold { get; init; }
    public required string Answers { get; init; }
    public string? Labels { get; init; }
    public string? Scores { get; init; }

    public static SampleSetFieldMap For(SampleSetFormat format) => format switch
    {
        SampleSetFormat.Rlhflow => new SampleSetFieldMap { Prompt = "prompt", Answers = "answers", Labels = "label", Gold = "gt" },
        SampleSetFormat.SearchAndLearn => new SampleSetFieldMap { Id = "unique_id", Prompt = "problem", Gold = "answer", Answers = "completions", Scores = "scores" },
        _ => throw new ArgumentOutOfRangeException(nameof(format)),
    };

    /// <summary>Applies <c>name=source</c> remappings to the format's defaults; lists every bad entry.</summary>
    public static SampleSetFieldMap Parse(SampleSetFormat format, IEnumerable<string> remappings)
    {
        var map = For(format);
        var errors = new List<string>();
        foreach (var entry in remappings)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || eq == entry.Length - 1)
            {
                errors.Add($"--field '{entry}' is not of the form name=source");
                continue;
            }
            var source = entry[(eq + 1)..].Trim();
            switch (entry[..eq].Trim())
            {
                case "id": map = map with { Id = source }; break;
                case "prompt": map = map with { Prompt = source }; break;
                case "gold": map = map with { Gold = source }; break;
                case "answers": map = map with { Answers = source }; break;
                case "label": map = map with { Labels = source }; break;
                case "scores": map = map with { Scores = source }; break;
                case var name: errors.Add($"--field '{entry}': unknown field '{name}' (expected one of {string.Join(", ", Names)})"); break;
            }
        }
        if (errors.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, errors));
        return map;
    }
}

/// <summary>Lines of a sample-set file that cannot be imported, each with its file and line.</summary>
public sealed class SampleSetFormatException(string path, IReadOnlyList<(int Line, string Message)> errors)
    : Exception(string.Join(Environment.NewLine, errors.Select(e => $"{path}:{e.Line}: {e.Message}")))
{
    public string Path { get; } = path;

    public IReadOnlyList<(int Line, string Message)> Errors { get; } = errors;
}

/// <summary>Reads a JSONL sample set. Every bad line is reported with file and line, and nothing is imported from a file that has one.</summary>
public static class SampleSetReader
{
    /// <summary>Errors listed before giving up on a badly broken file.</summary>
    public const int MaxErrors = 20;

    public static IReadOnlyList<ImportedProblem> Read(string path, SampleSetFormat format, SampleSetFieldMap? map = null)
    {
        map ??= SampleSetFieldMap.For(format);
        var problems = new List<ImportedProblem>();
        var errors = new List<(int, string)>();
        var ids = new Dictionary<string, int>(StringComparer.Ordinal);
        var lineNumber = 0;
        foreach (var line in File.ReadLines(path))
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            try
            {
                var problem = ReadLine(line, lineNumber, problems.Count, format, map);
                if (ids.TryGetValue(problem.ProblemId, out var first)) throw new FormatException($"problem id '{problem.ProblemId}' already used on line {first}");
                ids[problem.ProblemId] = lineNumber;
                problems.Add(problem);
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                errors.Add((lineNumber, e is JsonException ? $"not valid JSON: {e.Message}" : e.Message));
                if (errors.Count >= MaxErrors) break;
            }
        }
        if (errors.Count > 0) throw new SampleSetFormatException(path, errors);
        if (problems.Count == 0) throw new SampleSetFormatException(path, [(lineNumber, "the file holds no problems")]);
        return problems;
    }

    private static ImportedProblem ReadLine(string line, int lineNumber, int position, SampleSetFormat format, SampleSetFieldMap map)
    {
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        if (root.ValueKind != JsonValueKind.Object) throw new FormatException($"expected a JSON object, got {root.ValueKind}");

        var prompt = RequiredString(root, map.Prompt);
        var answers = RequiredArray(root, map.Answers).Select((a, i) => a.ValueKind == JsonValueKind.String
            ? a.GetString()!
            : throw new FormatException($"'{map.Answers}'[{i}] must be a string, got {a.ValueKind}")).ToList();

        IReadOnlyList<bool>? labels = null;
        var labelField = map.Labels;
        // RLHFlow's README calls the field "labels" while the datasets ship "label": take either.
        if (format == SampleSetFormat.Rlhflow && labelField == "label" && !root.TryGetProperty("label", out _) && root.TryGetProperty("labels", out _)) labelField = "labels";
        if (labelField is not null && root.TryGetProperty(labelField, out var labelValue) && labelValue.ValueKind != JsonValueKind.Null)
        {
            if (labelValue.ValueKind != JsonValueKind.Array) throw new FormatException($"'{labelField}' must be a list of 0/1, got {labelValue.ValueKind}");
            var list = labelValue.EnumerateArray().Select((l, i) => Label(l, labelField, i)).ToList();
            if (list.Count != answers.Count)
                throw new FormatException($"'{labelField}' has {list.Count} entries but '{map.Answers}' has {answers.Count}: each answer needs exactly one label.");
            labels = list;
        }
        else if (format == SampleSetFormat.Rlhflow)
        {
            throw new FormatException($"no '{map.Labels}' list: RLHFlow sample sets ship one 0/1 label per answer (map another field with --field label=NAME)");
        }

        IReadOnlyList<ImportedScore>? scores = null;
        if (map.Scores is not null && root.TryGetProperty(map.Scores, out var scoreValue) && scoreValue.ValueKind != JsonValueKind.Null)
        {
            if (scoreValue.ValueKind != JsonValueKind.Array) throw new FormatException($"'{map.Scores}' must be a list with one entry per answer, got {scoreValue.ValueKind}");
            var list = scoreValue.EnumerateArray().Select((s, i) => Score(s, map.Scores, i)).ToList();
            if (list.Count != answers.Count)
                throw new FormatException($"'{map.Scores}' has {list.Count} entries but '{map.Answers}' has {answers.Count}: each answer needs exactly one score entry.");
            scores = list;
        }

        string? gold = null;
        if (map.Gold is not null && root.TryGetProperty(map.Gold, out var goldValue))
        {
            gold = goldValue.ValueKind switch
            {
                JsonValueKind.String => goldValue.GetString(),
                JsonValueKind.Number => goldValue.GetRawText(),
                JsonValueKind.Null => null,
                var kind => throw new FormatException($"'{map.Gold}' must be a string or a number, got {kind}"),
            };
        }

        var id = position.ToString(CultureInfo.InvariantCulture);
        if (map.Id is not null && root.TryGetProperty(map.Id, out var idValue))
        {
            id = idValue.ValueKind switch
            {
                JsonValueKind.String when idValue.GetString()!.Length > 0 => idValue.GetString()!,
                JsonValueKind.Number => idValue.GetRawText(),
                var kind => throw new FormatException($"'{map.Id}' must be a non-empty string or a number, got {kind}"),
            };
        }

        var fields = JsonFields.Scalars(root, [map.Id, map.Prompt, map.Gold, map.Answers, map.Labels, map.Scores, labelField]);
        return new ImportedProblem(lineNumber, id, prompt, gold, answers, labels, scores, fields);
    }

    private static string RequiredString(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var v) ? throw new FormatException($"no '{field}' field")
        : v.ValueKind == JsonValueKind.String ? v.GetString()!
        : throw new FormatException($"'{field}' must be a string, got {v.ValueKind}");

    private static List<JsonElement> RequiredArray(JsonElement root, string field) =>
        !root.TryGetProperty(field, out var v) ? throw new FormatException($"no '{field}' list")
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().ToList()
        : throw new FormatException($"'{field}' must be a list, got {v.ValueKind}");

    private static bool Label(JsonElement value, string field, int index) => value.ValueKind switch
    {
        JsonValueKind.True => true,
        JsonValueKind.False => false,
        JsonValueKind.Number when value.TryGetInt32(out var n) && n is 0 or 1 => n == 1,
        _ => throw new FormatException($"'{field}'[{index}] must be 0 or 1, got {value.GetRawText()}"),
    };

    private static ImportedScore Score(JsonElement value, string field, int index)
    {
        double Finite(JsonElement v) => v.ValueKind == JsonValueKind.Number && v.TryGetDouble(out var d) && double.IsFinite(d)
            ? d : throw new FormatException($"'{field}'[{index}] must hold finite numbers, got {v.GetRawText()}");
        return value.ValueKind switch
        {
            JsonValueKind.Number => new ImportedScore(Finite(value), null),
            JsonValueKind.Array => new ImportedScore(null, value.EnumerateArray().Select(Finite).ToList()),
            _ => throw new FormatException($"'{field}'[{index}] must be a number or a list of step scores, got {value.ValueKind}"),
        };
    }
}
