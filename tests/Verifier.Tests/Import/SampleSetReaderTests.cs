using BestOfN.Verifier.Import;

namespace BestOfN.Verifier.Tests.Import;

public class SampleSetReaderTests
{
    // Hand-made in the shape of RLHFlow's Mistral-GSM8K-Test / Deepseek-MATH500-Test lines.
    private const string Rlhflow = """
        {"idx": 0, "prompt": "Janet has 3 apples and buys 4. How many?", "answers": ["Step 1: 3 + 4 = 7 ки\nStep 2: The answer is: 7 ки", "Step 1: 3 + 4 = 8 ки\nStep 2: The answer is: 8 ки"], "label": [1, 0]}

        {"prompt": "Convert the point $(0,3)$ to polar coordinates.", "answers": ["We have r = 3.\n\nSo $(3,\\frac{\\pi}{2})$.", "r = 3\n\n$(3, \\pi)$", "$(3,\\frac{\\pi}{2})$"], "labels": [1, 0, 1]}
        """;

    private const string SearchAndLearn = """
        {"problem": "What is $1+1$?", "answer": "2", "unique_id": "test/algebra/1.json", "level": 1, "subject": "Algebra", "completions": ["1+1=2\n\n$\\boxed{2}$", "$\\boxed{3}$"], "scores": [[0.9, 0.8], [0.2]], "pred": "2"}
        {"problem": "What is $2 \\cdot 3$?", "answer": 6, "unique_id": "test/algebra/2.json", "completions": ["$\\boxed{6}$"], "scores": [0.7]}
        """;

    private static string Write(string text)
    {
        var path = Path.Combine(Directory.CreateTempSubdirectory("bestofn-import").FullName, "set.jsonl");
        File.WriteAllText(path, text);
        return path;
    }

    [Fact]
    public void Reads_an_rlhflow_set_keeping_its_labels()
    {
        var problems = SampleSetReader.Read(Write(Rlhflow), SampleSetFormat.Rlhflow);
        Assert.Equal(2, problems.Count);
        Assert.Equal(("0", 1), (problems[0].ProblemId, problems[0].Line));
        Assert.Equal(("1", 3), (problems[1].ProblemId, problems[1].Line));
        Assert.Equal([true, false], problems[0].Labels);
        Assert.Equal([true, false, true], problems[1].Labels); // "labels", as RLHFlow's README spells it, is read too
        Assert.Equal(2, problems[0].Answers.Count);
        Assert.StartsWith("Step 1: 3 + 4 = 7 ки\nStep 2", problems[0].Answers[0]);
        Assert.Equal("0", problems[0].Fields["idx"]);
        Assert.Null(problems[0].Gold);
        Assert.Null(problems[0].Scores);
    }

    [Fact]
    public void Reads_a_search_and_learn_output_with_gold_ids_fields_and_shipped_scores()
    {
        var problems = SampleSetReader.Read(Write(SearchAndLearn), SampleSetFormat.SearchAndLearn);
        Assert.Equal("test/algebra/1.json", problems[0].ProblemId);
        Assert.Equal("What is $1+1$?", problems[0].Prompt);
        Assert.Equal("2", problems[0].Gold);
        Assert.Equal("6", problems[1].Gold);
        Assert.Equal(2, problems[0].Answers.Count);
        Assert.Equal([0.9, 0.8], problems[0].Scores![0].Steps);
        Assert.Equal(0.7, problems[1].Scores![0].Outcome);
        Assert.Null(problems[0].Labels);
        Assert.Equal("Algebra", problems[0].Fields["subject"]);
        Assert.Equal("2", problems[0].Fields["pred"]);
    }

    [Fact]
    public void A_field_mapping_reads_other_names()
    {
        var path = Write("""{"question": "q", "samples": ["a", "b"], "correct": [true, false]}""");
        var map = SampleSetFieldMap.Parse(SampleSetFormat.Rlhflow, ["prompt=question", "answers=samples", "label=correct"]);
        var p = SampleSetReader.Read(path, SampleSetFormat.Rlhflow, map).Single();
        Assert.Equal(("q", 2), (p.Prompt, p.Answers.Count));
        Assert.Equal([true, false], p.Labels);
        var e = Assert.Throws<ArgumentException>(() => SampleSetFieldMap.Parse(SampleSetFormat.Rlhflow, ["nope=x", "prompt"]));
        Assert.Contains("unknown field 'nope'", e.Message);
        Assert.Contains("'prompt' is not of the form", e.Message);
    }

    [Fact]
    public void Bad_lines_fail_with_file_and_line()
    {
        var path = Write("""
            {"prompt": "ok", "answers": ["a"], "label": [1]}
            {"prompt": "broken", "answers": ["a"
            ["not", "an", "object"]
            {"answers": ["a"], "label": [1]}
            {"prompt": "p", "answers": "a", "label": [1]}
            {"prompt": "p", "answers": ["a"], "label": [2]}
            {"prompt": "p", "answers": ["a"]}
            """);
        var e = Assert.Throws<SampleSetFormatException>(() => SampleSetReader.Read(path, SampleSetFormat.Rlhflow));
        Assert.Equal([2, 3, 4, 5, 6, 7], e.Errors.Select(x => x.Line));
        Assert.Contains($"{path}:2: not valid JSON", e.Message);
        Assert.Contains($"{path}:3: expected a JSON object", e.Message);
        Assert.Contains($"{path}:4: no 'prompt' field", e.Message);
        Assert.Contains($"{path}:5: 'answers' must be a list", e.Message);
        Assert.Contains($"{path}:6: 'label'[0] must be 0 or 1", e.Message);
        Assert.Contains($"{path}:7: no 'label' list", e.Message);
    }

    [Fact]
    public void Labels_of_the_wrong_length_give_a_clear_error()
    {
        var path = Write("""
            {"prompt": "p", "answers": ["a", "b", "c"], "label": [1, 0, 1]}
            {"prompt": "q", "answers": ["a", "b", "c", "d"], "label": [1, 0, 1]}
            """);
        var e = Assert.Throws<SampleSetFormatException>(() => SampleSetReader.Read(path, SampleSetFormat.Rlhflow));
        Assert.Equal($"{path}:2: 'label' has 3 entries but 'answers' has 4: each answer needs exactly one label.", e.Message);
    }

    [Fact]
    public void Shipped_scores_of_the_wrong_length_and_duplicate_ids_are_errors()
    {
        var path = Write("""
            {"problem": "p", "unique_id": "a", "completions": ["x"], "scores": [[0.5]]}
            {"problem": "q", "unique_id": "a", "completions": ["x"], "scores": [[0.5]]}
            {"problem": "r", "unique_id": "b", "completions": ["x", "y"], "scores": [[0.5]]}
            """);
        var e = Assert.Throws<SampleSetFormatException>(() => SampleSetReader.Read(path, SampleSetFormat.SearchAndLearn));
        Assert.Contains(":2: problem id 'a' already used on line 1", e.Message);
        Assert.Contains(":3: 'scores' has 1 entries but 'completions' has 2", e.Message);
    }
}
