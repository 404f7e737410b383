namespace BestOfN.Llama.Gguf;

/// <summary>
/// llama.cpp's file types (general.file_type, llama.h's llama_ftype): the id stored in a GGUF, the name its quantize tool takes
/// (lower case, as "q4_k_m"), and the main tensor type of the types we can write.
/// </summary>
public static class LlamaFileTypes
{
    public const string FileTypeKey = "general.file_type";
    public const string QuantizationVersionKey = "general.quantization_version";

    /// <summary>ggml.h's GGML_QNT_VERSION, written with quantized tensors as llama.cpp does.</summary>
    public const uint QuantizationVersion = 2;

    /// <param name="MainType">The type of the 2-D weights of a file of this type.</param>
    public sealed record FileType(string Name, uint Id, GgmlType MainType);

    /// <summary>The file types we write (the rest are named only, when describing a model we read).</summary>
    public static readonly IReadOnlyList<FileType> Writable =
    [
        new("f32", 0, GgmlType.F32),
        new("f16", 1, GgmlType.F16),
        new("bf16", 32, GgmlType.BF16),
        new("q8_0", 7, GgmlType.Q8_0),
        new("q4_0", 2, GgmlType.Q4_0),
        new("q4_1", 3, GgmlType.Q4_1),
        new("q5_0", 8, GgmlType.Q5_0),
        new("q5_1", 9, GgmlType.Q5_1),
        new("q6_k", 18, GgmlType.Q6_K),
        new("q4_k_m", 15, GgmlType.Q4_K),
        new("q5_k_m", 17, GgmlType.Q5_K),
    ];

    private static readonly Dictionary<uint, string> Names = new()
    {
        [0] = "f32",
        [1] = "f16",
        [2] = "q4_0",
        [3] = "q4_1",
        [7] = "q8_0",
        [8] = "q5_0",
        [9] = "q5_1",
        [10] = "q2_k",
        [11] = "q3_k_s",
        [12] = "q3_k_m",
        [13] = "q3_k_l",
        [14] = "q4_k_s",
        [15] = "q4_k_m",
        [16] = "q5_k_s",
        [17] = "q5_k_m",
        [18] = "q6_k",
        [19] = "iq2_xxs",
        [20] = "iq2_xs",
        [21] = "q2_k_s",
        [22] = "iq3_xs",
        [23] = "iq3_xxs",
        [24] = "iq1_s",
        [25] = "iq4_nl",
        [26] = "iq3_s",
        [27] = "iq3_m",
        [28] = "iq2_s",
        [29] = "iq2_m",
        [30] = "iq4_xs",
        [31] = "iq1_m",
        [32] = "bf16",
        [36] = "tq1_0",
        [37] = "tq2_0",
        [38] = "mxfp4_moe",
    };

    /// <summary>The writable file type of this name (case-insensitive), or null.</summary>
    public static FileType? Find(string name) => Writable.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The name of a general.file_type id ("ftype 99" for one llama.h does not define).</summary>
    public static string NameOf(uint id) => Names.TryGetValue(id, out var name) ? name : $"ftype {id}";
}
