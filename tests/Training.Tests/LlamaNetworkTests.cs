using BestOfN.Llama;
using BestOfN.Llama.Gguf;
using BestOfN.Llama.Native;
using BestOfN.Training;
using Xunit.Abstractions;

namespace BestOfN.Training.Tests;

public sealed class LlamaNetworkTests(ITestOutputHelper output)
{
    private static readonly LlamaShape Tiny = new(Vocab: 13, Dim: 8, Layers: 2, Heads: 2, FeedForward: 12);

    [Fact]
    public void Gradients_match_central_finite_differences_for_every_parameter_kind()
    {
        var p = LlamaParameters.Initialize(Tiny, seed: 3);
        var rng = new Random(5);
        // Norm weights away from 1 so their gradients are not special.
        foreach (var t in p.Tensors.Where(t => t.IsNorm))
            for (var i = 0; i < t.Length; i++) p.Data[t.Offset + i] = 0.5f + (float)rng.NextDouble();
        var sequence = new TrainingSequence([1, 4, 7, 2, 9, 4, 12], [-1, 7, -1, 9, 4, 0, 3]);
        var network = new LlamaNetwork(Tiny, 8);
        var grad = new float[p.Count];
        network.LossAndGradient(p, sequence, grad);

        double Loss() => network.LossAndGradient(p, sequence, null);
        var worst = 0.0;
        foreach (var t in p.Tensors)
        {
            // The largest analytic coordinates and a few random ones.
            var coords = Enumerable.Range(t.Offset, t.Length).OrderByDescending(i => Math.Abs(grad[i])).Take(3)
                .Concat(Enumerable.Range(0, 3).Select(_ => t.Offset + rng.Next(t.Length))).Distinct();
            var checkedAny = false;
            foreach (var i in coords)
            {
                const float eps = 2e-3f;
                var saved = p.Data[i];
                p.Data[i] = saved + eps;
                var up = Loss();
                p.Data[i] = saved - eps;
                var down = Loss();
                p.Data[i] = saved;
                var numeric = (up - down) / (2 * eps);
                var error = Math.Abs(numeric - grad[i]);
                Assert.True(error <= 0.02 * Math.Abs(numeric) + 2e-3, $"{t.Name}[{i - t.Offset}]: analytic {grad[i]:G6}, numeric {numeric:G6}");
                worst = Math.Max(worst, error);
                checkedAny |= Math.Abs(grad[i]) > 1e-3;
            }
            Assert.True(checkedAny || t.Name == "token_embd.weight", $"{t.Name}: no coordinate with a gradient to check");
        }
        output.WriteLine($"largest |analytic - numeric| = {worst:G3}");
    }

    [Fact]
    public void Forward_logits_equal_llama_cpp_on_the_exported_gguf()
    {
        var spec = new TinyLlamaSpec { EmbeddingSize = 32, Layers = 2, Heads = 4, KvHeads = 4, FeedForwardSize = 48, ContextLength = 64 };
        var vocab = TinyLlamaModel.Vocabulary(spec).Count;
        var shape = new LlamaShape(vocab, 32, 2, 4, 48);
        var p = LlamaParameters.Initialize(shape, seed: 11);
        var rng = new Random(2);
        foreach (var t in p.Tensors.Where(t => t.IsNorm))
            for (var i = 0; i < t.Length; i++) p.Data[t.Offset + i] = 0.5f + (float)rng.NextDouble();
        var path = TestModels.TempFile("parity.gguf");
        p.WriteGguf(path, spec);

        LlamaRuntime.Load();
        using var model = LlamaModel.Load(path);
        var tokens = model.Tokenize("7 + 5 = 12\n\n12 - 3 = 9", addSpecial: true, parseSpecial: false);
        using var context = LlamaContext.Create(model, new LlamaContextOptions { ContextSize = 64, BatchSize = 64, Threads = 1, F32Cache = true, FlashAttention = false });
        var batch = new LlamaBatch(tokens.Length);
        for (var i = 0; i < tokens.Length; i++) batch.Add(tokens[i], i, 0, logits: true);
        Assert.Equal(DecodeStatus.Ok, context.Decode(batch));

        var ours = new LlamaNetwork(shape, tokens.Length).Logits(p, [.. tokens.Select(t => t.Id)]);
        var theirs = new float[model.VocabSize];
        var worst = 0f;
        for (var t = 0; t < tokens.Length; t++)
        {
            context.CopyLogits(t, theirs);
            for (var v = 0; v < vocab; v++) worst = Math.Max(worst, Math.Abs(theirs[v] - ours[t * vocab + v]));
        }
        output.WriteLine($"{tokens.Length} positions x {vocab} logits: largest difference {worst:G3}");
        Assert.True(worst < 1e-3f, $"largest logit difference {worst}");
    }

    [Fact]
    public void Training_lowers_the_loss_on_a_repeated_pattern()
    {
        var p = LlamaParameters.Initialize(Tiny, seed: 1);
        int[] tokens = [1, 3, 4, 5, 6, 3, 4, 5, 6, 3, 4, 5, 6];
        var data = new[] { TrainingSequence.NextToken(tokens, lossFrom: 1) };
        var curve = Trainer.Train(p, data, data, new TrainerOptions { Steps = 60, BatchSize = 2, LearningRate = 1e-2f, WarmupSteps = 5, ReportEvery = 20, Threads = 2 });
        Assert.True(curve[^1].ValidationLoss < 0.3 * curve[0].TrainLoss, $"loss {curve[0].TrainLoss:F3} -> {curve[^1].ValidationLoss:F3}");
    }
}
