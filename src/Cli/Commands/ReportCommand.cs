using System.CommandLine;
using System.Globalization;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Pipeline;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;

namespace BestOfN.Cli.Commands;

/// <summary>`report`: pass@k, majority and best-of-k tables with bootstrap intervals, from sample dumps or a run store.</summary>
internal static class ReportCommand
{
    private static readonly Option<string> Extraction = CommonOptions.Extraction();
    private static readonly Option<string[]> Samples = new("--samples") { Description = "JSONL sample dump, one sample per line; repeat as NAME=PATH for several dataset columns", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<FileInfo> StorePath = new Option<FileInfo>("--store") { Description = "Run store (SQLite): report its runs, grading each sample against its problem's gold" }.AcceptExistingOnly();
    private static readonly Option<string[]> Runs = new("--run") { Description = "With --store: only these runs (repeatable; default every run, one column each)", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string> Ks = new("--ks") { Description = "Comma-separated subset sizes k (default 1,2,4,… up to N)" };
    private static readonly Option<int> Bootstrap = new("--bootstrap") { Description = "Bootstrap resamples over problems for 95% intervals (0: none)", DefaultValueFactory = _ => VotingDefaults.BootstrapResamples };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the bootstrap and Monte Carlo estimates", DefaultValueFactory = _ => VotingDefaults.Seed };
    private static readonly Option<string> WeightBy = new Option<string>("--weight-by") { Description = "Weighted-majority reward (default orm, or prm_min without ORM scores)" }
        .OneOf("orm", "prm_min", "prm_last", "prm_prod", "prm_mean", "prm_geomean");
    private static readonly Option<string> PrmAggregation = new Option<string>("--prm-aggregation") { Description = "PRM aggregation of the table's PRM row", DefaultValueFactory = _ => VotingDefaults.TablePrmAggregation.ShortName() }
        .OneOf("min", "last", "prod", "mean", "geomean");
    private static readonly Option<int> MonteCarloDraws = new("--mc-draws") { Description = "Random subsets per problem and k where an estimate is Monte Carlo", DefaultValueFactory = _ => VotingDefaults.MonteCarloDraws };
    private static readonly Option<FileInfo> Json = new("--json") { Description = "Also write every curve to this JSON file (the --format json shape)" };
    private static readonly Option<FileInfo> Csv = new("--csv") { Description = "Also write every curve to this CSV file (the --format csv rows)" };
    private static readonly Option<string> Format = new Option<string>("--format") { Description = "What to print: markdown (the table, default), latex (a booktabs table), csv or json (every curve point; notes go to stderr)", DefaultValueFactory = _ => "markdown" }
        .OneOf([.. ReportFormats.ByName.Keys]);
    private static readonly Option<string[]> By = new("--by") { Description = "Break down by a problem field (level, subject, …); repeatable", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string[]> Field = new("--field") { Description = "Read a sample field from another property: NAME=SOURCE (e.g. answer=pred); repeatable", AllowMultipleArgumentsPerToken = true };
    private static readonly Option<string?> Scorer = new("--scorer") { Description = "With --store: only this scorer's ORM/PRM rows (a scorer id; default every scorer, one column each when a run has several)" };
    private static readonly Option<string> Selection = new Option<string>("--selection") { Description = "ORM/PRM best-of-k: subsets (expected over random k-subsets, ties shared) or first-n (RLHFlow's table: the first best of the first k samples)", DefaultValueFactory = _ => "subsets" }.OneOf("subsets", "first-n");
    private static readonly Option<string> DatasetName = new("--dataset-name") { Description = "Column name of a single unnamed --samples dump" };

    public static Command Create()
    {
        var command = new Command("report", "Print pass@k, majority and best-of-k tables with bootstrap intervals")
        {
            Samples, StorePath, Runs, Extraction, Ks, Bootstrap, Seed, WeightBy, PrmAggregation, MonteCarloDraws, Json, Csv, Format, By, Field, DatasetName, Scorer, Selection,
        };
        command.SetAction((pr, ct) => CommandErrors.Run(pr, () => Run(pr)));
        return command;
    }

    private static int Run(ParseResult pr)
    {
        var errors = new List<string>();
        var voting = new VotingOptions
        {
            Ks = ParseKs(pr.GetValue(Ks), errors),
            BootstrapResamples = pr.GetValue(Bootstrap),
            Seed = pr.GetValue(Seed),
            MonteCarloDraws = pr.GetValue(MonteCarloDraws),
            WeightBy = pr.GetValue(WeightBy) is { } w && RewardSource.TryParse(w, out var source) ? source : null,
            TablePrmAggregation = PrmAggregations.TryParse(pr.GetValue(PrmAggregation)!, out var aggregation) ? aggregation : VotingDefaults.TablePrmAggregation,
            BreakdownFields = pr.GetValue(By) ?? [],
            Selection = pr.GetValue(Selection) == "first-n" ? RewardSelection.FirstN : RewardSelection.Subsets,
        };
        var request = new ReportRequest
        {
            Dumps = NameDumps(pr.GetValue(Samples) ?? [], pr.GetValue(DatasetName)),
            FieldMappings = pr.GetValue(Field) ?? [],
            StorePath = pr.GetValue(StorePath)?.FullName,
            RunIds = pr.GetValue(Runs) ?? [],
            Extraction = pr.GetValue(Extraction)!,
            Voting = voting,
            JsonOut = pr.GetValue(Json)?.FullName,
            CsvOut = pr.GetValue(Csv)?.FullName,
            Scorer = pr.GetValue(Scorer),
        };
        errors.AddRange(request.Validate());
        if (errors.Count > 0) return CommandErrors.Invalid(pr, errors);
        var result = ReportRuns.Run(request);
        ResultLines.Write(pr.InvocationConfiguration.Output, pr.InvocationConfiguration.Error, result, pr.GetValue(Format)!, TableOptions.From(voting));
        return ExitCodes.Ok;
    }

    /// <summary>NAME=PATH names a column; a bare path is named after its file (or --dataset-name when it is the only one).</summary>
    private static IReadOnlyList<NamedDump> NameDumps(string[] dumps, string? datasetName) => dumps.Select(dump =>
    {
        var eq = dump.IndexOf('=');
        if (eq > 0 && !File.Exists(dump)) return new NamedDump(dump[..eq], dump[(eq + 1)..]);
        return new NamedDump(dumps.Length == 1 && datasetName is not null ? datasetName : Path.GetFileNameWithoutExtension(dump), dump);
    }).ToList();

    private static int[]? ParseKs(string? text, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        var ks = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k)) ks.Add(k);
            else errors.Add($"--ks: '{part}' is not an integer");
        }
        return [.. ks];
    }
}
