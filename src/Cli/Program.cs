using System.CommandLine;
using BestOfN.Cli.Commands;

namespace BestOfN.Cli;

public static class Program
{
    public static RootCommand CreateRoot() => new("bestofn: best-of-N sampling, grading, reward scoring and voting for math reasoning")
    {
        RunCommand.Create(),
        SampleCommand.Create(),
        ImportCommand.Create(),
        ExportCommand.Create(),
        GradeCommand.Create(),
        ScoreCommand.Create(),
        ReportCommand.Create(),
        BenchCommand.Create(),
    };

    public static Task<int> Main(string[] args) => CreateRoot().Parse(args).InvokeAsync();
}
