namespace BestOfN.Voting;

internal static class AssemblyInfo;
