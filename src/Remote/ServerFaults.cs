using System.Net;

namespace BestOfN.Remote;

/// <summary>A response worth another attempt: 408, 429 or 5xx. <see cref="RetryAfter"/> is the server's Retry-After, when it gave one.</summary>
public sealed class TransientServerException(HttpStatusCode status, TimeSpan? retryAfter, string detail)
    : Exception($"{(int)status} {status}{(detail.Length > 0 ? $": {detail}" : "")}")
{
    public HttpStatusCode Status { get; } = status;

    public TimeSpan? RetryAfter { get; } = retryAfter;
}

/// <summary>A 2xx response whose body was cut off or is not what the endpoint returns; never used half, always retried.</summary>
public sealed class InvalidResponseException(string message, Exception? inner = null) : Exception(message, inner);

/// <summary>A request the server refused for good (400, 401, 404, …): retrying it would fail the same way.</summary>
public sealed class ServerRejectedException(HttpStatusCode status, string url, string detail)
    : Exception($"{url} answered {(int)status} {status}{(detail.Length > 0 ? $": {detail}" : "")}")
{
    public HttpStatusCode Status { get; } = status;
}
