using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class ExportCommand
{
    public static Command Create() => new("export", "Write stored samples as JSONL (not implemented yet)");
}
