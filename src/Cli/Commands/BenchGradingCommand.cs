using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class BenchGradingCommand
{
    public static Command Create() => new("grading", "Benchmark of grading (not implemented yet)");
}
