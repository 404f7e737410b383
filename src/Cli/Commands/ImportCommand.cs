using System.CommandLine;
using System.Globalization;
using BestOfN.Cli.Options;
using BestOfN.Pipeline;
using BestOfN.Problems;
using BestOfN.Verifier.Import;

namespace BestOfN.Cli.Commands;

/// <summary>`import`: a published sample set (RLHFlow test sets, search-and-learn outputs) into the run store, labels kept as each sample's label.</summary>
internal static class ImportCommand
{
    private static readonly Argument<FileInfo> File = new Argument<FileInfo>("path") { Description = "JSONL sample set, one problem per line" }.AcceptExistingOnly();
    private static readonly Option<string> Format = new Option<string>("--format") { Description = "rlhflow (prompt, answers, label) or search-and-learn (problem, answer, completions, scores)", Required = true }
        .OneOf([.. SampleSetFormats.ByName.Keys]);
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store (created if absent)", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) };
    private static readonly Option<string?> RunName = new("--run") { Description = "Run id (default: derived from the file's hash, the format and the field mapping)" };
    private static readonly Option<string> Gold = new("--gold") { Description = "Dataset whose gold answers fill in problems that ship none, matched by question text (e.g. gsm8k:test.jsonl); labels are then re-graded and disagreements reported" };
    private static readonly Option<string> Style = new Option<string>("--style") { Description = "The set's step style, stored with the run: mistral (steps end with \"ки\\n\"; an answer without ки is one step) or deepseek (blank lines); score --steps auto follows it" }
        .OneOf("mistral", "deepseek");
    private static readonly Option<double> MinGoldMatch = new("--min-gold-match") { Description = "With --gold: the least share of problems that must match a gold question (0 to 1), else nothing is imported", DefaultValueFactory = _ => 0.9 };
    private static readonly Option<string> ScoresAs = new Option<string>("--scores-as")
    {
        Description = "What the shipped scores are: orm (one score per answer; a one-number list is unwrapped) or prm (step probabilities in [0, 1]). Default: numbers are ORM, lists PRM",
    }.OneOf("orm", "prm");
    private static readonly ShardOptions Sharding = new();
    private static readonly Option<string[]> Field = new("--field") { Description = "Map a field to the line's property: id=, prompt=, gold=, answers=, label=, scores= (repeatable)" };

    public static Command Create()
    {
        var command = new Command("import", "Import a published sample set into a run store; shipped labels become each sample's label, shipped scores a scorer named 'imported'")
        {
            File, Format, StorePath, RunName, Gold, Field, Style, MinGoldMatch, ScoresAs,
        };
        Sharding.AddTo(command);
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var result = ImportSampleSet.Run(new ImportRequest
        {
            Path = pr.GetValue(File)!.FullName,
            Format = SampleSetFormats.ByName[pr.GetValue(Format)!],
            FieldMappings = pr.GetValue(Field) ?? [],
            StorePath = pr.GetValue(StorePath)!.FullName,
            RunName = pr.GetValue(RunName),
            Gold = pr.GetValue(Gold) is { } g ? DatasetSpec.Parse(g) : null,
            Style = pr.GetValue(Style),
            MinGoldMatch = pr.GetValue(MinGoldMatch),
            ScoresAs = pr.GetValue(ScoresAs) switch { "orm" => ShippedScoreKind.Orm, "prm" => ShippedScoreKind.Prm, _ => null },
            Shard = Sharding.Read(pr),
        });
        var output = pr.InvocationConfiguration.Output;
        var summary = result.Summary;
        if (result.GoldMatched is { } matched) output.WriteLine($"gold: {matched} of {summary.Problems} problems matched a question of {pr.GetValue(Gold)} ({summary.Problems - matched} unmatched)");
        output.WriteLine($"run {summary.Run.RunId} in {result.StorePath}{(result.Shard is { } shard ? $" (shard {shard})" : "")}: {summary.Problems} problems, {summary.SamplesInserted} samples imported, {summary.SamplesAlreadyStored} already stored");
        output.WriteLine($"labels: {summary.LabelledSamples} samples carry the shipped label" + (summary.ScoresImported > 0 ? $"; {summary.ScoresImported} shipped scores stored as scorer '{SampleSetImport.ImportedScorerId}' ({(result.ScoresKind == ShippedScoreKind.Prm ? "PRM step scores" : "ORM scores")})" : ""));
        var agreement = result.Agreement;
        if (agreement.Compared > 0)
        {
            var missing = agreement.WithoutGold > 0 ? $"; {agreement.WithoutGold} labelled samples have no gold to compare" : "";
            output.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"labels vs our grading: {agreement.Agree} of {agreement.Compared} agree ({agreement.AgreementRate * 100:F1}%); {agreement.LabelOnly} labelled correct but graded wrong, {agreement.GradeOnly} labelled wrong but graded correct{missing}"));
        }
        else if (agreement.WithoutGold > 0)
        {
            output.WriteLine("labels vs our grading: no problem has a gold answer; give --gold DATASET to re-grade the labels.");
        }
        if (agreement.SplitKeys > 0)
        {
            output.WriteLine($"labels: {agreement.SplitKeys} answer keys in {agreement.SplitKeyProblems} problems hold samples labelled both ways; the report splits each by label and its JSON lists the problems");
        }
        return ExitCodes.Ok;
    }
}
