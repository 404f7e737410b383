namespace BestOfN.Verifier;

internal static class AssemblyInfo;
