using System.Text.Json;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Store;

/// <summary>
/// Adds reward scores to an export: <c>orm_score</c> from the run's latest scorer that gives one score per answer, and
/// <c>prm_scores</c> (every step score, in order) from its latest step-scoring one. Samples without scores get neither field;
/// a sample the PRM could not score (no complete step, or truncated before its first step) gets an empty list.
/// </summary>
public sealed class ScoreColumns(RunStore store) : IExportColumns
{
    private Dictionary<(string, int), double> _orm = [];
    private Dictionary<(string, int), IReadOnlyList<double>> _prm = [];

    public void BeginRun(RunInfo run)
    {
        _orm = [];
        _prm = [];
        // Oldest first, so a later scorer's value replaces an earlier one's.
        foreach (var scorer in store.Scorers(run.RunId))
        {
            foreach (var s in store.Scores(run.RunId, scorer.ScorerId))
            {
                if (s.OrmScore is { } orm) _orm[(s.ProblemId, s.Index)] = orm;
                else if (ScoringNames.IsStepProtocolName(scorer.Protocol)) _prm[(s.ProblemId, s.Index)] = s.StepScores;
            }
        }
    }

    public void Write(StoredProblem problem, StoredSample sample, Utf8JsonWriter json)
    {
        var key = (sample.ProblemId, sample.Index);
        if (_orm.TryGetValue(key, out var orm)) json.WriteNumber("orm_score", orm);
        if (_prm.TryGetValue(key, out var steps))
        {
            json.WriteStartArray("prm_scores");
            foreach (var v in steps) json.WriteNumberValue(v);
            json.WriteEndArray();
        }
    }
}
