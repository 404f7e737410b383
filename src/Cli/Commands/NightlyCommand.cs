using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Cli.Progress;
using BestOfN.Pipeline.Nightly;
using BestOfN.Store;

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
                return pr.GetValue(Once) ? RunOnce(pr, request, linked.Token) : NightlyHost.Serve(request, () => Native.Load(pr), linked.Token);
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
        var result = ExperimentProgressDisplay.Run(pr.InvocationConfiguration.Error, progress =>
            RunNightly.Run(request, new LiveProgress.SyncProgress<NightlyProgress>(p => { if (p.Stage is { } stage) progress.Report(stage); }), ct));
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
}
