using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json.Nodes;
using BestOfN.Remote;

namespace BestOfN.Sampler.Tests.Server;

/// <summary>The pipeline against a loopback HttpListener that answers a scripted sequence.</summary>
public class ResilientHttpTests
{
    private static readonly ResilienceOptions Fast = new() { RetryBaseDelay = TimeSpan.FromMilliseconds(10), RetryMaxDelay = TimeSpan.FromSeconds(5), AttemptTimeout = TimeSpan.FromSeconds(1) };

    [Fact]
    public async Task A_429_is_retried_after_the_servers_Retry_After_not_the_backoff()
    {
        var arrivals = new List<TimeSpan>();
        var clock = Stopwatch.StartNew();
        using var server = Serve(i =>
        {
            arrivals.Add(clock.Elapsed);
            return i == 0 ? (429, "{}", "1") : (200, "{\"value\": 7}", null);
        });
        using var http = new ResilientHttp(server.Url, Fast);
        var value = await http.PostJsonAsync("x", new JsonObject(), root => root.GetProperty("value").GetInt32(), CancellationToken.None);
        Assert.Equal(7, value);
        Assert.Equal(2, arrivals.Count);
        Assert.True(arrivals[1] - arrivals[0] >= TimeSpan.FromMilliseconds(950), $"retried after {(arrivals[1] - arrivals[0]).TotalMilliseconds} ms, before the 1 s Retry-After");
        Assert.Equal(1, http.Counts.RetryCauses["429"]);
    }

    [Fact]
    public async Task A_body_that_is_not_the_expected_json_is_retried_and_a_400_is_not()
    {
        using var server = Serve(i => i switch
        {
            0 => (200, "{\"value\": ", null),
            1 => (200, "{\"other\": 1}", null),
            2 => (200, "{\"value\": 3}", null),
            _ => (400, "{\"error\": \"bad request\"}", null),
        });
        using var http = new ResilientHttp(server.Url, Fast);
        Assert.Equal(3, await http.PostJsonAsync("x", new JsonObject(), root => root.GetProperty("value").GetInt32(), CancellationToken.None));
        Assert.Equal(2, http.Counts.RetryCauses["invalid-body"]);
        var refused = await Assert.ThrowsAsync<ServerRejectedException>(() => http.PostJsonAsync("x", new JsonObject(), root => 0, CancellationToken.None));
        Assert.Contains("bad request", refused.Message);
        Assert.Equal(2, http.Counts.Retries);
    }

    private sealed class Scripted(HttpListener listener, Uri url) : IDisposable
    {
        public Uri Url { get; } = url;

        public void Dispose() => listener.Close();
    }

    private static Scripted Serve(Func<int, (int Status, string Body, string? RetryAfter)> answer)
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }
        var listener = new HttpListener();
        var url = new Uri($"http://127.0.0.1:{port}/");
        listener.Prefixes.Add(url.AbsoluteUri);
        listener.Start();
        _ = Task.Run(async () =>
        {
            for (var i = 0; listener.IsListening; i++)
            {
                HttpListenerContext context;
                try
                {
                    context = await listener.GetContextAsync();
                }
                catch (Exception)
                {
                    return;
                }
                var (status, body, retryAfter) = answer(i);
                var bytes = Encoding.UTF8.GetBytes(body);
                context.Response.StatusCode = status;
                if (retryAfter is not null) context.Response.AddHeader("Retry-After", retryAfter);
                context.Response.ContentLength64 = bytes.Length;
                await context.Response.OutputStream.WriteAsync(bytes);
                context.Response.Close();
            }
        });
        return new Scripted(listener, url);
    }
}
