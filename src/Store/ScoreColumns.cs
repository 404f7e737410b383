using System.Text.Json;

namespace BestOfN.Store;

/// <summary>
/// Adds reward scores to an export: <c>orm_score</c> and <c>prm_scores</c> (every step score, in order), as
/// <see cref="StoredScores"/> picks them. Samples without scores get neither field.
/// </summary>
public sealed class ScoreColumns(RunStore store) : IExportColumns
{
    private StoredScores? _scores;

    public void BeginRun(RunInfo run) => _scores = StoredScores.Load(store, run.RunId);

    public void Write(StoredProblem problem, StoredSample sample, Utf8JsonWriter json)
    {
        if (_scores!.Orm(sample.ProblemId, sample.Index) is { } orm) json.WriteNumber("orm_score", orm);
        if (_scores.Prm(sample.ProblemId, sample.Index) is { } steps)
        {
            json.WriteStartArray("prm_scores");
            foreach (var v in steps) json.WriteNumberValue(v);
            json.WriteEndArray();
        }
    }
}
