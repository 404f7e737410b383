using System.Text;
using System.Text.Json;
using BestOfN.Problems;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// Writes samples straight to a JSONL file, one line per sample, flushed to disk after each wave. On open it reads
/// what the file holds to resume, and drops a last line left half-written by a crash.
/// </summary>
public sealed class JsonlSampleSink : ISampleSink, IDisposable
{
    private readonly Dictionary<string, HashSet<int>> _stored = [];
    private readonly Dictionary<string, (Problem Problem, PreparedPrompt Prompt)> _problems = [];
    private readonly FileStream _file;
    private readonly string _runId;

    public JsonlSampleSink(string path, string runId)
    {
        _runId = runId;
        Path = path;
        _file = new FileStream(path, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.Read);
        var keep = ReadExisting();
        _file.SetLength(keep);
        _file.Seek(keep, SeekOrigin.Begin);
    }

    public string Path { get; }

    /// <summary>How every line this sink writes begins.</summary>
    private static ReadOnlySpan<byte> TornLinePrefix => "{\"run_id\":"u8;

    public IReadOnlySet<int> StoredIndices(string problemId) => _stored.TryGetValue(problemId, out var set) ? set : new HashSet<int>();

    public void SaveProblem(Problem problem, PreparedPrompt prompt) => _problems[problem.Id] = (problem, prompt);

    public void SaveWave(Wave wave)
    {
        var (problem, prompt) = _problems[wave.ProblemId];
        var set = _stored.TryGetValue(wave.ProblemId, out var s) ? s : _stored[wave.ProblemId] = [];
        using var buffer = new MemoryStream();
        foreach (var sample in wave.Samples)
        {
            if (!set.Add(sample.Index)) continue;
            using (var json = new Utf8JsonWriter(buffer))
            {
                new SampleLine(_runId, sample.ProblemId, sample.Index, problem.Question, problem.GoldAnswer, prompt.Text, sample.Text, sample.Seed,
                    sample.TokenCount, sample.FinishReason.ToString().ToLowerInvariant(), sample.Milliseconds, null, problem.Fields).WriteTo(json);
            }

            buffer.WriteByte((byte)'\n');
        }
        // One write and one flush per wave: a crash leaves whole waves plus at most one torn line, dropped on reopen.
        _file.Write(buffer.GetBuffer(), 0, (int)buffer.Length);
        _file.Flush(flushToDisk: true);
    }

    /// <summary>Reads stored (problem, index) pairs and returns the length of the file's whole lines.</summary>
    private long ReadExisting()
    {
        _file.Seek(0, SeekOrigin.Begin);
        long complete = 0, position = 0;
        var line = new List<byte>();
        var lineNo = 0;
        int b;
        while ((b = _file.ReadByte()) >= 0)
        {
            position++;
            if (b != '\n') { line.Add((byte)b); continue; }
            lineNo++;
            if (line.Count > 0)
            {
                try
                {
                    using var doc = JsonDocument.Parse(line.ToArray());
                    var root = doc.RootElement;
                    var runId = root.GetProperty("run_id").GetString();
                    if (runId != _runId)
                        throw new DatasetException(Path, lineNo, "run_id", $"holds run '{runId}', not '{_runId}': write each run to its own file");
                    var problemId = root.GetProperty("problem_id").GetString()!;
                    var set = _stored.TryGetValue(problemId, out var s) ? s : _stored[problemId] = [];
                    set.Add(root.GetProperty("sample_index").GetInt32());
                }
                catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
                {
                    throw new DatasetException(Path, lineNo, null, $"not a sample line this sink wrote: {e.Message}");
                }
            }
            line.Clear();
            complete = position;
        }
        // A tail without its newline is a line this sink was writing when the process died, dropped on reopen; anything else means
        // the file is not ours, and it is left as it is.
        if (line.Count > 0 && !line.ToArray().AsSpan().StartsWith(TornLinePrefix))
            throw new DatasetException(Path, lineNo + 1, null, "is not a sample line this sink wrote (and the file does not end with a newline); write samples to a new file");
        return complete;
    }

    public void Dispose() => _file.Dispose();
}
