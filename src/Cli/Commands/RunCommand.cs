using System.CommandLine;
using BestOfN.Problems;
using BestOfN.Sampler.Gguf;
using BestOfN.Sampler.Native;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Scoring;
using BestOfN.Voting.Reporting;

namespace BestOfN.Cli.Commands;

/// <summary>
/// The main job in one verb: sample N solutions per problem, grade them, score them with a reward model when one is
/// given, and print the table. With no arguments it runs on the embedded demo problems with tiny generated models
/// (a generator and an RLHFlow-shaped verifier), so a fresh clone shows the whole pipeline.
/// </summary>
internal static class RunCommand
{
    private static readonly Option<FileInfo> Model = new Option<FileInfo>("--model") { Description = "GGUF model (default: a tiny generated llama model with random weights, for a demonstration)" }.AcceptExistingOnly();
    private static readonly Option<string> Dataset = new("--dataset") { Description = "Problems as gsm8k:PATH, math:PATH, jsonl:PATH or csv:PATH (default: the embedded data/demo-gsm8k.jsonl)" };
    private static readonly Option<int> N = new("--n") { Description = "Samples per problem", DefaultValueFactory = _ => 8 };
    private static readonly Option<int> MaxTokens = new("--max-tokens") { Description = "Most new tokens per sample", DefaultValueFactory = _ => 64 };
    private static readonly Option<float> Temperature = new("--temperature") { Description = "Sampling temperature", DefaultValueFactory = _ => 0.8f };
    private static readonly Option<int> Parallel = new("--parallel") { Description = "Samples decoded together, at most 256", DefaultValueFactory = _ => 8 };
    private static readonly Option<ulong> Seed = new("--seed") { Description = "Run seed", DefaultValueFactory = _ => SamplerDefaults.Seed };
    private static readonly Option<PromptFormat> Prompt = new("--prompt") { Description = "Prompt format: Raw, Chat, FewShot or Messages", DefaultValueFactory = _ => PromptFormat.Chat };
    private static readonly Option<string?> System = new("--system") { Description = "System prompt for --prompt chat", DefaultValueFactory = _ => "Please reason step by step, and put your final answer within \\boxed{}." };
    private static readonly Option<FileInfo> StorePath = new("--store") { Description = "SQLite run store", DefaultValueFactory = _ => new FileInfo("runs.db") };
    private static readonly Option<FileInfo> RewardModel = new Option<FileInfo>("--reward-model") { Description = "Reward model GGUF to score the samples with (default with no --model: a tiny generated one)" }.AcceptExistingOnly();
    private static readonly Option<string[]> Protocols = new("--protocol") { Description = "Reward protocols to score with: rlhflow-prm, rlhflow-orm, math-shepherd (repeatable)", DefaultValueFactory = _ => ["rlhflow-prm", "rlhflow-orm"] };
    private static readonly Option<int> Bootstrap = new("--bootstrap") { Description = "Bootstrap resamples for the 95% intervals", DefaultValueFactory = _ => 200 };
    private static readonly NativeOptions Native = new();

    public static Command Create()
    {
        var command = new Command("run", "Sample, grade and report in one go (the embedded demo when no --model/--dataset is given)")
        {
            Model, Dataset, N, MaxTokens, Temperature, Parallel, Seed, Prompt, System, StorePath, RewardModel, Protocols, Bootstrap,
        };
        Native.AddTo(command);
        command.SetAction((pr, ct) => Task.FromResult(CommandErrors.Guard(pr, () => Run(pr, ct))));
        return command;
    }

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var output = pr.InvocationConfiguration.Output;
        Native.Load(pr);
        var model = pr.GetValue(Model);
        var rewardModel = pr.GetValue(RewardModel);
        if (model is null)
        {
            model = new FileInfo(DemoModel("demo-tiny-llama.gguf", new TinyLlamaSpec()));
            rewardModel ??= new FileInfo(DemoModel("demo-tiny-reward-llama.gguf", DemoRewardSpec));
            output.WriteLine($"no --model given: using tiny generated llama models with random weights ({model.FullName}, reward model {rewardModel.Name}); their answers and scores are noise, the pipeline is real.");
        }
        var protocols = new List<ScoringProtocol>();
        foreach (var name in pr.GetValue(Protocols) ?? [])
        {
            if (ScoringNames.TryParseProtocol(name, out var protocol) && protocol != ScoringProtocol.Onnx) protocols.Add(protocol);
            else return SampleCommand.Fail(pr, [$"--protocol must be rlhflow-prm, rlhflow-orm or math-shepherd, got '{name}' (score ONNX models with `bestofn score`)."]);
        }
        var dataset = pr.GetValue(Dataset) is { } d ? DatasetSpec.Parse(d) : new DatasetSpec(DatasetFormat.Gsm8k, DemoProblems(), new Dictionary<string, string>());
        var sampler = new SamplerOptions
        {
            N = pr.GetValue(N), MaxTokens = pr.GetValue(MaxTokens), Temperature = pr.GetValue(Temperature), Parallel = pr.GetValue(Parallel),
            Seed = pr.GetValue(Seed), Threads = pr.GetValue(Native.Threads),
        };
        var prompt = new PromptOptions { Format = pr.GetValue(Prompt), SystemPrompt = pr.GetValue(Prompt) == PromptFormat.Chat ? pr.GetValue(System) : null };
        var errors = sampler.Validate().Concat(prompt.Validate()).ToList();
        if (errors.Count > 0) return SampleCommand.Fail(pr, errors);

        var storeFile = pr.GetValue(StorePath)!;
        var runId = SampleCommand.Execute(new SampleCommand.SampleRequest(dataset, null, null, model, sampler, prompt, storeFile, null, null, pr.GetValue(Native.GpuLayers)),
            output, pr.InvocationConfiguration.Error, ct);

        using var store = RunStore.Open(storeFile.FullName);
        if (rewardModel is not null)
        {
            var run = store.Run(runId)!;
            foreach (var protocol in protocols)
            {
                var options = new ScorerOptions { Protocol = protocol, Threads = pr.GetValue(Native.Threads) };
                var errorsOfScorer = options.Validate();
                if (errorsOfScorer.Count > 0) return SampleCommand.Fail(pr, errorsOfScorer);
                ScoreCommand.Execute(store, run, rewardModel, options, pr.GetValue(Native.GpuLayers), null, null, output, pr.InvocationConfiguration.Error, ct);
            }
        }
        var problems = StoredVotingInput.Load(store, runId, new AnswerGrader());
        var voting = new VotingOptions { BootstrapResamples = pr.GetValue(Bootstrap) };
        var report = VotingReport.Compute(problems, voting);
        output.WriteLine();
        MarkdownTable.Write(output, [new DatasetReport(dataset.Name, report)], voting.TablePrmAggregation);
        output.WriteLine();
        output.WriteLine($"samples are in {store.Path} (run {runId}); `bestofn export --store {storeFile.Name} --out samples.jsonl` writes them with grades.");
        return 0;
    }

    /// <summary>The embedded demo problems, written once into the cache so loaders read them like any file.</summary>
    private static string DemoProblems()
    {
        var path = Path.Combine(NativePackages.CacheRoot(), "data", "demo-gsm8k.jsonl");
        using var resource = typeof(RunCommand).Assembly.GetManifestResourceStream("BestOfN.data.demo-gsm8k.jsonl")
            ?? throw new InvalidOperationException("The embedded demo problems are missing from this build.");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        using (var file = File.Create(path)) resource.CopyTo(file);
        return path;
    }

    private static readonly TinyLlamaSpec DemoRewardSpec = TinyLlamaSpec.RlhflowShapedVerifier with { Seed = 77 };

    /// <summary>A generated demo model, written once into the native cache.</summary>
    private static string DemoModel(string name, TinyLlamaSpec spec)
    {
        var path = Path.Combine(NativePackages.CacheRoot(), "models", name);
        if (!File.Exists(path))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            TinyLlamaModel.Write(path, spec);
        }
        return path;
    }
}
