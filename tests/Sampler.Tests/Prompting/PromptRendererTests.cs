using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;

namespace BestOfN.Sampler.Tests.Prompting;

public class PromptRendererTests
{
    private static readonly Problem Target = new("t1", "What is 6 times 7?", "42", null, new Dictionary<string, string>());

    private static string TrainFile(int count)
    {
        var path = TestModels.TempFile("train.jsonl");
        File.WriteAllLines(path, Enumerable.Range(0, count).Select(i => $"{{\"question\": \"Q{i}?\", \"answer\": \"A{i}\\n#### {i}\"}}"));
        return path;
    }

    [Fact]
    public void Raw_is_the_problem_text_with_bos_and_no_template()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var prompt = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Raw }).Prepare(Target);
        Assert.Equal("What is 6 times 7?", prompt.Text);
        Assert.Equal(model.Bos, prompt.Tokens[0]);
    }

    [Fact]
    public void Chat_uses_the_model_template_with_the_system_prompt_and_parses_control_tokens()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var renderer = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Chat, SystemPrompt = "Put the answer in \\boxed{}." });
        var prompt = renderer.Prepare(Target);
        Assert.Equal("<|im_start|>system\nPut the answer in \\boxed{}.<|im_end|>\n<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant\n", prompt.Text);
        var imStart = Assert.Single(model.Tokenize("<|im_start|>", false, true));
        Assert.Equal(imStart, prompt.Tokens[1]);
    }

    [Fact]
    public void A_named_template_overrides_the_model_one()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var text = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Chat, ChatTemplate = "llama3" }).Render(Target);
        Assert.Equal("<|start_header_id|>user<|end_header_id|>\n\nWhat is 6 times 7?<|eot_id|><|start_header_id|>assistant<|end_header_id|>\n\n", text);
    }

    [Fact]
    public void Few_shot_uses_the_harness_layout_draws_deterministically_per_problem_and_adds_its_stop_strings()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var options = new PromptOptions { Format = PromptFormat.FewShot, FewShotSource = DatasetSpec.Parse("gsm8k:" + TrainFile(20)), FewShotCount = 3 };
        var renderer = new PromptRenderer(model, options);
        var text = renderer.Render(Target);
        Assert.Equal(4, text.Split("Question: ").Length - 1);
        Assert.Matches(@"^Question: Q\d+\?\nAnswer: A\d+\n#### \d+\n\nQuestion: Q\d+\?\nAnswer: A\d+\n#### \d+\n\nQuestion: Q\d+\?\nAnswer: A\d+\n#### \d+\n\nQuestion: What is 6 times 7\?\nAnswer:$", text);
        Assert.Equal(text, new PromptRenderer(model, options).Render(Target));
        Assert.NotEqual(text, renderer.Render(Target with { Id = "t2" }));
        Assert.Equal(["Question:", "</s>", "<|im_end|>"], renderer.FormatStopStrings);
    }

    [Fact]
    public void Messages_fill_the_question_placeholder_in_a_multi_turn_conversation()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var file = TestModels.TempFile("conv.json");
        File.WriteAllText(file, """[{"role": "user", "content": "What is 1+1?"}, {"role": "assistant", "content": "2"}, {"role": "user", "content": "{question}"}]""");
        var text = new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Messages, MessagesFile = file }).Render(Target);
        Assert.Equal("<|im_start|>user\nWhat is 1+1?<|im_end|>\n<|im_start|>assistant\n2<|im_end|>\n<|im_start|>user\nWhat is 6 times 7?<|im_end|>\n<|im_start|>assistant\n", text);
    }

    [Fact]
    public void A_messages_file_without_the_placeholder_is_rejected()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var file = TestModels.TempFile("conv.json");
        File.WriteAllText(file, """[{"role": "user", "content": "hi"}]""");
        var e = Assert.Throws<DatasetException>(() => new PromptRenderer(model, new PromptOptions { Format = PromptFormat.Messages, MessagesFile = file }));
        Assert.Contains("{question}", e.Message);
    }

    [Fact]
    public void Options_list_every_error()
    {
        var errors = new PromptOptions { Format = PromptFormat.FewShot, SystemPrompt = "x" }.Validate();
        Assert.Equal(2, errors.Count);
    }
}
