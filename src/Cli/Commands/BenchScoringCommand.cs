using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class BenchScoringCommand
{
    public static Command Create() => new("scoring", "Benchmark of scoring (not implemented yet)");
}
