namespace BestOfN.Sampler;

internal static class AssemblyInfo;
