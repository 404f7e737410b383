namespace BestOfN.Voting.Samples;

/// <summary>
/// One sampled solution as voting sees it: a canonical answer key and a verdict, never the text.
/// </summary>
/// <param name="AnswerKey">
/// Canonical answer key from the verifier. An empty key means "no answer extracted": such a sample abstains from
/// (weighted) majority voting; a subset made only of abstaining samples counts as wrong. It still takes part in
/// pass@k and reward-ranked best-of-k with its own <paramref name="Correct"/> flag.
/// </param>
/// <param name="Correct">Whether the answer was graded correct. All samples sharing a non-empty key must agree.</param>
/// <param name="OrmScore">Outcome reward model score, or null when the run has none.</param>
/// <param name="PrmStepScores">Process reward model scores, one per step, or null when the run has none.</param>
public sealed record VoteSample(string AnswerKey, bool Correct, double? OrmScore = null, IReadOnlyList<double>? PrmStepScores = null)
{
    public bool Abstains => AnswerKey.Length == 0;
}
