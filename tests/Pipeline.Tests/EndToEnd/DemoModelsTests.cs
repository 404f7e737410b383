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
            Assert.Equal(DemoModels.Shape.Layers + DemoModels.ExtraVerifierLayers, DemoModels.RewardShape.Layers);
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
    [Fact]
    public void The_correct_result_of_a_step_is_its_own_arithmetic_whatever_it_states()
    {
        Assert.Equal(6, DemoProblems.CorrectResult("14 - 8 = 7"));
        Assert.Equal(9, DemoProblems.CorrectResult("7 + 2 = 9"));
        Assert.Null(DemoProblems.CorrectResult("7 + 2 =1"));
        Assert.Null(DemoProblems.CorrectResult("The answer is 9."));
    }

    [Fact]
    public void A_flawed_solution_slips_at_some_step_and_carries_on_from_the_wrong_total()
    {
        var rng = new Random(3);
        var slipsAtFirstStep = 0;
        foreach (var problem in DemoProblems.Generate(11, 500))
        {
            var text = DemoProblems.Flawed(problem, rng);
            var steps = text.Split("\n\n").Select(s => s.Trim()).ToList();
            Assert.Equal(problem.SolutionSteps.Count, steps.Count);
            var labels = DemoProblems.StepLabels(problem, steps);
            Assert.Contains(false, labels);
            if (!labels[0]) slipsAtFirstStep++;
            // Every step starts from the total the step before it stated, and the answer line states the last total.
            for (var k = 1; k < problem.Steps.Count; k++) Assert.StartsWith(steps[k - 1].Split(" = ")[1] + " ", steps[k]);
            Assert.Equal(int.Parse(steps[^2].Split(" = ")[1]), DemoProblems.FinalAnswer(text));
            Assert.StartsWith("\n", text);
        }
        Assert.InRange(slipsAtFirstStep, 100, 300);
        Assert.Equal(8, DemoProblems.FinalAnswer("\n14 - 8 = 6\n\n6 + 2 = 8\n\nThe answer is 8."));
        Assert.Null(DemoProblems.FinalAnswer("\n14 - 8 = 6"));
    }
}
