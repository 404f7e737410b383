using System.Globalization;

namespace BestOfN.Voting.Samples;

/// <summary>
/// What a usable reward score is, in one place: the report checks every sample with these rules, and <c>import</c> checks shipped
/// scores with the same ones before anything is stored. An ORM score ranks answers, so any finite number will do (a logit is fine).
/// A PRM step score is a probability: aggregations multiply, average and take the minimum of steps, which means nothing for logits.
/// </summary>
public static class ScoreRules
{
    /// <summary>Why <paramref name="score"/> cannot be an ORM score, or null when it can.</summary>
    public static string? OrmProblem(double score) =>
        double.IsFinite(score) ? null : $"ORM score {Format(score)} is not finite";

    /// <summary>Why <paramref name="steps"/> cannot be a PRM step score list, or null when it can.</summary>
    public static string? PrmProblem(IReadOnlyList<double> steps)
    {
        if (steps.Count == 0) return "the PRM step score list is empty";
        for (var i = 0; i < steps.Count; i++)
        {
            if (!(steps[i] >= 0 && steps[i] <= 1))
                return $"PRM step {i + 1} is {Format(steps[i])}, not a probability in [0, 1] (raw logits or an ORM score?)";
        }
        return null;
    }

    private static string Format(double value) => value.ToString("R", CultureInfo.InvariantCulture);
}
