using BestOfN.Llama;
using BestOfN.TestSupport.Onnx;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class OnnxRewardScorerTests
{
    private const string Prompt = "What is 3 + 4?";

    private static readonly string[] Answers =
    [
        "the answer is 7",
        "3 + 4 = 7 ки so the answer is 7 ки",
        "we have 3 and 4 ки the total is 8 ки so 8 ки",
        "7",
    ];

    private static (string Model, TinyOnnxRewardModel.Weights Weights, string Tokenizer) Write()
    {
        var tokenizer = ScoringTestModels.Shepherd;
        using var vocab = LlamaModel.Load(tokenizer, new LlamaModelOptions { VocabOnly = true });
        var path = ScoringTestModels.TempFile("reward.onnx");
        return (path, TinyOnnxRewardModel.Write(path, vocab.VocabSize, dim: 8, seed: 3), tokenizer);
    }

    private static ScorerOptions Options(string tokenizer, OnnxReadout readout, int batch) => new()
    {
        Protocol = RewardProtocols.Onnx,
        Batch = batch,
        Threads = 1,
        Onnx = new OnnxScorerOptions { TokenizerPath = tokenizer, Readout = readout, OutputName = readout == OnnxReadout.Sequence ? "logits" : "token_logits" },
    };

    private static List<SampleScore> Score(string model, ScorerOptions options, IEnumerable<string> answers)
    {
        using var scorer = new OnnxRewardScorer(model, options, IScoringTokenizer.Open(options.Onnx.TokenizerPath!, addSpecialTokens: true));
        var problem = new ScoringProblem("p", Prompt, answers.Select((a, i) => new ScoringAnswer(i, a)).ToList());
        return scorer.Score(problem).SelectMany(b => b).ToList();
    }

    /// <summary>softmax(mean(E[tokens[..=upTo]]) · W)[1], in doubles.</summary>
    private static double HandScore(TinyOnnxRewardModel.Weights w, int[] tokens, int upTo)
    {
        var mean = new double[w.Dim];
        for (var t = 0; t <= upTo; t++)
            for (var d = 0; d < w.Dim; d++) mean[d] += w.E(tokens[t], d) / (upTo + 1.0);
        double z0 = 0, z1 = 0;
        for (var d = 0; d < w.Dim; d++)
        {
            z0 += mean[d] * w.W(d, 0);
            z1 += mean[d] * w.W(d, 1);
        }
        return 1 / (1 + Math.Exp(z0 - z1));
    }

    [Fact]
    public void Sequence_scores_match_a_hand_computation_of_the_tiny_model()
    {
        var (model, weights, tokenizer) = Write();
        var scores = Score(model, Options(tokenizer, OnnxReadout.Sequence, batch: 4), Answers);
        using var vocab = LlamaModel.Load(tokenizer, new LlamaModelOptions { VocabOnly = true });
        for (var i = 0; i < Answers.Length; i++)
        {
            var tokens = vocab.Tokenize(Prompt + " " + Answers[i], addSpecial: true, parseSpecial: false).Select(t => t.Id).ToArray();
            var expected = HandScore(weights, tokens, tokens.Length - 1);
            Assert.Equal(ScoreStatus.Ok, scores[i].Status);
            Assert.Empty(scores[i].StepScores);
            Assert.InRange(scores[i].OrmScore!.Value, expected - 1e-5, expected + 1e-5);
            Assert.Equal(tokens.Length, scores[i].TokenCount);
        }
        Assert.Equal(Answers.Length, scores.Select(s => s.OrmScore).Distinct().Count());
    }

    [Fact]
    public void Step_tag_scores_match_a_hand_computation_at_every_tag()
    {
        var (model, weights, tokenizer) = Write();
        var scores = Score(model, Options(tokenizer, OnnxReadout.StepTags, batch: 4), Answers);
        using var vocab = LlamaModel.Load(tokenizer, new LlamaModelOptions { VocabOnly = true });
        var tag = vocab.Tokenize("ки", addSpecial: false, parseSpecial: false).Single().Id;
        Assert.Equal(ScoreStatus.NoCompleteStep, scores[0].Status);
        for (var i = 1; i < 3; i++)
        {
            var tokens = vocab.Tokenize(Prompt + " " + Answers[i], addSpecial: true, parseSpecial: false).Select(t => t.Id).ToArray();
            var tags = Enumerable.Range(0, tokens.Length).Where(t => tokens[t] == tag).ToList();
            Assert.Equal(tags, scores[i].StepPositions);
            for (var k = 0; k < tags.Count; k++)
            {
                var expected = HandScore(weights, tokens, tags[k]);
                Assert.InRange(scores[i].StepScores[k], expected - 1e-5, expected + 1e-5);
            }
        }
        Assert.Equal(3, scores[2].StepScores.Count);
    }

    [Theory]
    [InlineData(OnnxReadout.Sequence)]
    [InlineData(OnnxReadout.StepTags)]
    public void Padding_does_not_change_the_scores(OnnxReadout readout)
    {
        var (model, _, tokenizer) = Write();
        // Alone (no padding) versus batched with longer answers (the short ones padded to the longest).
        var alone = Answers.Select(a => Score(model, Options(tokenizer, readout, batch: 1), [a]).Single()).ToList();
        var padded = Score(model, Options(tokenizer, readout, batch: 4), Answers);
        for (var i = 0; i < Answers.Length; i++)
        {
            Assert.Equal(alone[i].Status, padded[i].Status);
            // Padded zeros change only the float summation order: equal to 1e-6.
            if (readout == OnnxReadout.Sequence) Assert.InRange(padded[i].OrmScore!.Value - alone[i].OrmScore!.Value, -1e-6, 1e-6);
            Assert.Equal(alone[i].StepScores.Count, padded[i].StepScores.Count);
            for (var k = 0; k < alone[i].StepScores.Count; k++) Assert.InRange(padded[i].StepScores[k] - alone[i].StepScores[k], -1e-6, 1e-6);
        }
    }

    [Fact]
    public void Unknown_input_or_output_names_fail_listing_the_models_names()
    {
        var (model, _, tokenizer) = Write();
        var options = Options(tokenizer, OnnxReadout.Sequence, 2) with { Onnx = new OnnxScorerOptions { TokenizerPath = tokenizer, OutputName = "score" } };
        var e = Assert.Throws<ScoringProtocolException>(() => new OnnxRewardScorer(model, options, IScoringTokenizer.Open(tokenizer, true)));
        Assert.Contains("no output 'score'", e.Message);
        Assert.Contains("token_logits", e.Message);
    }
}
