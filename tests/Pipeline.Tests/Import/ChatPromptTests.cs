using BestOfN.Problems;
using BestOfN.Verifier.Import;

namespace BestOfN.Pipeline.Tests.Import;

public class ChatPromptTests
{
    private const string Question = "Sam has 3 apples and buys 4 more.\nHow many apples does he have?";

    public static TheoryData<string, string> Wrapped => new()
    {
        {
            "Llama 3.1 with its system turn",
            "<|begin_of_text|><|start_header_id|>system<|end_header_id|>\n\nCutting Knowledge Date: December 2023\nToday Date: 26 Jul 2024\n\n<|eot_id|>"
            + $"<|start_header_id|>user<|end_header_id|>\n\n{Question}<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n"
        },
        { "Mistral [INST]", $"<s>[INST] {Question} [/INST]" },
        { "Mistral [INST] with a system prompt inside", $"<s>[INST] Please reason step by step, and put your final answer within \\boxed{{}}.\n\n{Question} [/INST]" },
        { "Llama 2 <<SYS>>", $"<s>[INST] <<SYS>>\nYou are a helpful assistant.\n<</SYS>>\n\n{Question} [/INST]" },
        { "ChatML with a system turn", $"<|im_start|>system\nYou are a helpful assistant.<|im_end|>\n<|im_start|>user\n{Question}<|im_end|>\n<|im_start|>assistant\n" },
        { "a plain system prompt in front", $"Solve the following math problem efficiently and clearly.\n\n{Question}" },
        { "the bare question, spaced differently", "Sam has 3 apples  and buys 4 more. How many apples\tdoes he have?" },
    };

    [Theory]
    [MemberData(nameof(Wrapped))]
    public void A_wrapped_prompt_matches_the_datasets_question(string wrapping, string prompt)
    {
        Problem[] dataset = [new("g1", Question, "7", null, new Dictionary<string, string>()), new("g2", "How many apples?", "1", null, new Dictionary<string, string>())];
        ImportedProblem[] imported = [new(1, "a", prompt, null, ["7"], [true], null, new Dictionary<string, string>())];

        var (problems, matched) = LabelAgreement.AttachGold(imported, dataset);

        Assert.True(matched == 1, wrapping);
        Assert.Equal("7", problems[0].Gold);
    }

    [Fact]
    public void The_whole_prompt_is_tried_before_any_part_of_it()
    {
        Assert.Equal(["You are kind. What is 2+2?", "What is 2+2?"], ChatPrompt.QuestionCandidates("You are kind.\nWhat is 2+2?"));
        Assert.Equal("What is 2+2?", ChatPrompt.QuestionCandidates("<|im_start|>user\nWhat is 2+2?<|im_end|>").ElementAt(1));
    }
}
