using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class BenchVotingCommand
{
    public static Command Create() => new("voting", "Benchmark of voting (not implemented yet)");
}
