using System.Text.Json;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace BestOfN.Pipeline;

/// <summary>
/// Writes the export's JSONL lines as one Parquet table, for pandas and polars: one column per field the lines have, in the order
/// fields first appear, typed as pandas types them from the JSONL (strings; booleans; numbers as int64 when every value is an integer,
/// else double; arrays of numbers, as prm_scores, as lists of double; anything mixed as its JSON text). A field a line lacks is null.
/// The lines are read twice from a file (once for the schema, once for the rows), so the table is written in row groups, never held whole.
/// </summary>
internal static class ParquetExport
{
    private const int RowGroupRows = 50_000;

    private enum Kind { None, String, Bool, Integer, Double, DoubleList, Json }

    private sealed record Column(string Name, Kind Kind)
    {
        public Field Field => Kind switch
        {
            Kind.Bool => new DataField<bool?>(Name),
            Kind.Integer => new DataField<long?>(Name),
            Kind.Double => new DataField<double?>(Name),
            Kind.DoubleList => new ListField(Name, new DataField<double>("element")),
            _ => new DataField<string>(Name, true),
        };
    }

    /// <summary>An empty export still gets a table: of the columns that name a sample.</summary>
    private static readonly Column[] EmptyTable = [new("run_id", Kind.String), new("problem_id", Kind.String), new("sample_index", Kind.Integer)];

    /// <param name="jsonlPath">The export as JSONL, one object per line.</param>
    public static long Write(string jsonlPath, Stream output)
    {
        var columns = Columns(jsonlPath);
        var schema = new ParquetSchema(columns.Select(c => c.Field));
        var rows = 0L;
        var batch = new List<IDictionary<string, object?>>();
        void Flush()
        {
            if (batch.Count == 0 && rows > 0) return;
            ParquetSerializer.SerializeUntypedAsync(batch, schema, output, new ParquetOptions { Append = rows > 0 }).GetAwaiter().GetResult();
            rows += batch.Count;
            batch.Clear();
        }
        foreach (var line in File.ReadLines(jsonlPath))
        {
            using var document = JsonDocument.Parse(line);
            var row = new Dictionary<string, object?>(columns.Count);
            foreach (var c in columns)
            {
                if (document.RootElement.TryGetProperty(c.Name, out var value) && Value(value, c.Kind) is { } v) row[c.Name] = v;
            }
            batch.Add(row);
            if (batch.Count == RowGroupRows) Flush();
        }
        Flush();
        return rows;
    }

    private static List<Column> Columns(string jsonlPath)
    {
        var kinds = new Dictionary<string, Kind>();
        var order = new List<string>();
        foreach (var line in File.ReadLines(jsonlPath))
        {
            using var document = JsonDocument.Parse(line);
            foreach (var property in document.RootElement.EnumerateObject())
            {
                if (!kinds.TryGetValue(property.Name, out var kind)) order.Add(property.Name);
                kinds[property.Name] = Unify(kind, KindOf(property.Value));
            }
        }
        return order.Count == 0 ? [.. EmptyTable] : order.Select(name => new Column(name, kinds[name] == Kind.None ? Kind.String : kinds[name])).ToList();
    }

    private static Kind KindOf(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Null => Kind.None,
        JsonValueKind.String => Kind.String,
        JsonValueKind.True or JsonValueKind.False => Kind.Bool,
        JsonValueKind.Number => value.TryGetInt64(out _) ? Kind.Integer : Kind.Double,
        JsonValueKind.Array when value.EnumerateArray().All(e => e.ValueKind == JsonValueKind.Number) => Kind.DoubleList,
        _ => Kind.Json,
    };

    private static Kind Unify(Kind seen, Kind next) => (seen, next) switch
    {
        _ when seen == next => seen,
        (Kind.None, _) => next,
        (_, Kind.None) => seen,
        (Kind.Integer, Kind.Double) or (Kind.Double, Kind.Integer) => Kind.Double,
        _ => Kind.Json,
    };

    private static object? Value(JsonElement value, Kind kind) => value.ValueKind == JsonValueKind.Null ? null : kind switch
    {
        Kind.String => value.GetString(),
        Kind.Bool => value.GetBoolean(),
        Kind.Integer => value.GetInt64(),
        Kind.Double => value.GetDouble(),
        Kind.DoubleList => value.EnumerateArray().Select(e => e.GetDouble()).ToList(),
        _ => value.ValueKind == JsonValueKind.String ? value.GetString() : value.GetRawText(),
    };
}
