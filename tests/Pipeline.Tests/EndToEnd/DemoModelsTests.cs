using BestOfN.Llama;
using BestOfN.Llama.Native;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline.Tests.EndToEnd;

public sealed class DemoModelsTests
{
    [Fact]
    public void The_committed_demo_models_load_in_llama_cpp_and_open_under_their_protocols()
    {
        LlamaRuntime.Load();
        using (var generator = LlamaModel.Load(DemoAssets.Generator()))
        {
            Assert.Equal(DemoModels.Shape.Vocab, generator.VocabSize);
            Assert.Equal(DemoModels.GeneratorSpec.EmbeddingSize, generator.EmbeddingSize);
            Assert.True(generator.IsEndOfGeneration(generator.Eos));
        }
        foreach (var (protocol, path) in new[] { (RewardProtocols.RlhflowOrm, DemoAssets.Orm()), (RewardProtocols.RlhflowPrm, DemoAssets.Prm()) })
        {
            using (var model = LlamaModel.Load(path)) Assert.Single(model.Tokenize("-", addSpecial: false, parseSpecial: false));
            using var scorer = protocol.Open(path, new ScorerOptions { Protocol = protocol, Threads = 1 }, gpuLayers: 0);
        }
    }

    [Fact]
    public void Step_labels_are_right_up_to_the_first_wrong_step()
    {
        var problem = new DemoProblem("What is 14 - 8 + 2?", ["14 - 8 = 6", "6 + 2 = 8"], 8);
        Assert.Equal([true, true, true], DemoProblems.StepLabels(problem, ["14 - 8 = 6", "6 + 2 = 8", "The answer is 8."]));
        Assert.Equal([false, false, false], DemoProblems.StepLabels(problem, ["14 - 8 = 8", "8 + 2 = 10", "The answer is 10."]));
        Assert.Equal([true, false, false], DemoProblems.StepLabels(problem, ["14 - 8 = 6", "6 + 2 = 9", "The answer is 8."]));
        Assert.Equal([true, true, false, false], DemoProblems.StepLabels(problem, ["14 - 8 = 6", "6 + 2 = 8", "8 + 1 = 9", "The answer is 9."]));
    }

    [Fact]
    public void Problems_are_deterministic_by_seed_and_solutions_are_exact()
    {
        var a = DemoProblems.Generate(7, 100);
        Assert.Equal(a.Select(p => p.Question), DemoProblems.Generate(7, 100).Select(p => p.Question));
        Assert.NotEqual(a.Select(p => p.Question), DemoProblems.Generate(8, 100).Select(p => p.Question));
        foreach (var p in a)
        {
            var terms = p.Question["What is ".Length..^1].Split(' ');
            var total = int.Parse(terms[0]);
            for (var i = 1; i < terms.Length; i += 2) total += terms[i] == "+" ? int.Parse(terms[i + 1]) : -int.Parse(terms[i + 1]);
            Assert.Equal(total, p.Answer);
            Assert.InRange(p.Answer, 0, DemoProblems.MaxTotal);
        }
    }
}
