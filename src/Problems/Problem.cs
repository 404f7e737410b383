namespace BestOfN.Problems;

/// <summary>One problem to solve: the question, its gold answer, and fields for breakdowns (level, subject, ...).</summary>
/// <param name="Id">Stable id, unique within the dataset (MATH unique_id, or the dataset's name and line).</param>
/// <param name="GoldAnswer">The reference final answer, or null when the dataset has none.</param>
/// <param name="Solution">The reference solution, when the dataset has one.</param>
public sealed record Problem(string Id, string Question, string? GoldAnswer, string? Solution, IReadOnlyDictionary<string, string> Fields)
{
    /// <summary>Other answers that also count as correct (the full MATH annotation lists a few problems with two).</summary>
    public IReadOnlyList<string> AlternativeGolds { get; init; } = [];

    public string? Field(string name) => Fields.TryGetValue(name, out var v) ? v : null;
}

/// <summary>A dataset line that cannot be read: names the file, the line and the field.</summary>
public sealed class DatasetException(string file, int line, string? field, string message)
    : Exception($"{file}:{line}{(field is null ? "" : $": field '{field}'")}: {message}")
{
    public string File { get; } = file;
    public int Line { get; } = line;
    public string? Field { get; } = field;
}
