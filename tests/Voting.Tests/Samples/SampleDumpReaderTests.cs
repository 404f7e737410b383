using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Tests.Samples;

public class SampleDumpReaderTests
{
    private static IReadOnlyList<ProblemSamples> Read(string text, SampleFieldMap? map = null) =>
        SampleDumpReader.Read(new StringReader(text), "dump.jsonl", map);

    [Fact]
    public void Reads_default_fields_and_groups_lines_by_problem_in_first_seen_order()
    {
        var problems = Fixture.TwoProblems();
        Assert.Equal(["p1", "p2"], problems.Select(p => p.ProblemId));
        Assert.Equal(4, problems[0].Samples.Count);
        Assert.Equal(new VoteSample("2", true, 0.9, [0.9, 0.8]).AnswerKey, problems[0].Samples[0].AnswerKey);
        Assert.Equal(0.9, problems[0].Samples[0].OrmScore);
        Assert.Equal([0.9, 0.8], problems[0].Samples[0].PrmStepScores!);
        Assert.False(problems[0].Samples[2].Correct);
    }

    [Fact]
    public void A_null_answer_is_an_empty_key()
    {
        Assert.Equal("", Fixture.TwoProblems()[1].Samples[3].AnswerKey);
    }

    [Fact]
    public void Keeps_other_scalar_fields_as_problem_fields()
    {
        var fields = Fixture.TwoProblems()[1].Fields;
        Assert.Equal("2", fields["level"]);
        Assert.Equal("Geometry", fields["subject"]);
        Assert.False(fields.ContainsKey("answer"));
    }

    [Fact]
    public void Interleaved_lines_of_a_problem_are_gathered()
    {
        var problems = Read("""
            {"problem_id": 1, "answer": "a", "correct": true}
            {"problem_id": 2, "answer": "b", "correct": false}
            {"problem_id": 1, "answer": 3.5, "correct": 0}
            """);
        Assert.Equal(["1", "2"], problems.Select(p => p.ProblemId));
        Assert.Equal(["a", "3.5"], problems[0].Samples.Select(s => s.AnswerKey));
        Assert.Null(problems[0].Samples[0].OrmScore);
        Assert.Null(problems[0].Samples[0].PrmStepScores);
    }

    [Fact]
    public void Remapped_fields_read_other_tools_outputs()
    {
        var map = SampleFieldMap.Parse(["answer=pred", "correct=is_correct", "prm_scores=step_scores", "problem_id=idx", "orm_score=score"]);
        var problems = Read("""{"idx": "q", "pred": "12", "is_correct": true, "score": 0.25, "step_scores": [0.5], "answer": "ignored"}""", map);
        var sample = problems[0].Samples[0];
        Assert.Equal("q", problems[0].ProblemId);
        Assert.Equal("12", sample.AnswerKey);
        Assert.True(sample.Correct);
        Assert.Equal(0.25, sample.OrmScore);
        Assert.Equal([0.5], sample.PrmStepScores!);
        Assert.Equal("ignored", problems[0].Fields["answer"]);
    }

    [Theory]
    [InlineData("""{"problem_id": "a", "answer": "1"}""", "correct", "missing")]
    [InlineData("""{"problem_id": "a", "answer": "1", "correct": "maybe"}""", "correct", "true/false")]
    [InlineData("""{"answer": "1", "correct": true}""", "problem_id", "missing")]
    [InlineData("""{"problem_id": "a", "answer": "1", "correct": true, "orm_score": "high"}""", "orm_score", "finite number")]
    [InlineData("""{"problem_id": "a", "answer": "1", "correct": true, "prm_scores": 0.5}""", "prm_scores", "list")]
    [InlineData("""{"problem_id": "a", "answer": "1", "correct": true, "prm_scores": [0.5, "x"]}""", "prm_scores", "finite number")]
    [InlineData("""{"problem_id": "a", "answer": [1], "correct": true}""", "answer", "string")]
    public void A_bad_line_names_the_file_line_and_field(string badLine, string field, string reason)
    {
        var text = """{"problem_id": "a", "answer": "1", "correct": true}""" + "\n\n" + badLine;
        var error = Assert.Throws<SampleDumpException>(() => Read(text));
        Assert.Equal("dump.jsonl", error.FileName);
        Assert.Equal(3, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Message);
        Assert.StartsWith("dump.jsonl:3: field '" + field + "'", error.Message);
    }

    [Fact]
    public void Invalid_json_names_the_line()
    {
        var error = Assert.Throws<SampleDumpException>(() => Read("{\"problem_id\": "));
        Assert.Equal(1, error.Line);
        Assert.Null(error.Field);
    }
}
