using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Sampler.Server;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>
/// The one place run and scorer ids are built. A sampling run is identified by everything that changes what a sample is
/// (N, --parallel, --threads, --limit and --problems are left out, so a rerun with a larger N or more problems extends the
/// same run); a scorer by everything that changes a score (batch sizes and threads are left out, so a rerun with other ones resumes).
/// </summary>
public static class RunIdentity
{
    public static string SamplingConfigJson(string modelSha256, string dataset, PromptOptions prompt, SamplerOptions sampler)
    {
        var config = SamplingConfig(dataset, prompt, sampler);
        config["model_sha256"] = modelSha256;
        config["kv_unified"] = sampler.KvUnified;
        return JsonSerializer.Serialize(config);
    }

    /// <summary>
    /// The configuration of a run sampled from a server: the model as the server names it and what it reports about the weights and
    /// build (<see cref="ServerModel.Version"/>), in place of a GGUF's hash; the server applies its own chat template.
    /// </summary>
    public static string ServerSamplingConfigJson(ServerModel model, string dataset, PromptOptions prompt, SamplerOptions sampler)
    {
        var config = SamplingConfig(dataset, prompt, sampler);
        config["generator"] = "openai";
        config["server_model"] = model.Name;
        config["server_model_version"] = model.Version;
        return JsonSerializer.Serialize(config);
    }

    /// <summary>What stands for a server's model where a run records a model hash: the SHA-256 of its name and reported version.</summary>
    public static string ServerModelHash(ServerModel model) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{model.Name}\n{model.Version}")));

    private static SortedDictionary<string, object?> SamplingConfig(string dataset, PromptOptions prompt, SamplerOptions sampler)
    {
        return new SortedDictionary<string, object?>
        {
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
        };
    }

    /// <summary>
    /// The settings that change a sample's bits but not what the run is: llama.cpp's results depend slightly on which sequences are
    /// decoded together, on the thread count and on the native build, and on the batching mode (continuous batching makes a sample
    /// depend on its neighbours; waves do not). A run keeps the ones it was started with.
    /// </summary>
    public static IReadOnlyDictionary<string, string> SamplingSettings(SamplerOptions sampler, string natives) => new SortedDictionary<string, string>
    {
        ["batching"] = sampler.Batching.ToString().ToLowerInvariant(),
        ["parallel"] = sampler.Parallel.ToString(CultureInfo.InvariantCulture),
        ["threads"] = (sampler.Threads > 0 ? sampler.Threads : Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture),
        ["natives"] = natives,
    };

    /// <summary>
    /// The configuration of a scoring: the shared keys (null where the protocol does not use one), then the protocol's own.
    /// Keys are sorted, so the JSON, and the scorer id derived from it, is stable.
    /// </summary>
    /// <param name="fileSha256">Hashes other files the protocol reads (a tokenizer).</param>
    public static string ScorerConfigJson(string modelSha256, ScorerOptions options, Func<string, string> fileSha256)
    {
        var config = new SortedDictionary<string, object?>
        {
            ["model_sha256"] = modelSha256,
            ["protocol"] = options.Protocol.Name,
            ["steps"] = null,
            ["chat_template"] = options.ChatTemplate,
            ["llama31_system_turn"] = options.Llama31SystemTurn,
            ["good"] = options.GoodToken,
            ["bad"] = options.BadToken,
            ["step_tag"] = null,
            ["max_tokens"] = options.MaxSequenceTokens,
            ["token_ids"] = options.GoodTokenId is null && options.BadTokenId is null && options.StepTagId is null ? null
                : new SortedDictionary<string, int?> { ["good"] = options.GoodTokenId, ["bad"] = options.BadTokenId, ["step_tag"] = options.StepTagId },
            ["onnx"] = null,
        };
        options.Protocol.Configure(config, options, fileSha256);
        return JsonSerializer.Serialize(config);
    }

    /// <summary>"score-" and the first 12 hex digits of the configuration's SHA-256.</summary>
    public static string ScorerIdFor(string configJson) => IdFor("score-", configJson);

    /// <summary>"run-" and the first 12 hex digits of the configuration's SHA-256.</summary>
    public static string RunIdFor(string configJson) => IdFor("run-", configJson);

    /// <summary>The one way ids are derived from a configuration (runs, imports, scorers): a prefix and the first 12 hex digits of its SHA-256.</summary>
    public static string IdFor(string prefix, string configJson) =>
        prefix + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(configJson)))[..12];
}
