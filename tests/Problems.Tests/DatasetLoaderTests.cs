using BestOfN.Problems;

namespace BestOfN.Problems.Tests;

public class DatasetLoaderTests
{
    private static string Shared(string relative) => Path.Combine(RepoPaths.SharedDatasets!, relative);

    private static string Write(string name, string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bestofn-loader").FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    [RequiresSharedDatasetsFact]
    public void Gsm8k_test_loads_all_1319_problems_with_numeric_gold_after_the_hash_marker()
    {
        var problems = DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + Shared("gsm8k/test.jsonl")));
        Assert.Equal(1319, problems.Count);
        Assert.Equal("18", problems[0].GoldAnswer);
        Assert.StartsWith("Janet", problems[0].Question);
        Assert.All(problems, p => Assert.True(decimal.TryParse(p.GoldAnswer, System.Globalization.CultureInfo.InvariantCulture, out _), p.GoldAnswer));
        Assert.Equal(1319, problems.Select(p => p.Id).Distinct().Count());
    }

    [RequiresSharedDatasetsFact]
    public void Math500_loads_answers_levels_subjects_and_unique_ids()
    {
        var problems = DatasetLoader.Load(DatasetSpec.Parse("math:" + Shared("math500/test.jsonl")));
        Assert.Equal(500, problems.Count);
        var first = problems[0];
        Assert.Equal("test/precalculus/807.json", first.Id);
        Assert.Equal(@"\left( 3, \frac{\pi}{2} \right)", first.GoldAnswer);
        Assert.Equal("Precalculus", first.Field("subject"));
        Assert.Equal("2", first.Field("level"));
        Assert.Equal(7, problems.Select(p => p.Field("subject")).Distinct().Count());
    }

    [RequiresSharedDatasetsFact]
    public void Full_math_test_takes_answers_from_the_annotation_file_beside_it_and_normalises_level_and_type()
    {
        var problems = DatasetLoader.Load(DatasetSpec.Parse("math:" + Shared("math/test.jsonl")));
        Assert.Equal(5000, problems.Count);
        Assert.Equal("2", problems[0].GoldAnswer);
        Assert.Equal("3", problems[0].Field("level"));
        Assert.Equal("Algebra", problems[0].Field("subject"));
        Assert.Null(problems[0].Field("type"));
        Assert.Equal("3", problems[333].GoldAnswer);
        Assert.Equal(["-3"], problems[333].AlternativeGolds);
    }

    [Fact]
    public void A_bad_json_line_names_the_file_and_line()
    {
        var path = Write("bad.jsonl", "{\"question\": \"q\", \"answer\": \"x #### 1\"}\n{not json}\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + path)));
        Assert.Equal(2, e.Line);
        Assert.Contains($"{path}:2", e.Message);
    }

    [Fact]
    public void A_missing_field_names_file_line_and_field()
    {
        var path = Write("missing.jsonl", "{\"question\": \"q\", \"answer\": \"x #### 1\"}\n\n{\"question\": \"q2\"}\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + path)));
        Assert.Equal((3, "answer"), (e.Line, e.Field));
    }

    [Fact]
    public void Gsm8k_answer_without_hash_marker_is_rejected()
    {
        var path = Write("nohash.jsonl", "{\"question\": \"q\", \"answer\": \"it is 5\"}\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + path)));
        Assert.Equal((1, "answer"), (e.Line, e.Field));
        Assert.Contains("####", e.Message);
    }

    [Fact]
    public void Math_line_without_answer_and_no_annotation_is_rejected_with_the_field()
    {
        var path = Write("math.jsonl", "{\"problem\": \"p\", \"solution\": \"s\"}\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("math:" + path)));
        Assert.Equal((1, "answer"), (e.Line, e.Field));
    }

    [Fact]
    public void Generic_jsonl_maps_fields_and_keeps_the_rest_for_breakdowns()
    {
        var path = Write("generic.jsonl", "{\"uid\": \"a\", \"prompt\": \"What is 1+1?\", \"gold\": \"2\", \"difficulty\": 3}\n");
        var spec = DatasetSpec.Parse("jsonl:" + path, DatasetSpec.ParseFieldMap(["question=prompt", "answer=gold", "id=uid"]));
        var p = Assert.Single(DatasetLoader.Load(spec));
        Assert.Equal(("a", "What is 1+1?", "2"), (p.Id, p.Question, p.GoldAnswer));
        Assert.Equal("3", p.Field("difficulty"));
        Assert.Null(p.Field("prompt"));
    }

    [Fact]
    public void Csv_reads_quoted_fields_with_commas_and_newlines_and_reports_ragged_rows()
    {
        var path = Write("p.csv", "id,question,answer\n1,\"Add 1,000 and 2\nthen say \"\"done\"\"\",1002\n2,only two\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("csv:" + path)));
        Assert.Equal(4, e.Line);
        var good = Write("g.csv", "id,question,answer\n1,\"Add 1,000 and 2\nthen say \"\"done\"\"\",1002\n");
        var p = Assert.Single(DatasetLoader.Load(DatasetSpec.Parse("csv:" + good)));
        Assert.Equal("Add 1,000 and 2\nthen say \"done\"", p.Question);
        Assert.Equal("1002", p.GoldAnswer);
    }

    [Fact]
    public void Duplicate_ids_are_rejected()
    {
        var path = Write("dup.jsonl", "{\"id\": \"x\", \"question\": \"a\"}\n{\"id\": \"x\", \"question\": \"b\"}\n");
        var e = Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse("jsonl:" + path)));
        Assert.Equal("id", e.Field);
    }

    [Fact]
    public void Unknown_format_prefix_and_unknown_mapped_field_are_clear_errors()
    {
        Assert.Contains("gsm8k, math, jsonl or csv", Assert.Throws<ArgumentException>(() => DatasetSpec.Parse("parquet:x")).Message);
        Assert.Contains("needs a format prefix", Assert.Throws<ArgumentException>(() => DatasetSpec.Parse("x.jsonl")).Message);
        Assert.Contains("Unknown field", Assert.Throws<ArgumentException>(() => DatasetSpec.Parse("jsonl:x", new Dictionary<string, string> { ["nope"] = "y" })).Message);
    }

    [Fact]
    public void Select_keeps_named_problems_in_dataset_order_then_applies_the_limit()
    {
        var problems = Enumerable.Range(0, 5).Select(i => new Problem($"p{i}", "q", null, null, new Dictionary<string, string>())).ToList();
        Assert.Equal(["p1", "p3"], DatasetLoader.Select(problems, ["p3", "p1"], null).Select(p => p.Id));
        Assert.Equal(["p0", "p1"], DatasetLoader.Select(problems, null, 2).Select(p => p.Id));
        Assert.Throws<ArgumentException>(() => DatasetLoader.Select(problems, ["zz"], null));
    }
}
