using BestOfN.Pipeline.Experiments;
using BestOfN.Verifier.Import;
using Cronos;
using YamlDotNet.RepresentationModel;

namespace BestOfN.Pipeline.Nightly;

/// <summary>
/// Reads a nightly file. Keys it shares with experiment files (<c>store</c>, <c>out</c>, <c>datasets</c>, <c>reward_models</c>, a
/// checkpoint's sampling and prompt keys) mean the same and are read by the experiment reader; unknown keys and bad values are errors,
/// all listed at once, each as "file:line: key: what is wrong".
/// </summary>
public static class NightlyConfigReader
{
    private static readonly string[] TopKeys = ["schedule", "time_zone", "store", "out", "datasets", "watch", "reward_models", "max_attempts", "notify"];
    private static readonly string[] WatchKeys = ["dumps", "checkpoints"];
    private static readonly string[] DumpKeys = ["folder", "format", "dataset"];
    private static readonly string[] CheckpointKeys =
        ["folder", "dataset", .. ExperimentFileReader.SamplingKeys, .. ExperimentFileReader.PromptKeys, .. ExperimentFileReader.NativeKeys];
    private static readonly string[] NotifyKeys = ["url"];

    /// <exception cref="ExperimentFileException">Every problem with the file, each with its line.</exception>
    public static NightlyConfig Read(string path)
    {
        var r = ExperimentFileReader.For(path, "nightly", TopKeys, out var root);
        var top = r.Keys(root, "the nightly file", TopKeys);
        var schedule = Schedule(r, top, root);
        var timeZone = TimeZone(r, top);
        var store = r.FilePath(top, "store", mustExist: false) ?? Path.Combine(r.Folder, PipelineDefaults.StorePath);
        var outFolder = r.FilePath(top, "out", mustExist: false) ?? Path.Combine(r.Folder, "reports", "nightly");
        var datasets = r.Entries(top, "datasets", root, required: true).Select(e => r.ReadDataset(e.Name, e.Node)).OfType<ExperimentDataset>().ToList();
        var rewardModels = r.Entries(top, "reward_models", root, required: false).Select(e => r.ReadRewardModel(e.Name, e.Node)).OfType<ExperimentRewardModel>().ToList();
        DumpWatch? dumps = null;
        CheckpointWatch? checkpoints = null;
        if (!top.TryGetValue("watch", out var watchNode))
        {
            r.Error(root, "watch", "missing; give dumps, checkpoints or both");
        }
        else
        {
            var watch = r.Keys(watchNode, "watch", WatchKeys);
            if (watch.Count == 0) r.Error(watchNode, "watch", "give dumps, checkpoints or both");
            if (watch.TryGetValue("dumps", out var d)) dumps = ReadDumps(r, d, datasets);
            if (watch.TryGetValue("checkpoints", out var c)) checkpoints = ReadCheckpoints(r, c, datasets);
        }
        var maxAttempts = r.Int(top, "max_attempts") ?? NightlyDefaults.MaxAttempts;
        if (maxAttempts < 1) r.Error(top["max_attempts"], "max_attempts", $"must be 1 or more, not {maxAttempts}");
        var notify = Notify(r, top);
        r.ThrowIfErrors();
        return new NightlyConfig(Path.GetFullPath(path), schedule!, timeZone, store, outFolder, datasets, dumps,
            checkpoints, rewardModels, maxAttempts, notify);
    }

    private static CronExpression? Schedule(ExperimentFileReader r, Dictionary<string, YamlNode> top, YamlNode root)
    {
        var text = r.Text(top, "schedule", required: true, root);
        if (text is null) return null;
        try
        {
            return CronExpression.Parse(text, text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
        }
        catch (CronFormatException e)
        {
            r.Error(top["schedule"], "schedule", $"'{text}' is not a cron expression ({e.Message.TrimEnd('.')}); for 2 am every day write \"0 2 * * *\"");
            return null;
        }
    }

    private static TimeZoneInfo TimeZone(ExperimentFileReader r, Dictionary<string, YamlNode> top)
    {
        var text = r.Text(top, "time_zone");
        if (text is null) return NightlyDefaults.TimeZone;
        try
        {
            return TimeZoneInfo.FindSystemTimeZoneById(text);
        }
        catch (Exception e) when (e is TimeZoneNotFoundException or InvalidTimeZoneException)
        {
            r.Error(top["time_zone"], "time_zone", $"'{text}' is not a time zone this machine knows (an IANA name such as Europe/London, or UTC)");
            return NightlyDefaults.TimeZone;
        }
    }

    private static DumpWatch? ReadDumps(ExperimentFileReader r, YamlNode node, IReadOnlyList<ExperimentDataset> datasets)
    {
        var keys = r.Keys(node, "watch.dumps", DumpKeys);
        var folder = Folder(r, keys, node);
        var format = r.OneOf(keys, "format", [.. SampleSetFormats.ByName.Keys]);
        if (!keys.ContainsKey("format")) r.Error(node, "dumps", $"needs format ({SampleSetFormats.Names})");
        var dataset = Dataset(r, keys, node, datasets);
        return folder is null || format is null || dataset is null ? null : new DumpWatch(folder, SampleSetFormats.ByName[format], dataset);
    }

    private static CheckpointWatch? ReadCheckpoints(ExperimentFileReader r, YamlNode node, IReadOnlyList<ExperimentDataset> datasets)
    {
        var keys = r.Keys(node, "watch.checkpoints", CheckpointKeys);
        var folder = Folder(r, keys, node);
        var dataset = Dataset(r, keys, node, datasets);
        var (sampler, prompt) = r.ReadSampling(keys, node);
        foreach (var error in sampler.Validate().Concat(prompt.Validate())) r.Error(node, "checkpoints", error);
        return folder is null || dataset is null ? null : new CheckpointWatch(folder, dataset, sampler, prompt, r.Int(keys, "gpu_layers") ?? 0);
    }

    private static string? Folder(ExperimentFileReader r, Dictionary<string, YamlNode> keys, YamlNode node)
    {
        var text = r.Text(keys, "folder", required: true, node);
        if (text is null) return null;
        var full = Path.GetFullPath(text, r.Folder);
        if (!Directory.Exists(full)) r.Error(keys["folder"], "folder", $"no folder at {full}");
        return full;
    }

    private static string? Dataset(ExperimentFileReader r, Dictionary<string, YamlNode> keys, YamlNode node, IReadOnlyList<ExperimentDataset> datasets)
    {
        var name = r.Text(keys, "dataset", required: true, node);
        if (name is not null && datasets.All(d => d.Name != name))
        {
            r.Error(keys["dataset"], "dataset", $"'{name}' is not one of the datasets ({string.Join(", ", datasets.Select(d => d.Name))})");
            return null;
        }
        return name;
    }

    private static Uri? Notify(ExperimentFileReader r, Dictionary<string, YamlNode> top)
    {
        if (!top.TryGetValue("notify", out var node)) return null;
        var keys = r.Keys(node, "notify", NotifyKeys);
        var text = r.Text(keys, "url");
        if (text is null or "" or "null" or "~") return null;
        if (Uri.TryCreate(text, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https") return uri;
        r.Error(keys["url"], "url", $"'{text}' is not an http or https URL");
        return null;
    }
}
