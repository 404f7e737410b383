namespace BestOfN.Verifier.Scoring;

/// <summary>
/// The reward protocols, in one table. Adding a protocol is one new <see cref="IRewardProtocol"/> type and one line here; the
/// command line's help and validation, the stored scorer record and voting all read this table.
/// </summary>
public static class RewardProtocols
{
    public static readonly IRewardProtocol RlhflowPrm = new RlhflowProtocol("rlhflow-prm", scoresSteps: true,
        "RLHFlow generative PRM (Llama3.1-8B-PRM-*-Data): one chat turn per step, P('+') after each assistant header");

    public static readonly IRewardProtocol RlhflowOrm = new RlhflowProtocol("rlhflow-orm", scoresSteps: false,
        "RLHFlow generative ORM: one user turn with the whole answer, P('+') after the assistant header");

    public static readonly IRewardProtocol MathShepherd = new MathShepherdProtocol("math-shepherd",
        "Math-Shepherd PRM: plain text with a step tag (ки) after each step, P(' +') over {' +', ' -'} at every tag");

    public static readonly IRewardProtocol Onnx = new OnnxProtocol("onnx",
        "a classifier-head reward model in ONNX, run by ONNX Runtime (CUDA when present)");

    public static readonly IRewardProtocol HttpClassifier = new HttpClassifierProtocol("http-classifier",
        "a reward model behind an HTTP endpoint (vLLM /classify or /pooling): POST {model, input: [text]} -> {data: [{probs: [...]}]}, field names configurable");

    /// <summary>Every built-in protocol, in the order help text lists them.</summary>
    public static readonly RewardProtocolRegistry Default = new([RlhflowPrm, RlhflowOrm, MathShepherd, Onnx, HttpClassifier]);
}

/// <summary>A set of protocols looked up by name. Tests build their own with extra protocols; the application uses <see cref="RewardProtocols.Default"/>.</summary>
public sealed class RewardProtocolRegistry(IReadOnlyList<IRewardProtocol> protocols)
{
    public IReadOnlyList<IRewardProtocol> All { get; } = protocols;

    /// <summary>The names, comma-separated, for help text and error messages.</summary>
    public string Names => string.Join(", ", All.Select(p => p.Name));

    public IRewardProtocol? Find(string name) => All.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The protocol with this name, or an error listing the names there are.</summary>
    public IRewardProtocol Get(string name) => Find(name) ?? throw new ArgumentException($"Unknown reward protocol '{name}'; protocols: {Names}.");

    public RewardProtocolRegistry With(IRewardProtocol protocol) => new([.. All, protocol]);
}
