using System.CommandLine;
using BestOfN.Store;
using BestOfN.Verifier.Grading;

namespace BestOfN.Cli.Commands;

internal static class ExportCommand
{
    private static readonly Option<FileInfo> StorePath = new Option<FileInfo>("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo("runs.db") }.AcceptExistingOnly();
    private static readonly Option<FileInfo> Out = new("--out") { Description = "Output JSONL file ('-' for standard output)", Required = true };
    private static readonly Option<string?> RunName = new("--run") { Description = "Only this run (default: every run in the store)" };
    private static readonly Option<string> Extraction = new Option<string>("--extraction") { Description = "Answer extraction: flexible, math-strict or gsm8k-strict", DefaultValueFactory = _ => "flexible" }.AcceptOnlyFromAmong("flexible", "math-strict", "gsm8k-strict");

    public static Command Create()
    {
        var command = new Command("export", "Write stored samples as JSONL, one line per sample, with problem fields, the rendered prompt and (once graded/scored) answer, correct, orm_score and prm_scores")
        {
            StorePath, Out, RunName, Extraction,
        };
        command.SetAction((pr, ct) => Task.FromResult(CommandErrors.Guard(pr, () =>
        {
            using var store = RunStore.Open(pr.GetValue(StorePath)!.FullName);
            var runs = pr.GetValue(RunName) is { } name
                ? [store.Run(name) ?? throw new ArgumentException($"No run '{name}' in {store.Path}; runs: {string.Join(", ", store.Runs().Select(r => r.RunId))}")]
                : store.Runs();
            var outPath = pr.GetValue(Out)!;
            var grader = new AnswerGrader(new GraderOptions { Extraction = ExtractionOptions.FromName(pr.GetValue(Extraction)!)! });
            IReadOnlyList<IExportColumns> columns = [new GradeColumns(grader), new ScoreColumns(store)];
            long count;
            if (outPath.Name == "-") count = SampleExport.Write(store, runs, pr.InvocationConfiguration.Output, columns);
            else
            {
                using var writer = new StreamWriter(outPath.FullName);
                count = SampleExport.Write(store, runs, writer, columns);
            }
            pr.InvocationConfiguration.Error.WriteLine($"exported {count} samples from {runs.Count} run(s) to {(outPath.Name == "-" ? "stdout" : outPath.FullName)}");
            return 0;
        })));
        return command;
    }
}
