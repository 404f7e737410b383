namespace BestOfN.Voting.Samples;

/// <summary>All samples drawn for one problem, with the problem's fields (level, subject, ...) for breakdowns.</summary>
public sealed record ProblemSamples(string ProblemId, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<VoteSample> Samples)
{
    /// <summary>
    /// How many answer keys the caller split in two because their samples' labels disagree (shipped labels are noisy; voting needs
    /// one verdict per key). Voting only reports it: each report set lists its problems with a split key. The default value is 0.
    /// </summary>
    public int SplitAnswerKeys { get; init; }
}
