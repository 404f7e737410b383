using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Store;

/// <summary>
/// What identifies a sampling run: everything that changes what a sample is. N, --parallel, --threads, --limit and
/// --problems are left out, so a rerun with a larger N or more problems extends the same run.
/// </summary>
public static class RunIdentity
{
    public static string SamplingConfigJson(string modelSha256, string dataset, PromptOptions prompt, SamplerOptions sampler)
    {
        var config = new SortedDictionary<string, object?>
        {
            ["model_sha256"] = modelSha256,
            ["dataset"] = dataset,
            ["prompt_format"] = prompt.Format.ToString().ToLowerInvariant(),
            ["system_prompt"] = prompt.SystemPrompt,
            ["chat_template"] = prompt.ChatTemplate,
            ["fewshot_source"] = prompt.FewShotSource is { } f ? $"{f.Format}:{Path.GetFileName(f.Path)}".ToLowerInvariant() : null,
            ["fewshot_k"] = prompt.Format == PromptFormat.FewShot ? prompt.FewShotCount : null,
            ["fewshot_seed"] = prompt.Format == PromptFormat.FewShot ? prompt.FewShotSeed : null,
            ["messages_sha256"] = prompt.MessagesFile is { } m ? Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(m))) : null,
            ["temperature"] = sampler.Temperature,
            ["top_k"] = sampler.TopK,
            ["top_p"] = sampler.TopP,
            ["min_p"] = sampler.MinP,
            ["max_tokens"] = sampler.MaxTokens,
            ["seed"] = sampler.Seed,
            ["stop"] = sampler.StopStrings,
            ["kv_unified"] = sampler.KvUnified,
        };
        return JsonSerializer.Serialize(config);
    }

    public static string FileSha256(string path)
    {
        using var stream = File.OpenRead(path);
        return Convert.ToHexStringLower(SHA256.HashData(stream));
    }

    /// <summary>"run-" and the first 12 hex digits of the configuration's SHA-256.</summary>
    public static string RunIdFor(string configJson) =>
        "run-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configJson)))[..12];
}
