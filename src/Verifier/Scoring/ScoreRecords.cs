namespace BestOfN.Verifier.Scoring;

/// <summary>One answer to score.</summary>
/// <param name="Index">The sample's index within its problem.</param>
public sealed record ScoringAnswer(int Index, string Text);

/// <summary>A problem and the answers of it that still need scores.</summary>
/// <param name="Prompt">The problem text the reward model sees (RLHFlow's "prompt").</param>
public sealed record ScoringProblem(string ProblemId, string Prompt, IReadOnlyList<ScoringAnswer> Answers);

/// <summary>
/// The scores of one answer. Every step score is kept so that any aggregation (mean, min, last, product, geometric mean)
/// can be recomputed later without scoring again.
/// </summary>
/// <param name="StepScores">P(good) per step, in order; empty for an ORM or when nothing was scored.</param>
/// <param name="OrmScore">The outcome score (ORM protocols and per-sequence ONNX models); null otherwise.</param>
/// <param name="StepPositions">Token position of each read (the step boundaries), in the scored token sequence.</param>
/// <param name="StepCount">Steps the answer has, scored or not (a truncated answer has more steps than scores).</param>
/// <param name="TokenCount">Tokens of the scored sequence, shared prefix included.</param>
/// <param name="Milliseconds">This answer's share of its batch's wall time.</param>
public sealed record SampleScore(string ProblemId, int Index, ScoreStatus Status, IReadOnlyList<double> StepScores, double? OrmScore,
    IReadOnlyList<int> StepPositions, int StepCount, int TokenCount, double Milliseconds);

/// <summary>Progress of a scoring run, for a progress display.</summary>
public readonly record struct ScoringProgress(
    int ProblemsDone, int ProblemsTotal, long AnswersDone, long AnswersTotal, long AnswersResumed, long TokensScored, TimeSpan Elapsed);

/// <param name="AnswersScored">Answers scored by this invocation (not those found already stored).</param>
/// <param name="TokensScored">Tokens run through the model: each shared prefix once, plus every answer's own tokens.</param>
/// <param name="Interrupted">The run was cancelled: the batch in flight was dropped, every finished batch is stored.</param>
public sealed record ScoringSummary(int Problems, long AnswersScored, long AnswersSkipped, long TokensScored, long PrefixTokensPrefilled,
    IReadOnlyDictionary<ScoreStatus, long> Statuses, TimeSpan Elapsed, bool Interrupted = false);

/// <summary>A reward model that cannot be used with the protocol asked for (a verdict that is not one token, a template that hides it).</summary>
public sealed class ScoringProtocolException(string message) : Exception(message);
