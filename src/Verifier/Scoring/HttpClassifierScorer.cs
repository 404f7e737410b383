using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using BestOfN.Remote;

namespace BestOfN.Verifier.Scoring;

/// <summary>
/// Scores answers with a reward model behind an HTTP endpoint (<see cref="HttpClassifierOptions"/>), one outcome score per answer. Each
/// request carries up to <see cref="ScorerOptions.Batch"/> texts and goes through the same Polly pipeline as the server generator; a
/// problem's batches are sent at once (up to --max-concurrency in flight) and handed back in order, each whole.
/// </summary>
public sealed class HttpClassifierScorer : IRewardScorer
{
    private readonly ScorerOptions _options;
    private readonly ResilientHttp _http;
    private readonly string _path;
    private readonly string _url;
    private long _tokens;

    public HttpClassifierScorer(string url, ScorerOptions options, string? apiKey)
    {
        options.ThrowIfInvalid();
        _options = options;
        _url = url;
        var endpoint = new Uri(url);
        _path = endpoint.Segments[^1] + endpoint.Query;
        _http = new ResilientHttp(new Uri(endpoint, "."), options.Resilience, apiKey);
    }

    public IReadOnlyDictionary<string, object?> Manifest => new SortedDictionary<string, object?>
    {
        ["protocol"] = _options.Protocol.Name,
        ["runtime"] = "http",
        ["url"] = _url,
        ["input"] = "prompt + \" \" + answer",
        ["request"] = $"POST {{{(_options.Http.ModelName is null ? "" : $"\"{_options.Http.ModelField}\": \"{_options.Http.ModelName}\", ")}\"{_options.Http.InputField}\": [text, …]}}",
        ["score"] = $"{_options.Http.ResultsField}[i].{_options.Http.ValuesField} (a number, or entry {_options.Http.ValueIndex} of a list)",
    };

    /// <summary>Tokens the server reports it read (its <c>usage.prompt_tokens</c>), 0 when it does not say.</summary>
    public long TokensScored => Interlocked.Read(ref _tokens);

    public long PrefixTokensPrefilled => 0;

    /// <summary>What the retry, timeout and circuit breaker did so far.</summary>
    public ResilienceCounts Resilience => _http.Counts;

    public string? InputText(string prompt, string answer) => Input(prompt, answer);

    private static string Input(string prompt, string answer) => prompt + " " + answer;

    public IEnumerable<IReadOnlyList<SampleScore>> Score(ScoringProblem problem, CancellationToken cancellationToken = default)
    {
        var batches = problem.Answers.Chunk(_options.Batch).Select(batch => (Answers: batch, Clock: Stopwatch.StartNew(),
            Task: Request(batch.Select(a => Input(problem.Prompt, a.Text)).ToList(), cancellationToken))).ToList();
        foreach (var (answers, clock, task) in batches)
        {
            var (scores, tokens) = task.GetAwaiter().GetResult();
            Interlocked.Add(ref _tokens, tokens);
            var ms = clock.Elapsed.TotalMilliseconds / answers.Length;
            yield return [.. answers.Select((a, i) => new SampleScore(problem.ProblemId, a.Index, ScoreStatus.Ok, [], scores[i], [], 1, 0, ms))];
        }
    }

    private Task<(double[] Scores, long Tokens)> Request(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        var o = _options.Http;
        var body = new JsonObject { [o.InputField] = new JsonArray([.. texts.Select(t => JsonValue.Create(t))]) };
        if (o.ModelName is { } model) body[o.ModelField] = model;
        return _http.PostJsonAsync(_path, body, root =>
        {
            var results = root.GetProperty(o.ResultsField);
            if (results.GetArrayLength() != texts.Count) throw new InvalidDataException($"{o.ResultsField} has {results.GetArrayLength()} results for {texts.Count} inputs");
            var scores = new double[texts.Count];
            var position = 0;
            foreach (var r in results.EnumerateArray())
            {
                // Results carry their input's "index" (vLLM, llama-server, OpenAI's embeddings); llama-server lists them as they finish.
                var i = r.TryGetProperty("index", out var index) && index.ValueKind == JsonValueKind.Number ? index.GetInt32() : position;
                position++;
                scores[i] = r.GetProperty(o.ValuesField) switch
                {
                    { ValueKind: JsonValueKind.Number } number => number.GetDouble(),
                    { ValueKind: JsonValueKind.Array } list when list.GetArrayLength() > o.ValueIndex => list[o.ValueIndex].GetDouble(),
                    var other => throw new InvalidDataException($"{o.ValuesField} is {other.ValueKind} without an entry {o.ValueIndex}"),
                };
            }
            var tokens = root.TryGetProperty("usage", out var usage) && usage.TryGetProperty("prompt_tokens", out var p) && p.ValueKind == JsonValueKind.Number ? p.GetInt64() : 0;
            return (scores, tokens);
        }, cancellationToken);
    }

    public void Dispose() => _http.Dispose();
}
