using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.TestSupport.Server;
using Xunit.Abstractions;

namespace BestOfN.Cli.Tests.Server;

/// <summary><c>sample --generator openai</c> against a real llama-server, through a proxy that fails about 30% of the requests.</summary>
public class ServerSamplingTests(ITestOutputHelper log)
{
    private const int Problems = 4, N = 4, MaxTokens = 12;

    // Small delays and timeouts keep the run short; a breaker that opens at a 20% failure ratio over 4 attempts is sure to open.
    private static readonly string[] Resilience =
    [
        "--max-concurrency", "4", "--request-timeout", "2", "--max-retries", "40", "--retry-delay", "0.02", "--retry-max-delay", "1.5",
        "--breaker-failure-ratio", "0.2", "--breaker-min-throughput", "4", "--breaker-window", "5", "--breaker-break", "0.5",
    ];

    [LlamaServerFact]
    public void Every_sample_arrives_once_and_whole_through_a_proxy_failing_30_percent_of_requests()
    {
        // One slot: the server decodes one request at a time, so a sample's text depends on its seed alone and can be drawn again to compare.
        using var server = LlamaServer.Start(CliRunner.TinyModel, "--alias", "tiny", "-np", "1", "-c", "512");
        using var proxy = new FaultProxy(server.Url, failureRate: 0.3, seed: 14, stall: TimeSpan.FromSeconds(4));
        var dir = CliRunner.TempDir();
        var store = Path.Combine(dir, "runs.db");
        var dataset = CliRunner.Gsm8kFile(Problems);
        string[] raw = ["sample", "--generator", "openai", "--base-url", new Uri(proxy.Url, "v1").AbsoluteUri, "--model-name", "tiny",
            "--dataset", $"gsm8k:{dataset}", "--store", store, "--n", N.ToString(CultureInfo.InvariantCulture),
            "--max-tokens", MaxTokens.ToString(CultureInfo.InvariantCulture), "--prompt", "raw", .. Resilience];
        string[] chat = [.. raw.Where((_, i) => i < raw.Length - Resilience.Length - 2), .. Resilience]; // the default chat prompt

        foreach (var command in new[] { raw, chat })
        {
            var result = CliRunner.Run(command);
            log.WriteLine(result.Output);
            Assert.True(result.ExitCode == 0, $"exit {result.ExitCode}\n{result.Output}\n{result.Error}\nserver:\n{server.Output}");
            Assert.Contains($"{Problems * N} samples drawn", result.Output);
            var counts = Regex.Match(result.Output, @"resilience: (\d+) retries.*, (\d+) timeouts, (\d+) circuit-breaker openings");
            Assert.True(counts.Success, result.Output);
            Assert.All(new[] { 1, 2, 3 }, g => Assert.True(int.Parse(counts.Groups[g].Value, CultureInfo.InvariantCulture) > 0, $"{counts.Value}\n{result.Output}"));

            var again = CliRunner.Run(command);
            Assert.Equal(0, again.ExitCode);
            Assert.Contains($"0 samples drawn, {Problems * N} already stored", again.Output);
        }
        log.WriteLine($"proxy: {proxy.Requests} requests, {proxy.Forwarded} forwarded whole, injected {string.Join(", ", proxy.Injected)}");
        Assert.All(proxy.Injected, f => Assert.True(f.Value > 0, $"the proxy never injected {f.Key}: {string.Join(", ", proxy.Injected)}"));
        var failed = proxy.Injected.Values.Sum() / (double)proxy.Requests;
        Assert.InRange(failed, 0.1, 0.5);

        using var runs = RunStore.OpenReadOnly(store);
        Assert.Equal(2, runs.Runs().Count);
        using var direct = new HttpClient { BaseAddress = new Uri(server.Url, "v1/") };
        foreach (var run in runs.Runs())
        {
            var samples = runs.Samples(run.RunId).ToList();
            var problems = runs.Problems(run.RunId);
            Assert.Equal(Problems * N, samples.Count);
            Assert.Equal(Problems * N, samples.Select(s => (s.ProblemId, s.Index)).Distinct().Count());
            Assert.All(problems, p => Assert.Equal(Enumerable.Range(0, N), samples.Where(s => s.ProblemId == p.ProblemId).Select(s => s.Index).Order()));
            Assert.All(samples, s => Assert.Equal(SampleSeed.Derive(1, s.ProblemId, s.Index), (uint)s.Seed));
            Assert.Contains("\"server_model\":\"tiny\"", run.ConfigJson);
            Assert.Contains("build_info", run.ConfigJson);
            // None half-stored: each stored sample is exactly what the server draws for its seed, token count included.
            var chatRun = !run.ConfigJson.Contains("\"prompt_format\":\"raw\"", StringComparison.Ordinal);
            foreach (var s in samples.Where(s => s.Index < 2))
            {
                var question = problems.Single(p => p.ProblemId == s.ProblemId).Question;
                var (text, tokens) = Draw(direct, chatRun, question, s.Seed);
                Assert.Equal(text, s.Text);
                Assert.Equal(tokens, s.TokenCount);
            }
            Assert.NotEqual(samples[0].Text, samples[1].Text); // the seeds differ, so do the samples
        }
    }

    private static (string Text, int Tokens) Draw(HttpClient http, bool chat, string question, long seed)
    {
        object body = chat
            ? new { model = "tiny", n = 1, seed, temperature = SamplerDefaults.Temperature, top_p = 1.0, max_tokens = MaxTokens, stream = false, messages = new[] { new { role = "user", content = question } } }
            : new { model = "tiny", n = 1, seed, temperature = SamplerDefaults.Temperature, top_p = 1.0, max_tokens = MaxTokens, stream = false, prompt = question };
        using var response = http.PostAsJsonAsync(chat ? "chat/completions" : "completions", body).GetAwaiter().GetResult();
        response.EnsureSuccessStatusCode();
        using var json = JsonDocument.Parse(response.Content.ReadAsStringAsync().GetAwaiter().GetResult());
        var choice = json.RootElement.GetProperty("choices")[0];
        var text = chat ? choice.GetProperty("message").GetProperty("content").GetString()! : choice.GetProperty("text").GetString()!;
        return (text, json.RootElement.GetProperty("usage").GetProperty("completion_tokens").GetInt32());
    }
}
