using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Cli.Printing;
using BestOfN.Cli.Progress;
using BestOfN.Pipeline;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Cli.Commands;

/// <summary>`score`: reward-model scores for a run's stored samples, resumable, written beside them in the run store.</summary>
internal static class ScoreCommand
{
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store (with --shard: the shard's own store is derived from it)", DefaultValueFactory = _ => new FileInfo(PipelineDefaults.StorePath) };
    private static readonly Option<string?> RunName = new("--run") { Description = "Run to score (default: the store's only run)" };
    private static readonly Option<FileInfo> RewardModel = new Option<FileInfo>("--reward-model") { Description = "Reward model: a GGUF (llama.cpp protocols) or an ONNX file (--protocol onnx); --url for http-classifier" }.AcceptExistingOnly();
    private static readonly Option<string?> ScorerName = new("--scorer") { Description = "Scorer id (default: derived from the model hash and every setting that changes scores)" };
    private static readonly Option<string?> ProblemIds = new("--problems") { Description = "Only these problem ids, comma-separated" };
    private static readonly Option<bool> ShowPrompt = new("--show-prompt") { Description = "Print the text the reward model reads for the first answer (the rendered conversation)" };
    private static readonly ScorerOptionGroup Scorer = new();
    private static readonly NativeOptions Native = new();
    private static readonly ShardOptions Sharding = new();
    private static readonly HttpClassifierOptionGroup Http = new();

    public static Command Create()
    {
        return new Command("score", "Score a run's stored samples with a reward model (ORM/PRM); every step score is kept, and reruns resume")
        {
            StorePath, RunName, RewardModel, ScorerName, ProblemIds, ShowPrompt,
        }.WithAction(Run, Scorer, Native, Sharding, Http);
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var request = new ScoreRequest
        {
            StorePath = pr.GetValue(StorePath)!.FullName,
            RunId = pr.GetValue(RunName),
            ModelPath = pr.GetValue(RewardModel)?.FullName ?? pr.GetValue(Http.Url) ?? "",
            Scorer = Http.Read(pr, Scorer.Read(pr, pr.GetValue(Native.Threads))),
            GpuLayers = pr.GetValue(Native.GpuLayers),
            ScorerName = pr.GetValue(ScorerName),
            ProblemIds = CommonOptions.SplitIds(pr.GetValue(ProblemIds))?.ToHashSet(),
            ShowPrompt = pr.GetValue(ShowPrompt),
            Shard = Sharding.Read(pr),
        };
        var remote = request.Scorer.Protocol.IsRemote;
        string[] where = (remote, pr.GetValue(RewardModel), pr.GetValue(Http.Url)) switch
        {
            (true, null, null) => [$"--protocol {request.Scorer.Protocol.Name} needs --url, the endpoint."],
            (true, not null, _) => [$"--protocol {request.Scorer.Protocol.Name} reads a server at --url, not --reward-model."],
            (false, null, _) => ["--reward-model is required (a GGUF or an ONNX file)."],
            (false, _, not null) => ["--url is for --protocol http-classifier."],
            _ => [],
        };
        if (request.Scorer.Validate().Concat(where).ToList() is { Count: > 0 } errors) return CommandErrors.Invalid(pr, errors);
        if (!remote) Native.Load(pr);
        var result = ProgressDisplays.Scoring("scoring", pr.InvocationConfiguration.Error, progress => ScoreRun.Run(request, progress, ct));
        ResultLines.Write(pr.InvocationConfiguration.Output, result);
        return ResultLines.ExitCode(result.Summary.Interrupted);
    }
}
