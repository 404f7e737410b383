using System.Globalization;
using System.Text.Json;

namespace BestOfN.Voting.Samples;

/// <summary>
/// Reads a JSONL sample dump: one sample per line. Lines of the same problem need not be adjacent; problems keep the
/// order of their first line. Scalar properties other than the mapped sample fields become problem fields (the first
/// line of a problem wins). Blank lines are skipped. A null or absent-but-null answer means "no answer extracted".
/// </summary>
public static class SampleDumpReader
{
    public static IReadOnlyList<ProblemSamples> Read(string path, SampleFieldMap? map = null)
    {
        using var reader = new StreamReader(path);
        return Read(reader, path, map);
    }

    public static IReadOnlyList<ProblemSamples> Read(TextReader reader, string sourceName, SampleFieldMap? map = null)
    {
        map ??= SampleFieldMap.Default;
        var order = new List<string>();
        var samples = new Dictionary<string, List<VoteSample>>(StringComparer.Ordinal);
        var fields = new Dictionary<string, Dictionary<string, string>>(StringComparer.Ordinal);
        var lineOfSample = new Dictionary<(string ProblemId, long Index), int>();
        var lineNumber = 0;
        while (reader.ReadLine() is { } line)
        {
            lineNumber++;
            if (string.IsNullOrWhiteSpace(line))
            {
                continue;
            }
            JsonDocument document;
            try
            {
                document = JsonDocument.Parse(line);
            }
            catch (JsonException e)
            {
                throw new SampleDumpException(sourceName, lineNumber, null, $"not valid JSON ({e.Message})");
            }
            using (document)
            {
                var root = document.RootElement;
                if (root.ValueKind != JsonValueKind.Object)
                {
                    throw new SampleDumpException(sourceName, lineNumber, null, "a line must be a JSON object");
                }
                var problemId = ReadProblemId(root, map.ProblemId, sourceName, lineNumber);
                if (ReadSampleIndex(root, map.SampleIndex, sourceName, lineNumber) is { } index && !lineOfSample.TryAdd((problemId, index), lineNumber))
                {
                    throw new SampleDumpException(sourceName, lineNumber, map.SampleIndex,
                        $"problem '{problemId}' sample {index} is also on line {lineOfSample[(problemId, index)]}; a dump must hold each sample once (was it written twice, or are two runs mixed?)");
                }
                var sample = new VoteSample(
                    ReadAnswer(root, map.Answer, sourceName, lineNumber),
                    ReadCorrect(root, map.Correct, sourceName, lineNumber),
                    ReadOrm(root, map.OrmScore, sourceName, lineNumber),
                    ReadPrm(root, map.PrmScores, sourceName, lineNumber));
                if (!samples.TryGetValue(problemId, out var list))
                {
                    list = [];
                    samples.Add(problemId, list);
                    order.Add(problemId);
                    fields.Add(problemId, ReadProblemFields(root, map));
                }
                list.Add(sample);
            }
        }
        return order.Select(id => new ProblemSamples(id, fields[id], samples[id])).ToList();
    }

    private static JsonElement Require(JsonElement root, string field, string source, int line) =>
        root.TryGetProperty(field, out var value) ? value : throw new SampleDumpException(source, line, field, "missing");

    private static string ReadProblemId(JsonElement root, string field, string source, int line)
    {
        var value = Require(root, field, source, line);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            _ => throw new SampleDumpException(source, line, field, $"expected a string or number, got {value.ValueKind}"),
        };
    }

    private static long? ReadSampleIndex(JsonElement root, string field, string source, int line)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return value.ValueKind == JsonValueKind.Number && value.TryGetInt64(out var index) && index >= 0
            ? index
            : throw new SampleDumpException(source, line, field, $"expected a whole number of 0 or more, got {value.GetRawText()}");
    }

    private static string ReadAnswer(JsonElement root, string field, string source, int line)
    {
        var value = Require(root, field, source, line);
        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Number => value.GetRawText(),
            JsonValueKind.Null => "",
            _ => throw new SampleDumpException(source, line, field, $"expected a string, number or null, got {value.ValueKind}"),
        };
    }

    private static bool ReadCorrect(JsonElement root, string field, string source, int line)
    {
        var value = Require(root, field, source, line);
        switch (value.ValueKind)
        {
            case JsonValueKind.True: return true;
            case JsonValueKind.False: return false;
            case JsonValueKind.Number when value.TryGetInt32(out var n) && n is 0 or 1: return n == 1;
            case JsonValueKind.String when bool.TryParse(value.GetString(), out var b): return b;
            default: throw new SampleDumpException(source, line, field, $"expected true/false (or 0/1), got {value.GetRawText()}");
        }
    }

    private static double? ReadOrm(JsonElement root, string field, string source, int line)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        return ReadFinite(value, field, source, line);
    }

    private static double[]? ReadPrm(JsonElement root, string field, string source, int line)
    {
        if (!root.TryGetProperty(field, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }
        if (value.ValueKind != JsonValueKind.Array)
        {
            throw new SampleDumpException(source, line, field, $"expected a list of numbers, got {value.ValueKind}");
        }
        var scores = new double[value.GetArrayLength()];
        var i = 0;
        foreach (var item in value.EnumerateArray())
        {
            scores[i++] = ReadFinite(item, field, source, line);
        }
        return scores;
    }

    private static double ReadFinite(JsonElement value, string field, string source, int line)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetDouble(out var d) && double.IsFinite(d))
        {
            return d;
        }
        throw new SampleDumpException(source, line, field, $"expected a finite number, got {value.GetRawText()}");
    }

    private static Dictionary<string, string> ReadProblemFields(JsonElement root, SampleFieldMap map)
    {
        var result = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            var name = property.Name;
            if (name == map.ProblemId || name == map.Answer || name == map.Correct || name == map.OrmScore || name == map.PrmScores || name == map.SampleIndex)
            {
                continue;
            }
            var text = property.Value.ValueKind switch
            {
                JsonValueKind.String => property.Value.GetString(),
                JsonValueKind.Number => property.Value.GetRawText(),
                JsonValueKind.True => bool.TrueString.ToLower(CultureInfo.InvariantCulture),
                JsonValueKind.False => bool.FalseString.ToLower(CultureInfo.InvariantCulture),
                _ => null,
            };
            if (text is not null)
            {
                result[name] = text;
            }
        }
        return result;
    }
}
