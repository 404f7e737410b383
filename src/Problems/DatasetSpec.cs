namespace BestOfN.Problems;

public enum DatasetFormat { Gsm8k, Math, Jsonl, Csv }

/// <summary>
/// Which file to read and how: "gsm8k:path", "math:path", "jsonl:path" or "csv:path". Generic formats map
/// their columns to ours with <see cref="FieldMap"/> (our name → the file's name), e.g. question=prompt.
/// </summary>
public sealed record DatasetSpec(DatasetFormat Format, string Path, IReadOnlyDictionary<string, string> FieldMap)
{
    public static readonly IReadOnlyList<string> MappableFields = ["id", "question", "answer", "solution"];

    public static DatasetSpec Parse(string spec, IReadOnlyDictionary<string, string>? fieldMap = null)
    {
        var colon = spec.IndexOf(':');
        if (colon <= 0) throw new ArgumentException($"Dataset '{spec}' needs a format prefix: gsm8k:PATH, math:PATH, jsonl:PATH or csv:PATH.");
        var format = spec[..colon].ToLowerInvariant() switch
        {
            "gsm8k" => DatasetFormat.Gsm8k,
            "math" => DatasetFormat.Math,
            "jsonl" => DatasetFormat.Jsonl,
            "csv" => DatasetFormat.Csv,
            var other => throw new ArgumentException($"Unknown dataset format '{other}' in '{spec}': use gsm8k, math, jsonl or csv."),
        };
        var map = fieldMap ?? new Dictionary<string, string>();
        foreach (var key in map.Keys)
            if (!MappableFields.Contains(key)) throw new ArgumentException($"Unknown field '{key}' in the field map: mappable fields are {string.Join(", ", MappableFields)}.");
        return new DatasetSpec(format, spec[(colon + 1)..], map);
    }

    /// <summary>Parses "ours=theirs" pairs, as given on the command line.</summary>
    public static IReadOnlyDictionary<string, string> ParseFieldMap(IEnumerable<string> pairs)
    {
        var map = new Dictionary<string, string>();
        foreach (var pair in pairs)
        {
            var eq = pair.IndexOf('=');
            if (eq <= 0 || eq == pair.Length - 1) throw new ArgumentException($"Field mapping '{pair}' must look like ours=theirs, e.g. question=prompt.");
            map[pair[..eq].Trim()] = pair[(eq + 1)..].Trim();
        }
        return map;
    }

    /// <summary>A short name for reports: the format and the file's name.</summary>
    public string Name => $"{Format.ToString().ToLowerInvariant()}:{System.IO.Path.GetFileName(Path)}";
}
