using System.Globalization;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Progress;

/// <summary>Scoring progress: problems and answers done, answers/s, scored tokens/s, ETA.</summary>
internal static class ScoringProgressDisplay
{
    public static T Run<T>(string title, TextWriter plainOutput, Func<IProgress<ScoringProgress>, T> work) =>
        LiveProgress.Run(title, plainOutput, (ScoringProgress p) => new ProgressView(p.AnswersDone, p.AnswersTotal, p.ProblemsDone == p.ProblemsTotal, Describe(p)), work);

    public static string Describe(ScoringProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        // Rates count this invocation's work only, not answers a resumed run found already scored.
        var answersPerSecond = (p.AnswersDone - p.AnswersResumed) / seconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"problems {p.ProblemsDone}/{p.ProblemsTotal} | answers {p.AnswersDone}/{p.AnswersTotal} | {answersPerSecond:F1} answers/s | {p.TokensScored / seconds:F0} scored tok/s | ETA {LiveProgress.Eta(p.AnswersTotal - p.AnswersDone, answersPerSecond)}");
    }
}
