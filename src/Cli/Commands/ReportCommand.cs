using System.CommandLine;
using System.Globalization;
using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using BestOfN.Voting.Samples;

namespace BestOfN.Cli.Commands;

internal static class ReportCommand
{
    public static Command Create()
    {
        var samples = new Option<string[]>("--samples")
        {
            Description = "JSONL sample dump, one sample per line; repeat as NAME=PATH for several dataset columns",
            AllowMultipleArgumentsPerToken = true,
        };
        var store = new Option<FileInfo>("--store") { Description = "Run store (SQLite): report its runs, grading each sample against its problem's gold" }.AcceptExistingOnly();
        var runs = new Option<string[]>("--run") { Description = "With --store: only these runs (repeatable; default every run, one column each)", AllowMultipleArgumentsPerToken = true };
        var extraction = new Option<string>("--extraction") { Description = "With --store: answer extraction, flexible, math-strict or gsm8k-strict", DefaultValueFactory = _ => "flexible" }.AcceptOnlyFromAmong("flexible", "math-strict", "gsm8k-strict");
        var ks = new Option<string>("--ks") { Description = "Comma-separated subset sizes k (default 1,2,4,… up to N)" };
        var bootstrap = new Option<int>("--bootstrap")
        {
            Description = "Bootstrap resamples over problems for 95% intervals (0: none)",
            DefaultValueFactory = _ => VotingDefaults.BootstrapResamples,
        };
        var seed = new Option<int>("--seed") { Description = "Seed of the bootstrap and Monte Carlo estimates", DefaultValueFactory = _ => VotingDefaults.Seed };
        var weightBy = new Option<string>("--weight-by") { Description = "Weighted-majority reward: orm|prm_min|prm_last|prm_prod|prm_mean|prm_geomean (default orm, or prm_min without ORM scores)" };
        var prmAggregation = new Option<string>("--prm-aggregation")
        {
            Description = "PRM aggregation of the table's PRM row: min|last|prod|mean|geomean",
            DefaultValueFactory = _ => VotingDefaults.TablePrmAggregation.ShortName(),
        };
        var monteCarloDraws = new Option<int>("--mc-draws")
        {
            Description = "Random subsets per problem and k where an estimate is Monte Carlo",
            DefaultValueFactory = _ => VotingDefaults.MonteCarloDraws,
        };
        var json = new Option<FileInfo>("--json") { Description = "Write every curve to this JSON file" };
        var csv = new Option<FileInfo>("--csv") { Description = "Write every curve to this CSV file" };
        var by = new Option<string[]>("--by") { Description = "Break down by a problem field (level, subject, …); repeatable", AllowMultipleArgumentsPerToken = true };
        var field = new Option<string[]>("--field") { Description = "Read a sample field from another property: NAME=SOURCE (e.g. answer=pred); repeatable", AllowMultipleArgumentsPerToken = true };
        var datasetName = new Option<string>("--dataset-name") { Description = "Column name of a single unnamed --samples dump" };

        var command = new Command("report", "Print pass@k, majority and best-of-k tables with bootstrap intervals")
        {
            samples, store, runs, extraction, ks, bootstrap, seed, weightBy, prmAggregation, monteCarloDraws, json, csv, by, field, datasetName,
        };
        command.SetAction(parseResult =>
        {
            var output = parseResult.InvocationConfiguration.Output;
            var error = parseResult.InvocationConfiguration.Error;
            try
            {
                var dumps = parseResult.GetValue(samples) ?? [];
                var storeFile = parseResult.GetValue(store);
                if (dumps.Length == 0 && storeFile is null)
                {
                    error.WriteLine("report: give at least one --samples dump, or --store.");
                    return 1;
                }
                var errors = new List<string>();
                var options = new VotingOptions
                {
                    Ks = ParseKs(parseResult.GetValue(ks), errors),
                    BootstrapResamples = parseResult.GetValue(bootstrap),
                    Seed = parseResult.GetValue(seed),
                    MonteCarloDraws = parseResult.GetValue(monteCarloDraws),
                    WeightBy = ParseWeightBy(parseResult.GetValue(weightBy), errors),
                    TablePrmAggregation = ParseAggregation(parseResult.GetValue(prmAggregation)!, errors),
                    BreakdownFields = parseResult.GetValue(by) ?? [],
                };
                errors.AddRange(options.Validate());
                if (errors.Count > 0)
                {
                    foreach (var e in errors) error.WriteLine("report: " + e);
                    return 1;
                }
                var map = SampleFieldMap.Parse(parseResult.GetValue(field) ?? []);
                var reports = new List<DatasetReport>();
                foreach (var (name, path) in NameDumps(dumps, parseResult.GetValue(datasetName)))
                {
                    reports.Add(new DatasetReport(name, VotingReport.Compute(SampleDumpReader.Read(path, map), options)));
                }
                if (storeFile is not null)
                {
                    using var runStore = RunStore.Open(storeFile.FullName);
                    var grader = new AnswerGrader(new GraderOptions { Extraction = ExtractionOptions.FromName(parseResult.GetValue(extraction)!)! });
                    foreach (var run in SelectRuns(runStore, parseResult.GetValue(runs)))
                        reports.Add(new DatasetReport($"{run.Dataset} ({run.RunId})", VotingReport.Compute(StoredVotingInput.Load(runStore, run.RunId, grader), options)));
                }
                MarkdownTable.Write(output, reports, options.TablePrmAggregation);
                if (parseResult.GetValue(json) is { } jsonFile)
                {
                    using var stream = jsonFile.Create();
                    CurveJson.Write(stream, reports);
                }
                if (parseResult.GetValue(csv) is { } csvFile)
                {
                    using var writer = new StreamWriter(csvFile.FullName);
                    CurveCsv.Write(writer, reports);
                }
                return 0;
            }
            catch (Exception e) when (e is SampleDumpException or SampleValidationException or ArgumentException or IOException or UnauthorizedAccessException or InvalidOperationException)
            {
                error.WriteLine("report: " + e.Message);
                return 1;
            }
        });
        return command;
    }

    private static IReadOnlyList<RunInfo> SelectRuns(RunStore store, string[]? names)
    {
        var all = store.Runs();
        if (names is not { Length: > 0 }) return all;
        return names.Select(n => all.FirstOrDefault(r => r.RunId == n)
            ?? throw new ArgumentException($"No run '{n}' in {store.Path}; runs: {string.Join(", ", all.Select(r => r.RunId))}")).ToList();
    }

    private static IEnumerable<(string Name, string Path)> NameDumps(string[] dumps, string? datasetName)
    {
        foreach (var dump in dumps)
        {
            var eq = dump.IndexOf('=');
            if (eq > 0 && !File.Exists(dump))
            {
                yield return (dump[..eq], dump[(eq + 1)..]);
            }
            else
            {
                yield return (dumps.Length == 1 && datasetName is not null ? datasetName : Path.GetFileNameWithoutExtension(dump), dump);
            }
        }
    }

    private static int[]? ParseKs(string? text, List<string> errors)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }
        var ks = new List<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (int.TryParse(part, NumberStyles.Integer, CultureInfo.InvariantCulture, out var k)) ks.Add(k);
            else errors.Add($"--ks: '{part}' is not an integer");
        }
        return [.. ks];
    }

    private static RewardSource? ParseWeightBy(string? text, List<string> errors)
    {
        if (text is null)
        {
            return null;
        }
        if (RewardSource.TryParse(text, out var source))
        {
            return source;
        }
        errors.Add($"--weight-by: '{text}' is not one of orm, prm_min, prm_last, prm_prod, prm_mean, prm_geomean");
        return null;
    }

    private static PrmAggregation ParseAggregation(string text, List<string> errors)
    {
        if (PrmAggregations.TryParse(text, out var aggregation))
        {
            return aggregation;
        }
        errors.Add($"--prm-aggregation: '{text}' is not one of min, last, prod, mean, geomean");
        return VotingDefaults.TablePrmAggregation;
    }
}
