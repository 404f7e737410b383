using BestOfN.Verifier.Grading;
using Case = BestOfN.Verifier.Tests.Grading.Extraction.AnswerExtractorTests.Case;

namespace BestOfN.Verifier.Tests.Grading.Extraction;

/// <summary>
/// Extraction cases of issue 9, by category: what a solution answered and which rule found it, each with the reason
/// that answer is the one a reader would take.
/// </summary>
public sealed class AnswerExtractorSecondPassTests
{
    public static readonly Case[] MathSpanCases =
    [
        new("A: $\\frac{1}{5}$", @"\frac{1}{5}", "answer_line", "the A: line holds a whole fraction"),
        new("So the probability is $\\frac{1}{5}$", @"\frac{1}{5}", "last_math", "the last span holds the whole fraction, not its denominator"),
        new("Reducing, we have $7/14$", "7/14", "last_math", "a plain fraction in a span"),
        new("We reduce it to 7/14", "7/14", "last_number", "a fraction in prose is one number, not its denominator"),
        new("The point is $(1, 2)$", "(1, 2)", "last_math", "a tuple kept whole, not its last element"),
        new("The solution set is $x > 3$", "x > 3", "last_math", "an inequality kept whole, not its bound"),
        new("So we need \\(-2 \\le x < 5\\)", @"-2 \le x < 5", "last_math", "\\( \\) delimiters: the whole inequality"),
        new("Thus the matrix is \\[\\begin{pmatrix} 1 & 2 \\\\ 3 & 4 \\end{pmatrix}\\]", @"\begin{pmatrix} 1 & 2 \\ 3 & 4 \end{pmatrix}", "last_math", "\\[ \\] delimiters: the whole matrix, not an entry"),
        new("The roots are $$x = 2, 3$$", "x = 2, 3", "last_math", "display math is a span too"),
        new("Here $k$ is the count, and it equals $k = 12$", "k = 12", "last_math", "a span with only a variable is not an answer, the later one is"),
        new("We get $x = 4$ and then check: 4 + 1 = 5 works", "5", "last_number", "a number after the last span is later, so it wins"),
        new("The area is $16\\pi$", @"16\pi", "last_math", "a multiple of pi in a span"),
        new("The interval is $[1, \\infty)$", @"[1, \infty)", "last_math", "an interval with infinity, whole"),
        new("I get \\$18 per day and \\$36 in total", "36", "last_number", "escaped dollars are money, not delimiters"),
        new("She earns $18 per day, so she makes $36 in two days", "36", "last_number", "plain dollars around prose are money: the last number wins"),
        new("First \\(x=1\\).\n\nThen the value is $\\sqrt{2}$", @"\sqrt{2}", "last_math", "the final paragraph's span"),
        new("Compute $2+3$.\n\nThe sum is 5", "5", "last_number", "a number after the span in the final paragraph"),
        new("$$\n\\frac{3}{4}\n$$", @"\frac{3}{4}", "last_math", "a display block over several lines stays one paragraph"),
        new("The answer: $\\emptyset$", @"\emptyset", "answer_is", "the empty set after an answer marker"),
    ];

    public static readonly Case[] SentenceCases =
    [
        new("Final Answer: The smallest such $k$ is 12.", "12", "final_answer", "the number inside the sentence, not the sentence"),
        new("The answer is that there are 7 ways.", "7", "answer_is", "a sentence after 'the answer is': its number"),
        new("Final Answer: the value of $x$ is $\\frac{2}{3}$.", @"\frac{2}{3}", "final_answer", "the math inside the sentence"),
        new("The final answer is 42 apples.", "42 apples", "final_answer", "one unit word is not a sentence: the grader drops the unit"),
        new("The final answer is 12 square meters.", "12", "final_answer", "two words make a sentence: its number"),
        new("Final Answer: The final answer is $5$. I hope it is correct.", "5", "final_answer", "Minerva's closing is cut off"),
        new("The answer is New York", "New York", "answer_is", "a text answer without prose words is kept"),
        new("\\boxed{5}. Note that the answer is independent of r.", "5", "boxed", "a sentence with no value after the marker is not an answer"),
        new("The answer is: there are $n = 9$ of them", "n = 9", "answer_is", "the span inside the sentence"),
        new("Answer: 3 because 1 + 2 = 3", "3", "answer_is", "an explanation after the answer: the answer comes first"),
        new("The answer is 18 because she sells 9 eggs a day", "18", "answer_is", "the leading number, not the last one of the explanation"),
        new("The answer is $\\frac{1}{2}$ since half remain", @"\frac{1}{2}", "answer_is", "a leading math span before an explanation"),
        new("Final Answer: 2,500 people came to the fair", "2500", "final_answer", "a leading number with a thousands group"),
        new("Thus, the final answer is: $x = 10$ and this works.", "x = 10", "final_answer", "the span in a sentence with a trailing remark"),
    ];

    public static readonly Case[] LatestMarkerCases =
    [
        new("We first get $\\boxed{4}$. Wait, that is wrong. The final answer is 5.", "5", "final_answer", "a later explicit final answer overrides an earlier box"),
        new("The answer is 3.\n\nChecking again: $\\boxed{4}$", "4", "boxed", "a later box overrides an earlier 'the answer is'"),
        new("#### 10\nActually, the answer is 12", "12", "answer_is", "a later 'the answer is' overrides the hashes"),
        new("The answer is 12.\n#### 12", "12", "gsm8k_hash", "the hashes come last"),
        new("Final Answer: $\\boxed{7}$", "7", "boxed", "a box inside the final answer line is the same answer"),
        new("The final answer is 8. So the answer is 8.", "8", "answer_is", "the later phrase, the same value"),
        new("Final Answer: 6", "6", "final_answer", "'Final Answer:' also contains 'answer:': a tie goes to the rule listed first"),
        new("The final answer is $\\boxed{2}$ and $\\boxed{3}$", "3", "boxed", "with the default rules the last box is kept"),
    ];

    public static readonly Case[] ChoiceCases =
    [
        new("Comparing the options, the answer is (B).", "B", "answer_is", "a bracketed choice after the marker"),
        new("Answer: C", "C", "answer_is", "a bare choice letter"),
        new("The answer is (D) because the others fail.", "D", "answer_is", "a choice followed by an explanation"),
        new("The correct option is E.", "E", "answer_is", "'the correct option is' is a marker"),
        new("The answer is \\textbf{(A)}", "A", "answer_is", "a bold choice"),
        new("The correct choice is (C) 12", "C", "answer_is", "the letter, not the value printed beside it"),
        new("Answer: A = 5", "A = 5", "answer_is", "a letter used as a variable is not a choice"),
        new("The answer is B^2", "B^2", "answer_is", "a letter in an expression is not a choice"),
    ];

    public static readonly Case[] Gsm8kCases =
    [
        new("Q: How many?\nA: 5 apples plus 3 apples is 8 apples.", "8", "answer_line", "an A: line with a sentence: its last number"),
        new("A: 72", "72", "answer_line", "a bare A: line"),
        new("A: She sold 48/2 = 24 clips in May. The answer is 72.", "72", "answer_is", "the phrase inside the A: line is later"),
        new("Natalia sold 48 clips in April and then", null, "none", "cut off after a connector word: no final answer"),
        new("So she has 5 + 3 =", null, "none", "cut off after an operator"),
        new("She buys 12 eggs, then uses 4,", null, "none", "cut off after a comma"),
        new("Then we compute \\(3 + 4", null, "none", "cut off inside a math span"),
        new("He has 5 apples.\n\nThe rest of the", null, "none", "the final paragraph is cut off"),
        new("He wrote #12 on the list", null, "none", "a number after # is a label"),
        new("The molecule is H2O", null, "none", "a digit inside a word is not a number"),
        new("We use x2 as the second unknown", null, "none", "an identifier with a digit is not a number"),
        new("She finished 2nd", null, "none", "an ordinal is a position, not an answer"),
        new("Step2 gives the count 9", "9", "last_number", "the identifier is skipped, the number is not"),
        new("The total is 1,234,567 dollars", "1234567", "last_number", "valid thousands groups are one number"),
        new("The value is 0,111", "0,111", "last_number", "a leading zero cannot start a thousands group: kept as a list"),
        new("The value is 2,74", "2,74", "last_number", "a two-digit group is not thousands: kept as a list, not 274"),
        new("The coordinates are 3,4", "3,4", "last_number", "digits joined by a comma: the pair, not its last element"),
        new("The total is 12,000.50 dollars", "12000.50", "last_number", "thousands groups with a decimal part"),
        new("Temperature fell to −4 degrees", "-4", "last_number", "a Unicode minus sign"),
        new("The answer is 5-3 = 2", "5-3 = 2", "answer_is", "an equation after the marker is kept for the grader"),
    ];

    public static readonly Case[] MultiPartCases =
    [
        new("(a) $\\boxed{3}$ (b) $\\boxed{5}$", "(3, 5)", "boxed_all", "two parts, joined as a tuple in order"),
        new("$\\boxed{3}$ so again $\\boxed{3}$", "3", "boxed", "the same box twice is one answer"),
        new("Only $\\boxed{x+1}$", "x+1", "boxed", "one box: the rule is boxed"),
        new("(a) \\boxed{1} (b) \\boxed{2} (c) \\boxed{\\frac{1}{2}}", @"(1, 2, \frac{1}{2})", "boxed_all", "three parts with nested braces"),
        new("No boxes; the answer is 4", "4", "answer_is", "without boxes the other markers still work"),
    ];

    public static TheoryData<Case> Data(Case[] cases)
    {
        var data = new TheoryData<Case>();
        foreach (var c in cases)
        {
            data.Add(c);
        }

        return data;
    }

    public static TheoryData<Case> MathSpans() => Data(MathSpanCases);

    public static TheoryData<Case> Sentences() => Data(SentenceCases);

    public static TheoryData<Case> LatestMarkers() => Data(LatestMarkerCases);

    public static TheoryData<Case> Choices() => Data(ChoiceCases);

    public static TheoryData<Case> Gsm8k() => Data(Gsm8kCases);

    public static TheoryData<Case> MultiPart() => Data(MultiPartCases);

    [Theory]
    [MemberData(nameof(MathSpans))]
    [MemberData(nameof(Sentences))]
    [MemberData(nameof(LatestMarkers))]
    [MemberData(nameof(Choices))]
    [MemberData(nameof(Gsm8k))]
    public void Flexible_extraction(Case c)
    {
        var result = AnswerExtractor.Extract(c.Solution, ExtractionOptions.Flexible);
        Assert.True((c.Answer, c.Rule) == (result.Answer, result.Rule), $"{c.Why}: expected {c.Answer} ({c.Rule}), got {result.Answer} ({result.Rule})");
    }

    [Theory]
    [MemberData(nameof(MultiPart))]
    public void Multi_part_extraction_joins_different_boxes(Case c)
    {
        var result = AnswerExtractor.Extract(c.Solution, ExtractionOptions.MultiPart);
        Assert.True((c.Answer, c.Rule) == (result.Answer, result.Rule), $"{c.Why}: expected {c.Answer} ({c.Rule}), got {result.Answer} ({result.Rule})");
    }

    [Fact]
    public void A_joined_multi_part_answer_grades_against_a_tuple_gold()
    {
        var grader = new AnswerGrader(GraderOptions.Default with { Extraction = ExtractionOptions.MultiPart });
        Assert.Equal(Verdict.Equal, grader.Grade("(a) $\\boxed{3}$ (b) $\\boxed{5}$", "3, 5").Verdict);
        Assert.Equal(Verdict.NotEqual, grader.Grade("(a) $\\boxed{5}$ (b) $\\boxed{3}$", "(3, 5)").Verdict);
    }

    [Fact]
    public void Extraction_of_adversarial_text_is_linear()
    {
        // Unclosed openers and dollar signs by the ten thousand: each kind costs one scan, not one per opener. The text
        // ends inside an unclosed \( so it reads as cut off.
        var solution = string.Concat(Enumerable.Repeat("\\( $ \\[ $$ A: ", 20_000)) + " 7";
        Assert.Equal(ExtractionResult.None, AnswerExtractor.Extract(solution, ExtractionOptions.Flexible with { MaxScanLength = 1_000_000 }));
        var closed = string.Concat(Enumerable.Repeat("$ x $$ y ", 20_000)) + "\n\nso 7";
        Assert.Equal("7", AnswerExtractor.Extract(closed, ExtractionOptions.Flexible with { MaxScanLength = 1_000_000 }).Answer);
    }
}
