using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace BestOfN.Pipeline.Nightly;

/// <summary>How the webhook is retried: exponential backoff with jitter on transport errors, timeouts, 5xx and 429.</summary>
public sealed record NotifyOptions
{
    /// <summary>The default value is 4.</summary>
    public int MaxRetryAttempts { get; init; } = 4;

    /// <summary>The first retry's delay, doubled each time. The default value is 2 seconds.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Per attempt. The default value is 30 seconds.</summary>
    public TimeSpan AttemptTimeout { get; init; } = TimeSpan.FromSeconds(30);
}

/// <summary>Posts the nightly summary to <c>notify.url</c> through a Polly retry pipeline. A webhook that stays down never fails the nightly run.</summary>
public static class NightlyNotifier
{
    private static readonly HttpClient Http = new() { Timeout = Timeout.InfiniteTimeSpan }; // the pipeline times each attempt

    public static ResiliencePipeline<HttpResponseMessage> Pipeline(NotifyOptions options, TimeProvider clock) =>
        new ResiliencePipelineBuilder<HttpResponseMessage> { TimeProvider = clock }
            .AddRetry(new RetryStrategyOptions<HttpResponseMessage>
            {
                ShouldHandle = new PredicateBuilder<HttpResponseMessage>().Handle<HttpRequestException>().Handle<TimeoutRejectedException>()
                    .HandleResult(r => (int)r.StatusCode >= 500 || (int)r.StatusCode == 429),
                MaxRetryAttempts = options.MaxRetryAttempts,
                Delay = options.Delay,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
            })
            .AddTimeout(options.AttemptTimeout)
            .Build();

    /// <summary>The JSON the webhook receives: the config, this run's attempts with their metrics, regressions and what was given up.</summary>
    public static JsonObject Summary(NightlyResult result) => new()
    {
        ["config"] = result.Config.FilePath,
        ["processed"] = new JsonArray([.. result.Processed.Select(r => JsonNode.Parse(NightlyHistory.JsonLine(r)))]),
        ["regressions"] = new JsonArray([.. (result.Trend?.Rows ?? []).Where(r => r.Regression).Select(r => (JsonNode)new JsonObject
        {
            ["kind"] = r.Kind, ["metric"] = r.Metric, ["last"] = r.Last.Metric.Value, ["previous"] = r.Previous?.Metric.Value, ["item"] = r.Last.Item,
        })]),
        ["given_up"] = new JsonArray([.. result.GivenUp.Select(f => (JsonNode)f.Name)]),
        ["interrupted"] = result.Interrupted,
    };

    /// <summary>Posts <paramref name="summary"/>; returns null when the webhook took it, or why it did not after every retry.</summary>
    public static async Task<string?> SendAsync(Uri url, JsonObject summary, ResiliencePipeline<HttpResponseMessage> pipeline, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await pipeline.ExecuteAsync(async ct => await Http.PostAsJsonAsync(url, summary, ct), cancellationToken);
            return response.IsSuccessStatusCode ? null : $"notify.url {url} answered {(int)response.StatusCode} {response.ReasonPhrase}";
        }
        catch (Exception e) when (e is HttpRequestException or TimeoutRejectedException)
        {
            return $"notify.url {url}: {e.Message}";
        }
    }
}
