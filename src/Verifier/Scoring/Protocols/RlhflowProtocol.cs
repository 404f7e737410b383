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

    public override void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256)
    {
        config["steps"] = options.Steps.Name();
        // Since issue 10 the recipe is the reference's: empty steps kept, messages stripped the Python way, the Llama 3.1 system turn with
        // the built-in llama3 template too. These keys give such scorings ids of their own (earlier ones dropped empty steps).
        config["empty_steps"] = options.EmptySteps.Name();
        config["strip"] = "python";
    }

    public override IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options) =>
        new ChatVerdictEncoder(model, options, Name, scoresSteps
            ? answer => StepSplitter.Split(answer, options.Steps, options.EmptySteps)
            : answer => [StepSplitter.ForOutcome(answer, options.Steps)]);
}
