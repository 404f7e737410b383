using Spectre.Console;

namespace BestOfN.Cli.Progress;

/// <summary>Where a long job stands: items done of a total, and a line describing rates and ETA.</summary>
internal readonly record struct ProgressView(long Done, long Total, bool Finished, string Description);

/// <summary>
/// The one place that draws progress: a Spectre live bar on a terminal, plain lines every few seconds otherwise (CI,
/// pipes). Reports arrive on the working thread, the same one that owns the display (Spectre's is not thread-safe).
/// </summary>
internal static class LiveProgress
{
    public static T Run<TProgress, T>(string title, TextWriter plainOutput, Func<TProgress, ProgressView> view, Func<IProgress<TProgress>, T> work)
    {
        if (AnsiConsole.Profile.Capabilities.Interactive && !Console.IsOutputRedirected)
        {
            return AnsiConsole.Progress()
                .AutoClear(false)
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new RemainingTimeColumn())
                .Start(ctx =>
                {
                    var task = ctx.AddTask(title);
                    return work(new SyncProgress<TProgress>(p =>
                    {
                        var v = view(p);
                        task.MaxValue = Math.Max(1, v.Total);
                        task.Value = v.Done;
                        task.Description = $"{title} {v.Description}";
                    }));
                });
        }
        var last = DateTime.MinValue;
        return work(new SyncProgress<TProgress>(p =>
        {
            var v = view(p);
            if (!v.Finished && DateTime.UtcNow - last < TimeSpan.FromSeconds(5)) return;
            last = DateTime.UtcNow;
            plainOutput.WriteLine($"{title} {v.Description}");
        }));
    }

    /// <summary>Estimated time left from the rate of this invocation's own work.</summary>
    public static string Eta(long remaining, double perSecond) =>
        perSecond > 0 && remaining > 0 ? TimeSpan.FromSeconds(remaining / perSecond).ToString(@"hh\:mm\:ss", System.Globalization.CultureInfo.InvariantCulture) : "--:--:--";

    internal sealed class SyncProgress<TProgress>(Action<TProgress> report) : IProgress<TProgress>
    {
        public void Report(TProgress value) => report(value);
    }
}
