using System.Globalization;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Progress;

/// <summary>Progress lines of sampling and scoring: problems and items done, items/s, tokens/s, ETA.</summary>
internal static class ProgressDisplays
{
    public static T Sampling<T>(string title, TextWriter plainOutput, Func<IProgress<SamplingProgress>, T> work) =>
        LiveProgress.Run(title, plainOutput, (SamplingProgress p) => new ProgressView(p.SamplesDone, p.SamplesTotal, p.ProblemsDone == p.ProblemsTotal, Describe(p)), work);

    public static T Scoring<T>(string title, TextWriter plainOutput, Func<IProgress<ScoringProgress>, T> work) =>
        LiveProgress.Run(title, plainOutput, (ScoringProgress p) => new ProgressView(p.AnswersDone, p.AnswersTotal, p.ProblemsDone == p.ProblemsTotal, Describe(p)), work);

    public static string Describe(SamplingProgress p) =>
        Line(p.ProblemsDone, p.ProblemsTotal, "samples", p.SamplesDone, p.SamplesTotal, p.SamplesResumed, p.TokensGenerated, "tok/s", p.Elapsed);

    public static string Describe(ScoringProgress p) =>
        Line(p.ProblemsDone, p.ProblemsTotal, "answers", p.AnswersDone, p.AnswersTotal, p.AnswersResumed, p.TokensScored, "scored tok/s", p.Elapsed);

    private static string Line(int problemsDone, int problemsTotal, string items, long done, long total, long resumed, long tokens, string tokenUnit, TimeSpan elapsed)
    {
        var seconds = Math.Max(elapsed.TotalSeconds, 1e-9);
        // Rates count this invocation's work only, not items a resumed run found already stored.
        var perSecond = (done - resumed) / seconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"problems {problemsDone}/{problemsTotal} | {items} {done}/{total} | {perSecond:F1} {items}/s | {tokens / seconds:F0} {tokenUnit} | ETA {LiveProgress.Eta(total - done, perSecond)}");
    }
}
