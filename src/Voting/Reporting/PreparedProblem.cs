using BestOfN.Voting.Metrics;
using BestOfN.Voting.Samples;

namespace BestOfN.Voting.Reporting;

/// <summary>One problem's samples as arrays, checked once, ready for every metric.</summary>
internal sealed class PreparedProblem
{
    private PreparedProblem(ProblemSamples problem, AnswerClusters clusters, bool[] correct, double[]? orm, double[]?[] prmRankingKeys, double[]? weights)
    {
        Source = problem;
        Clusters = clusters;
        Correct = correct;
        Orm = orm;
        PrmRankingKeys = prmRankingKeys;
        Weights = weights;
        CorrectCount = correct.Count(c => c);
        Seed = StableHash.Of(problem.ProblemId);
    }

    public ProblemSamples Source { get; }

    public int SampleCount => Correct.Length;

    public int CorrectCount { get; }

    public bool[] Correct { get; }

    public AnswerClusters Clusters { get; }

    public double[]? Orm { get; }

    /// <summary>Per <see cref="PrmAggregation"/> (by enum value), a key that ranks as the aggregated score does.</summary>
    public double[]?[] PrmRankingKeys { get; }

    /// <summary>Weighted-majority rewards per sample.</summary>
    public double[]? Weights { get; }

    /// <summary>Depends on the problem id only, so a problem's Monte Carlo stream does not move with input order.</summary>
    public long Seed { get; }

    /// <summary>Prepares a problem whose scores passed <see cref="ScoreRules"/>, adding to <paramref name="errors"/> instead of throwing.</summary>
    public static PreparedProblem? TryPrepare(ProblemSamples problem, bool hasOrm, bool hasPrm, RewardSource? weightBy, List<string> errors)
    {
        var samples = problem.Samples;
        var id = problem.ProblemId;
        if (samples.Count == 0)
        {
            errors.Add($"problem '{id}' has no samples");
            return null;
        }
        var before = errors.Count;
        var correct = new bool[samples.Count];
        var keys = new string[samples.Count];
        double[]? orm = hasOrm ? new double[samples.Count] : null;
        var prm = new double[]?[PrmAggregations.All.Count];
        if (hasPrm)
        {
            foreach (var a in PrmAggregations.All) prm[(int)a] = new double[samples.Count];
        }
        Span<double> keyScratch = stackalloc double[PrmAggregations.All.Count];
        for (var i = 0; i < samples.Count; i++)
        {
            var s = samples[i];
            correct[i] = s.Correct;
            keys[i] = s.AnswerKey ?? "";
            // Scores were checked with ScoreRules before (VotingReport drops a score kind that fails): here they are only read.
            if (orm is not null) orm[i] = s.OrmScore!.Value;
            if (hasPrm)
            {
                PrmAggregations.RankingKeys(s.PrmStepScores!, keyScratch);
                foreach (var a in PrmAggregations.All) prm[(int)a]![i] = keyScratch[(int)a];
            }
        }
        AnswerClusters? clusters = null;
        try
        {
            clusters = new AnswerClusters(keys, correct);
        }
        catch (ArgumentException e)
        {
            errors.Add($"problem '{id}': {e.Message}");
        }
        if (errors.Count > before || clusters is null)
        {
            return null;
        }
        double[]? weights = null;
        if (weightBy is { } source)
        {
            weights = source.Prm is { } aggregation
                ? hasPrm ? samples.Select(s => aggregation.Apply(s.PrmStepScores!)).ToArray() : null
                : orm;
        }
        return new PreparedProblem(problem, clusters, correct, orm, prm, weights);
    }
}
