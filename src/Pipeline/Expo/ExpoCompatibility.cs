using BestOfN.Llama.Gguf;

namespace BestOfN.Pipeline.Expo;

/// <summary>
/// Whether two GGUF models can be extrapolated one from the other: the same architecture, the same vocabulary and the same tensors
/// (names and shapes). Types may differ: each tensor is converted to float on its own.
/// </summary>
internal static class ExpoCompatibility
{
    /// <summary>The tokenizer keys that make two vocabularies the same; the chat template and special-token ids may differ.</summary>
    private static readonly string[] VocabularyKeys =
        ["tokenizer.ggml.model", "tokenizer.ggml.pre", "tokenizer.ggml.tokens", "tokenizer.ggml.token_type", "tokenizer.ggml.merges"];

    /// <summary>Throws <see cref="InvalidDataException"/> naming the first difference found.</summary>
    public static void Check(GgufFile sft, GgufFile aligned)
    {
        if (FirstDifference(sft, aligned) is { } difference)
            throw new InvalidDataException($"{sft.Path} (SFT) and {aligned.Path} (aligned) cannot be extrapolated: {difference}.");
    }

    private static string? FirstDifference(GgufFile sft, GgufFile aligned)
    {
        if (KeyDifference(sft, aligned, "general.architecture") is { } architecture) return $"the architectures differ ({architecture})";
        foreach (var key in VocabularyKeys)
        {
            if (KeyDifference(sft, aligned, key) is { } vocabulary) return $"the vocabularies differ ({vocabulary})";
        }

        var sftTensors = sft.Tensors.ToDictionary(t => t.Name);
        foreach (var a in aligned.Tensors)
        {
            if (!sftTensors.TryGetValue(a.Name, out var s)) return $"tensor '{a.Name}' is in the aligned model but not in the SFT model";
            if (!s.Shape.SequenceEqual(a.Shape)) return $"tensor '{a.Name}' has shape {s.ShapeText} in the SFT model and {a.ShapeText} in the aligned model";
        }
        var alignedNames = aligned.Tensors.Select(t => t.Name).ToHashSet();
        return sft.Tensors.FirstOrDefault(t => !alignedNames.Contains(t.Name)) is { } extra
            ? $"tensor '{extra.Name}' is in the SFT model but not in the aligned model"
            : null;
    }

    private static string? KeyDifference(GgufFile sft, GgufFile aligned, string key) => (sft.Get(key), aligned.Get(key)) switch
    {
        (null, null) => null,
        (null, { } a) => $"{key} is {a} in the aligned model and missing in the SFT model",
        ({ } s, null) => $"{key} is {s} in the SFT model and missing in the aligned model",
        ({ } s, { } a) => GgufValue.FirstDifference(s, a) is { } d ? $"{key}, SFT vs aligned: {d}" : null,
    };
}
