using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Tests.Samples;

/// <summary>A (problem, sample index) pair appears once in a dump: a second one would count a sample twice.</summary>
public class SampleDumpDuplicateTests
{
    private static IReadOnlyList<ProblemSamples> Read(string text, SampleFieldMap? map = null) =>
        SampleDumpReader.Read(new StringReader(text), "dump.jsonl", map);

    [Fact]
    public void A_repeated_problem_and_sample_index_is_an_error_naming_both_lines()
    {
        const string dump = """
            {"problem_id": "p1", "sample_index": 0, "answer": "2", "correct": true}
            {"problem_id": "p1", "sample_index": 1, "answer": "3", "correct": false}
            {"problem_id": "p2", "sample_index": 1, "answer": "5", "correct": true}

            {"problem_id": "p1", "sample_index": 1, "answer": "3", "correct": false}
            """;

        var e = Assert.Throws<SampleDumpException>(() => Read(dump));

        Assert.Equal("dump.jsonl:5: field 'sample_index': problem 'p1' sample 1 is also on line 2; a dump must hold each sample once (was it written twice, or are two runs mixed?)", e.Message);
    }

    [Fact]
    public void The_same_index_under_different_problems_and_lines_without_an_index_are_read()
    {
        const string dump = """
            {"problem_id": "p1", "sample_index": 0, "answer": "2", "correct": true}
            {"problem_id": "p2", "sample_index": 0, "answer": "5", "correct": true}
            {"problem_id": "p2", "answer": "5", "correct": true}
            {"problem_id": "p2", "answer": "5", "correct": true}
            """;

        var problems = Read(dump);

        Assert.Equal([1, 3], problems.Select(p => p.Samples.Count));
        Assert.DoesNotContain("sample_index", problems[0].Fields.Keys);
    }

    [Fact]
    public void A_remapped_index_field_is_checked_and_a_bad_index_is_refused()
    {
        var map = SampleFieldMap.Parse(["sample_index=idx"]);
        const string duplicate = """
            {"problem_id": "p1", "idx": 3, "answer": "2", "correct": true}
            {"problem_id": "p1", "idx": 3, "answer": "2", "correct": true}
            """;

        Assert.Contains("is also on line 1", Assert.Throws<SampleDumpException>(() => Read(duplicate, map)).Message);
        var bad = Assert.Throws<SampleDumpException>(() => Read("""{"problem_id": "p1", "sample_index": "first", "answer": "2", "correct": true}"""));
        Assert.Equal((1, "sample_index"), (bad.Line, bad.Field));
    }
}
