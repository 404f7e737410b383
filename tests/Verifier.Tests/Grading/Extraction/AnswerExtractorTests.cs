using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Extraction;

public sealed class AnswerExtractorTests
{
    public sealed record Case(string Solution, string? Answer, string Rule, string Why)
    {
        public override string ToString() => Why;
    }

    public static readonly Case[] FlexibleCases =
    [
        new(@"So the answer is $\boxed{42}$.", "42", "boxed", "a boxed answer"),
        new(@"First $\boxed{1}$, then finally $\boxed{2}$.", "2", "boxed", "the last box wins"),
        new(@"$\boxed{\frac{1}{2}}$", @"\frac{1}{2}", "boxed", "nested braces inside the box"),
        new(@"$\boxed{\left( 3, \frac{\pi}{2} \right)}$", @"\left( 3, \frac{\pi}{2} \right)", "boxed", "a tuple with nested braces"),
        new(@"\boxed{\begin{pmatrix} 1 \\ 2 \end{pmatrix}}", @"\begin{pmatrix} 1 \\ 2 \end{pmatrix}", "boxed", "a matrix in a box"),
        new(@"The result is \fbox{7}.", "7", "fbox", "fbox is reported as its own rule"),
        new(@"\boxed 5", "5", "boxed", @"\boxed without braces takes the next token"),
        new(@"We get $\boxed{3}$ and then \boxed{\frac{1}{", "3", "boxed", "a truncated last box falls back to the previous box"),
        new(@"\boxed{\text{(B)}}", @"\text{(B)}", "boxed", "a choice in a box"),
        new("She makes 9 * 2 = $<<9*2=18>>18 every day.\n#### 18", "18", "gsm8k_hash", "GSM8K's hashes"),
        new("Total 1,000 apples.\n#### 1,000", "1,000", "gsm8k_hash", "GSM8K answer with a thousands separator"),
        new("Step 1: 2+2=4 ки\nStep 2: 4*3=12 ки\nThe answer is: 12 ки", "12", "answer_is", "Math-Shepherd style with the step tag"),
        new("Thus the answer is 7.", "7", "answer_is", "'the answer is' with a final period"),
        new("The answer is $\\frac{3}{4}$.", @"\frac{3}{4}", "answer_is", "math delimiters are stripped"),
        new("Answer: 12", "12", "answer_is", "'Answer:' phrasing"),
        new("Final Answer: The final answer is $5$. I hope it is correct.", "5", "final_answer", "Minerva's phrasing"),
        new("Final Answer: 3.5", "3.5", "final_answer", "a decimal point is not a final period"),
        new("The final answer is:\n\n$$42$$", "42", "final_answer", "the answer on the next non-empty line"),
        new("I computed 3 apples and then 17 pears", "17", "last_number", "the last number as a fallback"),
        new("The total is -3.5 degrees", "-3.5", "last_number", "negative decimal as the last number"),
        new("It costs 1,234 dollars", "1234", "last_number", "the thousands separator is removed from the last number"),
        new("It costs .5 dollars", "0.5", "last_number", "a leading decimal point gains a zero"),
        new("no digits here", null, "none", "nothing to extract"),
        new("", null, "none", "an empty solution"),
        new(@"\boxed{}", null, "none", "an empty box is not an answer and there is no number"),
    ];

    public static TheoryData<Case> Flexible()
    {
        var data = new TheoryData<Case>();
        foreach (var c in FlexibleCases)
        {
            data.Add(c);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Flexible))]
    public void Flexible_extraction_finds_the_final_answer_and_names_the_rule(Case c)
    {
        var result = AnswerExtractor.Extract(c.Solution, ExtractionOptions.Flexible);
        Assert.Equal(c.Answer, result.Answer);
        Assert.Equal(c.Rule, result.Rule);
    }

    [Fact]
    public void Strict_gsm8k_extraction_ignores_everything_but_the_hashes()
    {
        var result = AnswerExtractor.Extract(@"The answer is $\boxed{17}$", ExtractionOptions.Gsm8kStrict);
        Assert.Equal(ExtractionResult.None, result);
        Assert.Equal("42", AnswerExtractor.Extract("blah 17\n#### 42", ExtractionOptions.Gsm8kStrict).Answer);
    }

    [Fact]
    public void Strict_math_extraction_does_not_fall_back_to_the_last_number()
    {
        Assert.Null(AnswerExtractor.Extract("so it is 12", ExtractionOptions.MathStrict).Answer);
        Assert.Equal("12", AnswerExtractor.Extract("so it is 12", ExtractionOptions.Flexible).Answer);
    }

    [Fact]
    public void The_latest_explicit_marker_wins_whatever_the_rule_order()
    {
        const string solution = "#### 5\nThe answer is $\\boxed{6}$";
        var hashFirst = new ExtractionOptions { Rules = [ExtractionRule.Gsm8kHash, ExtractionRule.Boxed] };
        Assert.Equal(("6", "boxed"), (AnswerExtractor.Extract(solution, ExtractionOptions.Flexible).Answer, AnswerExtractor.Extract(solution, ExtractionOptions.Flexible).Rule));
        Assert.Equal(("6", "boxed"), (AnswerExtractor.Extract(solution, hashFirst).Answer, AnswerExtractor.Extract(solution, hashFirst).Rule));
        var hashOnly = new ExtractionOptions { Rules = [ExtractionRule.Gsm8kHash] };
        Assert.Equal("5", AnswerExtractor.Extract(solution, hashOnly).Answer);
    }

    [Fact]
    public void Only_the_tail_of_a_long_solution_is_searched()
    {
        var solution = @"\boxed{1}" + new string(' ', 1000) + "7";
        var options = ExtractionOptions.Flexible with { MaxScanLength = 100 };
        Assert.Equal(("7", "last_number"), (AnswerExtractor.Extract(solution, options).Answer, AnswerExtractor.Extract(solution, options).Rule));
    }

    [Fact]
    public void A_one_megabyte_solution_is_handled()
    {
        var solution = new string('{', 500_000) + @"\boxed{" + new string('}', 500_000) + @" \boxed{9}";
        Assert.Equal("9", AnswerExtractor.Extract(solution, ExtractionOptions.Flexible with { MaxScanLength = 2_000_000 }).Answer);
    }

    [Fact]
    public void Validate_lists_every_error()
    {
        var options = new ExtractionOptions { Rules = [ExtractionRule.Boxed, ExtractionRule.Boxed, (ExtractionRule)99], MaxScanLength = 0 };
        var errors = options.Validate();
        Assert.Equal(3, errors.Count);
        Assert.Contains(errors, e => e.Contains("unknown rule 99", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains("twice", StringComparison.Ordinal));
        Assert.Contains(errors, e => e.Contains(nameof(ExtractionOptions.MaxScanLength), StringComparison.Ordinal));
        Assert.Empty(ExtractionOptions.Flexible.Validate());
    }

    [Fact]
    public void Defaults_are_pinned()
    {
        Assert.Equal(
            [ExtractionRule.Boxed, ExtractionRule.Gsm8kHash, ExtractionRule.FinalAnswer, ExtractionRule.AnswerIs, ExtractionRule.AnswerLine, ExtractionRule.LastNumber],
            ExtractionOptions.Flexible.Rules);
        Assert.Same(ExtractionOptions.MultiPart, ExtractionOptions.FromName("multi-part"));
        Assert.Equal(200_000, ExtractionDefaults.MaxScanLength);
        Assert.Same(ExtractionOptions.Gsm8kStrict, ExtractionOptions.FromName("gsm8k-strict"));
        Assert.Null(ExtractionOptions.FromName("nope"));
    }
}
