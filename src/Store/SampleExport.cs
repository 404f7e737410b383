using System.Text.Json;

namespace BestOfN.Store;

/// <summary>Extra per-sample fields of an export, computed from the sample (grading) or stored beside it (reward scores).</summary>
public interface IExportColumns
{
    /// <summary>Called once per run before its samples.</summary>
    void BeginRun(RunInfo run);

    void Write(StoredProblem problem, StoredSample sample, Utf8JsonWriter json);
}

/// <summary>
/// Writes stored samples as JSONL with names a Python user knows: run_id, problem_id, sample_index, question, gold,
/// prompt, completion, seed, num_tokens, finish_reason, gen_ms, label, then the problem's own fields (level, subject, …).
/// </summary>
public static class SampleExport
{
    public static long Write(RunStore store, IEnumerable<RunInfo> runs, TextWriter writer, IReadOnlyList<IExportColumns>? columns = null)
    {
        var count = 0L;
        var buffer = new MemoryStream();
        columns ??= [];
        foreach (var run in runs)
        {
            foreach (var c in columns) c.BeginRun(run);
            var problems = store.Problems(run.RunId).ToDictionary(p => p.ProblemId);
            foreach (var s in store.Samples(run.RunId))
            {
                var p = problems[s.ProblemId];
                buffer.SetLength(0);
                using (var json = new Utf8JsonWriter(buffer))
                {
                    json.WriteStartObject();
                    json.WriteString("run_id", run.RunId);
                    json.WriteString("problem_id", s.ProblemId);
                    json.WriteNumber("sample_index", s.Index);
                    json.WriteString("question", p.Question);
                    json.WriteString("gold", p.Gold);
                    json.WriteString("prompt", p.Prompt);
                    json.WriteString("completion", s.Text);
                    json.WriteNumber("seed", s.Seed);
                    json.WriteNumber("num_tokens", s.TokenCount);
                    json.WriteString("finish_reason", s.FinishReason);
                    json.WriteNumber("gen_ms", Math.Round(s.Milliseconds, 3));
                    if (s.Label is { } label) json.WriteBoolean("label", label);
                    foreach (var c in columns) c.Write(p, s, json);
                    foreach (var (k, v) in p.Fields)
                        if (!Reserved.Contains(k)) json.WriteString(k, v);
                    json.WriteEndObject();
                }
                writer.WriteLine(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length));
                count++;
            }
        }
        return count;
    }

    private static readonly HashSet<string> Reserved =
        ["run_id", "problem_id", "sample_index", "question", "gold", "prompt", "completion", "seed", "num_tokens", "finish_reason", "gen_ms", "label", "answer", "correct", "orm_score", "prm_scores"];
}
