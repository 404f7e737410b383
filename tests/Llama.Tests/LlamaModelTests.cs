using BestOfN.Llama;

namespace BestOfN.Llama.Tests;

public class LlamaModelTests
{
    [Fact]
    public void Tiny_gguf_loads_and_reports_its_vocabulary_and_template()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        Assert.True(model.VocabSize > 300);
        Assert.Equal(64, model.EmbeddingSize);
        Assert.Equal(new LlamaToken(1), model.Bos);
        Assert.Equal(new LlamaToken(2), model.Eos);
        Assert.True(model.IsEndOfGeneration(model.Eos));
        Assert.Contains("<|im_start|>", model.ChatTemplate());
        Assert.Equal("llama", model.Metadata("general.architecture"));
        Assert.Null(model.Metadata("no.such.key"));
    }

    [Fact]
    public void Tokenize_then_detokenize_round_trips_text_including_bytes_outside_the_vocabulary()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        const string text = "the answer is 42 ≈ é";
        var tokens = model.Tokenize(text, addSpecial: false, parseSpecial: false);
        Assert.Equal(" " + text, model.Detokenize(tokens)); // SentencePiece adds a leading space
        var withBos = model.Tokenize(text, addSpecial: true, parseSpecial: false);
        Assert.Equal(model.Bos, withBos[0]);
    }

    [Fact]
    public void Chat_template_renders_chatml_and_special_tokens_parse_to_single_tokens()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        var rendered = model.ApplyChatTemplate([new ChatMessage("user", "hi")], addAssistant: true);
        Assert.Equal("<|im_start|>user\nhi<|im_end|>\n<|im_start|>assistant\n", rendered);
        var tokens = model.Tokenize("<|im_start|>", addSpecial: false, parseSpecial: true);
        Assert.Single(tokens);
    }

    [Fact]
    public void Decode_gives_logits_for_requested_rows_only()
    {
        using var model = LlamaModel.Load(TestModels.Tiny);
        using var ctx = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 256, BatchSize = 64, MaxSequences = 1 });
        var tokens = model.Tokenize("so the total is", addSpecial: true, parseSpecial: false);
        var batch = new LlamaBatch(64);
        for (var i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, 0, logits: i == tokens.Length - 1);
        Assert.Equal(DecodeStatus.Ok, ctx.Decode(batch));
        var logits = new float[model.VocabSize];
        ctx.CopyLogits(tokens.Length - 1, logits);
        Assert.Contains(logits, l => l != 0);
        Assert.Throws<LlamaException>(() => ctx.CopyLogits(0, logits));
        Assert.Equal(tokens.Length - 1, ctx.SequenceMaxPosition(0));
    }
}
