namespace BestOfN.Verifier.Scoring;

/// <summary>
/// A reward-model recipe: how an answer is turned into model input, where scores are read, and whether they score steps (a PRM) or
/// the outcome (an ORM). Each protocol is one type listed in <see cref="RewardProtocols"/>; everything else (the command line, the
/// stored scorer record, voting) asks it instead of testing its name.
/// </summary>
public interface IRewardProtocol
{
    /// <summary>The name users type and the store records, e.g. in <c>--protocol</c>.</summary>
    string Name { get; }

    /// <summary>One line for help text.</summary>
    string Description { get; }

    /// <summary>True when the protocol scores every step (a PRM); false for one score per answer (an ORM).</summary>
    bool ScoresSteps(ScorerOptions options);

    /// <summary>The protocol's own checks of the options, every problem listed.</summary>
    IReadOnlyList<string> Validate(ScorerOptions options);

    /// <summary>
    /// Sets the protocol's entries of the scorer configuration, the JSON that identifies a scoring (a rerun with the same one resumes).
    /// The caller has put in every shared key, with null where a protocol does not use it.
    /// </summary>
    /// <param name="fileSha256">Hashes a file the protocol reads besides the model (a tokenizer).</param>
    void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256);

    /// <summary>True when the model is a server at a URL (the model "path" is the URL), not a file: it is neither hashed nor resolved as a path.</summary>
    bool IsRemote => false;

    /// <summary>What stands for the model's SHA-256 when <see cref="IsRemote"/>; null for a file, which is hashed.</summary>
    string? RemoteModelSha256(string url, ScorerOptions options) => null;

    /// <summary>Loads the reward model and returns a scorer that owns it.</summary>
    /// <exception cref="ScoringProtocolException">The model cannot be read this way (a verdict that is not one token, no template, a missing ONNX output).</exception>
    IRewardScorer Open(string modelPath, ScorerOptions options, int gpuLayers);
}
