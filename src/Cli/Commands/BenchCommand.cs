using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class BenchCommand
{
    public static Command Create() => new("bench", "Benchmarks (not implemented yet)")
    {
        BenchVotingCommand.Create(),
        BenchGradingCommand.Create(),
        BenchScoringCommand.Create(),
    };
}
