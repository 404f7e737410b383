using System.Text;
using System.Text.Json;

namespace BestOfN.Problems;

/// <summary>Reads GSM8K, MATH and generic JSONL/CSV files into <see cref="Problem"/>s.</summary>
public static class DatasetLoader
{
    private const string GsmMarker = "####";

    public static IReadOnlyList<Problem> Load(DatasetSpec spec)
    {
        if (!File.Exists(spec.Path)) throw new FileNotFoundException($"Dataset file not found: {spec.Path}", spec.Path);
        var problems = spec.Format switch
        {
            DatasetFormat.Gsm8k => ReadJsonl(spec, Gsm8k),
            DatasetFormat.Math => ReadMath(spec),
            DatasetFormat.Jsonl => ReadJsonl(spec, Generic),
            DatasetFormat.Csv => ReadCsv(spec),
            _ => throw new ArgumentOutOfRangeException(nameof(spec)),
        };
        if (problems.Count == 0) throw new DatasetException(spec.Path, 1, null, "holds no problems; give a dataset with at least one.");
        var duplicate = problems.GroupBy(p => p.Id).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) throw new DatasetException(spec.Path, 0, "id", $"problem id '{duplicate.Key}' appears {duplicate.Count()} times; ids must be unique.");
        return problems;
    }

    /// <summary>Keeps the problems named in <paramref name="ids"/> (in the dataset's order), then the first <paramref name="limit"/>.</summary>
    /// <exception cref="ArgumentException">The selection is empty: no problems, or a limit below 1.</exception>
    public static IReadOnlyList<Problem> Select(IReadOnlyList<Problem> problems, IReadOnlyCollection<string>? ids, int? limit)
    {
        if (limit is <= 0) throw new ArgumentException($"--limit {limit} selects no problems; give 1 or more, or leave it out for all.");
        if (problems.Count == 0) throw new ArgumentException("The dataset holds no problems to select from.");
        IEnumerable<Problem> chosen = problems;
        if (ids is { Count: > 0 })
        {
            var known = problems.Select(p => p.Id).ToHashSet();
            var missing = ids.Where(id => !known.Contains(id)).ToList();
            if (missing.Count > 0) throw new ArgumentException($"Unknown problem id(s): {string.Join(", ", missing.Take(10))}");
            var wanted = ids.ToHashSet();
            chosen = chosen.Where(p => wanted.Contains(p.Id));
        }
        if (limit is { } n) chosen = chosen.Take(n);
        return chosen.ToList();
    }

    private delegate Problem LineReader(DatasetSpec spec, int line, JsonElement obj);

    private static List<Problem> ReadJsonl(DatasetSpec spec, LineReader read)
    {
        var result = new List<Problem>();
        var lineNo = 0;
        foreach (var line in File.ReadLines(spec.Path))
        {
            lineNo++;
            if (string.IsNullOrWhiteSpace(line)) continue;
            JsonDocument doc;
            try { doc = JsonDocument.Parse(line); }
            catch (JsonException e) { throw new DatasetException(spec.Path, lineNo, null, $"not valid JSON at byte {e.BytePositionInLine + 1}: {WithoutPosition(e.Message)}"); }
            using (doc)
            {
                if (doc.RootElement.ValueKind != JsonValueKind.Object) throw new DatasetException(spec.Path, lineNo, null, "expected a JSON object per line");
                if (LoneSurrogateField(doc.RootElement) is { } field)
                    throw new DatasetException(spec.Path, lineNo, field, "holds a lone surrogate (an unpaired \\uD800-\\uDFFF escape), which is not text; fix or drop the line.");
                result.Add(read(spec, lineNo, doc.RootElement));
            }
        }
        return result;
    }

    /// <summary>System.Text.Json's message without its own "LineNumber: 0 | BytePositionInLine: n." tail, which counts within the line only.</summary>
    private static string WithoutPosition(string message) =>
        System.Text.RegularExpressions.Regex.Replace(message, @"\s*(Path: \S* \| )?LineNumber: \d+ \| BytePositionInLine: \d+\.?$", "").TrimEnd('.') + ".";

    /// <summary>The first top-level field whose name or string value is not valid UTF-16 (System.Text.Json parses those, then throws on reading).</summary>
    private static string? LoneSurrogateField(JsonElement obj)
    {
        var index = 0;
        foreach (var p in obj.EnumerateObject())
        {
            index++;
            string name;
            try
            {
                name = p.Name;
            }
            catch (InvalidOperationException)
            {
                return $"#{index}";
            }
            if (p.Value.ValueKind != JsonValueKind.String) continue;
            try
            {
                p.Value.GetString();
            }
            catch (InvalidOperationException)
            {
                return name;
            }
        }
        return null;
    }

    private static Problem Gsm8k(DatasetSpec spec, int line, JsonElement obj)
    {
        var question = RequiredString(spec, line, obj, "question");
        var solution = RequiredString(spec, line, obj, "answer");
        var marker = solution.LastIndexOf(GsmMarker, StringComparison.Ordinal);
        if (marker < 0) throw new DatasetException(spec.Path, line, "answer", $"has no '{GsmMarker} <number>' final answer");
        var gold = solution[(marker + GsmMarker.Length)..].Trim().Replace(",", "");
        if (gold.Length == 0) throw new DatasetException(spec.Path, line, "answer", $"'{GsmMarker}' is followed by nothing");
        var id = OptionalString(obj, "id") ?? $"gsm8k-{line - 1}";
        return new Problem(id, question, gold, solution, JsonFields.Scalars(obj, ["question", "answer"]));
    }

    // MATH-500 lines carry answer, level, subject and unique_id. The full MATH test set has only problem, level,
    // type and solution; its clean answers come from math_testset_annotation.json beside it, in the same order.
    private static List<Problem> ReadMath(DatasetSpec spec)
    {
        List<string[]>? annotated = null;
        var annotation = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(spec.Path))!, "math_testset_annotation.json");
        var problems = ReadJsonl(spec, (s, line, obj) =>
        {
            var question = RequiredString(s, line, obj, "problem");
            var answer = OptionalString(obj, "answer");
            string[] alternatives = [];
            if (answer is null)
            {
                annotated ??= File.Exists(annotation) ? ReadAnnotation(annotation) : null;
                if (annotated is null) throw new DatasetException(s.Path, line, "answer", "missing, and no math_testset_annotation.json lies beside the file to supply it");
                var index = line - 1;
                if (index >= annotated.Count) throw new DatasetException(s.Path, line, "answer", $"missing, and {annotation} has only {annotated.Count} answers");
                answer = annotated[index][0];
                alternatives = annotated[index][1..];
            }
            var fields = JsonFields.Scalars(obj, ["problem", "solution", "answer"]);
            var mutable = new Dictionary<string, string>(fields);
            if (!mutable.ContainsKey("subject") && mutable.Remove("type", out var type)) mutable["subject"] = type;
            if (mutable.TryGetValue("level", out var level) && level.StartsWith("Level ", StringComparison.Ordinal)) mutable["level"] = level["Level ".Length..];
            var id = OptionalString(obj, "unique_id") ?? $"math-{line - 1}";
            return new Problem(id, question, answer, OptionalString(obj, "solution"), mutable) { AlternativeGolds = alternatives };
        });
        return problems;
    }

    // An entry's answer is a string, or a list of answers that are all accepted.
    private static List<string[]> ReadAnnotation(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllBytes(path));
        return doc.RootElement.EnumerateArray().Select((e, i) => e.TryGetProperty("answer", out var a) ? a.ValueKind switch
        {
            JsonValueKind.String => [a.GetString()!],
            JsonValueKind.Array when a.GetArrayLength() > 0 && a.EnumerateArray().All(x => x.ValueKind == JsonValueKind.String) =>
                a.EnumerateArray().Select(x => x.GetString()!).ToArray(),
            _ => throw new DatasetException(path, i + 1, "answer", "annotation entry's answer is neither a string nor a list of strings"),
        } : throw new DatasetException(path, i + 1, "answer", "annotation entry has no answer")).ToList();
    }

    private static Problem Generic(DatasetSpec spec, int line, JsonElement obj)
    {
        string Name(string ours) => spec.FieldMap.TryGetValue(ours, out var theirs) ? theirs : ours;
        var question = RequiredString(spec, line, obj, Name("question"));
        var answer = OptionalString(obj, Name("answer"));
        var id = OptionalString(obj, Name("id")) ?? $"{Path.GetFileNameWithoutExtension(spec.Path)}-{line - 1}";
        var mapped = new[] { "question", "answer", "id", "solution" }.Select(Name).ToArray();
        return new Problem(id, question, answer, OptionalString(obj, Name("solution")), JsonFields.Scalars(obj, mapped));
    }

    private static List<Problem> ReadCsv(DatasetSpec spec)
    {
        string Name(string ours) => spec.FieldMap.TryGetValue(ours, out var theirs) ? theirs : ours;
        var rows = Csv.Read(spec.Path).ToList();
        if (rows.Count == 0) throw new DatasetException(spec.Path, 1, null, "empty file: expected a header row");
        var header = rows[0].Fields;
        var result = new List<Problem>();
        foreach (var (line, fields) in rows.Skip(1))
        {
            if (fields.Count == 1 && fields[0].Length == 0) continue;
            if (fields.Count != header.Count) throw new DatasetException(spec.Path, line, null, $"has {fields.Count} columns, the header has {header.Count}");
            var row = header.Zip(fields).ToDictionary(p => p.First, p => p.Second);
            string? Get(string ours) => row.TryGetValue(Name(ours), out var v) && v.Length > 0 ? v : null;
            var question = Get("question") ?? throw new DatasetException(spec.Path, line, Name("question"), "missing or empty");
            RejectNul(spec, line, Name("question"), question);
            var id = Get("id") ?? $"{Path.GetFileNameWithoutExtension(spec.Path)}-{line - 2}";
            var mapped = new[] { "question", "answer", "id", "solution" }.Select(Name).ToHashSet();
            result.Add(new Problem(id, question, Get("answer"), Get("solution"), row.Where(kv => !mapped.Contains(kv.Key)).ToDictionary()));
        }
        return result;
    }

    private static string RequiredString(DatasetSpec spec, int line, JsonElement obj, string field)
    {
        if (!obj.TryGetProperty(field, out var v)) throw new DatasetException(spec.Path, line, field, "missing");
        return v.ValueKind switch
        {
            JsonValueKind.String => RejectNul(spec, line, field, v.GetString()!),
            JsonValueKind.Number => v.GetRawText(),
            _ => throw new DatasetException(spec.Path, line, field, $"expected a string, found {v.ValueKind}"),
        };
    }

    /// <summary>A NUL would end the text at the native boundary (llama.cpp takes C strings), silently cutting the question.</summary>
    private static string RejectNul(DatasetSpec spec, int line, string field, string value) => value.Contains('\0')
        ? throw new DatasetException(spec.Path, line, field, $"holds a NUL character (\\u0000) at offset {value.IndexOf('\0')}; remove it.")
        : value;

    private static string? OptionalString(JsonElement obj, string field) =>
        obj.TryGetProperty(field, out var v) ? v.ValueKind switch
        {
            JsonValueKind.String => v.GetString(),
            JsonValueKind.Number => v.GetRawText(),
            _ => null,
        } : null;

}

/// <summary>A small RFC 4180 reader: quoted fields, doubled quotes, newlines inside quotes. Reports each record's first line.</summary>
internal static class Csv
{
    public static IEnumerable<(int Line, List<string> Fields)> Read(string path)
    {
        using var reader = new StreamReader(path, Encoding.UTF8);
        var line = 1;
        while (reader.Peek() >= 0)
        {
            var start = line;
            var fields = new List<string>();
            var field = new StringBuilder();
            var quoted = false;
            while (true)
            {
                var c = reader.Read();
                if (c < 0)
                {
                    if (quoted) throw new DatasetException(path, start, null, "unterminated quoted field");
                    break;
                }
                var ch = (char)c;
                if (quoted)
                {
                    if (ch == '"' && reader.Peek() == '"') { reader.Read(); field.Append('"'); }
                    else if (ch == '"')
                    {
                        quoted = false;
                    }
                    else { if (ch == '\n') line++; field.Append(ch); }
                }
                else if (ch == '"' && field.Length == 0)
                {
                    quoted = true;
                }
                else if (ch == ',') { fields.Add(field.ToString()); field.Clear(); }
                else if (ch == '\r')
                {
                    continue;
                }
                else if (ch == '\n') { line++; break; }
                else
                {
                    field.Append(ch);
                }
            }
            fields.Add(field.ToString());
            yield return (start, fields);
        }
    }
}

/// <summary>Reading problem fields from a JSON line.</summary>
public static class JsonFields
{
    /// <summary>Every string, number or boolean property except the excluded ones, as text: the problem fields kept for breakdowns.</summary>
    public static Dictionary<string, string> Scalars(JsonElement obj, IEnumerable<string?> exclude)
    {
        var skip = exclude.ToHashSet();
        var fields = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var p in obj.EnumerateObject())
        {
            if (skip.Contains(p.Name)) continue;
            var value = p.Value.ValueKind switch
            {
                JsonValueKind.String => p.Value.GetString(),
                JsonValueKind.Number => p.Value.GetRawText(),
                JsonValueKind.True => "true",
                JsonValueKind.False => "false",
                _ => null,
            };
            if (value is not null) fields[p.Name] = value;
        }
        return fields;
    }
}
