using System.Collections;
using System.Text.Json;
using BestOfN.Store;
using Parquet;
using Parquet.Schema;
using Parquet.Serialization;

namespace BestOfN.Pipeline.Tests.Export;

public class ParquetExportTests
{
    /// <summary>Two runs: graded and shipped-label samples, problem fields that differ per problem, ORM and PRM scores on some samples only.</summary>
    private static string Store()
    {
        var path = StoreFixture.NewPath();
        using (var s = RunStore.Open(path))
        {
            StoreFixture.WithRun(s, "r1");
            StoreFixture.AddProblem(s, "r1", "p1", 0, "What is 1 + 2?", "3", [("The answer is 3", null), ("so 4", true), ("", null)],
                new Dictionary<string, string> { ["level"] = "Level 2", ["subject"] = "Algebra" });
            StoreFixture.AddProblem(s, "r1", "p2", 1, "Half of 9?", "4.5", [("\\boxed{9/2}", false), ("about 4", null)],
                new Dictionary<string, string> { ["level"] = "Level 5" });
            s.EnsureScorer(new ScorerInfo("r1", "orm", "some-orm", ScoresSteps: false, null, null, "{}", "{}", DateTimeOffset.UnixEpoch));
            s.EnsureScorer(new ScorerInfo("r1", "prm", "some-prm", ScoresSteps: true, null, null, "{}", "{}", DateTimeOffset.UnixEpoch));
            s.SaveScores("r1", "orm", [new StoredScore("p1", 0, "ok", [], 0.75, [], 1, 5, 1), new StoredScore("p2", 1, "ok", [], -1.5, [], 1, 5, 1)]);
            s.SaveScores("r1", "prm", [new StoredScore("p1", 0, "ok", [0.5, 0.25], null, [3, 5], 2, 5, 1), new StoredScore("p1", 2, "ok", [], null, [], 0, 0, 1)]);
            StoreFixture.WithRun(s, "r2");
            StoreFixture.AddProblem(s, "r2", "q1", 0, "Two times 3?", null, [("6", null)]);
        }
        return path;
    }

    private static async Task<List<Dictionary<string, object>>> ReadParquet(string path)
    {
        await using var stream = File.OpenRead(path);
        return (await ParquetSerializer.DeserializeUntypedAsync(stream)).Data.ToList();
    }

    /// <summary>A JSON value as the Parquet reader returns it: null (absent), string, bool, long, double or a list of doubles.</summary>
    private static object? Expected(JsonElement e) => e.ValueKind switch
    {
        JsonValueKind.Null => null,
        JsonValueKind.String => e.GetString(),
        JsonValueKind.True or JsonValueKind.False => e.GetBoolean(),
        JsonValueKind.Number => e.TryGetInt64(out var n) ? (object)n : e.GetDouble(),
        JsonValueKind.Array => e.EnumerateArray().Select(v => v.GetDouble()).ToList(),
        _ => e.GetRawText(),
    };

    private static object? Normalize(object? value) => value switch
    {
        IEnumerable list and not string => list.Cast<object>().Select(Convert.ToDouble).ToList(),
        _ => value,
    };

    [Fact]
    public async Task Parquet_rows_and_columns_equal_the_jsonl_export()
    {
        var store = Store();
        var dir = Path.GetDirectoryName(store)!;
        var jsonl = Path.Combine(dir, "samples.jsonl");
        var parquet = Path.Combine(dir, "samples.parquet");
        ExportSamples.Run(new ExportRequest { StorePath = store, Out = jsonl }, TextWriter.Null);
        var result = ExportSamples.Run(new ExportRequest { StorePath = store, Out = parquet, Format = ExportFormat.Parquet }, TextWriter.Null);

        var lines = File.ReadAllLines(jsonl).Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var rows = await ReadParquet(parquet);
        Assert.Equal((6L, 2), (result.Samples, result.Runs));
        Assert.Equal(lines.Count, rows.Count);
        for (var i = 0; i < lines.Count; i++)
        {
            var expected = lines[i].EnumerateObject().Where(p => p.Value.ValueKind != JsonValueKind.Null).ToDictionary(p => p.Name, p => Expected(p.Value));
            var actual = rows[i].ToDictionary(kv => kv.Key, kv => Normalize(kv.Value));
            Assert.Equal(expected.Keys.Order(), actual.Keys.Order());
            foreach (var (key, value) in expected)
            {
                if (value is List<double> list) Assert.Equal(list, (List<double>)actual[key]!);
                else Assert.True(Equals(value, actual[key]), $"line {i}, {key}: {value} ({value?.GetType().Name}) vs {actual[key]} ({actual[key]?.GetType().Name})");
            }
        }

        // Every field of any line is a column, in the order fields first appear, with the types pandas gives the JSONL.
        await using var stream = File.OpenRead(parquet);
        var schema = await ParquetReader.ReadSchemaAsync(stream);
        Field Column(string name) => schema.Fields.Single(f => f.Name == name);
        var names = lines.SelectMany(l => l.EnumerateObject().Select(p => p.Name)).Distinct().ToList();
        Assert.Equal(names, schema.Fields.Select(f => f.Name));
        Assert.Contains("subject", names);
        Assert.Equal(typeof(long), ((DataField)Column("sample_index")).ClrType);
        Assert.Equal(typeof(double), ((DataField)Column("orm_score")).ClrType);
        Assert.Equal(typeof(bool), ((DataField)Column("correct")).ClrType);
        Assert.IsType<ListField>(Column("prm_scores"));
        Assert.Equal([0.5, 0.25], ((IEnumerable)rows[0]["prm_scores"]).Cast<double>());
        Assert.Empty(((IEnumerable)rows[2]["prm_scores"]).Cast<double>()); // an empty answer's empty list, not a missing one
        Assert.False(rows[1].ContainsKey("prm_scores"));
        Assert.Empty(Directory.GetFiles(dir, ".*tmp")); // scratch and temporary files are gone
    }

    [Fact]
    public void Parquet_to_standard_output_and_over_the_store_are_refused()
    {
        var store = Store();
        Assert.Contains("give --out a path", Assert.Throws<ArgumentException>(() =>
            ExportSamples.Run(new ExportRequest { StorePath = store, Out = "-", Format = ExportFormat.Parquet }, TextWriter.Null)).Message);
        Assert.Contains("is a file this command reads", Assert.Throws<ArgumentException>(() =>
            ExportSamples.Run(new ExportRequest { StorePath = store, Out = store, Format = ExportFormat.Parquet }, TextWriter.Null)).Message);
    }
}
