using System.CommandLine;
using BestOfN.Store;
using BestOfN.Verifier.Import;

namespace BestOfN.Cli.Commands;

/// <summary>`import`: a published sample set (RLHFlow test sets, search-and-learn outputs) into the run store, labels kept as each sample's label.</summary>
internal static class ImportCommand
{
    private static readonly Argument<FileInfo> File = new Argument<FileInfo>("path") { Description = "JSONL sample set, one problem per line" }.AcceptExistingOnly();
    private static readonly Option<string> Format = new("--format") { Description = "rlhflow (prompt, answers, label) or search-and-learn (problem, answer, completions, scores)", Required = true };
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store (created if absent)", DefaultValueFactory = _ => new FileInfo("runs.db") };
    private static readonly Option<string?> RunName = new("--run") { Description = "Run id (default: derived from the file's hash, the format and the field mapping)" };
    private static readonly Option<string[]> Field = new("--field") { Description = "Map a field to the line's property: id=, prompt=, gold=, answers=, label=, scores= (repeatable)" };

    public static Command Create()
    {
        var command = new Command("import", "Import a published sample set into a run store; shipped labels become each sample's label, shipped scores a scorer named 'imported'")
        {
            File, Format, StorePath, RunName, Field,
        };
        command.SetAction((pr, ct) => Task.FromResult(Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        SampleSetFormat format;
        switch (pr.GetValue(Format))
        {
            case "rlhflow": format = SampleSetFormat.Rlhflow; break;
            case "search-and-learn": format = SampleSetFormat.SearchAndLearn; break;
            case var other: return SampleCommand.Fail(pr, [$"--format must be rlhflow or search-and-learn, got '{other}'."]);
        }
        SampleSetFieldMap map;
        try
        {
            map = SampleSetFieldMap.Parse(format, pr.GetValue(Field) ?? []);
        }
        catch (ArgumentException e)
        {
            return SampleCommand.Fail(pr, e.Message.Split(Environment.NewLine));
        }
        var path = pr.GetValue(File)!.FullName;
        IReadOnlyList<ImportedProblem> problems;
        try
        {
            problems = SampleSetReader.Read(path, format, map);
        }
        catch (SampleSetFormatException e)
        {
            return SampleCommand.Fail(pr, e.Message.Split(Environment.NewLine));
        }
        using var store = RunStore.Open(pr.GetValue(StorePath)!.FullName);
        var summary = SampleSetImport.Import(store, path, format, map, problems, pr.GetValue(RunName));
        var output = pr.InvocationConfiguration.Output;
        output.WriteLine($"run {summary.Run.RunId} in {store.Path}: {summary.Problems} problems, {summary.SamplesInserted} samples imported, {summary.SamplesAlreadyStored} already stored");
        output.WriteLine($"labels: {summary.LabelledSamples} samples carry the shipped label" + (summary.ScoresImported > 0 ? $"; {summary.ScoresImported} shipped scores stored as scorer '{SampleSetImport.ImportedScorerId}'" : ""));
        return 0;
    }
}
