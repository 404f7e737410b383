using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class SampleCommand
{
    public static Command Create() => new("sample", "Draw N solutions per problem (not implemented yet)");
}
