using System.Text.Json;

namespace BestOfN.Sampler.Sampling;

/// <summary>
/// One sample as a JSONL line, with names a Python user knows: run_id, problem_id, sample_index, question, gold,
/// prompt, completion, seed, num_tokens, finish_reason, gen_ms, label, then the problem's own fields (level, subject, …).
/// The JSONL sink and the store's export both write this shape.
/// </summary>
public sealed record SampleLine(string RunId, string ProblemId, int Index, string Question, string? Gold, string? Prompt, string Completion,
    long Seed, int TokenCount, string FinishReason, double Milliseconds, bool? Label, IReadOnlyDictionary<string, string> ProblemFields)
{
    /// <summary>Field names this layout owns; a problem field with one of these names is not repeated.</summary>
    public static readonly IReadOnlySet<string> ReservedNames = new HashSet<string>
    {
        "run_id", "problem_id", "sample_index", "question", "gold", "prompt", "completion", "seed", "num_tokens", "finish_reason",
        "gen_ms", "label",
    };

    /// <summary>
    /// Writes the line's fields; <paramref name="extra"/> may add more before the object closes, named in
    /// <paramref name="extraNames"/> so that a problem field of the same name is not repeated.
    /// </summary>
    public void WriteTo(Utf8JsonWriter json, Action<Utf8JsonWriter>? extra = null, IReadOnlySet<string>? extraNames = null)
    {
        json.WriteStartObject();
        json.WriteString("run_id", RunId);
        json.WriteString("problem_id", ProblemId);
        json.WriteNumber("sample_index", Index);
        json.WriteString("question", Question);
        json.WriteString("gold", Gold);
        json.WriteString("prompt", Prompt);
        json.WriteString("completion", Completion);
        json.WriteNumber("seed", Seed);
        json.WriteNumber("num_tokens", TokenCount);
        json.WriteString("finish_reason", FinishReason);
        json.WriteNumber("gen_ms", Math.Round(Milliseconds, 3));
        if (Label is { } label) json.WriteBoolean("label", label);
        extra?.Invoke(json);
        foreach (var (k, v) in ProblemFields)
            if (!ReservedNames.Contains(k) && extraNames?.Contains(k) != true) json.WriteString(k, v);
        json.WriteEndObject();
    }
}
