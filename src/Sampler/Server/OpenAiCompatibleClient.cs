using System.Text.Json;
using System.Text.Json.Nodes;
using BestOfN.Llama;
using BestOfN.Remote;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Server;

/// <summary>A prompt as a server takes it: text for /completions (raw, few-shot), or messages for /chat/completions (chat, messages).</summary>
public sealed record ServerPrompt(string ProblemId, string? Text, IReadOnlyList<ChatMessage>? Messages)
{
    /// <summary>What the store keeps for audit: the text, or the messages as JSON (the server applies its own template to them).</summary>
    public string AuditText => Text ?? JsonSerializer.Serialize(Messages!.Select(m => new { role = m.Role, content = m.Content }));
}

/// <summary>The model a server serves. <paramref name="Version"/> is what it reports about the weights and build, as JSON; null when it reports nothing.</summary>
public sealed record ServerModel(string Name, string? Version);

/// <summary>One completion. Token counts are the server's own, from the response's <c>usage</c>.</summary>
public sealed record ServerCompletion(string Text, FinishReason FinishReason, string? StopString, int CompletionTokens, int PromptTokens);

/// <summary>
/// The OpenAI completions API as vLLM, SGLang, llama-server and TGI serve it. Plain <see cref="HttpClient"/> JSON rather than the official
/// OpenAI .NET package: 2.x has no client for the legacy /v1/completions endpoint (raw and few-shot prompts need it), its chat options
/// expose neither <c>n</c> nor extras such as llama-server's <c>top_k</c>/<c>min_p</c>, and it brings its own retry pipeline
/// (System.ClientModel) that would retry underneath ours. One request per sample, with <c>n</c> = 1 and the sample's own seed, so
/// every stored sample maps to exactly one (problem, index, seed).
/// </summary>
public sealed class OpenAiCompatibleClient(ResilientHttp http, string modelName)
{
    public string ModelName => modelName;

    /// <summary>
    /// Checks that the server lists the model, and reads what it says about it: vLLM's <c>root</c> (the weights) and
    /// <c>max_model_len</c>, llama-server's <c>meta</c> (parameters, size, type, vocabulary) and its /props <c>build_info</c>.
    /// </summary>
    /// <exception cref="ArgumentException">The server does not list the model.</exception>
    public async Task<ServerModel> DescribeModelAsync(CancellationToken cancellationToken)
    {
        var entries = await http.GetJsonAsync("models", root => root.GetProperty("data").EnumerateArray()
            .Select(e => (Id: e.GetProperty("id").GetString()!, Entry: JsonNode.Parse(e.GetRawText())!.AsObject())).ToList(), cancellationToken);
        var entry = entries.FirstOrDefault(e => e.Id == modelName).Entry
            ?? throw new ArgumentException($"{http.BaseAddress}models does not list --model-name {modelName}; it serves: {string.Join(", ", entries.Select(e => e.Id))}.");
        var version = new SortedDictionary<string, JsonNode?>(StringComparer.Ordinal);
        // Only fields that describe the weights: "created" and vLLM's "permission" change on every call.
        foreach (var field in new[] { "root", "max_model_len", "meta" })
            if (entry.TryGetPropertyValue(field, out var value) && value is not null) version[field] = value.DeepClone();
        if (await LlamaServerBuildAsync(cancellationToken) is { } build) version["build_info"] = build;
        return new ServerModel(modelName, version.Count == 0 ? null : JsonSerializer.Serialize(version));
    }

    // llama-server's /props sits beside /v1, not under it; other servers answer 404.
    private async Task<string?> LlamaServerBuildAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await http.GetJsonAsync("../props", root => root.TryGetProperty("build_info", out var b) && b.ValueKind == JsonValueKind.String ? b.GetString() : null, cancellationToken);
        }
        catch (ServerRejectedException)
        {
            return null;
        }
    }

    /// <summary>Draws one sample: /completions for a text prompt, /chat/completions for messages.</summary>
    /// <param name="stopStrings">The user's and the prompt format's.</param>
    public Task<ServerCompletion> GenerateAsync(ServerPrompt prompt, SamplerOptions options, IReadOnlyList<string> stopStrings, uint seed, CancellationToken cancellationToken)
    {
        var body = new JsonObject
        {
            ["model"] = modelName,
            ["n"] = 1,
            ["seed"] = seed,
            ["temperature"] = options.Temperature,
            ["top_p"] = options.TopP,
            ["max_tokens"] = options.MaxTokens,
            ["stream"] = false,
        };
        // Not in the OpenAI API, but vLLM, SGLang and llama-server take them; sent only when set so a strict server is not bothered.
        if (options.TopK > 0) body["top_k"] = options.TopK;
        if (options.MinP > 0) body["min_p"] = options.MinP;
        if (stopStrings.Count > 0) body["stop"] = new JsonArray([.. stopStrings.Select(s => JsonValue.Create(s))]);
        var chat = prompt.Messages is not null;
        if (chat) body["messages"] = new JsonArray([.. prompt.Messages!.Select(m => new JsonObject { ["role"] = m.Role, ["content"] = m.Content })]);
        else body["prompt"] = prompt.Text;
        return http.PostJsonAsync(chat ? "chat/completions" : "completions", body, root => Read(root, chat), cancellationToken);
    }

    // Anything missing throws, and the body counts as invalid: it is retried, never stored half.
    private static ServerCompletion Read(JsonElement root, bool chat)
    {
        var choices = root.GetProperty("choices");
        if (choices.GetArrayLength() != 1) throw new InvalidDataException($"expected 1 choice, got {choices.GetArrayLength()}");
        var choice = choices[0];
        var text = chat ? choice.GetProperty("message").GetProperty("content").GetString() : choice.GetProperty("text").GetString();
        var finish = choice.GetProperty("finish_reason").GetString() ?? throw new InvalidDataException("finish_reason is null");
        var usage = root.GetProperty("usage");
        // vLLM says which stop string matched (stop_reason); llama-server says "stop" for an end-of-generation token and a stop string alike.
        var stopString = choice.TryGetProperty("stop_reason", out var reason) && reason.ValueKind == JsonValueKind.String ? reason.GetString() : null;
        var finishReason = finish switch
        {
            "length" => FinishReason.Length,
            "stop" when stopString is not null => FinishReason.Stop,
            "stop" => FinishReason.Eos,
            _ => throw new InvalidDataException($"finish_reason {finish} is not stop or length"),
        };
        return new ServerCompletion(text ?? "", finishReason, stopString, usage.GetProperty("completion_tokens").GetInt32(), usage.GetProperty("prompt_tokens").GetInt32());
    }
}
