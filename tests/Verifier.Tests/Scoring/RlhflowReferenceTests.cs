using System.Text;
using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

/// <summary>
/// Our batched, one-pass RLHFlow PRM scores against a naive port of RLHFlow's math-rm/prm_evaluate.py: split the answer, strip every
/// piece and keep the empty ones, and for each step k render the conversation truncated after turn k with Llama 3.1's Jinja template
/// (written out here as Jinja renders it, Python's strip included), tokenize it, decode it alone and read logits[-3].
/// </summary>
public class RlhflowReferenceTests
{
    private const string Prompt = "Sam has 3 apples and buys 4 more. How many apples does he have?";

    // Flash attention off: exact F32 attention on the CPU, so a batched and a single-sequence run agree to the last digits.
    private const bool Flash = false;

    /// <summary>The answers of the issue, each with the dataset style the reference would read it in.</summary>
    public static TheoryData<string, bool> Answers() => new()
    {
        { "a\n\nb", false },
        { "\n\na\n\nb", false },
        { "a\n\n\n\nb", false },
        { "", false },
        { "a ки\nb ки\n", true },
        { "Step 1: 3 + 4 = 7 ки\n ки\nStep 2: the answer is 7 ки", true },
        { "\u2003We add 3 and 4.\u00A0\n\nThat is 7.\u3000\n\n\u001Fso 7", false },
    };

    // Python's str.isspace() characters, listed (the reference strips with str.strip(), and Jinja's trim is str.strip()).
    private const string PythonWhitespace =
        " \t\n\u000B\u000C\r\u001C\u001D\u001E\u001F\u0085\u00A0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200A\u2028\u2029\u202F\u205F\u3000";

    private static string Strip(string s) => s.Trim(PythonWhitespace.ToCharArray());

    /// <summary>Llama 3.1's chat template as Jinja renders it for messages without a system turn or tools.</summary>
    private static string RenderLlama31(string bos, IReadOnlyList<(string Role, string Content)> messages)
    {
        var text = new StringBuilder(bos)
            .Append("<|start_header_id|>system<|end_header_id|>\n\n")
            .Append("Cutting Knowledge Date: December 2023\n")
            .Append("Today Date: 26 Jul 2024\n\n")
            .Append("<|eot_id|>");
        foreach (var (role, content) in messages)
            text.Append("<|start_header_id|>").Append(role).Append("<|end_header_id|>\n\n").Append(Strip(content)).Append("<|eot_id|>");
        return text.ToString();
    }

    /// <summary>prm_evaluate.py, one conversation and one forward pass per step.</summary>
    private static List<double> ReferenceStepScores(LlamaModel model, string prompt, string answer, bool mistralStyle) =>
        ReferenceTurnScores(model, prompt, answer.Split(mistralStyle ? "ки\n" : "\n\n").Select(Strip).ToList());

    /// <summary>The outcome reference: one user turn with the whole answer, " ки" tags removed.</summary>
    private static double ReferenceOutcomeScore(LlamaModel model, string prompt, string answer) =>
        ReferenceTurnScores(model, prompt, [answer.Replace(" ки", "")]).Single();

    private static List<double> ReferenceTurnScores(LlamaModel model, string prompt, IReadOnlyList<string> steps)
    {
        var bos = model.Detokenize(model.Tokenize("", addSpecial: true, parseSpecial: false), special: true);
        var plus = model.Tokenize("+", addSpecial: false, parseSpecial: false).Single();
        var minus = model.Tokenize("-", addSpecial: false, parseSpecial: false).Single();
        var conversation = new List<(string, string)>();
        var scores = new List<double>();
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 2048, BatchSize = 2048, MaxSequences = 1, Threads = 2, FlashAttention = Flash });
        var logits = new float[model.VocabSize];
        for (var k = 0; k < steps.Count; k++)
        {
            conversation.Add(("user", k == 0 ? prompt + " " + steps[0] : steps[k]));
            conversation.Add(("assistant", "+"));
            var tokens = model.Tokenize(RenderLlama31(bos, conversation), addSpecial: false, parseSpecial: true);
            context.ClearMemory();
            var batch = new LlamaBatch(tokens.Length);
            for (var i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, 0, logits: i == tokens.Length - 3);
            Assert.Equal(DecodeStatus.Ok, context.Decode(batch));
            context.CopyLogits(tokens.Length - 3, logits);
            var good = Math.Exp(logits[plus.Id]);
            scores.Add(good / (good + Math.Exp(logits[minus.Id])));
        }
        return scores;
    }

    private static ScorerOptions Options(string? template) => new()
    {
        Protocol = RewardProtocols.RlhflowPrm,
        ChatTemplate = template,
        Batch = 3,
        BatchTokens = 24,
        MicroBatchTokens = 16,
        ContextSize = 2048,
        Threads = 2,
        FlashAttention = Flash,
    };

    private static void AssertMatchesReference(string modelPath, string? template, string answer, bool mistralStyle)
    {
        using var model = LlamaModel.Load(modelPath);
        var expected = ReferenceStepScores(model, Prompt, answer, mistralStyle);
        // Scored among other answers, so that the prefix is shared and the batch packs several sequences.
        string[] answers = ["We add 3 and 4.\n\nThat is 7.", answer, "the answer is 12"];
        foreach (var steps in new[] { StepSplit.Auto, mistralStyle ? StepSplit.Ki : StepSplit.BlankLine })
        {
            using var scorer = new LlamaRewardScorer(model, Options(template) with { Steps = steps });
            var scores = scorer.Score(new ScoringProblem("p", Prompt, answers.Select((a, i) => new ScoringAnswer(i, a)).ToList()))
                .SelectMany(b => b).Single(s => s.Index == 1);
            Assert.Equal(ScoreStatus.Ok, scores.Status);
            Assert.Equal(expected.Count, scores.StepScores.Count);
            for (var k = 0; k < expected.Count; k++) Assert.InRange(scores.StepScores[k], expected[k] - 1e-4, expected[k] + 1e-4);
        }
    }

    [Theory]
    [MemberData(nameof(Answers))]
    public void Step_scores_equal_the_naive_reference_with_the_models_llama31_template(string answer, bool mistralStyle) =>
        AssertMatchesReference(ScoringTestModels.Llama3Prm, template: null, answer, mistralStyle);

    [Theory]
    [MemberData(nameof(Answers))]
    public void Step_scores_equal_the_naive_reference_with_the_built_in_llama3_template_on_a_model_without_one(string answer, bool mistralStyle) =>
        AssertMatchesReference(ScoringTestModels.Llama3PrmNoTemplate, template: "llama3", answer, mistralStyle);

    [Fact]
    public void Unicode_whitespace_around_the_prompt_and_an_outcome_answer_is_stripped_as_jinja_does()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        const string prompt = "\u3000" + Prompt + "\u2003";
        const string answer = "\u001Fa\n\nb\u00A0";
        var problem = new ScoringProblem("p", prompt, [new ScoringAnswer(0, answer), new ScoringAnswer(1, "c")]);
        using (var prm = new LlamaRewardScorer(model, Options(null)))
        {
            var steps = prm.Score(problem).SelectMany(b => b).Single(s => s.Index == 0).StepScores;
            var expected = ReferenceStepScores(model, prompt, answer, mistralStyle: false);
            Assert.Equal(expected.Count, steps.Count);
            for (var k = 0; k < expected.Count; k++) Assert.InRange(steps[k], expected[k] - 1e-4, expected[k] + 1e-4);
        }
        using var orm = new LlamaRewardScorer(model, Options(null) with { Protocol = RewardProtocols.RlhflowOrm });
        var outcome = orm.Score(problem).SelectMany(b => b).Single(s => s.Index == 0).OrmScore!.Value;
        var reference = ReferenceOutcomeScore(model, prompt, answer);
        Assert.InRange(outcome, reference - 1e-4, reference + 1e-4);
    }

    [Fact]
    public void Empty_steps_are_scored_as_turns_like_the_reference_and_dropping_them_is_an_option()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var keep = (ChatVerdictEncoder)((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(model, Options(null));
        var drop = (ChatVerdictEncoder)((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(model, Options(null) with { EmptySteps = EmptySteps.Drop });
        Assert.Equal(3, keep.Encode(Prompt, "a\n\n\n\nb").ReadPositions.Length);
        Assert.Equal(2, drop.Encode(Prompt, "a\n\n\n\nb").ReadPositions.Length);
        Assert.Equal(ScoreStatus.Ok, keep.Encode(Prompt, "").Status);
        Assert.Single(keep.Encode(Prompt, "").ReadPositions);
        Assert.Equal(ScoreStatus.NoCompleteStep, drop.Encode(Prompt, " \n\n ").Status);
        // A leading blank line is a step of its own: every later read moves one turn on.
        Assert.Equal(keep.Encode(Prompt, "a\n\nb").ReadPositions.Length + 1, keep.Encode(Prompt, "\n\na\n\nb").ReadPositions.Length);
    }

    [Fact]
    public void The_built_in_llama3_template_gets_the_llama31_system_turn_and_show_prompt_text_is_the_reference_rendering()
    {
        using var withTemplate = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        using var without = LlamaModel.Load(ScoringTestModels.Llama3PrmNoTemplate);
        var fromModel = ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(withTemplate, Options(null));
        var builtIn = ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(without, Options("llama3"));
        var answer = "a\u2003\n\nb";
        var reference = RenderLlama31("", [("user", Prompt + " a"), ("assistant", "+"), ("user", "b"), ("assistant", "+")]);
        Assert.Equal(reference, fromModel.InputText(Prompt, answer));
        Assert.Equal(reference, builtIn.InputText(Prompt, answer));
        Assert.Equal(fromModel.Encode(Prompt, answer).ReadPositions, builtIn.Encode(Prompt, answer).ReadPositions);

        var e = Assert.Throws<ScoringProtocolException>(() => ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(without, Options(null)));
        Assert.Contains("--chat-template llama3", e.Message);
    }

    [Fact]
    public void Python_strip_removes_unicode_whitespace_and_the_separators_dotnet_keeps()
    {
        Assert.Equal("a b", StepSplitter.PythonStrip("\u001F\u2003 a b\u3000\u00A0\n"));
        Assert.Equal(Strip("\u001C\u0085x\u205F"), StepSplitter.PythonStrip("\u001C\u0085x\u205F"));
        Assert.Equal("\u200Bx", StepSplitter.PythonStrip("\u200Bx")); // zero-width space is not whitespace in Python
    }
}
