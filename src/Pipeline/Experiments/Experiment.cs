using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Import;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;

namespace BestOfN.Pipeline.Experiments;

/// <summary>
/// One experiment file: generators × datasets × reward models, the store that holds every run and the report folder. Paths are
/// absolute (resolved against the file's folder when read).
/// </summary>
/// <param name="FilePath">The experiment file; null for one built in code from a <c>run</c> (<see cref="RunReport"/>).</param>
public sealed record Experiment(string Name, string? FilePath, string StorePath, string OutFolder, IReadOnlyList<ExperimentDataset> Datasets,
    IReadOnlyList<ExperimentGenerator> Generators, IReadOnlyList<ExperimentRewardModel> RewardModels, ExperimentReportOptions Report)
{
    /// <summary>The folder beside the store where built models (ExPO merges) are cached by their key.</summary>
    public string ModelCacheFolder => Path.Combine(Path.GetDirectoryName(StorePath)!, "models");
}

public sealed record ExperimentDataset(string Name, DatasetSpec Spec, int? Limit, IReadOnlyCollection<string>? ProblemIds);

/// <summary>Where a generator's samples come from: a GGUF, an ExPO merge of two GGUFs, or a published sample set.</summary>
public abstract record GeneratorSource;

public sealed record ModelSource(string ModelPath) : GeneratorSource;

/// <param name="Type">Output type of the merge (f16, q8_0, q4_k_m); null keeps the aligned model's.</param>
public sealed record ExpoSource(string SftPath, string AlignedPath, double Alpha, string? Type) : GeneratorSource;

/// <param name="Dataset">The experiment dataset the set is reported under (and whose golds fill in missing ones); null reports it under its own file name.</param>
public sealed record ImportSource(string Path, SampleSetFormat Format, IReadOnlyList<string> FieldMappings, string? Dataset, DatasetSpec? Gold, string? Style,
    double MinGoldMatch) : GeneratorSource;

/// <param name="TrainedOn">What the model was trained on (a generator family), to mark cells in-domain or out-of-distribution.</param>
/// <param name="Family">The generator family whose outputs a reward model trained on <c>X</c> has seen when X is this family; defaults to the name.</param>
public sealed record ExperimentGenerator(string Name, GeneratorSource Source, SamplerOptions Sampler, PromptOptions Prompt, int GpuLayers, string? TrainedOn,
    string? Family)
{
    /// <summary>Names a reward model's <c>trained_on</c> may give to mean this generator.</summary>
    public IEnumerable<string> Identities => new[] { Name, Family, TrainedOn }.OfType<string>();
}

public sealed record ExperimentRewardModel(string Name, string ModelPath, ScorerOptions Scorer, int GpuLayers, string? TrainedOn, string? Family)
{
    /// <summary>In-domain when the reward model was trained on this generator's family, out-of-distribution when on another, unknown when it does not say.</summary>
    public Domain DomainOf(ExperimentGenerator generator) =>
        TrainedOn is null ? Domain.Unknown
        : generator.Identities.Any(i => string.Equals(i, TrainedOn, StringComparison.OrdinalIgnoreCase)) ? Domain.InDomain : Domain.OutOfDistribution;
}

public enum Domain { Unknown, InDomain, OutOfDistribution }

/// <param name="Extraction">The answer-extraction rules of the grader.</param>
public sealed record ExperimentReportOptions(VotingOptions Voting, string Extraction);
