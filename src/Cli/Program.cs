using System.CommandLine;
using BestOfN.Cli.Commands;

namespace BestOfN.Cli;

public static class Program
{
    /// <summary>Shows the stack trace of a failure, after its one-line message.</summary>
    internal static readonly Option<bool> Verbose = new("--verbose") { Description = "Show the stack trace of a failure", Recursive = true };

    public static RootCommand CreateRoot() => new("bestofn: best-of-N sampling, grading, reward scoring and voting for math reasoning")
    {
        Verbose,
        RunCommand.Create(),
        TrainDemoCommand.Create(),
        SampleCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        ExpoCommand.Create(),
        GradeCommand.Create(),
        ScoreCommand.Create(),
        ReportCommand.Create(),
        ExperimentCommand.Create(),
        NightlyCommand.Create(),
        MergeCommand.Create(),
        BenchCommand.Create(),
    };

    /// <summary>Parses and runs a command line; a line that does not parse is unusable input (exit 2), with every error listed.</summary>
    public static Task<int> InvokeAsync(string[] args, InvocationConfiguration? configuration = null)
    {
        configuration ??= new InvocationConfiguration();
        var parsed = CreateRoot().Parse(args);
        if (parsed.Errors.Count == 0 || parsed.Action is not System.CommandLine.Invocation.ParseErrorAction)
            return parsed.InvokeAsync(configuration);
        foreach (var e in parsed.Errors) configuration.Error.WriteLine($"error: {e.Message}");
        configuration.Error.WriteLine("(bestofn --help lists the commands, bestofn <command> --help their options)");
        return Task.FromResult(ExitCodes.UnusableInput);
    }

    /// <summary>Cancelled by the first Ctrl-C or SIGTERM of a real process; never in process (tests).</summary>
    internal static CancellationToken Interruption { get; private set; }

    /// <summary>The command line as typed, for "resume with" hints; null in process.</summary>
    internal static string? CommandLine { get; private set; }

    public static async Task<int> Main(string[] args)
    {
        using var signals = new SignalCancellation(Console.Error);
        Interruption = signals.Token;
        CommandLine = "bestofn " + string.Join(' ', args.Select(a => a.Length > 0 && a.All(c => char.IsLetterOrDigit(c) || "-_./:=,@+".Contains(c)) ? a : $"'{a.Replace("'", "'\\''")}'"));
        // The signals are ours (SignalCancellation), so System.CommandLine must not kill the process on its own timeout.
        return await InvokeAsync(args, new InvocationConfiguration { ProcessTerminationTimeout = null });
    }
}
