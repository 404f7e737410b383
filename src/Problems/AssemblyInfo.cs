namespace BestOfN.Problems;

internal static class AssemblyInfo;
