using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class LlamaRewardScorerFailureTests
{
    /// <summary>Reads the last token like an outcome model, and refuses answers that hold "unreadable", as a template can refuse a turn.</summary>
    private sealed class RefusingProtocol() : LlamaRewardProtocol("refusing", "test only: refuses some answers")
    {
        public override bool ScoresSteps(ScorerOptions options) => false;

        public override void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256) { }

        public override IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options) => new Encoder(model, options);

        private sealed class Encoder(LlamaModel model, ScorerOptions options) : IVerdictEncoder
        {
            public LlamaToken Good { get; } = model.Tokenize(options.GoodToken, addSpecial: false, parseSpecial: false).Single();

            public LlamaToken Bad { get; } = model.Tokenize(options.BadToken, addSpecial: false, parseSpecial: false).Single();

            public EncodedAnswer Encode(string prompt, string answer)
            {
                if (answer.Contains("unreadable", StringComparison.Ordinal)) throw new ScoringProtocolException($"cannot read the answer '{answer}'");
                var tokens = model.Tokenize(prompt + " " + answer, addSpecial: true, parseSpecial: false);
                return new EncodedAnswer(tokens, [tokens.Length - 1], ScoreStatus.Ok, 1, tokens.Length);
            }

            public IReadOnlyDictionary<string, object?> Manifest() => new Dictionary<string, object?>();
        }
    }

    [Fact]
    public void An_encoder_failure_in_the_parallel_encode_surfaces_as_itself_not_as_an_aggregate_exception()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        using var scorer = new LlamaRewardScorer(model, new ScorerOptions { Protocol = new RefusingProtocol(), Threads = 2, ContextSize = 1024, MaxSequenceTokens = 512 });
        var problem = new ScoringProblem("p", "What is 2 + 2?", [new ScoringAnswer(0, "4"), new ScoringAnswer(1, "unreadable"), new ScoringAnswer(2, "5")]);

        var e = Assert.Throws<ScoringProtocolException>(() => scorer.Score(problem).ToList());

        Assert.Equal("cannot read the answer 'unreadable'", e.Message);
    }
}
