using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline.Tests.Scoring;

/// <summary>
/// A protocol that exists only in the tests, to show what adding one takes: this file, and one line that registers it. It reads the
/// outcome as P(good) at the last token of plain <c>prompt + " " + answer</c>.
/// </summary>
public sealed class LastTokenOutcomeProtocol(string name) : LlamaRewardProtocol(name, "test only: P(good) at the answer's last token")
{
    public override bool ScoresSteps(ScorerOptions options) => false;

    public override void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256) =>
        config["read"] = "last token";

    public override IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options) => new Encoder(model, options, Name);

    private sealed class Encoder(LlamaModel model, ScorerOptions options, string name) : IVerdictEncoder
    {
        public LlamaToken Good { get; } = model.Tokenize(options.GoodToken, addSpecial: false, parseSpecial: false).Single();

        public LlamaToken Bad { get; } = model.Tokenize(options.BadToken, addSpecial: false, parseSpecial: false).Single();

        public EncodedAnswer Encode(string prompt, string answer)
        {
            var tokens = model.Tokenize(prompt + " " + answer, addSpecial: true, parseSpecial: false);
            return new EncodedAnswer(tokens, [tokens.Length - 1], ScoreStatus.Ok, 1, tokens.Length);
        }

        public IReadOnlyDictionary<string, object?> Manifest() => new Dictionary<string, object?> { ["protocol"] = name };
    }
}
