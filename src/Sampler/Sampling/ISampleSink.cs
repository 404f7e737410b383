using BestOfN.Problems;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// Where a sampling run keeps its work. Two implementations: the SQLite run store (the default) and a JSONL file.
/// A sink writes each wave as one unit, so a crash loses at most the wave in flight, and tells a rerun what it has.
/// </summary>
public interface ISampleSink
{
    /// <summary>Sample indices already stored for a problem: a rerun draws only the others.</summary>
    IReadOnlySet<int> StoredIndices(string problemId);

    /// <summary>Records a problem and its rendered prompt, for audit; idempotent.</summary>
    void SaveProblem(Problem problem, PreparedPrompt prompt);

    /// <summary>Stores a wave atomically; samples already stored are left as they are, never duplicated.</summary>
    void SaveWave(Wave wave);
}
