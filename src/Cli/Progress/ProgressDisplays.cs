using System.Diagnostics;
using System.Globalization;
using BestOfN.Pipeline.Expo;
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

    /// <summary>Progress of an expo merge: tensors written, input bytes read (hashing included), MB/s, ETA.</summary>
    public static T Expo<T>(string title, TextWriter plainOutput, Func<IProgress<ExpoProgress>, T> work)
    {
        var clock = Stopwatch.StartNew();
        return LiveProgress.Run(title, plainOutput, (ExpoProgress p) =>
        {
            var perSecond = p.BytesDone / Math.Max(clock.Elapsed.TotalSeconds, 1e-9);
            return new ProgressView(p.BytesDone, p.BytesTotal, p.TensorsDone == p.TensorsTotal, string.Create(CultureInfo.InvariantCulture,
                $"tensors {p.TensorsDone}/{p.TensorsTotal} | read {p.BytesDone / 1e6:F1}/{p.BytesTotal / 1e6:F1} MB | {perSecond / 1e6:F1} MB/s | ETA {LiveProgress.Eta(p.BytesTotal - p.BytesDone, perSecond)}"));
        }, work);
    }

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
