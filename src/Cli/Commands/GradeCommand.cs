using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class GradeCommand
{
    public static Command Create() => new("grade", "Grade predictions against gold answers (not implemented yet)");
}
