using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using BestOfN.Store;
using BestOfN.TestSupport.Server;
using Xunit.Abstractions;

namespace BestOfN.Cli.Tests.Server;

/// <summary>
/// <c>score --protocol http-classifier</c> against a real llama-server, through the fault proxy. The tiny test model has no classifier
/// head, so llama-server cannot run /v1/rerank (that needs a rank-pooling model with one); its /v1/embeddings has the very shape of
/// vLLM's /pooling and /classify — POST {model, input: [texts]} answered by {data: [{…values…}]} — so only the values field differs,
/// which is the option under test. The "score" is one embedding component: meaningless as a reward, exact as a wire check.
/// </summary>
public class HttpClassifierTests(ITestOutputHelper log)
{
    private const int ValueIndex = 3;

    [LlamaServerFact]
    public void Scores_every_answer_with_the_values_the_server_computes_through_a_failing_proxy()
    {
        var store = Path.Combine(CliRunner.TempDir(), "runs.db");
        var sampled = CliRunner.Run("sample", "--model", CliRunner.TinyModel, "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(3)}", "--store", store,
            "--n", "4", "--max-tokens", "8", "--prompt", "raw");
        Assert.True(sampled.ExitCode == 0, sampled.Error);

        // One slot: with two, this llama-server's mean-pooled embedding of a text changes with the batch it is sent in, and the
        // scores could not be checked against the text sent alone.
        using var server = LlamaServer.Start(CliRunner.TinyModel, "--alias", "tiny", "--embeddings", "--pooling", "mean", "-np", "1", "-c", "1024");
        using var proxy = new FaultProxy(server.Url, failureRate: 0.3, seed: 5, stall: TimeSpan.FromSeconds(4));
        string[] score = ["score", "--store", store, "--protocol", "http-classifier", "--url", new Uri(proxy.Url, "v1/embeddings").AbsoluteUri,
            "--classifier-model", "tiny", "--values-field", "embedding", "--value-index", ValueIndex.ToString(CultureInfo.InvariantCulture), "--batch", "3",
            "--max-concurrency", "2", "--request-timeout", "2", "--max-retries", "40", "--retry-delay", "0.02", "--retry-max-delay", "1.5",
            "--breaker-min-throughput", "4", "--breaker-window", "1", "--breaker-break", "0.5"];
        var result = CliRunner.Run(score);
        log.WriteLine(result.Output);
        log.WriteLine($"proxy: {proxy.Requests} requests, {proxy.Forwarded} forwarded whole, injected {string.Join(", ", proxy.Injected)}");
        Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Output}\n{result.Error}\nserver:\n{server.Output}");
        Assert.Contains("12 answers scored", result.Output);
        Assert.Matches(@"resilience: [1-9]\d* retries", result.Output);
        Assert.True(proxy.Injected.Values.Sum() > 0);

        using var runs = RunStore.OpenReadOnly(store);
        var run = runs.Runs().Single();
        var scorer = runs.Scorers(run.RunId).Single();
        Assert.Equal("http-classifier", scorer.Protocol);
        Assert.False(scorer.ScoresSteps);
        var questions = runs.Problems(run.RunId).ToDictionary(p => p.ProblemId, p => p.Question);
        var texts = runs.Samples(run.RunId).ToDictionary(s => (s.ProblemId, s.Index), s => s.Text);
        var scores = runs.Scores(run.RunId, scorer.ScorerId).ToList();
        Assert.Equal(12, scores.Count);
        using var direct = new HttpClient { BaseAddress = new Uri(server.Url, "v1/") };
        foreach (var s in scores)
        {
            var expected = Embedding(direct, questions[s.ProblemId] + " " + texts[(s.ProblemId, s.Index)])[ValueIndex];
            Assert.Equal(expected, s.OrmScore!.Value, 5);
        }
        Assert.True(scores.Select(s => s.OrmScore).Distinct().Count() > 1, "every answer got the same score");

        var again = CliRunner.Run(score);
        Assert.Equal(0, again.ExitCode);
        Assert.Contains("0 answers scored, 12 already stored", again.Output);
    }

    private static double[] Embedding(HttpClient http, string text)
    {
        using var response = http.PostAsJsonAsync("embeddings", new { model = "tiny", input = new[] { text } }).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        return [.. json.RootElement.GetProperty("data")[0].GetProperty("embedding").EnumerateArray().Select(v => v.GetDouble())];
    }
}
