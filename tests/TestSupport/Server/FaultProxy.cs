using System.Net;
using System.Net.Sockets;

namespace BestOfN.TestSupport.Server;

/// <summary>The faults <see cref="FaultProxy"/> injects.</summary>
public enum Fault { ConnectionReset, ServerError, TooManyRequests, Stall, TruncatedBody }

/// <summary>
/// An HTTP proxy on loopback that forwards to a real server and fails a share of the requests, deterministically for a seed: it resets
/// the connection, answers 500, answers 429 with Retry-After, stalls past the client's timeout, or sends the real body cut off before
/// its Content-Length. It counts what it did, so a test can check every fault was met.
/// </summary>
public sealed class FaultProxy : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly HttpClient _upstream = new() { Timeout = TimeSpan.FromMinutes(2) };
    private readonly Uri _target;
    private readonly double _failureRate;
    private readonly TimeSpan _stall;
    private readonly Random _random;
    private readonly Lock _gate = new();
    private readonly Dictionary<Fault, int> _injected = Enum.GetValues<Fault>().ToDictionary(f => f, _ => 0);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private int _requests, _forwarded;

    /// <param name="target">The real server's root, e.g. http://127.0.0.1:8080/.</param>
    /// <param name="stall">How long a stalled request hangs before its connection is dropped: longer than the client's timeout.</param>
    public FaultProxy(Uri target, double failureRate, int seed, TimeSpan stall)
    {
        _target = target;
        _failureRate = failureRate;
        _stall = stall;
        _random = new Random(seed);
        var port = FreePort();
        Url = new Uri($"http://127.0.0.1:{port}/");
        _listener.Prefixes.Add(Url.AbsoluteUri);
        _listener.Start();
        _loop = Task.Run(AcceptAsync);
    }

    public Uri Url { get; }

    public IReadOnlyDictionary<Fault, int> Injected
    {
        get
        {
            lock (_gate) return new Dictionary<Fault, int>(_injected);
        }
    }

    public int Requests => Volatile.Read(ref _requests);

    /// <summary>Requests answered with the real server's response, unharmed.</summary>
    public int Forwarded => Volatile.Read(ref _forwarded);

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            HttpListenerContext context;
            try
            {
                context = await _listener.GetContextAsync();
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }
            _ = Task.Run(() => HandleAsync(context));
        }
    }

    private async Task HandleAsync(HttpListenerContext context)
    {
        Interlocked.Increment(ref _requests);
        Fault? fault;
        lock (_gate)
        {
            fault = _random.NextDouble() < _failureRate ? (Fault)_random.Next(Enum.GetValues<Fault>().Length) : null;
            if (fault is { } f) _injected[f]++;
        }
        var response = context.Response;
        try
        {
            switch (fault)
            {
                case Fault.ConnectionReset:
                    response.Abort();
                    return;
                case Fault.ServerError:
                    await Answer(response, 500, "{\"error\":{\"message\":\"injected fault\",\"type\":\"server_error\"}}");
                    return;
                case Fault.TooManyRequests:
                    response.AddHeader("Retry-After", "1");
                    await Answer(response, 429, "{\"error\":{\"message\":\"slow down\",\"type\":\"rate_limit\"}}");
                    return;
                case Fault.Stall:
                    await Task.Delay(_stall, _stop.Token);
                    response.Abort();
                    return;
            }
            using var upstream = await Forward(context.Request);
            var body = await upstream.Content.ReadAsByteArrayAsync();
            response.StatusCode = (int)upstream.StatusCode;
            response.ContentType = upstream.Content.Headers.ContentType?.ToString();
            response.ContentLength64 = body.Length;
            if (fault == Fault.TruncatedBody)
            {
                // The real response, its full length announced, cut off halfway.
                await response.OutputStream.WriteAsync(body.AsMemory(0, body.Length / 2));
                await response.OutputStream.FlushAsync();
                response.Abort();
                return;
            }
            await response.OutputStream.WriteAsync(body);
            response.Close();
            Interlocked.Increment(ref _forwarded);
        }
        catch (Exception) when (_stop.IsCancellationRequested)
        {
            response.Abort();
        }
        catch (HttpListenerException)
        {
            // the client gave up (its timeout) while we wrote
        }
    }

    private async Task<HttpResponseMessage> Forward(HttpListenerRequest request)
    {
        using var message = new HttpRequestMessage(new HttpMethod(request.HttpMethod), new Uri(_target, request.Url!.PathAndQuery.TrimStart('/')));
        if (request.HasEntityBody)
        {
            using var reader = new StreamReader(request.InputStream, request.ContentEncoding);
            message.Content = new StringContent(await reader.ReadToEndAsync(), System.Text.Encoding.UTF8, "application/json");
        }
        return await _upstream.SendAsync(message);
    }

    private static async Task Answer(HttpListenerResponse response, int status, string json)
    {
        var body = System.Text.Encoding.UTF8.GetBytes(json);
        response.StatusCode = status;
        response.ContentType = "application/json";
        response.ContentLength64 = body.Length;
        await response.OutputStream.WriteAsync(body);
        response.Close();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public void Dispose()
    {
        _stop.Cancel();
        _listener.Close();
        try
        {
            _loop.Wait(TimeSpan.FromSeconds(5));
        }
        catch (AggregateException)
        {
            // stopped
        }
        _upstream.Dispose();
        _stop.Dispose();
    }
}
