using System.CommandLine;
using BestOfN.Cli.Options;
using BestOfN.Pipeline;

namespace BestOfN.Cli.Commands;

/// <summary>`train-demo`: rebuilds the embedded demo (test set and the three tiny models) from a seed, printing each learning curve.</summary>
internal static class TrainDemoCommand
{
    private static readonly Option<DirectoryInfo> Models = new("--models") { Description = "Where the GGUFs go", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "models")) };
    private static readonly Option<FileInfo> TestSet = new("--test-set") { Description = "Where the test problems go (GSM8K format)", DefaultValueFactory = _ => new FileInfo(Path.Combine("data", "demo-gsm8k.jsonl")) };
    private static readonly Option<DirectoryInfo> Work = new("--work") { Description = "Problem sets, checkpoints and samples; a rerun skips finished stages", DefaultValueFactory = _ => new DirectoryInfo(Path.Combine("data", "demo-work")) };
    private static readonly Option<int> Seed = new("--seed") { Description = "Seed of the problems, the initial weights and the batch order", DefaultValueFactory = _ => 1 };
    private static readonly Option<int> GeneratorSteps = new("--generator-steps") { Description = "Optimizer steps of the generator", DefaultValueFactory = _ => new TrainDemoRequest { ModelsFolder = "", TestSetPath = "", WorkFolder = "" }.Generator.Steps };
    private static readonly Option<int?> VerifierSteps = new("--verifier-steps") { Description = "Optimizer steps of the ORM and of the PRM (default: the recipe's)" };
    private static readonly Option<bool> Snapshots = new("--generator-snapshots") { Description = "Write the generator as a GGUF at every learning-curve point (in --work)" };
    private static readonly NativeOptions Native = new();

    public static Command Create() =>
        new Command("train-demo", "Rebuild the embedded demo: synthetic arithmetic problems, a tiny generator, ORM and PRM trained in C# (about 25 minutes on 2 cores)")
        {
            Models, TestSet, Work, Seed, GeneratorSteps, VerifierSteps, Snapshots,
        }.WithAction(Run, Native);

    private static int Run(ParseResult pr, CancellationToken ct)
    {
        var threads = pr.GetValue(Native.Threads);
        var request = new TrainDemoRequest
        {
            ModelsFolder = pr.GetValue(Models)!.FullName,
            TestSetPath = pr.GetValue(TestSet)!.FullName,
            WorkFolder = pr.GetValue(Work)!.FullName,
            Seed = pr.GetValue(Seed),
            Threads = threads > 0 ? threads : Environment.ProcessorCount,
            GeneratorSnapshots = pr.GetValue(Snapshots),
        };
        request = request with { Generator = request.Generator with { Steps = pr.GetValue(GeneratorSteps) } };
        if (pr.GetValue(VerifierSteps) is { } steps) request = request with { Orm = request.Orm with { Steps = steps }, Prm = request.Prm with { Steps = steps } };
        Native.Load(pr);
        var output = pr.InvocationConfiguration.Output;
        var lastStage = "";
        var result = TrainDemo.Run(request, new Progress(p =>
        {
            if (p.Training is { } t)
            {
                output.WriteLine($"{p.Stage}: step {t.Step}/{t.Steps} loss {t.TrainLoss:F4}" + (t.ValidationLoss is { } v ? $" validation {v:F4}" : "") + $" ({t.SequencesPerSecond:F1} sequences/s)");
            }
            else if (p.Sampling is { } s)
            {
                if (s.ProblemsDone == s.ProblemsTotal) output.WriteLine($"sampled {s.SamplesDone} answers");
            }
            else if (p.Stage != lastStage)
            {
                output.WriteLine(p.Stage);
            }

            lastStage = p.Stage;
        }), ct);
        output.WriteLine($"generator {result.GeneratorPath}: right on {result.GeneratorAccuracy:P1} of its samples");
        output.WriteLine($"ORM {result.OrmPath} ({result.OrmSequences} sequences), PRM {result.PrmPath} ({result.PrmSequences} sequences)");
        return ExitCodes.Ok;
    }

    private sealed class Progress(Action<TrainDemoProgress> report) : IProgress<TrainDemoProgress>
    {
        public void Report(TrainDemoProgress value) => report(value);
    }
}
