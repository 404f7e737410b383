using System.Diagnostics;
using System.Numerics.Tensors;

namespace BestOfN.Training;

/// <summary>How to train: steps, batch, learning-rate schedule (linear warm-up, cosine decay to a tenth) and the seed of the batch order.</summary>
public sealed record TrainerOptions
{
    public int Steps { get; init; } = 1000;
    public int BatchSize { get; init; } = 32;
    public float LearningRate { get; init; } = 3e-3f;
    public int WarmupSteps { get; init; } = 50;
    public float WeightDecay { get; init; } = 0.01f;
    public float ClipNorm { get; init; } = 1f;
    public int Seed { get; init; } = 1;

    /// <summary>Threads that each take a fixed share of a batch; the shares are summed in order, so a run is reproducible from the seed.</summary>
    public int Threads { get; init; } = Environment.ProcessorCount;

    /// <summary>Steps between learning-curve points.</summary>
    public int ReportEvery { get; init; } = 25;

    /// <summary>Cosine decay to a tenth after the warm-up; false keeps the rate constant, so training k steps gives exactly the
    /// weights a longer run had at step k. The default value is true.</summary>
    public bool CosineDecay { get; init; } = true;

    public float LearningRateAt(int step)
    {
        if (step < WarmupSteps) return LearningRate * (step + 1) / WarmupSteps;
        if (!CosineDecay) return LearningRate;
        var progress = (double)(step - WarmupSteps) / Math.Max(1, Steps - WarmupSteps);
        return (float)(LearningRate * (0.1 + 0.9 * 0.5 * (1 + Math.Cos(Math.PI * Math.Min(1, progress)))));
    }
}

/// <summary>A point of the learning curve: mean loss per target token over the last steps, and on the validation set when there is one.</summary>
public readonly record struct TrainingProgress(int Step, int Steps, double TrainLoss, double? ValidationLoss, double SequencesPerSecond);

/// <summary>Mini-batch training of a <see cref="LlamaParameters"/> with AdamW on next-token or masked verdict targets.</summary>
public static class Trainer
{
    public static IReadOnlyList<TrainingProgress> Train(LlamaParameters parameters, IReadOnlyList<TrainingSequence> train, IReadOnlyList<TrainingSequence> validation,
        TrainerOptions options, IProgress<TrainingProgress>? progress = null, CancellationToken cancellationToken = default, Action<int>? atReport = null)
    {
        if (train.Count == 0) throw new ArgumentException("No training sequences.");
        var maxT = train.Concat(validation).Max(s => s.Tokens.Length);
        var threads = Math.Max(1, Math.Min(options.Threads, options.BatchSize));
        var networks = Enumerable.Range(0, threads).Select(_ => new LlamaNetwork(parameters.Shape, maxT)).ToArray();
        var grads = Enumerable.Range(0, threads).Select(_ => new float[parameters.Count]).ToArray();
        var losses = new double[threads];
        var optimizer = new AdamW(parameters, weightDecay: options.WeightDecay);
        var rng = new Random(options.Seed);
        var order = Enumerable.Range(0, train.Count).ToArray();
        var cursor = order.Length;
        var curve = new List<TrainingProgress>();
        double windowLoss = 0, windowTokens = 0;
        var windowSequences = 0;
        var clock = Stopwatch.StartNew();
        for (var step = 0; step < options.Steps; step++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var batch = new TrainingSequence[options.BatchSize];
            for (var b = 0; b < batch.Length; b++)
            {
                if (cursor == order.Length)
                {
                    rng.Shuffle(order);
                    cursor = 0;
                }
                batch[b] = train[order[cursor++]];
            }
            var tokens = batch.Sum(s => s.LossWeight);
            var scale = (float)(1 / Math.Max(1e-9, tokens));
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
            {
                Array.Clear(grads[worker]);
                losses[worker] = 0;
                for (var b = worker; b < batch.Length; b += threads)
                    losses[worker] += networks[worker].LossAndGradient(parameters, batch[b], grads[worker], scale);
            });
            for (var w = 1; w < threads; w++) TensorPrimitives.Add(grads[0], grads[w], grads[0]);
            AdamW.ClipNorm(grads[0], options.ClipNorm);
            optimizer.Step(grads[0], options.LearningRateAt(step));
            windowLoss += losses.Sum();
            windowTokens += tokens;
            windowSequences += batch.Length;
            if ((step + 1) % options.ReportEvery == 0 || step + 1 == options.Steps)
            {
                double? validationLoss = validation.Count > 0 ? MeanLoss(parameters, validation, networks) : null;
                var point = new TrainingProgress(step + 1, options.Steps, windowLoss / Math.Max(1, windowTokens), validationLoss, windowSequences / clock.Elapsed.TotalSeconds);
                curve.Add(point);
                progress?.Report(point);
                atReport?.Invoke(step + 1);
                windowLoss = windowTokens = 0;
                windowSequences = 0;
                clock.Restart();
            }
        }
        return curve;
    }

    /// <summary>Mean loss per target token over the sequences.</summary>
    public static double MeanLoss(LlamaParameters parameters, IReadOnlyList<TrainingSequence> sequences, LlamaNetwork[] networks)
    {
        var threads = networks.Length;
        var sums = new double[threads];
        Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, worker =>
        {
            for (var i = worker; i < sequences.Count; i += threads) sums[worker] += networks[worker].LossAndGradient(parameters, sequences[i], null);
        });
        return sums.Sum() / Math.Max(1e-9, sequences.Sum(s => s.LossWeight));
    }
}
