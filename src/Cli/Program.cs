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
        SampleCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        GradeCommand.Create(),
        ScoreCommand.Create(),
        ReportCommand.Create(),
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

    public static Task<int> Main(string[] args) => InvokeAsync(args);
}
