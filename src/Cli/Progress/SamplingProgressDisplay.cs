using System.Globalization;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Cli.Progress;

/// <summary>Sampling progress: problems and samples done, samples/s, generated tokens/s, ETA.</summary>
internal static class SamplingProgressDisplay
{
    public static T Run<T>(string title, TextWriter plainOutput, Func<IProgress<SamplingProgress>, T> work) =>
        LiveProgress.Run(title, plainOutput, (SamplingProgress p) => new ProgressView(p.SamplesDone, p.SamplesTotal, p.ProblemsDone == p.ProblemsTotal, Describe(p)), work);

    public static string Describe(SamplingProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        // Rates count this invocation's work only, not samples a resumed run found already stored.
        var samplesPerSecond = (p.SamplesDone - p.SamplesResumed) / seconds;
        return string.Create(CultureInfo.InvariantCulture,
            $"problems {p.ProblemsDone}/{p.ProblemsTotal} | samples {p.SamplesDone}/{p.SamplesTotal} | {samplesPerSecond:F1} samples/s | {p.TokensGenerated / seconds:F0} tok/s | ETA {LiveProgress.Eta(p.SamplesTotal - p.SamplesDone, samplesPerSecond)}");
    }
}
