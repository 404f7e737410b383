using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// RLHFlow's generative reward models (math-rm/prm_evaluate.py): the answer as chat turns rendered with the model's template, each user
/// turn answered by an assistant <c>+</c>, read at the position before that <c>+</c>. The PRM gives each step its own turn; the ORM puts
/// the whole answer in one turn and scores the outcome.
/// </summary>
public sealed class RlhflowProtocol(string name, bool scoresSteps, string description) : LlamaRewardProtocol(name, description)
{
    public override bool ScoresSteps(ScorerOptions options) => scoresSteps;

    public override void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256) =>
        config["steps"] = options.Steps.Name();

    public override IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options) =>
        new ChatVerdictEncoder(model, options, Name, scoresSteps
            ? answer => StepSplitter.Split(answer, options.Steps)
            : answer => [StepSplitter.ForOutcome(answer, options.Steps)]);
}
