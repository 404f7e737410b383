namespace BestOfN.Voting.Samples;

/// <summary>A dump line that cannot be read; names the file, the 1-based line and the field.</summary>
public sealed class SampleDumpException(string source, int line, string? field, string reason)
    : Exception(field is null ? $"{source}:{line}: {reason}" : $"{source}:{line}: field '{field}': {reason}")
{
    public string FileName { get; } = source;
    public int Line { get; } = line;
    public string? Field { get; } = field;
    public string Reason { get; } = reason;
}
