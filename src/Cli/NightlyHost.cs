using BestOfN.Cli.Printing;
using BestOfN.Pipeline.Nightly;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BestOfN.Cli;

/// <summary>The `nightly` service's host: Microsoft.Extensions.Hosting with systemd integration, around <see cref="NightlyService"/>.</summary>
internal static class NightlyHost
{
    /// <summary>The hosted service (systemd notify and journal-friendly logs when run by systemd); each fire is the code path of --once.</summary>
    public static int Serve(NightlyRequest request, Action loadNatives, CancellationToken ct)
    {
        var config = NightlyConfigReader.Read(request.ConfigFile);
        loadNatives();
        var interrupted = false;
        var builder = Host.CreateApplicationBuilder();
        builder.Services.AddSystemd();
        // SIGTERM lets the sample in flight finish and be stored; systemd's TimeoutStopSec (deploy/) is longer still.
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromMinutes(10));
        builder.Services.AddHostedService(sp =>
        {
            var log = sp.GetRequiredService<ILoggerFactory>().CreateLogger("nightly");
            log.LogInformation("nightly: {File}, schedule {Cron} ({Zone})", config.FilePath, config.Schedule, config.TimeZone.Id);
            return new NightlyService(config, TimeProvider.System, token => Task.Run(() =>
            {
                try
                {
                    var result = RunNightly.Run(request, null, token);
                    foreach (var run in result.Processed) log.LogInformation("{Line}", ResultLines.Line(run));
                    if (result.NotifyError is { } notify) log.LogWarning("{Warning}", notify);
                    interrupted |= result.Interrupted;
                    return !result.Interrupted;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    log.LogError("error: {Message}", e.Message);
                    return true;
                }
            }, CancellationToken.None));
        });
        using var host = builder.Build();
        host.RunAsync(ct).GetAwaiter().GetResult();
        return interrupted ? Commands.ExitCodes.Interrupted : Commands.ExitCodes.Ok;
    }

}
