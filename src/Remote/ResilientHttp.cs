using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Threading.RateLimiting;
using Polly;
using Polly.CircuitBreaker;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace BestOfN.Remote;

/// <summary>
/// JSON over HTTP to one server, every request through one Polly pipeline (<see cref="ResilienceOptions"/>). A call's result is
/// read inside the pipeline, whole body included, so a response cut off mid-body or not parseable is retried like a 5xx, never
/// returned half. Loopback and cluster-internal servers only: the project makes no calls to the internet.
/// </summary>
public sealed class ResilientHttp : IDisposable
{
    private readonly HttpClient _http;
    private readonly ResiliencePipeline _pipeline;
    private readonly ConcurrentDictionary<string, long> _retryCauses = new(StringComparer.Ordinal);
    private long _attempts, _retries, _timeouts, _breakerOpenings;

    public ResilientHttp(Uri baseAddress, ResilienceOptions options, string? apiKey = null, TimeProvider? timeProvider = null)
    {
        var errors = options.Validate();
        if (errors.Count > 0) throw new ArgumentException("Invalid resilience options:\n  " + string.Join("\n  ", errors));
        BaseAddress = baseAddress.AbsoluteUri.EndsWith('/') ? baseAddress : new Uri(baseAddress.AbsoluteUri + "/");
        // The per-attempt timeout is Polly's; HttpClient's own would fire outside the pipeline, unretried.
        _http = new HttpClient(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromMinutes(2), ConnectTimeout = TimeSpan.FromSeconds(30) })
        {
            BaseAddress = BaseAddress,
            Timeout = Timeout.InfiniteTimeSpan,
        };
        if (!string.IsNullOrEmpty(apiKey)) _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", apiKey);
        _pipeline = Build(options, timeProvider ?? TimeProvider.System);
    }

    public Uri BaseAddress { get; }

    public ResilienceCounts Counts => new(Interlocked.Read(ref _attempts), Interlocked.Read(ref _retries), Interlocked.Read(ref _timeouts),
        Interlocked.Read(ref _breakerOpenings), new SortedDictionary<string, long>(_retryCauses, StringComparer.Ordinal));

    /// <summary>POSTs <paramref name="body"/> to <paramref name="path"/> (relative to the base address) and reads the JSON answer.</summary>
    /// <param name="read">Reads the fields the caller needs; any exception it throws marks the body invalid, and the request is retried.</param>
    /// <exception cref="ServerRejectedException">A 4xx other than 408 and 429.</exception>
    public Task<T> PostJsonAsync<T>(string path, JsonNode body, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json") }, read, cancellationToken);

    public Task<T> GetJsonAsync<T>(string path, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        SendAsync(() => new HttpRequestMessage(HttpMethod.Get, path), read, cancellationToken);

    private async Task<T> SendAsync<T>(Func<HttpRequestMessage> request, Func<JsonElement, T> read, CancellationToken cancellationToken) =>
        await _pipeline.ExecuteAsync(async token =>
        {
            Interlocked.Increment(ref _attempts);
            using var message = request();
            using var response = await _http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead, token);
            var text = await response.Content.ReadAsStringAsync(token); // throws on a body shorter than its Content-Length
            var url = new Uri(BaseAddress, message.RequestUri!).AbsoluteUri;
            if (response.StatusCode is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)response.StatusCode >= 500)
                throw new TransientServerException(response.StatusCode, RetryAfter(response), Excerpt(text));
            if (!response.IsSuccessStatusCode) throw new ServerRejectedException(response.StatusCode, url, Excerpt(text));
            try
            {
                using var json = JsonDocument.Parse(text);
                return read(json.RootElement);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                throw new InvalidResponseException($"{url} returned a body that is cut off or not the expected JSON ({e.Message})", e);
            }
        }, cancellationToken);

    private ResiliencePipeline Build(ResilienceOptions o, TimeProvider timeProvider)
    {
        var transient = new PredicateBuilder()
            .Handle<HttpRequestException>().Handle<IOException>().Handle<TimeoutRejectedException>()
            .Handle<TransientServerException>().Handle<InvalidResponseException>();
        return new ResiliencePipelineBuilder { TimeProvider = timeProvider }
            .AddConcurrencyLimiter(new ConcurrencyLimiterOptions { PermitLimit = o.MaxConcurrency, QueueLimit = int.MaxValue })
            .AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>().Handle<IOException>().Handle<TimeoutRejectedException>()
                    .Handle<TransientServerException>().Handle<InvalidResponseException>().Handle<BrokenCircuitException>(),
                MaxRetryAttempts = o.MaxRetries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = o.RetryBaseDelay,
                MaxDelay = o.RetryMaxDelay,
                // A server that says when to come back (429/503 Retry-After) or an open breaker's remaining break beats our own guess.
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    TransientServerException { RetryAfter: { } after } => Min(after, o.RetryMaxDelay),
                    // A half-open breaker refuses with no time left to wait: back off as usual then, instead of spinning.
                    BrokenCircuitException open => Min(Max(open.RetryAfter ?? TimeSpan.Zero, Backoff(o, args.AttemptNumber)), o.RetryMaxDelay),
                    _ => (TimeSpan?)null,
                }),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    _retryCauses.AddOrUpdate(Cause(args.Outcome.Exception), 1, (_, n) => n + 1);
                    return default;
                },
            })
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                ShouldHandle = transient,
                FailureRatio = o.BreakerFailureRatio,
                MinimumThroughput = o.BreakerMinimumThroughput,
                SamplingDuration = o.BreakerSamplingDuration,
                BreakDuration = o.BreakerBreakDuration,
                OnOpened = _ =>
                {
                    Interlocked.Increment(ref _breakerOpenings);
                    return default;
                },
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                Timeout = o.AttemptTimeout,
                OnTimeout = _ =>
                {
                    Interlocked.Increment(ref _timeouts);
                    return default;
                },
            })
            .Build();
    }

    private static TimeSpan Min(TimeSpan a, TimeSpan b) => a < b ? a : b;

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    // Exponential backoff with full jitter in [0.5, 1.5) of base * 2^attempt (Polly's own is used for every other fault).
    private static TimeSpan Backoff(ResilienceOptions o, int attempt) =>
        Min(o.RetryBaseDelay * Math.Pow(2, Math.Min(attempt, 30)) * (0.5 + Random.Shared.NextDouble()), o.RetryMaxDelay);

    private static string Cause(Exception? e) => e switch
    {
        TransientServerException { Status: HttpStatusCode.TooManyRequests } => "429",
        TransientServerException { Status: HttpStatusCode.RequestTimeout } => "408",
        TransientServerException => "5xx",
        TimeoutRejectedException => "timeout",
        BrokenCircuitException => "breaker-open",
        InvalidResponseException => "invalid-body",
        HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } => "cut-off",
        HttpRequestException { HttpRequestError: HttpRequestError.ResponseEnded } => "cut-off",
        HttpRequestException { InnerException: HttpIOException { HttpRequestError: HttpRequestError.ResponseEnded } } => "cut-off",
        _ => "connection",
    };

    private static TimeSpan? RetryAfter(HttpResponseMessage response) => response.Headers.RetryAfter switch
    {
        { Delta: { } delta } => delta,
        { Date: { } date } => date - DateTimeOffset.UtcNow is var wait && wait > TimeSpan.Zero ? wait : TimeSpan.Zero,
        _ => null,
    };

    private static string Excerpt(string body)
    {
        var line = body.ReplaceLineEndings(" ").Trim();
        return line.Length <= 300 ? line : line[..300] + "…";
    }

    public void Dispose() => _http.Dispose();
}
