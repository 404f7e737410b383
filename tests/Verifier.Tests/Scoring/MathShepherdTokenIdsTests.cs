using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

/// <summary>
/// Math-Shepherd reads tag id 12902 ('ки') and candidates 648/387 in the Mistral vocabulary, found as <c>encode("ки")[-1]</c> and
/// <c>encode("+ -")[1:]</c>. A SentencePiece vocabulary can hold the tag bare and space-prefixed; which one a text holds depends on
/// what precedes it, so the ids used are recorded and can be given.
/// </summary>
public class MathShepherdTokenIdsTests
{
    private const string Prompt = "Sam has 3 apples and buys 4 more. How many apples does he have?";

    private static ScorerOptions Options => new()
    {
        Protocol = RewardProtocols.MathShepherd,
        Batch = 2,
        ContextSize = 1024,
        Threads = 2,
        FlashAttention = false,
    };

    private static StepTagEncoder Encoder(LlamaModel model, ScorerOptions options) =>
        (StepTagEncoder)((LlamaRewardProtocol)options.Protocol).CreateEncoder(model, options);

    private static int Id(LlamaModel model, string piece) =>
        Enumerable.Range(0, model.VocabSize).Single(i => model.Detokenize([new LlamaToken(i)], special: true) == piece);

    [Fact]
    public void The_default_tag_is_the_last_token_of_its_encoding_space_prefixed_when_the_vocabulary_has_that_form()
    {
        using var both = LlamaModel.Load(ScoringTestModels.Shepherd);
        var encoder = Encoder(both, Options);
        Assert.Equal(Id(both, " ки"), encoder.StepTag.Id);
        Assert.NotEqual(Id(both, "ки"), encoder.StepTag.Id);
        var manifest = encoder.Manifest();
        Assert.Equal(encoder.StepTag.Id, ((Dictionary<string, object>)manifest["step_tag"]!)["id"]);
        Assert.Equal(encoder.Good.Id, ((Dictionary<string, object>)manifest["good_token"]!)["id"]);

        // Only the bare piece: "ки" tokenizes as '▁', 'ки', and the reference's encode("ки")[-1] is the bare one (no error).
        using var bare = LlamaModel.Load(ScoringTestModels.ShepherdBareTag);
        Assert.Equal(2, bare.Tokenize("ки", addSpecial: false, parseSpecial: false).Length);
        Assert.Equal(Id(bare, "ки"), Encoder(bare, Options).StepTag.Id);
    }

    [Fact]
    public void Given_ids_read_the_bare_tag_where_the_looked_up_space_prefixed_one_finds_nothing()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Shepherd);
        const string answer = "3 + 4 = 7\nки\nso 7\nки"; // each tag follows a newline: the bare piece
        var bareId = Id(model, "ки");
        var looked = Encoder(model, Options).Encode(Prompt, answer);
        Assert.Equal(ScoreStatus.NoCompleteStep, looked.Status);

        var plus = Id(model, " +");
        var minus = Id(model, " -");
        var options = Options with { StepTagId = bareId, GoodTokenId = plus, BadTokenId = minus };
        var tokens = model.Tokenize(Prompt + " " + answer, addSpecial: true, parseSpecial: false);
        var tags = Enumerable.Range(0, tokens.Length).Where(p => tokens[p].Id == bareId).ToList();
        Assert.Equal(2, tags.Count);
        Assert.Equal(tags, Encoder(model, options).Encode(Prompt, answer).ReadPositions);

        using var scorer = new LlamaRewardScorer(model, options);
        var score = scorer.Score(new ScoringProblem("p", Prompt, [new ScoringAnswer(0, answer), new ScoringAnswer(1, "x ки\ny ки")])).SelectMany(b => b).Single(s => s.Index == 0);
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 1024, BatchSize = 1024, Threads = 2, FlashAttention = false });
        var batch = new LlamaBatch(tokens.Length);
        for (var p = 0; p < tokens.Length; p++) batch.Add(tokens[p], p, 0, logits: tags.Contains(p));
        Assert.Equal(DecodeStatus.Ok, context.Decode(batch));
        var logits = new float[model.VocabSize];
        for (var k = 0; k < tags.Count; k++)
        {
            context.CopyLogits(tags[k], logits);
            var expected = 1 / (1 + Math.Exp(logits[minus] - logits[plus]));
            Assert.InRange(score.StepScores[k], expected - 1e-4, expected + 1e-4);
        }
    }

    [Fact]
    public void An_id_outside_the_vocabulary_is_an_error_naming_it()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Shepherd);
        var e = Assert.Throws<ScoringProtocolException>(() => Encoder(model, Options with { StepTagId = model.VocabSize }));
        Assert.Contains($"step tag id {model.VocabSize}", e.Message);
        Assert.Contains((Options with { GoodTokenId = 5, BadTokenId = 5 }).Validate(), m => m.Contains("must differ"));
    }
}
