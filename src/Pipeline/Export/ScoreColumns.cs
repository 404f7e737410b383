using System.Text.Json;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>
/// Adds reward scores to an export: <c>orm_score</c> and <c>prm_scores</c> (every step score, in order), as
/// <see cref="StoredScores"/> picks them. Samples without scores get neither field.
/// </summary>
public sealed class ScoreColumns(RunStore store) : IExportColumns
{
    private StoredScores? _scores;

    public IReadOnlyCollection<string> Names { get; } = ["orm_score", "prm_scores"];

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
