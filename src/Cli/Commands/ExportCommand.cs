using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Pipeline;

namespace BestOfN.Cli.Commands;

/// <summary>`export`: stored samples as JSONL or Parquet, with grades and reward scores.</summary>
internal static class ExportCommand
{
    private static readonly Option<FileInfo> StorePath = new Option<FileInfo>("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) }.AcceptExistingOnly();
    private static readonly Option<string> Out = new("--out") { Description = "Output file ('-' for standard output, JSONL only)", Required = true };
    private static readonly Option<ExportFormat> Format = new("--format") { Description = "jsonl (one object per line) or parquet (one table, the same columns)", DefaultValueFactory = _ => ExportFormat.Jsonl };
    private static readonly Option<string?> RunName = new("--run") { Description = "Only this run (default: every run in the store)" };
    private static readonly Option<string> Extraction = CommonOptions.Extraction();

    public static Command Create()
    {
        var command = new Command("export", "Write stored samples as JSONL or Parquet, one row per sample, with problem fields, the rendered prompt and (once graded/scored) answer, correct, orm_score and prm_scores")
        {
            StorePath, Out, Format, RunName, Extraction,
        };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () =>
        {
            var result = ExportSamples.Run(new ExportRequest
            {
                StorePath = pr.GetValue(StorePath)!.FullName,
                RunId = pr.GetValue(RunName),
                Out = pr.GetValue(Out)!,
                Format = pr.GetValue(Format),
                Extraction = pr.GetValue(Extraction)!,
            }, pr.InvocationConfiguration.Output);
            pr.InvocationConfiguration.Error.WriteLine($"exported {result.Samples} samples from {result.Runs} run(s) to {result.Destination}");
            return ExitCodes.Ok;
        }));
        return command;
    }
}
