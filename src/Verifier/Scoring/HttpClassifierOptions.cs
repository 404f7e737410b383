namespace BestOfN.Verifier.Scoring;

/// <summary>Defaults of <see cref="HttpClassifierOptions"/>: vLLM's /classify shape.</summary>
public static class HttpClassifierDefaults
{
    public const string ModelField = "model";
    public const string InputField = "input";
    public const string ResultsField = "data";
    public const string ValuesField = "probs";
    public const int ValueIndex = 1;
}

/// <summary>
/// The one endpoint shape of <c>--protocol http-classifier</c>: POST <c>{model: M, input: [text, …]}</c>, answered by
/// <c>{data: [{probs: [p0, p1, …]}, …]}</c> in input order, the score being <c>probs[1]</c> (vLLM's /classify). Each field name is an option,
/// so vLLM's /pooling (<c>data[].data</c>), TGI-style or llama-server's /v1/embeddings (<c>data[].embedding</c>) answers read the same way.
/// </summary>
public sealed record HttpClassifierOptions
{
    /// <summary>The model name sent in <see cref="ModelField"/>; null sends no model field. The default value is null.</summary>
    public string? ModelName { get; init; }

    /// <summary>Request field holding the model name. The default value is "model".</summary>
    public string ModelField { get; init; } = HttpClassifierDefaults.ModelField;

    /// <summary>Request field holding the list of texts (each the question, a space, and the answer). The default value is "input".</summary>
    public string InputField { get; init; } = HttpClassifierDefaults.InputField;

    /// <summary>Response field holding one result per text, in input order. The default value is "data".</summary>
    public string ResultsField { get; init; } = HttpClassifierDefaults.ResultsField;

    /// <summary>Field of a result holding its value: a number, or a list of numbers read at <see cref="ValueIndex"/>. The default value is "probs".</summary>
    public string ValuesField { get; init; } = HttpClassifierDefaults.ValuesField;

    /// <summary>Which entry of a list value is the score (the positive class). The default value is 1.</summary>
    public int ValueIndex { get; init; } = HttpClassifierDefaults.ValueIndex;

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        foreach (var (option, value) in new[] { ("--model-field", ModelField), ("--input-field", InputField), ("--results-field", ResultsField), ("--values-field", ValuesField) })
            if (string.IsNullOrWhiteSpace(value)) errors.Add($"{option} must name a JSON field.");
        if (ValueIndex < 0) errors.Add($"--value-index must be >= 0, got {ValueIndex}.");
        return errors;
    }
}
