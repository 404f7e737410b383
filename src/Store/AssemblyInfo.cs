namespace BestOfN.Store;

internal static class AssemblyInfo;
