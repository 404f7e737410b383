using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Progress;
using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Experiments.Report;

namespace BestOfN.Cli.Commands;

/// <summary>`experiment run|report FILE`: one file runs generators × datasets × reward models and writes a report folder.</summary>
internal static class ExperimentCommand
{
    private static readonly Argument<FileInfo> File = new Argument<FileInfo>("experiment") { Description = "Experiment file (YAML, or the same structure in JSON)" }.AcceptExistingOnly();
    private static readonly Option<bool> DryRun = new("--dry-run") { Description = "Print the plan (each stage, done or to do, with its estimated tokens) and run nothing" };
    private static readonly NativeOptions Native = new();
    private static readonly ShardOptions Sharding = new();

    public static Command Create()
    {
        var run = new Command("run", "Run every missing stage (sample, import, score), then write the report folder; reruns skip what is stored") { File, DryRun };
        Native.AddLibraryTo(run);
        Sharding.AddTo(run);
        run.SetAction((pr, ct) => CommandErrors.Run(pr, () =>
        {
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(ct, Program.Interruption);
            return Run(pr, linked.Token);
        }));
        var report = new Command("report", "Rebuild the report folder from the store alone") { File };
        Native.AddLibraryTo(report);
        report.SetAction((pr, ct) => CommandErrors.Run(pr, () => Report(pr)));
        return new Command("experiment", "Run an experiment file (generators × datasets × reward models) and write its report") { run, report };
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var request = new ExperimentRequest(pr.GetValue(File)!.FullName) { DryRun = pr.GetValue(DryRun), Shard = Sharding.Read(pr) };
        var output = pr.InvocationConfiguration.Output;
        if (request.DryRun)
        {
            var plan = RunExperiment.Run(request, null, ct);
            foreach (var stage in plan.Plan) output.WriteLine(PlanLine(stage));
            var todo = plan.Plan.Where(s => !s.Done).ToList();
            output.WriteLine($"{todo.Count} of {plan.Plan.Count} stages to do, about {ReportText.Count(todo.Sum(s => s.EstimatedTokens))} tokens at most; the report goes to {plan.Experiment.OutFolder}");
            return ExitCodes.Ok;
        }
        Native.Load(pr);
        var result = ExperimentProgressDisplay.Run(pr.InvocationConfiguration.Error, progress => RunExperiment.Run(request, progress, ct));
        foreach (var outcome in result.Outcomes) output.WriteLine($"{(outcome.Ran ? "ran " : "done")}  {outcome.Stage.Label}: {outcome.Summary}");
        if (result.Interrupted)
        {
            pr.InvocationConfiguration.Error.WriteLine($"interrupted: finished work is stored; resume with: {Program.CommandLine ?? "the same command"}");
            return ExitCodes.Interrupted;
        }
        if (result.Shard is { } shard)
        {
            output.WriteLine($"shard {shard} stored in {result.StorePath}; once every shard is done: bestofn merge {result.Experiment.StorePath} <the shard stores>, then bestofn experiment report {pr.GetValue(File)!.Name}");
            return ExitCodes.Ok;
        }
        WriteReport(output, result.Report!);
        return ExitCodes.Ok;
    }

    private static int Report(ParseResult pr)
    {
        Native.Load(pr); // reads each model's GGUF metadata for the manifest
        WriteReport(pr.InvocationConfiguration.Output, ReportExperiment.Run(pr.GetValue(File)!.FullName));
        return ExitCodes.Ok;
    }

    private static void WriteReport(TextWriter output, ExperimentReportFiles files)
    {
        foreach (var note in files.Report.Notes) output.WriteLine($"Note: {note}");
        output.WriteLine($"report: {Path.Combine(files.Folder, "index.html")} ({files.Files.Count} files in {files.Folder})");
    }

    private static string PlanLine(ExperimentStage stage)
    {
        var work = stage.Kind switch
        {
            StageKind.BuildModel => $"writes {stage.ModelPath}",
            StageKind.Sample => $"{ReportText.Count(stage.MissingItems)} samples to draw, ≤ {ReportText.Count(stage.EstimatedTokens)} tokens",
            StageKind.Import => $"{ReportText.Count(stage.MissingItems)} problems to import",
            _ when stage.MissingItems == 0 => "after its sample set is imported",
            _ => $"{ReportText.Count(stage.MissingItems)} answers to score, ~{ReportText.Count(stage.EstimatedTokens)} tokens",
        };
        return stage.Done ? $"done   {stage.Label}{(stage.RunId is null ? "" : $" ({stage.ScorerId ?? stage.RunId})")}" : $"to do  {stage.Label}: {work}";
    }
}
