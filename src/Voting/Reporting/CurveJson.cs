using System.Globalization;
using System.Text.Json;

namespace BestOfN.Voting.Reporting;

/// <summary>
/// Curves as JSON. One curve set is written as
/// <c>{"&lt;metric&gt;": {"&lt;k&gt;": {"value": v, "ci_low": a, "ci_high": b, "stderr": s}}}</c>, with
/// ci_low/ci_high null without bootstrap and stderr null when the value is exact. A report of one dataset without
/// breakdowns is exactly that object. With several datasets or breakdowns, the top level maps a set name to such an
/// object: the dataset name for the whole dataset, "&lt;dataset&gt;/&lt;field&gt;=&lt;group&gt;" for a breakdown group.
/// </summary>
public static class CurveJson
{
    public static void Write(Stream stream, IReadOnlyList<DatasetReport> datasets)
    {
        using var json = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = true });
        var single = datasets.Count == 1 && datasets[0].Result.Breakdowns.Count == 0;
        if (single)
        {
            WriteSet(json, datasets[0].Result.Overall);
        }
        else
        {
            json.WriteStartObject();
            foreach (var dataset in datasets)
            {
                json.WritePropertyName(dataset.Name);
                WriteSet(json, dataset.Result.Overall);
                foreach (var group in dataset.Result.Breakdowns)
                {
                    json.WritePropertyName($"{dataset.Name}/{group.Field}={group.Group}");
                    WriteSet(json, group);
                }
            }
            json.WriteEndObject();
        }
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
            json.WritePropertyName(curve.Metric);
            json.WriteStartObject();
            foreach (var p in curve.Points)
            {
                json.WritePropertyName(p.K.ToString(CultureInfo.InvariantCulture));
                json.WriteStartObject();
                json.WriteNumber("value", p.Value);
                WriteNullable(json, "ci_low", p.CiLow);
                WriteNullable(json, "ci_high", p.CiHigh);
                WriteNullable(json, "stderr", p.StandardError);
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
