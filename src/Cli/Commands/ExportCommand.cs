using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Pipeline;

namespace BestOfN.Cli.Commands;

/// <summary>`export`: stored samples as JSONL, with grades and reward scores.</summary>
internal static class ExportCommand
{
    private static readonly Option<FileInfo> StorePath = new Option<FileInfo>("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) }.AcceptExistingOnly();
    private static readonly Option<string> Out = new("--out") { Description = "Output JSONL file ('-' for standard output)", Required = true };
    private static readonly Option<string?> RunName = new("--run") { Description = "Only this run (default: every run in the store)" };
    private static readonly Option<string> Extraction = CommonOptions.Extraction();

    public static Command Create()
    {
        var command = new Command("export", "Write stored samples as JSONL, one line per sample, with problem fields, the rendered prompt and (once graded/scored) answer, correct, orm_score and prm_scores")
        {
            StorePath, Out, RunName, Extraction,
        };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () =>
        {
            var result = ExportSamples.Run(new ExportRequest
            {
                StorePath = pr.GetValue(StorePath)!.FullName,
                RunId = pr.GetValue(RunName),
                Out = pr.GetValue(Out)!,
                Extraction = pr.GetValue(Extraction)!,
            }, pr.InvocationConfiguration.Output);
            pr.InvocationConfiguration.Error.WriteLine($"exported {result.Samples} samples from {result.Runs} run(s) to {result.Destination}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
