// replaced when expo11 merges: the ExPO model step is built on another branch; this file only keeps the expo: generator path compiling.
namespace BestOfN.Pipeline.Expo;

/// <summary>An ExPO merge: θ = θ_sft + (1+α)(θ_aligned − θ_sft). <see cref="Type"/> is the output type (f16, q8_0, …); null keeps the aligned model's.</summary>
public sealed record ExpoRequest(string SftPath, string AlignedPath, double Alpha, string OutPath)
{
    public string? Type { get; init; }
}

public readonly record struct ExpoProgress(int TensorsDone, int TensorsTotal);

public sealed record ExpoResult(string OutPath, string SftSha256, string AlignedSha256, double Alpha, string? Type, int Tensors, long Bytes);

public static class ExpoMerge
{
    public static ExpoResult Run(ExpoRequest request, IProgress<ExpoProgress>? progress = null, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException($"expo is not available in this build: cannot build {request.OutPath} from {request.SftPath} and {request.AlignedPath}.");

    /// <summary>The key an ExPO model is cached under: its parents' hashes, α and the output type.</summary>
    public static string CacheKey(string sftSha256, string alignedSha256, double alpha, string? type) =>
        RunIdentity.IdFor("expo-", $"{sftSha256}|{alignedSha256}|{alpha.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}|{type ?? "aligned"}");
}
