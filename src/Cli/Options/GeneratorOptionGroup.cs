using System.CommandLine;
using BestOfN.Sampler.Server;

namespace BestOfN.Cli.Options;

/// <summary>Which generator <c>sample</c> draws from: llama.cpp on a local GGUF (the default) or an OpenAI-compatible server.</summary>
internal sealed class GeneratorOptionGroup : IOptionGroup
{
    public const string ApiKeyVariable = "OPENAI_API_KEY";

    public Option<string> Generator { get; } = new Option<string>("--generator")
    {
        Description = "llama: llama.cpp on --model; openai: an OpenAI-compatible server (vLLM, SGLang, llama-server, TGI) at --base-url",
        DefaultValueFactory = _ => "llama",
    }.OneOf("llama", "openai");
    public Option<string?> BaseUrl { get; } = new("--base-url") { Description = "openai: the API root, e.g. http://host:8000/v1 (an API key, if any, from OPENAI_API_KEY)" };
    public Option<string?> ModelName { get; } = new("--model-name") { Description = "openai: the model as the server lists it at /v1/models" };
    public ResilienceOptionGroup Resilience { get; } = new();

    public void AddTo(Command command)
    {
        command.Options.Add(Generator);
        command.Options.Add(BaseUrl);
        command.Options.Add(ModelName);
        Resilience.AddTo(command);
    }

    public bool IsServer(ParseResult pr) => string.Equals(pr.GetValue(Generator), "openai", StringComparison.OrdinalIgnoreCase);

    /// <summary>The server options with --generator openai; null for llama.cpp.</summary>
    public ServerGeneratorOptions? Read(ParseResult pr) => !IsServer(pr) ? null : new ServerGeneratorOptions
    {
        BaseUrl = pr.GetValue(BaseUrl) ?? "",
        ModelName = pr.GetValue(ModelName) ?? "",
        ApiKey = Environment.GetEnvironmentVariable(ApiKeyVariable),
        Resilience = Resilience.Read(pr),
    };
}
