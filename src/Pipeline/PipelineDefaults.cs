namespace BestOfN.Pipeline;

/// <summary>Defaults shared by the use cases.</summary>
public static class PipelineDefaults
{
    public const string StorePath = "runs.db";

    /// <summary>Answer extraction when none is named: the flexible rules.</summary>
    public const string Extraction = "flexible";
}

/// <summary>Failures of a request a user can fix, raised before any work starts.</summary>
public static class PipelineErrors
{
    /// <summary>Throws one <see cref="ArgumentException"/> listing every problem, when there are any.</summary>
    public static void ThrowIfInvalid(IReadOnlyList<string> errors)
    {
        if (errors.Count > 0) throw new ArgumentException(string.Join(Environment.NewLine, errors));
    }
}
