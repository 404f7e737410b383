using System.CommandLine;
using BestOfN.Problems;
using BestOfN.Sampler.Native;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Commands;

/// <summary>Turns the failures a user can fix (bad input files, missing natives, invalid settings) into one clear line.</summary>
internal static class CommandErrors
{
    public static int Guard(ParseResult pr, Func<int> action)
    {
        try
        {
            return action();
        }
        catch (Exception e) when (e is DatasetException or LlamaException or ArgumentException or FileNotFoundException or DirectoryNotFoundException
                                      or InvalidDataException or InvalidOperationException or UnauthorizedAccessException or ScoringProtocolException)
        {
            pr.InvocationConfiguration.Error.WriteLine($"error: {e.Message}");
            return 1;
        }
    }
}
