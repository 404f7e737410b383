namespace BestOfN.Voting.Samples;

/// <summary>
/// Which JSON property of a dump line holds each sample field, so that other tools' outputs can be read
/// (for example <c>answer=pred</c>). Every other scalar property is kept as a problem field.
/// </summary>
public sealed record SampleFieldMap
{
    public const string ProblemIdName = "problem_id";
    public const string AnswerName = "answer";
    public const string CorrectName = "correct";
    public const string OrmScoreName = "orm_score";
    public const string PrmScoresName = "prm_scores";
    public const string SampleIndexName = "sample_index";

    public static IReadOnlyList<string> Names { get; } = [ProblemIdName, AnswerName, CorrectName, OrmScoreName, PrmScoresName, SampleIndexName];

    public static SampleFieldMap Default { get; } = new();

    public string ProblemId { get; init; } = ProblemIdName;
    public string Answer { get; init; } = AnswerName;
    public string Correct { get; init; } = CorrectName;
    public string OrmScore { get; init; } = OrmScoreName;
    public string PrmScores { get; init; } = PrmScoresName;

    /// <summary>The sample's index within its problem, when the dump has one: a (problem, index) pair may appear once only.</summary>
    public string SampleIndex { get; init; } = SampleIndexName;

    /// <summary>Applies remappings written as <c>name=source</c>, e.g. <c>answer=pred</c>; lists every bad entry.</summary>
    public static SampleFieldMap Parse(IEnumerable<string> remappings)
    {
        var map = Default;
        var errors = new List<string>();
        foreach (var entry in remappings)
        {
            var eq = entry.IndexOf('=');
            if (eq <= 0 || eq == entry.Length - 1)
            {
                errors.Add($"field mapping '{entry}' is not of the form name=source");
                continue;
            }
            var name = entry[..eq].Trim();
            var source = entry[(eq + 1)..].Trim();
            switch (name)
            {
                case ProblemIdName: map = map with { ProblemId = source }; break;
                case AnswerName: map = map with { Answer = source }; break;
                case CorrectName: map = map with { Correct = source }; break;
                case OrmScoreName: map = map with { OrmScore = source }; break;
                case PrmScoresName: map = map with { PrmScores = source }; break;
                case SampleIndexName: map = map with { SampleIndex = source }; break;
                default: errors.Add($"field mapping '{entry}': unknown field '{name}' (expected one of {string.Join(", ", Names)})"); break;
            }
        }
        if (errors.Count > 0)
        {
            throw new ArgumentException(string.Join(Environment.NewLine, errors), nameof(remappings));
        }
        return map;
    }
}
