using BestOfN.Llama;

namespace BestOfN.Verifier.Scoring;

/// <summary>A protocol for a generative reward model run by llama.cpp: P(good) over {good, bad} at positions its encoder chooses.</summary>
public abstract class LlamaRewardProtocol(string name, string description) : IRewardProtocol
{
    public string Name => name;

    public string Description => description;

    public abstract bool ScoresSteps(ScorerOptions options);

    public virtual IReadOnlyList<string> Validate(ScorerOptions options) => [];

    public abstract void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256);

    /// <summary>The encoder for a loaded model: token ids, the sequence to decode and its read positions.</summary>
    /// <exception cref="ScoringProtocolException">The model's vocabulary or template cannot express the protocol.</exception>
    public abstract IVerdictEncoder CreateEncoder(LlamaModel model, ScorerOptions options);

    public IRewardScorer Open(string modelPath, ScorerOptions options, int gpuLayers)
    {
        var model = LlamaModel.Load(modelPath, new LlamaModelOptions { GpuLayers = gpuLayers });
        try
        {
            return new LlamaRewardScorer(model, options, ownsModel: true);
        }
        catch
        {
            model.Dispose();
            throw;
        }
    }

    public override string ToString() => Name;
}
