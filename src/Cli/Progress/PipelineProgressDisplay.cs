using BestOfN.Pipeline;

namespace BestOfN.Cli.Progress;

/// <summary>Progress of the end-to-end run: its stage, and that stage's sampling or scoring progress.</summary>
internal static class PipelineProgressDisplay
{
    public static T Run<T>(TextWriter plainOutput, Func<IProgress<PipelineProgress>, T> work) =>
        LiveProgress.Run("run", plainOutput, (PipelineProgress p) => p switch
        {
            { Sampling: { } s } => new ProgressView(s.SamplesDone, s.SamplesTotal, s.ProblemsDone == s.ProblemsTotal, $"{p.Stage}: {ProgressDisplays.Describe(s)}"),
            { Scoring: { } s } => new ProgressView(s.AnswersDone, s.AnswersTotal, s.ProblemsDone == s.ProblemsTotal, $"{p.Stage}: {ProgressDisplays.Describe(s)}"),
            _ => new ProgressView(0, 1, false, p.Stage),
        }, work);
}
