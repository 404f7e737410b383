using BestOfN.Problems;

namespace BestOfN.Problems.Tests;

/// <summary>Inputs the loader refuses rather than turn into a silently different or empty run, each as one line naming file and line.</summary>
public class DatasetLoaderRejectionTests
{
    private static string Write(string name, string content)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bestofn-loader").FullName, name);
        File.WriteAllText(path, content);
        return path;
    }

    private static DatasetException Refused(string spec) => Assert.Throws<DatasetException>(() => DatasetLoader.Load(DatasetSpec.Parse(spec)));

    [Theory]
    [InlineData("gsm8k", "empty.jsonl", "")]
    [InlineData("jsonl", "blank.jsonl", "\n  \n\n")]
    [InlineData("csv", "header-only.csv", "question,answer\n")]
    public void A_dataset_with_no_problems_is_an_error_naming_the_file(string format, string name, string content)
    {
        var path = Write(name, content);

        var e = Refused($"{format}:{path}");

        Assert.Equal($"{path}:1: holds no problems; give a dataset with at least one.", e.Message);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-3)]
    public void A_limit_below_one_selects_nothing_and_is_an_error(int limit)
    {
        var problems = DatasetLoader.Load(DatasetSpec.Parse("gsm8k:" + Write("one.jsonl", "{\"question\": \"q\", \"answer\": \"x #### 1\"}\n")));

        var e = Assert.Throws<ArgumentException>(() => DatasetLoader.Select(problems, null, limit));

        Assert.Equal($"--limit {limit} selects no problems; give 1 or more, or leave it out for all.", e.Message);
        Assert.Single(DatasetLoader.Select(problems, null, 1));
    }

    [Fact]
    public void A_nul_inside_a_jsonl_question_is_refused_with_file_line_and_field()
    {
        var path = Write("nul.jsonl", "{\"question\": \"fine\", \"answer\": \"#### 1\"}\n{\"question\": \"What is 2\\u0000 + 2?\", \"answer\": \"#### 4\"}\n");

        var e = Refused("gsm8k:" + path);

        Assert.Equal($"{path}:2: field 'question': holds a NUL character (\\u0000) at offset 9; remove it.", e.Message);
    }

    [Fact]
    public void A_nul_inside_a_csv_question_is_refused_with_file_line_and_field()
    {
        var path = Write("nul.csv", "question,answer\n\"ok\",1\n\"What is 2\0 + 2?\",4\n");

        var e = Refused("csv:" + path);

        Assert.Equal((3, "question"), (e.Line, e.Field));
        Assert.Contains("holds a NUL character", e.Message);
    }

    [Fact]
    public void Bad_json_is_one_line_with_the_file_line_and_byte_and_no_second_line_number()
    {
        var path = Write("bad.jsonl", "{\"question\": \"q\", \"answer\": \"x #### 1\"}\n\n\n{\"question\": oops}\n");

        var e = Refused("gsm8k:" + path);

        Assert.Equal(4, e.Line);
        Assert.StartsWith($"{path}:4: not valid JSON at byte 14: ", e.Message);
        Assert.DoesNotContain("LineNumber", e.Message);
        Assert.DoesNotContain("BytePositionInLine", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_lone_surrogate_escape_is_refused_with_file_line_and_field()
    {
        var path = Write("surrogate.jsonl", "{\"question\": \"q\", \"answer\": \"x #### 1\"}\n{\"question\": \"half a pair: \\ud800 here\", \"answer\": \"x #### 2\"}\n");

        var e = Refused("gsm8k:" + path);

        Assert.Equal((2, "question"), (e.Line, e.Field));
        Assert.Contains("lone surrogate", e.Message);
    }

    [Fact]
    public void A_lone_surrogate_in_a_field_kept_for_breakdowns_is_refused_too()
    {
        var path = Write("surrogate.jsonl", "{\"problem\": \"q\", \"answer\": \"1\", \"subject\": \"\\udc00\"}\n");

        var e = Refused("math:" + path);

        Assert.Equal((1, "subject"), (e.Line, e.Field));
    }
}
