using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Cli.Progress;
using BestOfN.Pipeline;
using BestOfN.Problems;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;

namespace BestOfN.Cli.Commands;

/// <summary>
/// `run`: the main job in one verb (sample, score, grade, report). With no arguments it runs the embedded demo: 50 arithmetic problems,
/// a tiny generator, ORM and PRM trained by `bestofn train-demo`, so a fresh clone shows the best-of-N effect offline.
/// </summary>
internal static class RunCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model (default: the demo's tiny trained generator, which reads raw prompts)" }.AcceptExistingOnly();
    private static readonly Option<string> Dataset = new("--dataset") { Description = "Problems as gsm8k:PATH, math:PATH, jsonl:PATH or csv:PATH (default: the embedded data/demo-gsm8k.jsonl)" };
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) };
    private static readonly Option<DirectoryInfo> Report = new("--report") { Description = "Folder for the report: index.html, report.md, curves (default: <store name>-report beside the store)" };
    private static readonly Option<FileInfo> RewardModel = new Option<FileInfo>("--reward-model") { Description = "Reward model GGUF to score the samples with (default with no --model: the demo's ORM and PRM)" }.AcceptExistingOnly();
    private static readonly Option<string[]> Protocols = new Option<string[]>("--protocol")
    {
        Description = "Reward protocols to score with (repeatable): " + string.Join(", ", RewardProtocols.Default.All.OfType<LlamaRewardProtocol>().Select(p => p.Name)),
        DefaultValueFactory = _ => [RewardProtocols.RlhflowPrm.Name, RewardProtocols.RlhflowOrm.Name],
    }.EachOneOf([.. RewardProtocols.Default.All.OfType<LlamaRewardProtocol>().Select(p => p.Name)]);
    private static readonly Option<int> Bootstrap = new("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => 200 };
    private static readonly SamplingOptionGroup Sampling = new(DemoModels.Sampler with { MaxTokens = 96, Parallel = 32 });
    private static readonly PromptOptionGroup Prompt = new(new PromptOptions { Format = PromptFormat.Chat, SystemPrompt = "Please reason step by step, and put your final answer within \\boxed{}." });
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        return new Command("run", "Sample, score, grade and report in one go (the embedded demo when no --model/--dataset is given)")
        {
            Model, Dataset, StorePath, Report, RewardModel, Protocols, Bootstrap,
        }.WithAction(Run, Sampling, Prompt, Native);
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var request = new PipelineRequest
        {
            ModelPath = pr.GetValue(Model)?.FullName,
            Dataset = pr.GetValue(Dataset) is { } d ? DatasetSpec.Parse(d) : null,
            RewardModelPath = pr.GetValue(RewardModel)?.FullName,
            Protocols = [.. (pr.GetValue(Protocols) ?? []).Select(RewardProtocols.Default.Get)],
            Sampler = Sampling.Read(pr, pr.GetValue(Native.Threads)),
            Prompt = Prompt.Read(pr),
            StorePath = pr.GetValue(StorePath)!.FullName,
            ReportFolder = pr.GetValue(Report)?.FullName,
            GpuLayers = pr.GetValue(Native.GpuLayers),
            Voting = new VotingOptions { BootstrapResamples = pr.GetValue(Bootstrap) },
        };
        if (request.Validate() is { Count: > 0 } errors) return CommandErrors.Invalid(pr, errors);
        Native.Load(pr);
        var output = pr.InvocationConfiguration.Output;
        var result = PipelineProgressDisplay.Run(pr.InvocationConfiguration.Error, progress => RunPipeline.Run(request, progress, ct));
        if (result.UsedDemoModels)
            output.WriteLine($"no --model given: the embedded demo (arithmetic problems; a tiny generator, ORM and PRM trained by `bestofn train-demo`: {Path.GetFileName(result.ModelPath)}, {string.Join(", ", result.RewardModelPaths.Select(Path.GetFileName))}).");
        ResultLines.Write(output, result.Sample);
        foreach (var score in result.Scores) ResultLines.Write(output, score);
        output.WriteLine();
        MarkdownTable.Write(output, [result.Report], request.Voting.TablePrmAggregation);
        output.WriteLine();
        if (RunHeadline.From(result.Report.Result, request.Voting.TablePrmAggregation) is { } headline) output.WriteLine(headline.Reading());
        output.WriteLine($"samples are in {result.Sample.Destination} (run {result.Sample.RunId}); `bestofn export --store {Path.GetFileName(result.Sample.Destination)} --out samples.jsonl` writes them with grades.");
        output.WriteLine($"report: {Path.Combine(result.ReportFiles.Folder, "index.html")}");
        return ExitCodes.Ok;
    }
}
