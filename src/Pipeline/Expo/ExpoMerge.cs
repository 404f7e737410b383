using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using BestOfN.Llama.Gguf;

namespace BestOfN.Pipeline.Expo;

/// <param name="Alpha">The extrapolation strength α (ExPO used 0.3 and 0.5); 0 gives the aligned model, −1 the SFT model.</param>
/// <param name="OutPath">The GGUF to write; never one of the inputs.</param>
public sealed record ExpoRequest(string SftPath, string AlignedPath, double Alpha, string OutPath)
{
    /// <summary>The output type: null for the aligned model's type, else a llama.cpp type name ("f16", "f32", "bf16", "q8_0", "q4_k_m", …).</summary>
    public string? Type { get; init; }
}

/// <param name="Type">The output type's name (for the default, the aligned model's).</param>
/// <param name="Bytes">The size of the file written.</param>
public sealed record ExpoResult(string OutPath, string SftSha256, string AlignedSha256, double Alpha, string Type, int Tensors, long Bytes);

/// <param name="BytesDone">Input bytes read so far, the hashing of both files included; <paramref name="BytesTotal"/> is all of them.</param>
public sealed record ExpoProgress(int TensorsDone, int TensorsTotal, long BytesDone, long BytesTotal);

/// <summary>
/// ExPO, model extrapolation (Zheng et al. 2024, "Weak-to-Strong Extrapolation Expedites Alignment"): from an SFT model and an aligned
/// model (DPO, RLHF, …) trained from it, θ = θ_sft + (1+α)(θ_aligned − θ_sft), which we compute as θ_aligned + α(θ_aligned − θ_sft).
/// Streams tensor by tensor, a block of rows at a time: neither model is held in memory.
/// </summary>
public static class ExpoMerge
{
    public const string AlphaKey = "expo.alpha";
    public const string SftHashKey = "expo.sft_sha256";
    public const string AlignedHashKey = "expo.aligned_sha256";

    /// <summary>Values converted per step of a tensor (16 MB of floats per input).</summary>
    private const int ChunkValues = 1 << 22;

    public static ExpoResult Run(ExpoRequest request, IProgress<ExpoProgress>? progress = null, CancellationToken cancellationToken = default) =>
        Run(request, progress, cancellationToken, ChunkValues);

    /// <param name="chunkValues">Values per step; tests make it small so a tensor takes many steps.</param>
    internal static ExpoResult Run(ExpoRequest request, IProgress<ExpoProgress>? progress, CancellationToken cancellationToken, int chunkValues)
    {
        if (!double.IsFinite(request.Alpha)) throw new ArgumentException($"--alpha must be a finite number (got {request.Alpha}).");
        OutputFiles.EnsureNotAnInput(request.OutPath, "--out", request.SftPath, request.AlignedPath);
        using var sft = GgufFile.Open(request.SftPath);
        using var aligned = GgufFile.Open(request.AlignedPath);
        ExpoCompatibility.Check(sft, aligned);
        var type = ExpoOutputType.Resolve(aligned, request.Type);

        var layouts = aligned.Tensors.Select(t => new GgufTensorLayout(t.Name, t.Shape, type.TensorType(t))).ToList();
        // Refused before hours of hashing and merging, not at the first such tensor (the endpoints copy bytes and quantize nothing).
        if (request.Alpha is not (0 or -1) && layouts.FirstOrDefault(l => GgmlTypes.NeedsImportanceMatrix(l.Type)) is { } needsMatrix)
            throw new ArgumentException($"tensor '{needsMatrix.Name}' would be written as {needsMatrix.Type}, which needs an importance matrix; give --type (q8_0, q4_k_m, …).");

        var tensorBytes = aligned.Tensors.Sum(t => t.ByteSize + sft.Tensor(t.Name)!.ByteSize);
        var counter = new Counter(progress, aligned.Tensors.Count, sft.FileSize + aligned.FileSize + tensorBytes);
        var sftHash = Sha256(request.SftPath, counter, cancellationToken);
        var alignedHash = Sha256(request.AlignedPath, counter, cancellationToken);
        var metadata = Metadata(aligned, type, layouts, request.Alpha, sftHash, alignedHash);
        var path = Path.GetFullPath(request.OutPath);
        var bytes = OutputFiles.WriteBinary(path, stream =>
        {
            var writer = new GgufStreamWriter(stream, metadata, layouts);
            var buffers = new Buffers();
            for (var i = 0; i < layouts.Count; i++)
            {
                WriteTensor(sft, aligned, aligned.Tensors[i], layouts[i].Type, request.Alpha, chunkValues, writer, buffers, counter, cancellationToken);
                counter.TensorDone();
            }
            writer.Finish();
            return stream.Length;
        });
        return new ExpoResult(path, sftHash, alignedHash, request.Alpha, type.Name, layouts.Count, bytes);
    }

    /// <summary>The type name an <see cref="ExpoRequest"/> resolves to (<see cref="ExpoResult.Type"/>), read from the aligned model's header.</summary>
    public static string ResolveType(string alignedPath, string? type)
    {
        using var aligned = GgufFile.Open(alignedPath);
        return ExpoOutputType.Resolve(aligned, type).Name;
    }

    /// <summary>
    /// A key that names one expo model: the parents' SHA-256, α and the output type (as <see cref="ResolveType"/> gives it), hashed
    /// into 64 lower-case hex digits, safe as a file name. The same inputs give the same key on every machine.
    /// </summary>
    public static string CacheKey(string sftSha256, string alignedSha256, double alpha, string type)
    {
        var alphaText = (alpha == 0 ? 0 : alpha).ToString("R", CultureInfo.InvariantCulture);
        var canonical = $"expo-v1\n{sftSha256.ToLowerInvariant()}\n{alignedSha256.ToLowerInvariant()}\n{alphaText}\n{type.ToLowerInvariant()}";
        return Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(canonical)));
    }

    /// <summary>The aligned model's metadata, with general.file_type for the output type, and α and the parents' hashes.</summary>
    private static List<KeyValuePair<string, GgufValue>> Metadata(GgufFile aligned, ExpoOutputType type, IReadOnlyList<GgufTensorLayout> layouts,
        double alpha, string sftHash, string alignedHash)
    {
        string[] replaced = [AlphaKey, SftHashKey, AlignedHashKey];
        var metadata = aligned.Metadata.Where(kv => !replaced.Contains(kv.Key)).ToList();
        void Set(string key, GgufValue value)
        {
            var index = metadata.FindIndex(kv => kv.Key == key);
            if (index >= 0) metadata[index] = new(key, value);
            else metadata.Add(new(key, value));
        }
        if (type.Requested is { } requested) Set(LlamaFileTypes.FileTypeKey, GgufValue.Of(requested.Id));
        if (layouts.Any(l => !GgmlTypes.IsFloat(l.Type)) && aligned.Get(LlamaFileTypes.QuantizationVersionKey) is null)
            Set(LlamaFileTypes.QuantizationVersionKey, GgufValue.Of(LlamaFileTypes.QuantizationVersion));
        Set(AlphaKey, GgufValue.Of(alpha));
        Set(SftHashKey, GgufValue.Of(sftHash));
        Set(AlignedHashKey, GgufValue.Of(alignedHash));
        return metadata;
    }

    private static void WriteTensor(GgufFile sft, GgufFile aligned, GgufTensorInfo a, GgmlType outType, double alpha, int chunkValues,
        GgufStreamWriter writer, Buffers buffers, Counter counter, CancellationToken cancellationToken)
    {
        var s = sft.Tensor(a.Name)!;
        // The endpoints copy their model's bytes when the type is kept: α = 0 is the aligned model bit for bit, α = −1 the SFT model.
        (GgufFile File, GgufTensorInfo Tensor)? copy = alpha == 0 && outType == a.Type ? (aligned, a) : alpha == -1 && outType == s.Type ? (sft, s) : null;
        var rowsPerChunk = Math.Max(1, chunkValues / a.RowLength);
        for (long row = 0; row < a.Rows; row += rowsPerChunk)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var rows = Math.Min(rowsPerChunk, a.Rows - row);
            if (copy is { } source)
            {
                var bytes = buffers.Bytes(0, (int)(rows * source.Tensor.RowBytes));
                source.File.ReadTensorData(source.Tensor, row * source.Tensor.RowBytes, bytes);
                writer.WriteTensorData(bytes);
            }
            else
            {
                var values = (int)(rows * a.RowLength);
                var sftValues = Read(sft, s, row, rows, buffers.Bytes(0, (int)(rows * s.RowBytes)), buffers.Floats(0, values));
                var alignedValues = Read(aligned, a, row, rows, buffers.Bytes(1, (int)(rows * a.RowBytes)), buffers.Floats(1, values));
                Extrapolate(sftValues, alignedValues, alpha);
                var output = buffers.Bytes(2, (int)(GgmlTypeLayout.RowSize(outType, a.RowLength) * rows));
                GgmlTypes.Quantize(outType, alignedValues, a.RowLength, output);
                writer.WriteTensorData(output);
            }
            counter.Read(rows * (a.RowBytes + s.RowBytes));
        }
    }

    private static Span<float> Read(GgufFile file, GgufTensorInfo tensor, long row, long rows, Span<byte> bytes, Span<float> values)
    {
        file.ReadTensorData(tensor, row * tensor.RowBytes, bytes);
        GgmlTypes.Dequantize(tensor.Type, bytes, values);
        return values;
    }

    /// <summary>Overwrites <paramref name="aligned"/> with θ_aligned + α(θ_aligned − θ_sft), computed in double and rounded once to float.</summary>
    internal static void Extrapolate(ReadOnlySpan<float> sft, Span<float> aligned, double alpha)
    {
        if (alpha == 0) return;
        if (alpha == -1)
        {
            sft.CopyTo(aligned);
            return;
        }
        for (var i = 0; i < aligned.Length; i++)
        {
            double a = aligned[i];
            aligned[i] = (float)(a + alpha * (a - sft[i]));
        }
    }

    private static string Sha256(string path, Counter counter, CancellationToken cancellationToken)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[1 << 22];
        int read;
        while ((read = stream.Read(buffer)) > 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            hash.AppendData(buffer, 0, read);
            counter.Read(read);
        }
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>Reusable buffers, grown to the largest chunk seen.</summary>
    private sealed class Buffers
    {
        private readonly byte[][] _bytes = [[], [], []];
        private readonly float[][] _floats = [[], []];

        public Span<byte> Bytes(int slot, int length)
        {
            if (_bytes[slot].Length < length) _bytes[slot] = new byte[length];
            return _bytes[slot].AsSpan(0, length);
        }

        public Span<float> Floats(int slot, int length)
        {
            if (_floats[slot].Length < length) _floats[slot] = new float[length];
            return _floats[slot].AsSpan(0, length);
        }
    }

    private sealed class Counter(IProgress<ExpoProgress>? progress, int tensorsTotal, long bytesTotal)
    {
        private int _tensors;
        private long _bytes;

        public void Read(long bytes)
        {
            _bytes += bytes;
            Report();
        }

        public void TensorDone()
        {
            _tensors++;
            Report();
        }

        private void Report() => progress?.Report(new ExpoProgress(_tensors, tensorsTotal, _bytes, bytesTotal));
    }
}
