using System.Reflection;
using System.Text.Json;
using System.Text.Json.Nodes;
using BestOfN.Llama;
using BestOfN.Store;
using BestOfN.Verifier.Grading;

namespace BestOfN.Pipeline.Experiments.Report;

/// <summary>A GGUF's own description of itself: its architecture and its type (llama.cpp's file type name, or its one-line description).</summary>
public sealed record GgufSummary(string? Architecture, string? Type)
{
    /// <summary>llama.cpp's <c>llama_ftype</c> values (llama.h) by the names users know them by.</summary>
    private static readonly Dictionary<string, string> FileTypes = new()
    {
        ["0"] = "F32",
        ["1"] = "F16",
        ["2"] = "Q4_0",
        ["3"] = "Q4_1",
        ["7"] = "Q8_0",
        ["8"] = "Q5_0",
        ["9"] = "Q5_1",
        ["10"] = "Q2_K",
        ["11"] = "Q3_K_S",
        ["12"] = "Q3_K_M",
        ["13"] = "Q3_K_L",
        ["14"] = "Q4_K_S",
        ["15"] = "Q4_K_M",
        ["16"] = "Q5_K_S",
        ["17"] = "Q5_K_M",
        ["18"] = "Q6_K",
        ["32"] = "BF16",
    };

    /// <summary>
    /// Reads the file's metadata (vocabulary only); a file that does not record its type is loaded (memory-mapped) for llama.cpp's
    /// description. Null when the file is gone or llama.cpp is not loaded.
    /// </summary>
    public static GgufSummary? TryRead(string path)
    {
        if (!File.Exists(path)) return null;
        try
        {
            using var vocab = LlamaModel.Load(path, new LlamaModelOptions { VocabOnly = true });
            var architecture = vocab.Metadata("general.architecture");
            if (vocab.Metadata("general.file_type") is { } type) return new GgufSummary(architecture, FileTypes.GetValueOrDefault(type, $"file type {type}"));
            using var model = LlamaModel.Load(path);
            return new GgufSummary(architecture, model.Description);
        }
        catch (Exception e) when (e is LlamaException or DllNotFoundException or InvalidOperationException or EntryPointNotFoundException)
        {
            return null;
        }
    }
}

/// <summary>
/// What a reader needs to reproduce the report: the tool's version and commit, every model's hash and GGUF metadata, the prompt the
/// generators rendered for the first problem, each reward model's token ids and read positions (its scorer manifest), the grader's
/// rules and every seed.
/// </summary>
public static class ExperimentManifest
{
    public static JsonObject Build(ExperimentReport report, RunStore store, Func<string, GgufSummary?> readGguf)
    {
        var experiment = report.Experiment;
        var version = typeof(ExperimentManifest).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        var plus = version.IndexOf('+');
        var generators = new JsonObject();
        foreach (var generator in experiment.Generators)
        {
            var entry = new JsonObject { ["source"] = Source(generator.Source), ["trained_on"] = generator.TrainedOn, ["generator_family"] = generator.Family };
            var runs = new JsonObject();
            foreach (var (dataset, column) in report.Datasets.SelectMany(d => d.Columns.Where(c => c.Generator == generator).Select(c => (d.Dataset, c))))
            {
                var first = store.Problems(column.Run.RunId).FirstOrDefault();
                runs[dataset] = new JsonObject
                {
                    ["run_id"] = column.Run.RunId,
                    ["model_path"] = column.Run.ModelPath,
                    ["model_sha256"] = column.Run.ModelSha256,
                    ["gguf"] = Gguf(column.Run.ModelPath, readGguf),
                    ["config"] = JsonNode.Parse(column.Run.ConfigJson),
                    ["seed"] = generator.Source is ImportSource ? null : generator.Sampler.Seed,
                    ["first_problem"] = first?.ProblemId,
                    ["first_prompt"] = first?.Prompt,
                };
            }
            entry["runs"] = runs;
            generators[generator.Name] = entry;
        }
        var rewardModels = new JsonObject();
        foreach (var rm in experiment.RewardModels)
        {
            var scorers = new JsonObject();
            foreach (var (dataset, column, reward) in report.Datasets.SelectMany(d => d.Columns.SelectMany(c => c.Rewards.Where(r => r.RewardModel == rm).Select(r => (d.Dataset, c, r)))))
            {
                scorers[$"{column.Generator.Name} × {dataset}"] = new JsonObject
                {
                    ["scorer_id"] = reward.Scorer.ScorerId,
                    ["model_sha256"] = reward.Scorer.ModelSha256,
                    ["config"] = JsonNode.Parse(reward.Scorer.ConfigJson),
                    ["manifest"] = JsonNode.Parse(reward.Scorer.ManifestJson),
                };
            }
            rewardModels[rm.Name] = new JsonObject
            {
                ["model_path"] = rm.ModelPath,
                ["protocol"] = rm.Scorer.Protocol.Name,
                ["trained_on"] = rm.TrainedOn,
                ["gguf"] = Gguf(rm.ModelPath, readGguf),
                ["scorers"] = scorers,
            };
        }
        var voting = experiment.Report.Voting;
        return new JsonObject
        {
            ["experiment"] = experiment.Name,
            ["experiment_file"] = experiment.FilePath,
            ["store"] = experiment.StorePath,
            ["tool"] = new JsonObject { ["name"] = "bestofn", ["version"] = plus < 0 ? version : version[..plus], ["commit"] = plus < 0 ? "unknown" : version[(plus + 1)..] },
            ["generators"] = generators,
            ["reward_models"] = rewardModels,
            ["grader"] = Grader(experiment.Report.Extraction),
            ["report"] = new JsonObject
            {
                ["ks"] = new JsonArray([.. (voting.Ks ?? []).Select(k => (JsonNode)k)]),
                ["bootstrap"] = voting.BootstrapResamples,
                ["confidence"] = voting.ConfidenceLevel,
                ["seed"] = voting.Seed,
                ["prm_aggregation"] = voting.TablePrmAggregation.ToString().ToLowerInvariant(),
                ["selection"] = voting.Selection.ToString().ToLowerInvariant(),
                ["weight_by"] = voting.WeightBy?.Name,
            },
        };
    }

    private static JsonObject Source(GeneratorSource source) => source switch
    {
        ModelSource m => new JsonObject { ["model"] = m.ModelPath },
        ExpoSource x => new JsonObject { ["expo"] = new JsonObject { ["sft"] = x.SftPath, ["aligned"] = x.AlignedPath, ["alpha"] = x.Alpha, ["type"] = x.Type } },
        ImportSource i => new JsonObject { ["import"] = new JsonObject { ["path"] = i.Path, ["format"] = i.Format.ToString().ToLowerInvariant(), ["style"] = i.Style } },
        _ => [],
    };

    private static JsonNode? Gguf(string? path, Func<string, GgufSummary?> readGguf) =>
        path is null ? null : readGguf(path) is { } g ? new JsonObject { ["architecture"] = g.Architecture, ["type"] = g.Type } : null;

    private static JsonObject Grader(string extraction)
    {
        var options = new GraderOptions { Extraction = ExtractionOptions.FromName(extraction)! };
        return new JsonObject
        {
            ["extraction"] = extraction,
            ["extraction_rules"] = new JsonArray([.. options.Extraction.Rules.Select(r => (JsonNode)r.ToString())]),
            ["relative_tolerance"] = options.RelativeTolerance,
            ["numeric_sample_points"] = options.NumericSamplePoints,
            ["random_seed"] = options.RandomSeed,
            ["strip_units"] = options.StripUnits,
            ["percent_equals_fraction"] = options.PercentEqualsFraction,
            ["degrees_equal_radians"] = options.DegreesEqualRadians,
            ["accept_rounded_decimals"] = options.AcceptRoundedDecimals,
            ["time_budget_ms"] = options.TimeBudget.TotalMilliseconds,
        };
    }

    public static string ToJson(JsonObject manifest) => manifest.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping });
}
