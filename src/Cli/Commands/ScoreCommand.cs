using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class ScoreCommand
{
    public static Command Create() => new("score", "Score stored samples with a reward model (not implemented yet)");
}
