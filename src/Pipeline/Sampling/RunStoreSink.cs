using BestOfN.Problems;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>Writes a sampling run into the SQLite run store.</summary>
public sealed class RunStoreSink(RunStore store, string runId, IReadOnlyList<Problem> problems) : ISampleSink
{
    private readonly Dictionary<string, int> _positions = problems.Select((p, i) => (p.Id, i)).ToDictionary(x => x.Id, x => x.i);

    public IReadOnlySet<int> StoredIndices(string problemId) => store.SampleIndices(runId, problemId);

    public void SaveProblem(Problem problem, PreparedPrompt prompt) =>
        store.SaveProblems([new StoredProblem(runId, problem.Id, _positions[problem.Id], problem.Question, problem.GoldAnswer, FieldsOf(problem), prompt.Text, prompt.Tokens.Length)]);

    /// <summary>The problem's fields, with its alternative golds (if any) kept as a JSON list for grading.</summary>
    public static IReadOnlyDictionary<string, string> FieldsOf(Problem problem) => problem.AlternativeGolds.Count == 0
        ? problem.Fields
        : new Dictionary<string, string>(problem.Fields) { [SampleGrading.AlternativeGoldsField] = System.Text.Json.JsonSerializer.Serialize(problem.AlternativeGolds) };

    public void SaveWave(Wave wave) =>
        store.SaveWave(wave.Samples.Select(s => new StoredSample(runId, s.ProblemId, s.Index, s.Seed, s.Text, s.TokenCount,
            s.FinishReason.ToString().ToLowerInvariant(), s.StopString, s.Milliseconds, Label: null)).ToList());
}
