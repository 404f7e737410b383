using System.Text.Json.Nodes;
using BestOfN.Store;

namespace BestOfN.Pipeline.Nightly;

/// <summary><c>nightly --history</c>: every attempt of the nightly file's store, oldest first, as stored or as one JSON line each.</summary>
public static class NightlyHistory
{
    // Timestamps keep their '+' and item names their characters (the default encoder escapes both for HTML embedding).
    private static readonly System.Text.Json.JsonSerializerOptions JsonOptions = new() { Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static IReadOnlyList<NightlyRun> Read(string configFile)
    {
        var config = NightlyConfigReader.Read(configFile);
        if (!File.Exists(config.StorePath)) return [];
        using var store = RunStore.OpenReadOnly(config.StorePath);
        return store.NightlyRuns();
    }

    /// <summary>One attempt as a JSON line: <c>item</c>, <c>kind</c>, <c>sha256</c>, <c>status</c>, <c>started</c>, <c>finished</c>, <c>run_ids</c>, <c>metrics</c> (name → value, ci_low, ci_high), plus <c>attempt</c>, <c>error</c> and <c>reward_models</c>.</summary>
    public static string JsonLine(NightlyRun run)
    {
        var metrics = new JsonObject();
        foreach (var m in run.Metrics) metrics[m.Name] = new JsonObject { ["value"] = m.Value, ["ci_low"] = m.CiLow, ["ci_high"] = m.CiHigh };
        return new JsonObject
        {
            ["item"] = run.Item,
            ["kind"] = run.Kind,
            ["sha256"] = run.Sha256,
            ["status"] = StatusName(run.Status),
            ["started"] = run.Started.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["finished"] = run.Finished?.ToString("O", System.Globalization.CultureInfo.InvariantCulture),
            ["run_ids"] = new JsonArray([.. run.RunIds.Select(id => (JsonNode)id)]),
            ["metrics"] = metrics,
            ["attempt"] = run.Attempt,
            ["error"] = run.Error,
            ["reward_models"] = run.RewardModels,
        }.ToJsonString(JsonOptions);
    }

    public static string StatusName(NightlyStatus status) => status switch
    {
        NightlyStatus.Succeeded => "succeeded",
        NightlyStatus.Failed => "failed",
        NightlyStatus.Interrupted => "interrupted",
        _ => "running",
    };
}
