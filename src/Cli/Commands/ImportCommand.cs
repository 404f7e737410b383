using System.CommandLine;

namespace BestOfN.Cli.Commands;

internal static class ImportCommand
{
    public static Command Create() => new("import", "Import a published sample set into a run store (not implemented yet)");
}
