namespace BestOfN.Voting.Samples;

/// <summary>All samples drawn for one problem, with the problem's fields (level, subject, ...) for breakdowns.</summary>
public sealed record ProblemSamples(string ProblemId, IReadOnlyDictionary<string, string> Fields, IReadOnlyList<VoteSample> Samples);
