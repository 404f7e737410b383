using BestOfN.Llama.Gguf;

namespace BestOfN.Pipeline.Expo;

/// <summary>
/// The type an expo model is written in, and the type of each of its tensors. With no type asked for, every tensor keeps the aligned
/// model's type. With one, 1-D tensors (norms, biases) stay F32, as llama.cpp's quantize keeps them, and the others take the type;
/// a quantized type needs rows of whole blocks (Q4_K: 256 values), so a tensor whose rows are not is written as F16. q4_k_m and
/// q5_k_m are written as Q4_K and Q5_K throughout: llama.cpp's own Q4_K_M also raises some tensors (attn_v, ffn_down, output) to Q6_K.
/// </summary>
internal sealed record ExpoOutputType(string Name, LlamaFileTypes.FileType? Requested)
{
    /// <summary>The type named in a request (null: the aligned model's), checked against those we write.</summary>
    public static ExpoOutputType Resolve(GgufFile aligned, string? type)
    {
        if (type is null) return new ExpoOutputType(AlignedTypeName(aligned), null);
        var fileType = LlamaFileTypes.Find(type)
            ?? throw new ArgumentException($"--type {type} is not a type expo writes; use one of {string.Join(", ", LlamaFileTypes.Writable.Select(t => t.Name))}.");
        return new ExpoOutputType(fileType.Name, fileType);
    }

    public GgmlType TensorType(GgufTensorInfo aligned)
    {
        if (Requested is not { } requested) return aligned.Type;
        if (aligned.Shape.Count <= 1) return GgmlType.F32;
        return aligned.RowLength % GgmlTypeLayout.BlockSize(requested.MainType) == 0 ? requested.MainType : GgmlType.F16;
    }

    /// <summary>The aligned model's general.file_type by name; without one, the type most of its 2-D tensors have ("f16").</summary>
    private static string AlignedTypeName(GgufFile aligned)
    {
        if (aligned.Get(LlamaFileTypes.FileTypeKey) is { } id) return LlamaFileTypes.NameOf((uint)id.AsInteger());
        var main = aligned.Tensors.Where(t => t.Shape.Count >= 2).GroupBy(t => t.Type).OrderByDescending(g => g.Count()).Select(g => g.Key).FirstOrDefault(GgmlType.F32);
        return LlamaFileTypes.Writable.FirstOrDefault(t => t.MainType == main)?.Name ?? main.ToString().ToLowerInvariant();
    }
}
