using System.Net;
using System.Net.Sockets;
using System.Text.Json.Nodes;
using BestOfN.Pipeline.Nightly;

namespace BestOfN.Pipeline.Tests.Nightly;

public class NightlyNotifierTests
{
    /// <summary>A real HTTP endpoint on localhost that answers each POST with the next status code and keeps the bodies.</summary>
    private sealed class Webhook : IDisposable
    {
        private readonly HttpListener _listener = new();
        private readonly Task _serving;

        public Webhook(params HttpStatusCode[] answers)
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = new Uri($"http://127.0.0.1:{port}/hook/");
            _listener.Prefixes.Add(Url.ToString());
            _listener.Start();
            _serving = Task.Run(async () =>
            {
                foreach (var answer in answers)
                {
                    var context = await _listener.GetContextAsync();
                    using var reader = new StreamReader(context.Request.InputStream);
                    Bodies.Add(await reader.ReadToEndAsync());
                    context.Response.StatusCode = (int)answer;
                    context.Response.Close();
                }
            });
        }

        public Uri Url { get; }

        public List<string> Bodies { get; } = [];

        public void Dispose() => _listener.Close();
    }

    private static readonly NotifyOptions NoWait = new() { Delay = TimeSpan.Zero, MaxRetryAttempts = 2 };

    [Fact]
    public async Task A_webhook_that_fails_then_recovers_gets_the_summary_through_the_retry_pipeline()
    {
        using var hook = new Webhook(HttpStatusCode.ServiceUnavailable, HttpStatusCode.OK);

        var error = await NightlyNotifier.SendAsync(hook.Url, new JsonObject { ["processed"] = 2 }, NightlyNotifier.Pipeline(NoWait, TimeProvider.System), CancellationToken.None);

        Assert.Null(error);
        Assert.Equal(["""{"processed":2}""", """{"processed":2}"""], hook.Bodies);
    }

    [Fact]
    public async Task A_webhook_that_stays_down_is_reported_after_every_retry_not_thrown()
    {
        using var hook = new Webhook(HttpStatusCode.BadGateway, HttpStatusCode.BadGateway, HttpStatusCode.BadGateway);

        var error = await NightlyNotifier.SendAsync(hook.Url, new JsonObject(), NightlyNotifier.Pipeline(NoWait, TimeProvider.System), CancellationToken.None);

        Assert.Equal($"notify.url {hook.Url} answered 502 Bad Gateway", error);
        Assert.Equal(3, hook.Bodies.Count);
    }
}
