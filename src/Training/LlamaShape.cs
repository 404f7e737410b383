namespace BestOfN.Training;

/// <summary>
/// The shape of a small llama-architecture model as llama.cpp's LLAMA graph runs it: RMSNorm, RoPE (adjacent pairs, "norm" mode),
/// causal multi-head attention (as many key/value heads as query heads), SwiGLU, untied output matrix.
/// </summary>
public sealed record LlamaShape(int Vocab, int Dim, int Layers, int Heads, int FeedForward)
{
    public float RopeBase { get; init; } = 10000f;

    public float NormEpsilon { get; init; } = 1e-5f;

    public int HeadDim => Dim / Heads;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (Vocab < 2 || Dim < 2 || Layers < 1 || Heads < 1 || FeedForward < 1) errors.Add("vocab, dim, layers, heads and feed-forward size must be positive.");
        if (Heads > 0 && (Dim % Heads != 0 || HeadDim % 2 != 0)) errors.Add($"dim {Dim} must split into {Heads} heads of an even size.");
        return errors;
    }
}
