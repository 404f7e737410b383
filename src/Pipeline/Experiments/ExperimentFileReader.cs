using System.Globalization;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Import;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Metrics;
using BestOfN.Voting.Reporting;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace BestOfN.Pipeline.Experiments;

/// <summary>An experiment file that cannot be used: every problem, each as "file:line: key: what is wrong".</summary>
public sealed class ExperimentFileException(IReadOnlyList<string> errors) : ArgumentException(string.Join(Environment.NewLine, errors))
{
    public IReadOnlyList<string> Errors { get; } = errors;
}

/// <summary>
/// Reads an experiment file, YAML or the same structure in JSON (YAML's flow syntax reads JSON, lines included). Keys are the
/// snake_case of the command-line options of <c>sample</c>, <c>score</c>, <c>import</c> and <c>report</c>; an unknown key or a bad
/// value is an error, and every error is listed with its line. Relative paths resolve against the file's folder.
/// </summary>
public sealed class ExperimentFileReader
{
    private static readonly string[] TopKeys = ["name", "store", "out", "datasets", "generators", "reward_models", "report"];
    private static readonly string[] DatasetKeys = ["spec", "limit", "problems", "field"];
    internal static readonly string[] SamplingKeys = ["n", "temperature", "top_k", "top_p", "min_p", "max_tokens", "parallel", "seed", "stop", "kv", "batching"];
    internal static readonly string[] PromptKeys = ["prompt", "system", "chat_template", "fewshot_file", "fewshot_k", "messages_file"];
    private static readonly string[] DomainKeys = ["trained_on", "generator_family"];
    internal static readonly string[] NativeKeys = ["threads", "gpu_layers"];
    private static readonly string[] GeneratorKeys = ["model", "expo", "import", .. SamplingKeys, .. PromptKeys, .. NativeKeys, .. DomainKeys];
    private static readonly string[] ExpoKeys = ["sft", "aligned", "alpha", "type"];
    private static readonly string[] ImportKeys = ["format", "path", "field", "dataset", "gold", "style", "min_gold_match"];
    private static readonly string[] RewardModelKeys =
    [
        "model", "protocol", "steps", "empty_steps", "batch", "batch_tokens", "ubatch_tokens", "ctx_size", "kv", "max_tokens", "good_token_id",
        "bad_token_id", "step_tag_id", "chat_template", "llama31_system_turn", "flash_attn", "tokenizer", "onnx_input_ids", "onnx_attention_mask", "onnx_output", "onnx_readout",
        "onnx_positive_class", "onnx_cpu", .. NativeKeys, .. DomainKeys,
    ];
    private static readonly string[] ReportKeys = ["ks", "bootstrap", "seed", "weight_by", "prm_aggregation", "mc_draws", "by", "selection", "extraction"];
    private static readonly string[] ExpoTypes = ["f16", "q8_0", "q4_k_m"];

    private readonly string _file;
    private readonly string _folder;
    private readonly List<string> _errors = [];

    private ExperimentFileReader(string file)
    {
        _file = file;
        _folder = Path.GetDirectoryName(file)!;
    }

    /// <exception cref="ExperimentFileException">Every problem with the file, each with its line.</exception>
    public static Experiment Read(string path)
    {
        var reader = For(path, "experiment", TopKeys, out var root);
        var experiment = reader.ReadExperiment(root);
        reader.ThrowIfErrors();
        return experiment!;
    }

    /// <summary>
    /// A reader over a file of another shape that shares the experiment file's keys (the nightly file): its mapping root, and the
    /// same typed readers and error lines.
    /// </summary>
    internal static ExperimentFileReader For(string path, string what, string[] topKeys, out YamlMappingNode root)
    {
        var file = Path.GetFullPath(path);
        if (!File.Exists(file)) throw new FileNotFoundException($"No {what} file at {file}.", file);
        var reader = new ExperimentFileReader(file);
        var stream = new YamlStream();
        try
        {
            using var text = new StreamReader(file);
            stream.Load(text);
        }
        catch (YamlException e)
        {
            throw new ExperimentFileException([$"{file}:{e.Start.Line}: {e.Message}"]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some malformed input (an unclosed flow mapping) and says nothing of where.
            throw new ExperimentFileException([$"{file}:{LastParsedLine(file)}: not valid YAML (or JSON) after this line; is a bracket or quote left open?"]);
        }
        if (stream.Documents.Count == 0 || stream.Documents[0].RootNode is not YamlMappingNode map)
            throw new ExperimentFileException([$"{file}:1: an {what} file is a mapping with the keys {string.Join(", ", topKeys)}."]);
        root = map;
        return reader;
    }

    /// <summary>The folder relative paths resolve against.</summary>
    internal string Folder => _folder;

    /// <exception cref="ExperimentFileException">Every error added so far.</exception>
    internal void ThrowIfErrors()
    {
        if (_errors.Count > 0) throw new ExperimentFileException(_errors);
    }

    /// <summary>The line where the last event the parser could read ends.</summary>
    private static long LastParsedLine(string file)
    {
        using var text = new StreamReader(file);
        var parser = new Parser(text);
        long line = 1;
        try
        {
            while (parser.MoveNext()) line = parser.Current!.End.Line;
        }
        catch (Exception e) when (e is YamlException or InvalidOperationException)
        {
            // the line of the last good event is the answer
        }
        return line;
    }

    private Experiment? ReadExperiment(YamlMappingNode root)
    {
        var top = Keys(root, "the experiment", TopKeys);
        var name = Text(top, "name", required: true, root) ?? "";
        var store = FilePath(top, "store", mustExist: false) ?? Path.Combine(_folder, PipelineDefaults.StorePath);
        var outFolder = FilePath(top, "out", mustExist: false) ?? Path.Combine(_folder, "report");
        var datasets = Entries(top, "datasets", root, required: true).Select(e => ReadDataset(e.Name, e.Node)).OfType<ExperimentDataset>().ToList();
        var generators = Entries(top, "generators", root, required: true).Select(e => ReadGenerator(e.Name, e.Node, datasets)).OfType<ExperimentGenerator>().ToList();
        var rewardModels = Entries(top, "reward_models", root, required: false).Select(e => ReadRewardModel(e.Name, e.Node)).OfType<ExperimentRewardModel>().ToList();
        var report = ReadReport(top.GetValueOrDefault("report"));
        return new Experiment(name, _file, store, outFolder, datasets, generators, rewardModels, report);
    }

    internal ExperimentDataset? ReadDataset(string name, YamlNode node)
    {
        var keys = Keys(node, $"dataset '{name}'", DatasetKeys);
        var spec = Spec(keys, "spec", required: true, node);
        var limit = Int(keys, "limit");
        if (limit is <= 0) Error(keys["limit"], "limit", $"must be 1 or more, not {limit}");
        var problems = Strings(keys, "problems");
        var fieldMap = Strings(keys, "field");
        if (spec is null) return null;
        try
        {
            spec = spec with { FieldMap = DatasetSpec.Parse($"{spec.Format}:x", DatasetSpec.ParseFieldMap(fieldMap ?? [])).FieldMap };
        }
        catch (ArgumentException e)
        {
            Error(keys["field"], "field", e.Message);
        }
        return new ExperimentDataset(name, spec, limit, problems);
    }

    private ExperimentGenerator? ReadGenerator(string name, YamlNode node, IReadOnlyList<ExperimentDataset> datasets)
    {
        var keys = Keys(node, $"generator '{name}'", GeneratorKeys);
        var sources = new[] { "model", "expo", "import" }.Where(keys.ContainsKey).ToList();
        if (sources.Count != 1)
        {
            Error(node, name, sources.Count == 0 ? "a generator needs one of model, expo or import" : $"give one of model, expo or import, not {string.Join(" and ", sources)}");
            return null;
        }
        GeneratorSource? source = sources[0] switch
        {
            "model" => FilePath(keys, "model", mustExist: true) is { } model ? new ModelSource(model) : null,
            "expo" => ReadExpo(keys["expo"]),
            _ => ReadImport(keys["import"], datasets),
        };
        if (source is ImportSource)
        {
            foreach (var key in keys.Keys.Where(k => !DomainKeys.Contains(k) && k != "import")) Error(keys[key], key, "an imported sample set takes no sampling or prompt settings");
        }
        var (sampler, prompt) = ReadSampling(keys, node);
        if (source is not ImportSource)
        {
            foreach (var error in sampler.Validate().Concat(prompt.Validate())) Error(node, name, error);
        }
        var generator = new ExperimentGenerator(name, source!, sampler, prompt, Int(keys, "gpu_layers") ?? 0, Text(keys, "trained_on"), Text(keys, "generator_family"));
        return source is null ? null : generator;
    }

    /// <summary>A generator's sampling and prompt settings (the keys of <c>sample</c>), not yet validated.</summary>
    internal (SamplerOptions Sampler, PromptOptions Prompt) ReadSampling(Dictionary<string, YamlNode> keys, YamlNode node)
    {
        var defaults = new SamplerOptions();
        var sampler = new SamplerOptions
        {
            N = Int(keys, "n") ?? defaults.N,
            Temperature = (float?)Double(keys, "temperature") ?? defaults.Temperature,
            TopK = Int(keys, "top_k") ?? defaults.TopK,
            TopP = (float?)Double(keys, "top_p") ?? defaults.TopP,
            MinP = (float?)Double(keys, "min_p") ?? defaults.MinP,
            MaxTokens = Int(keys, "max_tokens") ?? defaults.MaxTokens,
            Parallel = Int(keys, "parallel") ?? defaults.Parallel,
            Seed = (ulong?)Long(keys, "seed") ?? defaults.Seed,
            StopStrings = Strings(keys, "stop") ?? [],
            KvUnified = OneOf(keys, "kv", ["split", "unified"]) == "unified",
            Batching = OneOf(keys, "batching", ["waves", "continuous"]) switch
            {
                "continuous" => Batching.Continuous,
                "waves" => Batching.Waves,
                _ => defaults.Batching,
            },
            Threads = Int(keys, "threads") ?? defaults.Threads,
        };
        var format = PromptDefaults.Format;
        if (Text(keys, "prompt") is { } promptName && !Enum.TryParse(promptName, ignoreCase: true, out format))
            Error(keys["prompt"], "prompt", $"'{promptName}' is not a prompt format; use raw, chat, fewshot or messages");
        var prompt = new PromptOptions
        {
            Format = format,
            SystemPrompt = Text(keys, "system"),
            ChatTemplate = Text(keys, "chat_template"),
            FewShotSource = Spec(keys, "fewshot_file", required: false, node),
            FewShotCount = Int(keys, "fewshot_k") ?? PromptDefaults.FewShotCount,
            MessagesFile = FilePath(keys, "messages_file", mustExist: true),
        };
        return (sampler, prompt);
    }

    private ExpoSource? ReadExpo(YamlNode node)
    {
        var keys = Keys(node, "expo", ExpoKeys);
        var sft = FilePath(keys, "sft", mustExist: true, requiredIn: node);
        var aligned = FilePath(keys, "aligned", mustExist: true, requiredIn: node);
        var alpha = Double(keys, "alpha");
        if (alpha is null) Error(node, "expo", "needs alpha (ExPO: θ = θ_sft + (1+α)(θ_aligned − θ_sft); the ExPO models used 0.3 and 0.5)");
        var type = OneOf(keys, "type", ExpoTypes);
        return sft is null || aligned is null || alpha is null ? null : new ExpoSource(sft, aligned, alpha.Value, type);
    }

    private ImportSource? ReadImport(YamlNode node, IReadOnlyList<ExperimentDataset> datasets)
    {
        var keys = Keys(node, "import", ImportKeys);
        var path = FilePath(keys, "path", mustExist: true, requiredIn: node);
        var formatName = OneOf(keys, "format", [.. SampleSetFormats.ByName.Keys]);
        if (!keys.ContainsKey("format")) Error(node, "import", $"needs format ({SampleSetFormats.Names})");
        var dataset = Text(keys, "dataset");
        if (dataset is not null && datasets.All(d => d.Name != dataset))
            Error(keys["dataset"], "dataset", $"'{dataset}' is not one of the datasets ({string.Join(", ", datasets.Select(d => d.Name))})");
        var gold = keys.ContainsKey("gold") ? Spec(keys, "gold", required: false, node) : datasets.FirstOrDefault(d => d.Name == dataset)?.Spec;
        var style = Text(keys, "style");
        if (style is not null && !ScoringNames.TryParseStyle(style, out _)) Error(keys["style"], "style", $"'{style}' is not a style; styles: {string.Join(", ", ScoringNames.StyleNames)}");
        var fields = Strings(keys, "field") ?? [];
        if (path is null || formatName is null) return null;
        return new ImportSource(path, SampleSetFormats.ByName[formatName], fields, dataset, gold, style, Double(keys, "min_gold_match") ?? new ImportRequest { Path = "", Format = default }.MinGoldMatch);
    }

    internal ExperimentRewardModel? ReadRewardModel(string name, YamlNode node)
    {
        var keys = Keys(node, $"reward model '{name}'", RewardModelKeys);
        var model = FilePath(keys, "model", mustExist: true, requiredIn: node);
        var protocolName = OneOf(keys, "protocol", [.. RewardProtocols.Default.All.Select(p => p.Name)]) ?? ScorerDefaults.Protocol.Name;
        var steps = ScorerDefaults.Steps;
        if (OneOf(keys, "steps", [.. Enum.GetValues<StepSplit>().Select(s => s.Name())]) is { } s) ScoringNames.TryParseStepSplit(s, out steps);
        var empty = ScorerDefaults.Empty;
        if (OneOf(keys, "empty_steps", [.. Enum.GetValues<EmptySteps>().Select(e => e.Name())]) is { } e) ScoringNames.TryParseEmptySteps(e, out empty);
        var kv = ScorerDefaults.Kv;
        if (OneOf(keys, "kv", [.. Enum.GetValues<KvLayout>().Select(k => k.Name())]) is { } k) ScoringNames.TryParseKvLayout(k, out kv);
        var defaults = new ScorerOptions();
        var scorer = new ScorerOptions
        {
            Protocol = RewardProtocols.Default.Find(protocolName)!,
            Steps = steps,
            EmptySteps = empty,
            Batch = Int(keys, "batch") ?? defaults.Batch,
            BatchTokens = Int(keys, "batch_tokens") ?? defaults.BatchTokens,
            MicroBatchTokens = Int(keys, "ubatch_tokens") ?? defaults.MicroBatchTokens,
            ContextSize = Int(keys, "ctx_size") ?? defaults.ContextSize,
            Kv = kv,
            MaxSequenceTokens = Int(keys, "max_tokens"),
            GoodTokenId = Int(keys, "good_token_id"),
            BadTokenId = Int(keys, "bad_token_id"),
            StepTagId = Int(keys, "step_tag_id"),
            ChatTemplate = Text(keys, "chat_template"),
            Llama31SystemTurn = Switch(keys, "llama31_system_turn"),
            FlashAttention = Switch(keys, "flash_attn"),
            Threads = Int(keys, "threads") ?? defaults.Threads,
            Onnx = new OnnxScorerOptions
            {
                TokenizerPath = FilePath(keys, "tokenizer", mustExist: true),
                InputIdsName = Text(keys, "onnx_input_ids") ?? ScorerDefaults.InputIdsName,
                AttentionMaskName = Text(keys, "onnx_attention_mask") ?? ScorerDefaults.AttentionMaskName,
                OutputName = Text(keys, "onnx_output") ?? ScorerDefaults.OutputName,
                Readout = OneOf(keys, "onnx_readout", ["sequence", "step-tags"]) == "step-tags" ? OnnxReadout.StepTags : OnnxReadout.Sequence,
                PositiveClass = Int(keys, "onnx_positive_class") ?? ScorerDefaults.PositiveClass,
                UseCuda = Bool(keys, "onnx_cpu") != true,
            },
        };
        foreach (var error in scorer.Validate()) Error(node, name, error);
        return model is null ? null : new ExperimentRewardModel(name, model, scorer, Int(keys, "gpu_layers") ?? 0, Text(keys, "trained_on"), Text(keys, "generator_family"));
    }

    private ExperimentReportOptions ReadReport(YamlNode? node)
    {
        var keys = node is null ? [] : Keys(node, "report", ReportKeys);
        var defaults = new VotingOptions();
        var aggregation = defaults.TablePrmAggregation;
        if (OneOf(keys, "prm_aggregation", [.. PrmAggregations.All.Select(a => a.ShortName())]) is { } a) PrmAggregations.TryParse(a, out aggregation);
        RewardSource? weightBy = null;
        if (OneOf(keys, "weight_by", ["orm", .. PrmAggregations.All.Select(p => p.MetricName())]) is { } w && RewardSource.TryParse(w, out var source)) weightBy = source;
        var voting = new VotingOptions
        {
            Ks = Ints(keys, "ks"),
            BootstrapResamples = Int(keys, "bootstrap") ?? defaults.BootstrapResamples,
            Seed = Int(keys, "seed") ?? defaults.Seed,
            MonteCarloDraws = Int(keys, "mc_draws") ?? defaults.MonteCarloDraws,
            WeightBy = weightBy,
            TablePrmAggregation = aggregation,
            BreakdownFields = Strings(keys, "by") ?? [],
            Selection = OneOf(keys, "selection", ["subsets", "first-n"]) == "first-n" ? RewardSelection.FirstN : RewardSelection.Subsets,
        };
        foreach (var error in voting.Validate()) Error(node ?? new YamlScalarNode(), "report", error);
        var extraction = OneOf(keys, "extraction", ["flexible", "math-strict", "gsm8k-strict", "multi-part"]) ?? PipelineDefaults.Extraction;
        return new ExperimentReportOptions(voting, extraction);
    }

    // The typed readers below add an error naming the line and key for a value of the wrong kind, and return null.

    internal Dictionary<string, YamlNode> Keys(YamlNode node, string what, string[] allowed)
    {
        var keys = new Dictionary<string, YamlNode>(StringComparer.Ordinal);
        if (node is not YamlMappingNode map)
        {
            Error(node, what, $"must be a mapping of {string.Join(", ", allowed)}");
            return keys;
        }
        foreach (var (keyNode, value) in map.Children)
        {
            var key = (keyNode as YamlScalarNode)?.Value ?? "";
            if (!allowed.Contains(key)) Error(keyNode, key, $"unknown key in {what}; its keys are {string.Join(", ", allowed)}");
            else if (!keys.TryAdd(key, value)) Error(keyNode, key, "given twice");
        }
        return keys;
    }

    internal IEnumerable<(string Name, YamlNode Node)> Entries(Dictionary<string, YamlNode> keys, string key, YamlNode parent, bool required)
    {
        if (!keys.TryGetValue(key, out var node))
        {
            if (required) Error(parent, key, "missing");
            return [];
        }
        if (node is not YamlMappingNode map || (required && map.Children.Count == 0))
        {
            Error(node, key, "must be a mapping of names to entries, with at least one entry");
            return [];
        }
        return map.Children.Select(kv => ((kv.Key as YamlScalarNode)?.Value ?? "", kv.Value)).ToList();
    }

    internal string? Text(Dictionary<string, YamlNode> keys, string key, bool required = false, YamlNode? parent = null)
    {
        if (!keys.TryGetValue(key, out var node))
        {
            if (required) Error(parent!, key, "missing");
            return null;
        }
        if (node is YamlScalarNode { Value: { } value }) return value;
        Error(node, key, "must be a single value");
        return null;
    }

    internal string? OneOf(Dictionary<string, YamlNode> keys, string key, string[] allowed)
    {
        var text = Text(keys, key);
        if (text is null) return null;
        var match = allowed.FirstOrDefault(a => string.Equals(a, text, StringComparison.OrdinalIgnoreCase));
        if (match is null) Error(keys[key], key, $"'{text}' is not one of {string.Join(", ", allowed)}");
        return match;
    }

    internal int? Int(Dictionary<string, YamlNode> keys, string key) => Number<int>(keys, key, "an integer", t => int.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) ? v : null);

    private long? Long(Dictionary<string, YamlNode> keys, string key) => Number<long>(keys, key, "a non-negative integer", t => long.TryParse(t, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v) && v >= 0 ? v : null);

    private double? Double(Dictionary<string, YamlNode> keys, string key) => Number<double>(keys, key, "a number", t => double.TryParse(t, NumberStyles.Float, CultureInfo.InvariantCulture, out var v) && double.IsFinite(v) ? v : null);

    private bool? Bool(Dictionary<string, YamlNode> keys, string key) => Number<bool>(keys, key, "true or false", t => bool.TryParse(t, out var v) ? v : null);

    private bool? Switch(Dictionary<string, YamlNode> keys, string key) => OneOf(keys, key, ["auto", "on", "off"]) switch
    {
        "on" => true,
        "off" => false,
        _ => null,
    };

    private T? Number<T>(Dictionary<string, YamlNode> keys, string key, string kind, Func<string, T?> parse) where T : struct
    {
        var text = Text(keys, key);
        if (text is null) return null;
        var value = parse(text);
        if (value is null) Error(keys[key], key, $"'{text}' is not {kind}");
        return value;
    }

    private List<string>? Strings(Dictionary<string, YamlNode> keys, string key)
    {
        if (!keys.TryGetValue(key, out var node)) return null;
        if (node is YamlScalarNode { Value: { } one }) return [one];
        if (node is YamlSequenceNode list && list.Children.All(c => c is YamlScalarNode)) return list.Children.Select(c => ((YamlScalarNode)c).Value ?? "").ToList();
        Error(node, key, "must be a value or a list of values");
        return null;
    }

    private List<int>? Ints(Dictionary<string, YamlNode> keys, string key)
    {
        var texts = Strings(keys, key);
        if (texts is null) return null;
        var values = new List<int>();
        foreach (var text in texts)
        {
            if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var v)) values.Add(v);
            else Error(keys[key], key, $"'{text}' is not an integer");
        }
        return values;
    }

    internal string? FilePath(Dictionary<string, YamlNode> keys, string key, bool mustExist, YamlNode? requiredIn = null)
    {
        var text = Text(keys, key, requiredIn is not null, requiredIn);
        if (text is null) return null;
        var full = Path.GetFullPath(text, _folder);
        if (mustExist && !File.Exists(full))
        {
            Error(keys[key], key, $"no file at {full}");
            return null;
        }
        return full;
    }

    /// <summary>A dataset spec (format:path) with its path resolved against the experiment file's folder.</summary>
    private DatasetSpec? Spec(Dictionary<string, YamlNode> keys, string key, bool required, YamlNode parent)
    {
        var text = Text(keys, key, required, parent);
        if (text is null) return null;
        try
        {
            var spec = DatasetSpec.Parse(text);
            spec = spec with { Path = Path.GetFullPath(spec.Path, _folder) };
            if (!File.Exists(spec.Path)) Error(keys[key], key, $"no file at {spec.Path}");
            return spec;
        }
        catch (ArgumentException e)
        {
            Error(keys[key], key, e.Message);
            return null;
        }
    }

    internal void Error(YamlNode node, string key, string message) =>
        _errors.Add($"{_file}:{node.Start.Line}: {key}: {message.TrimEnd('.')}");
}
