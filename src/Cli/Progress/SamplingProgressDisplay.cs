using System.Globalization;
using BestOfN.Sampler.Sampling;
using Spectre.Console;

namespace BestOfN.Cli.Progress;

/// <summary>
/// The one place that draws sampling progress: a Spectre live bar on a terminal, plain lines otherwise (CI, pipes).
/// Reports arrive on the sampling thread, the same thread that owns the display (Spectre's is not thread-safe).
/// </summary>
internal static class SamplingProgressDisplay
{
    public static T Run<T>(string title, TextWriter plainOutput, Func<IProgress<SamplingProgress>, T> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(title);
                    return work(new SyncProgress(p =>
                    {
                        task.MaxValue = Math.Max(1, p.SamplesTotal);
                        task.Value = p.SamplesDone;
                        task.Description = $"{title} {Describe(p)}";
                    }));
                });
        }
        TimeSpan? last = null;
        return work(new SyncProgress(p =>
        {
            var final = p.ProblemsDone == p.ProblemsTotal;
            if (!final && last is { } l && p.Elapsed - l < TimeSpan.FromSeconds(5)) return;
            last = p.Elapsed;
            plainOutput.WriteLine($"{title} {Describe(p)}");
        }));
    }

    public static string Describe(SamplingProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        // Rates count this invocation's work only, not samples a resumed run found already stored.
        var samplesPerSecond = (p.SamplesDone - p.SamplesResumed) / seconds;
        var tokensPerSecond = p.TokensGenerated / seconds;
        var remaining = p.SamplesTotal - p.SamplesDone;
        var eta = samplesPerSecond > 0 && remaining > 0 ? TimeSpan.FromSeconds(remaining / samplesPerSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"problems {p.ProblemsDone}/{p.ProblemsTotal} | samples {p.SamplesDone}/{p.SamplesTotal} | {samplesPerSecond:F1} samples/s | {tokensPerSecond:F0} tok/s | ETA {eta}");
    }

    private sealed class SyncProgress(Action<SamplingProgress> report) : IProgress<SamplingProgress>
    {
        public void Report(SamplingProgress value) => report(value);
    }
}
