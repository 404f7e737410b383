using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Tests;

internal static class Fixture
{
    public static string Path(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Fixtures", name);

    /// <summary>
    /// Two problems of four samples. p1 (level 1): answers 2 (correct, ORM 0.9 and 0.4) and 3 (wrong, ORM 0.6 and 0.5).
    /// p2 (level 2): answers 5 (wrong, ORM 0.8, 0.7), 7 (correct, ORM 0.3) and one sample with no answer (ORM 0.1).
    /// </summary>
    public static IReadOnlyList<ProblemSamples> TwoProblems() => SampleDumpReader.Read(Path("two_problems.jsonl"));

    public static VoteSample Sample(string key, bool correct, double? orm = null, params double[] prm) =>
        new(key, correct, orm, prm.Length == 0 ? null : prm);

    public static ProblemSamples Problem(string id, params VoteSample[] samples) =>
        new(id, new Dictionary<string, string>(), samples);
}
