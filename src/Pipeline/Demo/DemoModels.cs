using BestOfN.Llama.Gguf;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Training;

namespace BestOfN.Pipeline;

/// <summary>The demo's three models (generator, ORM, PRM): one shape and vocabulary, and how they are sampled and scored.</summary>
public static class DemoModels
{
    public const string GeneratorFile = "demo-generator.gguf";
    public const string OrmFile = "demo-orm.gguf";
    public const string PrmFile = "demo-prm.gguf";

    /// <summary>The generator: RLHFlow's vocabulary (Llama 3 header tokens as control tokens, '+', '-' single tokens), ChatML template.</summary>
    public static readonly TinyLlamaSpec GeneratorSpec = TinyLlamaSpec.RlhflowShapedVerifier with
    {
        EmbeddingSize = 96,
        Layers = 3,
        Heads = 4,
        KvHeads = 4,
        FeedForwardSize = 256,
        ContextLength = 512,
        ChatTemplate = TinyLlamaSpec.ChatMlTemplate,
    };

    /// <summary>
    /// The ORM and PRM: the generator's shape, vocabulary and ChatML template. The RLHFlow protocol renders the chat with the model's own
    /// template and reads '+'/'-' right after each assistant header; ChatML rather than Llama 3 spares every sequence the ~65 tokens of
    /// Llama 3.1's system turn, which would double the verifiers' training time on two cores.
    /// </summary>
    public static readonly TinyLlamaSpec RewardSpec = GeneratorSpec with { Layers = GeneratorSpec.Layers + ExtraVerifierLayers };

    /// <summary>Layers the verifiers have above the generator's: the step's correct result is computed in the lower ones, and only layers
    /// above can compare it with the digits the step states (without them the verdict stays at chance; README, the embedded demo).</summary>
    public const int ExtraVerifierLayers = 2;

    public static LlamaShape RewardShape => Shape with { Layers = RewardSpec.Layers };

    public static LlamaShape Shape => new(TinyLlamaModel.Vocabulary(GeneratorSpec).Count, GeneratorSpec.EmbeddingSize, GeneratorSpec.Layers,
        GeneratorSpec.Heads, GeneratorSpec.FeedForwardSize);

    /// <summary>The generator reads the bare question (raw prompt) and writes its steps; it was trained on exactly that.</summary>
    public static PromptOptions Prompt => new() { Format = PromptFormat.Raw };

    /// <summary>N = 16 at temperature 0.8: the generator is right on about half of its samples.</summary>
    public static SamplerOptions Sampler => new() { N = 16, Temperature = 0.8f, MaxTokens = 80, Parallel = 64, Seed = 1 };
}
