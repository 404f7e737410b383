using System.Security.Cryptography;
using System.Text;

namespace BestOfN.Verifier.Scoring;

/// <summary>A reward model served over HTTP (vLLM /classify or /pooling, TGI, …): one score per answer, read from a configurable JSON shape.</summary>
public sealed class HttpClassifierProtocol(string name, string description) : IRewardProtocol
{
    /// <summary>The environment variable a bearer token is read from, for servers started with an API key.</summary>
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    public string Name => name;

    public string Description => description;

    public bool IsRemote => true;

    public bool ScoresSteps(ScorerOptions options) => false;

    public IReadOnlyList<string> Validate(ScorerOptions options) => [.. options.Http.Validate(), .. options.Resilience.Validate()];

    /// <summary>The served model's name (or, without one, the URL) stands for the weights' hash; the server is trusted to serve the same weights under it.</summary>
    public string? RemoteModelSha256(string url, ScorerOptions options) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes($"{Name}\n{options.Http.ModelName ?? url}")));

    public void Configure(IDictionary<string, object?> config, ScorerOptions options, Func<string, string> fileSha256)
    {
        config["http_classifier"] = new SortedDictionary<string, object?>
        {
            ["model"] = options.Http.ModelName,
            ["model_field"] = options.Http.ModelField,
            ["input_field"] = options.Http.InputField,
            ["results_field"] = options.Http.ResultsField,
            ["values_field"] = options.Http.ValuesField,
            ["value_index"] = options.Http.ValueIndex,
        };
    }

    public IRewardScorer Open(string modelPath, ScorerOptions options, int gpuLayers)
    {
        if (!Uri.TryCreate(modelPath, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
            throw new ArgumentException($"--protocol {Name} needs --url, the endpoint's http(s) URL (e.g. http://host:8000/classify), got '{modelPath}'.");
        return new HttpClassifierScorer(modelPath, options, Environment.GetEnvironmentVariable(ApiKeyVariable));
    }

    public override string ToString() => Name;
}
