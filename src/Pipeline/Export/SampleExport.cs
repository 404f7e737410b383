using System.Text.Json;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;

namespace BestOfN.Pipeline;

/// <summary>Extra per-sample fields of an export, computed from the sample (grading) or stored beside it (reward scores).</summary>
public interface IExportColumns
{
    /// <summary>The fields this adds to a line; problem fields of the same names are left out.</summary>
    IReadOnlyCollection<string> Names { get; }

    /// <summary>Called once per run before its samples.</summary>
    void BeginRun(RunInfo run);

    void Write(StoredProblem problem, StoredSample sample, Utf8JsonWriter json);
}

/// <summary>Writes stored samples as JSONL in the <see cref="SampleLine"/> layout, plus any extra columns.</summary>
public static class SampleExport
{
    public static long Write(RunStore store, IEnumerable<RunInfo> runs, TextWriter writer, IReadOnlyList<IExportColumns>? columns = null)
    {
        var count = 0L;
        foreach (var line in Lines(store, runs, columns))
        {
            writer.WriteLine(System.Text.Encoding.UTF8.GetString(line.Span));
            count++;
        }
        return count;
    }

    /// <summary>Each sample's line as UTF-8 JSON, without the newline; a line's memory is reused for the next one.</summary>
    public static IEnumerable<ReadOnlyMemory<byte>> Lines(RunStore store, IEnumerable<RunInfo> runs, IReadOnlyList<IExportColumns>? columns = null)
    {
        var buffer = new MemoryStream();
        columns ??= [];
        var names = columns.SelectMany(c => c.Names).ToHashSet();
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
                    new SampleLine(run.RunId, s.ProblemId, s.Index, p.Question, p.Gold, p.Prompt, s.Text, s.Seed, s.TokenCount, s.FinishReason,
                        s.Milliseconds, s.Label, p.Fields).WriteTo(json, j => { foreach (var c in columns) c.Write(p, s, j); }, names);
                }

                yield return buffer.GetBuffer().AsMemory(0, (int)buffer.Length);
            }
        }
    }
}
