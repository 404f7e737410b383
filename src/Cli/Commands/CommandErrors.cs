using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Problems;
using BestOfN.Verifier.Import;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Samples;

namespace BestOfN.Cli.Commands;

/// <summary>The exit codes of every command, as the README lists them.</summary>
internal static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The run itself failed: I/O, llama.cpp, an interrupted run.</summary>
    public const int RunFailed = 1;

    /// <summary>The input cannot be used: bad options, files, datasets, stores or models.</summary>
    public const int UnusableInput = 2;

    /// <summary>Stopped by Ctrl-C or SIGTERM: finished work is stored, and rerunning the command resumes (128 + SIGINT, as shells report it).</summary>
    public const int Interrupted = 130;

    /// <summary>Another nightly run of the same store holds its lock; try again later (EX_TEMPFAIL of sysexits.h).</summary>
    public const int Busy = 75;
}

/// <summary>The one error helper: every command's action runs inside it, so a failure is one clear line, never a stack trace.</summary>
internal static class CommandErrors
{
    /// <summary>Runs a command's action; known input problems exit 2, anything else 1, each as "error: message" (with the trace under --verbose).</summary>
    public static Task<int> Run(ParseResult pr, Func<int> action)
    {
        try
        {
            return Task.FromResult(action());
        }
        catch (OperationCanceledException) when (Program.Interruption.IsCancellationRequested)
        {
            pr.InvocationConfiguration.Error.WriteLine($"interrupted: finished work is stored; resume with: {Program.CommandLine ?? "the same command"}");
            return Task.FromResult(ExitCodes.Interrupted);
        }
        catch (Exception e)
        {
            var error = pr.InvocationConfiguration.Error;
            foreach (var line in e.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries)) error.WriteLine($"error: {line.TrimEnd('\r')}");
            if (pr.GetValue(Program.Verbose)) error.WriteLine(e.ToString());
            return Task.FromResult(IsUnusableInput(e) ? ExitCodes.UnusableInput : ExitCodes.RunFailed);
        }
    }

    /// <summary>Adds the option groups to a command and runs <paramref name="action"/> as its action, inside <see cref="Run"/>.</summary>
    public static Command WithAction(this Command command, Func<ParseResult, CancellationToken, int> action, params IOptionGroup[] groups)
    {
        foreach (var group in groups) group.AddTo(command);
        command.SetAction((pr, ct) => Run(pr, () =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Program.Interruption);
            return action(pr, linked.Token);
        }));
        return command;
    }

    /// <summary>Prints each problem with the input and returns the unusable-input exit code.</summary>
    public static int Invalid(ParseResult pr, IEnumerable<string> errors)
    {
        foreach (var e in errors) pr.InvocationConfiguration.Error.WriteLine($"error: {e}");
        return ExitCodes.UnusableInput;
    }

    private static bool IsUnusableInput(Exception e) => e is DatasetException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
        or InvalidDataException or InvalidOperationException or ScoringProtocolException or SampleSetFormatException or SampleDumpException or SampleValidationException;
}
