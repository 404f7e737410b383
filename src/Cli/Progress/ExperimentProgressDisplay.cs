using BestOfN.Pipeline.Experiments;

namespace BestOfN.Cli.Progress;

/// <summary>One progress view for a whole experiment: items (samples, answers) done of the plan's missing ones, with the running stage's own line.</summary>
internal static class ExperimentProgressDisplay
{
    public static T Run<T>(TextWriter plainOutput, Func<IProgress<ExperimentProgress>, T> work) =>
        LiveProgress.Run("experiment", plainOutput, (ExperimentProgress p) =>
        {
            var stage = p switch
            {
                { Sampling: { } s } => ProgressDisplays.Describe(s),
                { Scoring: { } s } => ProgressDisplays.Describe(s),
                _ => "",
            };
            var finished = p.Stage == p.Stages && p.Sampling is null && p.Scoring is null;
            return new ProgressView(p.ItemsDone, Math.Max(1, p.ItemsTotal), finished, $"stage {p.Stage}/{p.Stages} {p.Label} | items {p.ItemsDone}/{p.ItemsTotal} {stage}");
        }, work);
}
