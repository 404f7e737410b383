using BestOfN.Llama;

namespace BestOfN.Sampler.Sampling;

public enum FinishReason { Eos, Stop, Length }

/// <summary>A problem's rendered prompt and its tokens, prefilled once and shared by all its samples.</summary>
public sealed record PreparedPrompt(string ProblemId, string Text, LlamaToken[] Tokens);

/// <summary>One finished sample.</summary>
/// <param name="Seed">The seed of this sample's sampler chain, derived from the run seed, problem id and index.</param>
/// <param name="TokenCount">Generated tokens, counting the end-of-generation token or the one that completed a stop string.</param>
/// <param name="StopString">The stop string that ended it, when <paramref name="FinishReason"/> is Stop.</param>
/// <param name="Milliseconds">Time from the start of its wave to its last token.</param>
public sealed record GeneratedSample(string ProblemId, int Index, uint Seed, string Text, int TokenCount,
    FinishReason FinishReason, string? StopString, double Milliseconds);

/// <summary>The samples decoded together in one wave, written to the store as one unit.</summary>
public sealed record Wave(string ProblemId, IReadOnlyList<GeneratedSample> Samples, int PromptTokens, TimeSpan Elapsed)
{
    public int GeneratedTokens => Samples.Sum(s => s.TokenCount);
}
