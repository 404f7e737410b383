using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>Math-Shepherd's PRM: <c>prompt + " " + answer</c> with a step tag after each step, read at every tag.</summary>
public sealed class MathShepherdProtocol(string name, string description) : LlamaRewardProtocol(name, description)
{
    public override bool ScoresSteps(ScorerOptions options) => true;

    public override void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256) =>
        config["step_tag"] = options.StepTag;

    public override IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options) => new StepTagEncoder(model, options, Name);
}
