using System.CommandLine;

namespace BestOfN.Cli.Options;

/// <summary>A set of options declared once and added to every command that takes them.</summary>
internal interface IOptionGroup
{
    void AddTo(Command command);
}
