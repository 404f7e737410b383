using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>
/// The reward scores of a run, one ORM score and one list of PRM step scores per sample: from the run's latest scorer
/// that gives one score per answer, and its latest step-scoring one (scorers are read oldest first, so a later
/// scorer's value replaces an earlier one's). A sample the PRM could not score (no complete step, or truncated before
/// its first step) has an empty step list.
/// </summary>
public sealed class StoredScores
{
    private readonly Dictionary<(string ProblemId, int Index), double> _orm = [];
    private readonly Dictionary<(string ProblemId, int Index), IReadOnlyList<double>> _prm = [];

    private StoredScores() { }

    public static StoredScores Load(RunStore store, string runId) => Load(store, runId, store.Scorers(runId));

    /// <summary>The scores of the given scorers only (a report row reads exactly one scorer's scores).</summary>
    public static StoredScores Load(RunStore store, string runId, IEnumerable<ScorerInfo> scorers)
    {
        var scores = new StoredScores();
        foreach (var scorer in scorers)
        {
            foreach (var s in store.Scores(runId, scorer.ScorerId))
            {
                if (s.OrmScore is { } orm) scores._orm[(s.ProblemId, s.Index)] = orm;
                else if (scorer.ScoresSteps) scores._prm[(s.ProblemId, s.Index)] = s.StepScores;
            }
        }
        return scores;
    }

    public bool HasOrm => _orm.Count > 0;

    public bool HasPrm => _prm.Count > 0;

    public double? Orm(string problemId, int index) => _orm.TryGetValue((problemId, index), out var v) ? v : null;

    public IReadOnlyList<double>? Prm(string problemId, int index) => _prm.TryGetValue((problemId, index), out var v) ? v : null;
}
