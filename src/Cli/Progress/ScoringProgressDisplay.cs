using System.Globalization;
using BestOfN.Verifier.Scoring;
using Spectre.Console;

namespace BestOfN.Cli.Progress;

/// <summary>
/// Draws scoring progress (answers/s, scored tokens/s): a Spectre live bar on a terminal, plain lines otherwise (CI, pipes).
/// Reports arrive on the scoring thread, the one that owns the display (Spectre's is not thread-safe).
/// </summary>
internal static class ScoringProgressDisplay
{
    public static T Run<T>(string title, TextWriter plainOutput, Func<IProgress<ScoringProgress>, T> work)
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
                        task.MaxValue = Math.Max(1, p.AnswersTotal);
                        task.Value = p.AnswersDone;
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

    public static string Describe(ScoringProgress p)
    {
        var seconds = Math.Max(p.Elapsed.TotalSeconds, 1e-9);
        // Rates count this invocation's work only, not answers a resumed run found already scored.
        var answersPerSecond = (p.AnswersDone - p.AnswersResumed) / seconds;
        var tokensPerSecond = p.TokensScored / seconds;
        var remaining = p.AnswersTotal - p.AnswersDone;
        var eta = answersPerSecond > 0 && remaining > 0 ? TimeSpan.FromSeconds(remaining / answersPerSecond).ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) : "--:--:--";
        return string.Create(CultureInfo.InvariantCulture,
            $"problems {p.ProblemsDone}/{p.ProblemsTotal} | answers {p.AnswersDone}/{p.AnswersTotal} | {answersPerSecond:F1} answers/s | {tokensPerSecond:F0} scored tok/s | ETA {eta}");
    }

    private sealed class SyncProgress(Action<ScoringProgress> report) : IProgress<ScoringProgress>
    {
        public void Report(ScoringProgress value) => report(value);
    }
}
