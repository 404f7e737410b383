using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Cli.Progress;
using BestOfN.Pipeline;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Cli.Commands;

/// <summary>`sample`: draw N solutions per problem from a GGUF model into the run store (reruns resume).</summary>
internal static class SampleCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model to sample from (the llama generator)" }.AcceptExistingOnly();
    private static readonly Option<string> Dataset = new("--dataset") { Description = "Problems: gsm8k:PATH, math:PATH, jsonl:PATH or csv:PATH", Required = true };
    private static readonly Option<string[]> Field = new("--field") { Description = "Map a generic dataset's column to ours: question=prompt, answer=gold, id=uid, solution=... (repeatable)" };
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) };
    private static readonly Option<FileInfo> Out = new("--out") { Description = "Write samples to this JSONL file instead of the store (reruns resume it too)" };
    private static readonly Option<string?> RunName = new("--run") { Description = "Run id (default: derived from the model hash and every setting that changes samples)" };
    private static readonly Option<int?> Limit = new("--limit") { Description = "Only the first N problems" };
    private static readonly Option<string?> ProblemIds = new("--problems") { Description = "Only these problem ids, comma-separated" };
    private static readonly SamplingOptionGroup Sampling = new(new SamplerOptions());
    private static readonly PromptOptionGroup Prompt = new(new PromptOptions());
    private static readonly NativeOptions Native = new();
    private static readonly ShardOptions Sharding = new();
    private static readonly GeneratorOptionGroup Generator = new();

    public static Command Create()
    {
        return new Command("sample", "Draw N solutions per problem from a GGUF model or an OpenAI-compatible server into the run store (reruns resume)")
        {
            Model, Dataset, Field, StorePath, Out, RunName, Limit, ProblemIds,
        }.WithAction(Run, Sampling, Prompt, Native, Sharding, Generator);
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var request = new SampleRequest
        {
            Dataset = DatasetSpec.Parse(pr.GetValue(Dataset)!, DatasetSpec.ParseFieldMap(pr.GetValue(Field) ?? [])),
            ProblemIds = CommonOptions.SplitIds(pr.GetValue(ProblemIds)),
            Limit = pr.GetValue(Limit),
            ModelPath = pr.GetValue(Model)?.FullName ?? "",
            Server = Generator.Read(pr),
            Sampler = Sampling.Read(pr, pr.GetValue(Native.Threads)),
            Prompt = Prompt.Read(pr),
            StorePath = pr.GetValue(StorePath)!.FullName,
            JsonlOut = pr.GetValue(Out)?.FullName,
            RunName = pr.GetValue(RunName),
            GpuLayers = pr.GetValue(Native.GpuLayers),
            Shard = Sharding.Read(pr),
        };
        if (request.Validate() is { Count: > 0 } errors) return CommandErrors.Invalid(pr, errors);
        if (request.Server is null) Native.Load(pr);
        var result = ProgressDisplays.Sampling("sampling", pr.InvocationConfiguration.Error, progress => SampleDataset.Run(request, progress, ct));
        ResultLines.Write(pr.InvocationConfiguration.Output, result);
        return result.Server is { Failed: > 0 } ? 1 : ResultLines.ExitCode(result.Summary.Interrupted);
    }
}
