using System.Globalization;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Every curve point as JSON, in one shape whatever the number of datasets or breakdowns:
/// <c>{dataset: {breakdown: {metric: {k: point}}}}</c>. The breakdown is "all" for the whole dataset and "&lt;field&gt;=&lt;group&gt;"
/// for a group. A point is <c>{"value", "ci_low", "ci_high", "stderr", "k_used_min", "k_used_max", "capped_problems", "problems"}</c>:
/// ci_low/ci_high are null without bootstrap and stderr is null when the value is exact. The points of "maj" and "weighted_maj" also
/// list "split_key_problems": the set's problems whose answer keys were split because their labels disagree. src/Voting/README.md
/// documents the schema.
/// </summary>
public static class CurveJson
{
    // Names stay readable (a column may hold "·" or non-Latin dataset names); the file is data, never HTML.
    public static void Write(Stream stream, IReadOnlyList<DatasetReport> datasets)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true, Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
        json.WriteStartObject();
        foreach (var dataset in datasets)
        {
            json.WriteStartObject(dataset.Name);
            foreach (var set in dataset.Result.Breakdowns.Prepend(dataset.Result.Overall))
            {
                json.WritePropertyName(set.Name);
                WriteSet(json, set);
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    public static string ToJson(IReadOnlyList<DatasetReport> datasets)
    {
        using var stream = new MemoryStream();
        Write(stream, datasets);
        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }

    private static void WriteSet(Utf8JsonWriter json, CurveSet set)
    {
        json.WriteStartObject();
        foreach (var curve in set.Curves)
        {
            var voting = curve.Metric is MetricNames.Majority or MetricNames.WeightedMajority;
            json.WriteStartObject(curve.Metric);
            foreach (var p in curve.Points)
            {
                json.WriteStartObject(p.K.ToString(CultureInfo.InvariantCulture));
                json.WriteNumber("value", p.Value);
                WriteNullable(json, "ci_low", p.CiLow);
                WriteNullable(json, "ci_high", p.CiHigh);
                WriteNullable(json, "stderr", p.StandardError);
                json.WriteNumber("k_used_min", p.MinKUsed);
                json.WriteNumber("k_used_max", p.MaxKUsed);
                json.WriteNumber("capped_problems", p.CappedProblems);
                json.WriteNumber("problems", set.ProblemCount);
                if (voting)
                {
                    json.WriteStartArray("split_key_problems");
                    foreach (var id in set.SplitKeyProblems) json.WriteStringValue(id);
                    json.WriteEndArray();
                }
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        json.WriteEndObject();
    }

    private static void WriteNullable(Utf8JsonWriter json, string name, double? value)
    {
        if (value is { } v) json.WriteNumber(name, v);
        else json.WriteNull(name);
    }
}
