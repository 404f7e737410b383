using System.Globalization;
using BestOfN.Llama;
using BestOfN.Problems;
using BestOfN.Sampler.Sampling;
using BestOfN.Store;
using BestOfN.Training;
using BestOfN.Verifier.Grading;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline;

/// <summary>What <c>bestofn train-demo</c> builds, where, and how long it trains each model.</summary>
public sealed record TrainDemoRequest
{
    /// <summary>Where the three GGUFs go (the repository's data/models).</summary>
    public required string ModelsFolder { get; init; }

    /// <summary>Where the test set goes in GSM8K format (the repository's data/demo-gsm8k.jsonl).</summary>
    public required string TestSetPath { get; init; }

    /// <summary>Problem sets, checkpoints and the verifiers' sample store; a rerun skips every stage whose output is there.</summary>
    public required string WorkFolder { get; init; }

    public int Seed { get; init; } = 1;

    public int TestProblems { get; init; } = 50;

    public int TrainProblems { get; init; } = 20000;

    /// <summary>Problems the generator samples for the verifiers' training set, <see cref="VerifierSamplesPerProblem"/> each.</summary>
    public int VerifierProblems { get; init; } = 1000;

    public int VerifierSamplesPerProblem { get; init; } = 8;

    /// <summary>
    /// Problems whose reference solution and one <see cref="DemoProblems.Flawed"/> solution join the verifiers' training set beside
    /// the generator's own samples. Within one problem the two differ only where a step slips, so the verdict cannot come from how
    /// hard the problem looks; and fresh problems keep the verifiers from memorising the few thousand samples the generator gives.
    /// </summary>
    public int SyntheticVerifierProblems { get; init; } = 6000;

    /// <summary>Start the ORM from the trained PRM rather than from the verifiers' base: the PRM has learned to check a step, which
    /// is what the ORM's single verdict rests on. The default value is true.</summary>
    public bool OrmFromPrm { get; init; } = true;

    /// <summary>Next-token training of the verifiers' base on reference solutions rendered as the RLHFlow protocols render them: the
    /// base knows the arithmetic only in the raw format (first result digit: 0.03 nats there, 10.3 nats inside the chat turns).</summary>
    public TrainerOptions ChatBase { get; init; } = new() { Steps = 300, BatchSize = 32, LearningRate = 2e-3f, WarmupSteps = 20, ReportEvery = 50, CosineDecay = false };

    public TrainerOptions Generator { get; init; } = new() { Steps = 450, BatchSize = 32, LearningRate = 2e-3f, WarmupSteps = 50, ReportEvery = 50, CosineDecay = false };

    /// <summary>The verifiers' base: the generator trained on further (fresh optimizer state, its own batch order), so the ORM and PRM
    /// start from a model that knows the arithmetic better than the half-trained generator whose samples they judge.</summary>
    public TrainerOptions VerifierBase { get; init; } = new() { Steps = 550, BatchSize = 32, LearningRate = 2e-3f, WarmupSteps = 20, ReportEvery = 50, CosineDecay = false };

    public TrainerOptions Orm { get; init; } = new() { Steps = 600, BatchSize = 32, LearningRate = 1e-3f, WarmupSteps = 20, ReportEvery = 50 };

    public TrainerOptions Prm { get; init; } = new() { Steps = 1200, BatchSize = 32, LearningRate = 1e-3f, WarmupSteps = 20, ReportEvery = 50 };

    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>llama.cpp threads while sampling: one, as the model is tiny and llama.cpp's threads spin at every barrier, which on a
    /// shared machine costs more than it gains. The default value is 1.</summary>
    public int SamplerThreads { get; init; } = 1;

    /// <summary>Train the verifiers only on problems with right and wrong answers, as many of each (see <see cref="TrainDemo.BalancedWithinProblems"/>).
    /// Measured once with the earlier 3-layer recipe: ORM@16 54.0 and PRM@16 46.0 (against 44.0 and 40.0 without), but the scores then hardly separate right from wrong
    /// across problems, which the science test pins. The committed models are trained without it. The default value is false.</summary>
    public bool BalanceVerifierData { get; init; }

    /// <summary>Write the generator as a GGUF at every learning-curve point (work folder), to measure its accuracy along the way.</summary>
    public bool GeneratorSnapshots { get; init; }
}

/// <summary>Where <see cref="TrainDemo"/> stands: a stage, and a learning-curve point or sampling progress when it has one.</summary>
public readonly record struct TrainDemoProgress(string Stage, TrainingProgress? Training, SamplingProgress? Sampling);

/// <param name="GeneratorAccuracy">Share of the verifiers' training samples the generator got right (the production grader).</param>
public sealed record TrainDemoResult(string GeneratorPath, string OrmPath, string PrmPath, double GeneratorAccuracy, int OrmSequences, int PrmSequences,
    IReadOnlyDictionary<string, IReadOnlyList<TrainingProgress>> Curves);

/// <summary>
/// Builds the demo from nothing: problems, a generator trained on correct solutions, its own samples drawn by the production sampler
/// and graded by the production grader, then an ORM (final-answer labels) and a PRM (exact step labels), both trained from the
/// generator's training continued (a stronger base) on exactly the token sequences and read positions the production RLHFlow encoders
/// make. llama.cpp must be loaded.
/// </summary>
public static class TrainDemo
{
    public static TrainDemoResult Run(TrainDemoRequest request, IProgress<TrainDemoProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(request.WorkFolder);
        Directory.CreateDirectory(request.ModelsFolder);
        void Stage(string stage) => progress?.Report(new TrainDemoProgress(stage, null, null));
        var curves = new Dictionary<string, IReadOnlyList<TrainingProgress>>();

        // Problems: test, validation and a training pool that shares no question with them.
        var test = DemoProblems.Generate(request.Seed * 1000 + 3, request.TestProblems);
        var validation = DemoProblems.Generate(request.Seed * 1000 + 2, 200, test.Select(p => p.Question).ToHashSet());
        var held = test.Concat(validation).Select(p => p.Question).ToHashSet();
        var train = DemoProblems.Generate(request.Seed * 1000 + 1, request.TrainProblems, held);
        var verifierPool = DemoProblems.Generate(request.Seed * 1000 + 4, request.VerifierProblems, held);
        DemoProblems.WriteGsm8k(request.TestSetPath, test);
        var verifierSet = Path.Combine(request.WorkFolder, "verifier-problems.jsonl");
        DemoProblems.WriteGsm8k(verifierSet, verifierPool);

        var shape = DemoModels.Shape;
        var vocabPath = Path.Combine(request.WorkFolder, "vocab.gguf");
        BestOfN.Llama.Gguf.TinyLlamaModel.Write(vocabPath, DemoModels.GeneratorSpec);
        using var vocab = LlamaModel.Load(vocabPath, new LlamaModelOptions { VocabOnly = true });

        // 1. Generator.
        var generatorPath = Path.Combine(request.ModelsFolder, DemoModels.GeneratorFile);
        var generatorCheckpoint = Path.Combine(request.WorkFolder, "generator.weights");
        LlamaParameters generator;
        Stage("tokenizing the generator's problems");
        var trainSeqs = train.Select(p => GeneratorSequence(vocab, p)).ToList();
        var validSeqs = validation.Select(p => GeneratorSequence(vocab, p)).ToList();
        if (File.Exists(generatorCheckpoint))
        {
            generator = LlamaParameters.Load(generatorCheckpoint, shape);
        }
        else
        {
            generator = LlamaParameters.Initialize(shape, request.Seed);
            curves["generator"] = Trainer.Train(generator, trainSeqs, validSeqs, request.Generator with { Seed = request.Seed, Threads = request.Threads },
                Relay("training the generator", progress), cancellationToken,
                request.GeneratorSnapshots ? step => generator.WriteGguf(Path.Combine(request.WorkFolder, $"generator-{step}.gguf"), DemoModels.GeneratorSpec) : null);
            generator.Save(generatorCheckpoint);
        }
        generator.WriteGguf(generatorPath, DemoModels.GeneratorSpec);

        var baseCheckpoint = Path.Combine(request.WorkFolder, "verifier-base.weights");
        LlamaParameters verifierBase;
        if (File.Exists(baseCheckpoint))
        {
            verifierBase = LlamaParameters.Load(baseCheckpoint, shape);
        }
        else
        {
            verifierBase = generator.Clone();
            curves["verifier-base"] = Trainer.Train(verifierBase, trainSeqs, validSeqs, request.VerifierBase with { Seed = request.Seed + 1, Threads = request.Threads },
                Relay("training the verifiers' base further", progress), cancellationToken);
            verifierBase.Save(baseCheckpoint);
        }

        // 2. The generator's own samples on the verifier pool, through the production sampler; graded by the production grader.
        Stage("sampling the generator for the verifiers' training set");
        var storePath = Path.Combine(request.WorkFolder, "verifier-samples.db");
        var sample = SampleDataset.Run(new SampleRequest
        {
            Dataset = new DatasetSpec(DatasetFormat.Gsm8k, verifierSet, new Dictionary<string, string>()),
            ModelPath = generatorPath,
            Sampler = DemoModels.Sampler with { N = request.VerifierSamplesPerProblem, Seed = (ulong)request.Seed + 100, Threads = request.SamplerThreads },
            Prompt = DemoModels.Prompt,
            StorePath = storePath,
        }, new ProgressRelay<SamplingProgress>(p => progress?.Report(new TrainDemoProgress("sampling", null, p))), cancellationToken);
        var grader = Graders.ForExtraction(PipelineDefaults.Extraction);
        var byQuestion = verifierPool.ToDictionary(p => p.Question);
        var labelled = new List<(DemoProblem Problem, string Text, bool Correct)>();
        using (var store = RunStore.Open(storePath))
        {
            var problems = store.Problems(sample.RunId).ToDictionary(p => p.ProblemId);
            foreach (var s in store.Samples(sample.RunId))
            {
                var problem = problems[s.ProblemId];
                var correct = grader.Grade(s.Text, problem.Gold!).Verdict == Verdict.Equal;
                labelled.Add((byQuestion[problem.Question], s.Text, correct));
            }
        }
        var accuracy = labelled.Count == 0 ? 0 : labelled.Count(l => l.Correct) / (double)labelled.Count;
        if (request.BalanceVerifierData) labelled = BalancedWithinProblems(labelled, request.Seed);
        Stage($"generator: {accuracy:P1} of {labelled.Count} samples right at temperature {DemoModels.Sampler.Temperature}");
        var slips = new Random(request.Seed + 5);
        foreach (var problem in DemoProblems.Generate(request.Seed * 1000 + 5, request.SyntheticVerifierProblems, held))
        {
            var flawed = DemoProblems.Flawed(problem, slips);
            labelled.Add((problem, problem.Solution, true));
            labelled.Add((problem, flawed, DemoProblems.FinalAnswer(flawed) == problem.Answer));
        }

        // 3. ORM and PRM, from the generator, on the production encoders' sequences.
        var vocabInit = Path.Combine(request.WorkFolder, "chat-vocab.gguf");
        verifierBase.WriteGguf(vocabInit, DemoModels.GeneratorSpec);
        var chatCheckpoint = Path.Combine(request.WorkFolder, "verifier-chat-base.weights");
        LlamaParameters chatBase;
        if (File.Exists(chatCheckpoint))
        {
            chatBase = LlamaParameters.Load(chatCheckpoint, DemoModels.RewardShape);
        }
        else
        {
            var chatSeqs = ChatSequences(vocabInit, train);
            chatBase = Deepen(verifierBase, DemoModels.RewardShape, request.Seed);
            curves["verifier-chat-base"] = Trainer.Train(chatBase, chatSeqs[200..], chatSeqs[..200], request.ChatBase with { Seed = request.Seed + 2, Threads = request.Threads },
                Relay("training the verifiers' base on chat-rendered solutions", progress), cancellationToken);
            chatBase.Save(chatCheckpoint);
        }
        var rewardInit = Path.Combine(request.WorkFolder, "reward-init.gguf");
        chatBase.WriteGguf(rewardInit, DemoModels.RewardSpec);
        var ormPath = Path.Combine(request.ModelsFolder, DemoModels.OrmFile);
        var prmPath = Path.Combine(request.ModelsFolder, DemoModels.PrmFile);
        var (prmCount, prm) = TrainVerifier("prm", RewardProtocols.RlhflowPrm, chatBase, rewardInit, prmPath, labelled, request.Prm with { Seed = request.Seed, Threads = request.Threads },
            (problem, steps, correct) => DemoProblems.StepLabels(problem, steps), request.WorkFolder, curves, progress, cancellationToken);
        var (ormCount, _) = TrainVerifier("orm", RewardProtocols.RlhflowOrm, request.OrmFromPrm ? prm : chatBase, rewardInit, ormPath, labelled, request.Orm with { Seed = request.Seed, Threads = request.Threads },
            (problem, steps, correct) => [correct], request.WorkFolder, curves, progress, cancellationToken);
        return new TrainDemoResult(generatorPath, ormPath, prmPath, accuracy, ormCount, prmCount, curves);
    }

    /// <summary>
    /// Keeps the problems with both right and wrong answers, and as many right as wrong ones of each: the problem then says nothing
    /// about the label, so the verifiers must tell answers to the same problem apart (what ORM@N and PRM@N need) rather than learn
    /// which problems are hard.
    /// </summary>
    internal static List<(DemoProblem Problem, string Text, bool Correct)> BalancedWithinProblems(IEnumerable<(DemoProblem Problem, string Text, bool Correct)> samples, int seed)
    {
        var rng = new Random(seed);
        var kept = new List<(DemoProblem Problem, string Text, bool Correct)>();
        foreach (var problem in samples.GroupBy(s => s.Problem.Question))
        {
            var right = problem.Where(s => s.Correct).ToList();
            var wrong = problem.Where(s => !s.Correct).ToList();
            var n = Math.Min(right.Count, wrong.Count);
            kept.AddRange(right.OrderBy(_ => rng.Next()).Take(n));
            kept.AddRange(wrong.OrderBy(_ => rng.Next()).Take(n));
        }
        return kept;
    }

    /// <summary>The base with <see cref="DemoModels.ExtraVerifierLayers"/> more layers on top, drawn from the seed with their output
    /// projections scaled by 0.1, so the deeper model starts close to the base.</summary>
    internal static LlamaParameters Deepen(LlamaParameters trunk, LlamaShape shape, int seed)
    {
        var deep = LlamaParameters.Initialize(shape, seed + 7);
        foreach (var t in trunk.Tensors) trunk.Data.AsSpan(t.Offset, t.Length).CopyTo(deep.Data.AsSpan(deep.ByName[t.Name].Offset, t.Length));
        for (var l = trunk.Shape.Layers; l < shape.Layers; l++)
        {
            foreach (var name in new[] { $"blk.{l}.attn_output.weight", $"blk.{l}.ffn_down.weight" })
            {
                var w = deep.Slice(name);
                for (var i = 0; i < w.Length; i++) w[i] *= 0.1f;
            }
        }
        return deep;
    }

    /// <summary>Reference solutions as the PRM and the ORM render them (alternately), with next-token targets everywhere but the
    /// verdicts' read positions.</summary>
    private static List<TrainingSequence> ChatSequences(string modelPath, IReadOnlyList<DemoProblem> problems)
    {
        using var model = LlamaModel.Load(modelPath);
        var encoders = new[] { RewardProtocols.RlhflowPrm, RewardProtocols.RlhflowOrm }
            .Select(p => ((LlamaRewardProtocol)p).CreateEncoder(model, new ScorerOptions { Protocol = p })).ToArray();
        var sequences = new List<TrainingSequence>(problems.Count);
        for (var i = 0; i < problems.Count; i++)
        {
            var encoded = encoders[i % 2].Encode(problems[i].Question, problems[i].Solution);
            var tokens = encoded.Tokens.Select(t => t.Id).ToArray();
            var targets = new int[tokens.Length];
            for (var t = 0; t < tokens.Length; t++) targets[t] = t + 1 < tokens.Length && !encoded.ReadPositions.Contains(t) ? tokens[t + 1] : -1;
            sequences.Add(new TrainingSequence(tokens, targets));
        }
        return sequences;
    }

    /// <summary>
    /// Auxiliary targets that make the verifier compute each step's correct result where later layers can compare it with the stated
    /// one: at the positions right after a stated result ("a op b = c"), the digits of a op b and then ".". Without them the verdict does
    /// not leave chance in 1,300 steps; with them (and the extra layers) it does by step 400.
    /// </summary>
    private static void AddResultTargets(LlamaModel model, int[] tokens, int[] targets, float[] weights, IReadOnlyList<string> steps)
    {
        var equals = model.Tokenize("=", addSpecial: false, parseSpecial: false)[0].Id;
        var dot = model.Tokenize(".", addSpecial: false, parseSpecial: false)[0].Id;
        var digitIds = Enumerable.Range(0, 10).Select(d => model.Tokenize(d.ToString(CultureInfo.InvariantCulture), addSpecial: false, parseSpecial: false)[0].Id).ToHashSet();
        var results = steps.Select(DemoProblems.CorrectResult).ToList();
        var k = 0;
        for (var t = 0; t + 1 < tokens.Length && k < results.Count; t++)
        {
            if (tokens[t] != equals) continue;
            if (results[k++] is not { } result) continue;
            var end = digitIds.Contains(tokens[t + 1]) ? t + 1 : t + 2; // past the space after "=", when there is one
            while (end < tokens.Length && digitIds.Contains(tokens[end])) end++;
            int[] aux = [.. model.Tokenize(result.ToString(CultureInfo.InvariantCulture), addSpecial: false, parseSpecial: false).Select(x => x.Id), dot];
            for (var j = 0; j < aux.Length && end + j < tokens.Length; j++)
            {
                if (targets[end + j] >= 0 && weights[end + j] >= 1f) break; // never over a verdict
                targets[end + j] = aux[j];
                weights[end + j] = 1f;
            }
        }
    }

    /// <summary>BOS, the question as the raw prompt tokenizes it, then the solution and EOS; the loss only on the solution and EOS.</summary>
    internal static TrainingSequence GeneratorSequence(LlamaModel vocab, DemoProblem problem)
    {
        var prompt = vocab.Tokenize(problem.Question, addSpecial: true, parseSpecial: false);
        var solution = vocab.Tokenize(problem.Solution, addSpecial: false, parseSpecial: false);
        int[] tokens = [.. prompt.Select(t => t.Id), .. solution.Select(t => t.Id), vocab.Eos.Id];
        return TrainingSequence.NextToken(tokens, lossFrom: prompt.Length);
    }

    /// <summary>Weight of each auxiliary next-token target against a verdict's 1.</summary>
    private const float LanguageModelWeight = 0.05f;

    private delegate bool[] Labeller(DemoProblem problem, IReadOnlyList<string> steps, bool correct);

    private static (int Sequences, LlamaParameters Verifier) TrainVerifier(string name, IRewardProtocol protocol, LlamaParameters init, string rewardInit, string outputPath,
        IReadOnlyList<(DemoProblem Problem, string Text, bool Correct)> samples, TrainerOptions options, Labeller labeller, string workFolder,
        Dictionary<string, IReadOnlyList<TrainingProgress>> curves, IProgress<TrainDemoProgress>? progress, CancellationToken cancellationToken)
    {
        progress?.Report(new TrainDemoProgress($"encoding the {name}'s training set ({protocol.Name})", null, null));
        var scorer = new ScorerOptions { Protocol = protocol };
        var sequences = new List<(TrainingSequence Joint, TrainingSequence Verdicts)>(samples.Count);
        using (var model = LlamaModel.Load(rewardInit))
        {
            var encoder = ((LlamaRewardProtocol)protocol).CreateEncoder(model, scorer);
            foreach (var (problem, text, correct) in samples)
            {
                var steps = StepSplitter.Split(text, scorer.Steps, scorer.EmptySteps);
                var encoded = encoder.Encode(problem.Question, text);
                if (encoded.ReadPositions.Length == 0) continue;
                var labels = labeller(problem, steps, correct);
                int[] tokens = [.. encoded.Tokens.Select(t => t.Id)];
                var targets = Enumerable.Repeat(-1, tokens.Length).ToArray();
                for (var k = 0; k < encoded.ReadPositions.Length; k++) targets[encoded.ReadPositions[k]] = (labels[k] ? encoder.Good : encoder.Bad).Id;
                var verdicts = new TrainingSequence(tokens, targets);
                var withResults = (int[])targets.Clone();
                var resultWeights = targets.Select(x => x >= 0 ? 1f : 0f).ToArray();
                AddResultTargets(model, tokens, withResults, resultWeights, steps);
                // Cobbe et al. 2021 (GSM8K verifiers): a language-model objective beside the verdicts keeps the arithmetic the verdicts
                // rest on; only on answers that are right throughout, at a small weight.
                if (!labels.All(l => l))
                {
                    sequences.Add((new TrainingSequence(tokens, withResults, resultWeights), verdicts));
                    continue;
                }
                var joint = withResults;
                var weights = resultWeights;
                for (var t = 0; t < tokens.Length; t++)
                {
                    if (joint[t] >= 0)
                    {
                        weights[t] = 1f;
                    }
                    else if (t + 1 < tokens.Length)
                    {
                        joint[t] = tokens[t + 1];
                        weights[t] = LanguageModelWeight;
                    }
                }
                sequences.Add((new TrainingSequence(tokens, joint, weights), verdicts));
            }
        }
        var checkpoint = Path.Combine(workFolder, $"{name}.weights");
        LlamaParameters verifier;
        if (File.Exists(checkpoint))
        {
            verifier = LlamaParameters.Load(checkpoint, init.Shape);
        }
        else
        {
            var rng = new Random(options.Seed);
            var shuffled = sequences.OrderBy(_ => rng.Next()).ToList();
            var held = Math.Min(200, shuffled.Count / 10);
            verifier = init.Clone();
            // The validation loss is the verdicts' alone.
            curves[name] = Trainer.Train(verifier, [.. shuffled[held..].Select(s => s.Joint)], [.. shuffled[..held].Select(s => s.Verdicts)], options,
                Relay($"training the {name}", progress), cancellationToken);
            verifier.Save(checkpoint);
        }
        verifier.WriteGguf(outputPath, DemoModels.RewardSpec);
        return (sequences.Count, verifier);
    }

    private static ProgressRelay<TrainingProgress> Relay(string stage, IProgress<TrainDemoProgress>? progress) =>
        new(p => progress?.Report(new TrainDemoProgress(stage, p, null)));

    private sealed class ProgressRelay<T>(Action<T> report) : IProgress<T>
    {
        public void Report(T value) => report(value);
    }
}
