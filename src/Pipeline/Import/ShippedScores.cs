using BestOfN.Verifier.Import;
using BestOfN.Voting.Samples;

namespace BestOfN.Pipeline;

/// <summary>What a sample set's shipped scores are: one outcome score per answer (ORM), or one probability per step (PRM).</summary>
public enum ShippedScoreKind
{
    Orm,
    Prm,
}

/// <summary>
/// Decides what a set's shipped scores are and checks every one with the report's own rules (<see cref="ScoreRules"/>) before anything
/// is stored, so a score the report would refuse is refused at import, with its file, line and field. Without <c>--scores-as</c> numbers
/// are ORM scores and lists are PRM step scores; a set that mixes them, or whose lists all hold one number while its answers have several
/// steps (<c>[[x]]</c>, one ORM score wrapped in a list), must say which it is.
/// </summary>
public static class ShippedScores
{
    /// <summary>The problems with each score in the kind's form (ORM: <see cref="ImportedScore.Outcome"/>, PRM: its step list), and the kind.</summary>
    /// <exception cref="SampleSetFormatException">Scores of the wrong kind, every line listed (up to <see cref="SampleSetReader.MaxErrors"/>).</exception>
    public static (IReadOnlyList<ImportedProblem> Problems, ShippedScoreKind? Kind) Check(string path, string field, IReadOnlyList<ImportedProblem> problems,
        ShippedScoreKind? declared)
    {
        var scored = problems.Where(p => p.Scores is not null).ToList();
        if (scored.Count == 0) return (problems, null);
        var kind = declared ?? Infer(path, field, scored);
        var errors = new List<(int, string)>();
        var hint = declared is null ? $"; give --scores-as {(kind == ShippedScoreKind.Prm ? "orm" : "prm")} if they are {(kind == ShippedScoreKind.Prm ? "ORM scores" : "step scores")}" : "";
        var result = problems.Select(problem =>
        {
            if (problem.Scores is not { } scores) return problem;
            var converted = new List<ImportedScore>(scores.Count);
            for (var i = 0; i < scores.Count && errors.Count < SampleSetReader.MaxErrors; i++)
            {
                var (score, error) = As(kind, scores[i]);
                if (error is not null) errors.Add((problem.Line, $"'{field}'[{i}]: {error}{hint}"));
                converted.Add(score);
            }
            return problem with { Scores = converted };
        }).ToList();
        if (errors.Count > 0) throw new SampleSetFormatException(path, errors);
        return (result, kind);
    }

    private static ShippedScoreKind Infer(string path, string field, List<ImportedProblem> scored)
    {
        var firstNumber = scored.FirstOrDefault(p => p.Scores!.Any(s => s.Outcome is not null));
        var firstList = scored.FirstOrDefault(p => p.Scores!.Any(s => s.Steps is not null));
        if (firstNumber is not null && firstList is not null)
        {
            var line = Math.Max(firstNumber.Line, firstList.Line);
            throw new SampleSetFormatException(path, [(line,
                $"'{field}' holds numbers (line {firstNumber.Line}) and lists (line {firstList.Line}): give --scores-as orm (one score per answer) or --scores-as prm (step scores)")]);
        }
        if (firstNumber is not null) return ShippedScoreKind.Orm;
        // [[x]]: one number per answer wrapped in a list, while answers have several steps, is an ORM score as often as a last-step score.
        var manySteps = scored.FirstOrDefault(p => p.Answers.Any(HasSeveralSteps));
        if (scored.All(p => p.Scores!.All(s => s.Steps!.Count == 1)) && manySteps is not null)
        {
            throw new SampleSetFormatException(path, [(manySteps.Line,
                $"every '{field}' list holds one number while the answers have several steps: one ORM score per answer ([[x]]) or one step score? Give --scores-as orm or --scores-as prm")]);
        }
        return ShippedScoreKind.Prm;
    }

    private static (ImportedScore Score, string? Error) As(ShippedScoreKind kind, ImportedScore score)
    {
        if (kind == ShippedScoreKind.Orm)
        {
            var outcome = score.Outcome ?? (score.Steps is [var only] ? only : (double?)null);
            if (outcome is not { } value) return (score, $"holds {score.Steps!.Count} numbers; an ORM score is one number per answer");
            return (new ImportedScore(value, null), ScoreRules.OrmProblem(value));
        }
        var steps = score.Steps ?? [score.Outcome!.Value];
        return (new ImportedScore(null, steps), ScoreRules.PrmProblem(steps));
    }

    /// <summary>Steps as the reference splits them: "ки" tags (Mistral data) or blank lines (Deepseek data, search-and-learn).</summary>
    private static bool HasSeveralSteps(string answer) =>
        answer.Trim().Contains("\n\n", StringComparison.Ordinal) || answer.Split("ки", StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Length > 1;
}
