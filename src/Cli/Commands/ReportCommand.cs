using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create() => new("report", "Print pass@k, majority and best-of-k tables (not implemented yet)");
}
