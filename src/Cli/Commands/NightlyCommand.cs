using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Pipeline.Nightly;
using BestOfN.Store;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace BestOfN.Cli.Commands;

/// <summary>`nightly --config FILE [--once | --history [--json]]`: the scheduled scoring service, one run of it, or its history.</summary>
internal static class NightlyCommand
{
    private static readonly Option<FileInfo> Config = new Option<FileInfo>("--config") { Description = "The nightly file (YAML)", Required = true }.AcceptExistingOnly();
    private static readonly Option<bool> Once = new("--once") { Description = "Score what is new now and exit (for cron, a systemd timer or a Kubernetes CronJob)" };
    private static readonly Option<bool> History = new("--history") { Description = "Print every processed item's attempts and exit" };
    private static readonly Option<bool> Json = new("--json") { Description = "With --history: one JSON line per attempt" };
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        var command = new Command("nightly", "Score new checkpoints and sample dumps on a cron schedule, keeping the history in the store") { Config, Once, History, Json };
        Native.AddLibraryTo(command);
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Program.Interruption);
            var request = new NightlyRequest(pr.GetValue(Config)!.FullName);
            if (pr.GetValue(History)) return PrintHistory(pr, request);
            try
            {
                return pr.GetValue(Once) ? RunOnce(pr, request, linked.Token) : Serve(pr, request, linked.Token);
            }
            catch (NightlyBusyException e)
            {
                pr.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.Busy;
            }
        }));
        return command;
    }

    private static int PrintHistory(ParseResult pr, NightlyRequest request)
    {
        var output = pr.InvocationConfiguration.Output;
        foreach (var run in NightlyHistory.Read(request.ConfigFile)) output.WriteLine(pr.GetValue(Json) ? NightlyHistory.JsonLine(run) : ResultLines.Line(run));
        return ExitCodes.Ok;
    }

    private static int RunOnce(ParseResult pr, NightlyRequest request, CancellationToken ct)
    {
        Native.Load(pr);
        var result = RunNightly.Run(request, null, ct);
        var output = pr.InvocationConfiguration.Output;
        foreach (var skipped in result.Skipped) output.WriteLine($"skipped  {Path.GetFileName(skipped.Path)}: {skipped.Reason}");
        foreach (var file in result.GivenUp) output.WriteLine($"given up {file.Name} ({file.Sha256[..12]}): failed {result.Config.MaxAttempts} times; see --history");
        foreach (var run in result.Processed) output.WriteLine(ResultLines.Line(run));
        output.WriteLine($"{result.Processed.Count} new item(s) processed; history: bestofn nightly --config {request.ConfigFile} --history; trend: {result.Trend?.Files[0] ?? "none yet"}");
        if (result.NotifyError is { } notify) pr.InvocationConfiguration.Error.WriteLine($"warning: {notify}");
        if (result.Interrupted)
        {
            pr.InvocationConfiguration.Error.WriteLine($"interrupted: finished work is stored; resume with: {Program.CommandLine ?? "the same command"}");
            return ExitCodes.Interrupted;
        }
        return result.Processed.Any(r => r.Status == NightlyStatus.Failed) ? ExitCodes.RunFailed : ExitCodes.Ok;
    }

    /// <summary>The hosted service (systemd notify and journal-friendly logs when run by systemd); each fire is the code path of --once.</summary>
    private static int Serve(ParseResult pr, NightlyRequest request, CancellationToken ct)
    {
        var config = NightlyConfigReader.Read(request.ConfigFile);
        Native.Load(pr);
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
        return interrupted ? ExitCodes.Interrupted : ExitCodes.Ok;
    }

}
