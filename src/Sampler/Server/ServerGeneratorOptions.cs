using BestOfN.Remote;

namespace BestOfN.Sampler.Server;

/// <summary>Which OpenAI-compatible server to sample from (vLLM, SGLang, llama-server, TGI, …), and how to survive its faults.</summary>
public sealed record ServerGeneratorOptions
{
    /// <summary>The API root, e.g. http://host:8000/v1; completions go to {root}/completions and {root}/chat/completions.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The model as the server lists it at {root}/models (vLLM's --served-model-name, llama-server's --alias).</summary>
    public required string ModelName { get; init; }

    /// <summary>Bearer token for servers started with an API key; null sends none. The command line reads it from OPENAI_API_KEY. The default value is null.</summary>
    public string? ApiKey { get; init; }

    /// <summary>Retry, timeout, circuit breaker and concurrency. The default value is <see cref="ResilienceOptions"/>'s defaults.</summary>
    public ResilienceOptions Resilience { get; init; } = new();

    public IReadOnlyList<string> Validate()
    {
        var errors = new List<string>();
        if (!Uri.TryCreate(BaseUrl, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https")) errors.Add($"--base-url must be an http(s) URL such as http://host:8000/v1, got {BaseUrl}.");
        if (string.IsNullOrWhiteSpace(ModelName)) errors.Add("--model-name must name the model the server serves (see its /v1/models).");
        errors.AddRange(Resilience.Validate());
        return errors;
    }
}
