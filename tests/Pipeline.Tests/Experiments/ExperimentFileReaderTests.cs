using BestOfN.Pipeline.Experiments;
using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Pipeline.Tests.Experiments;

public class ExperimentFileReaderTests
{
    private static string Folder()
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-experiment-file").FullName;
        File.WriteAllText(Path.Combine(folder, "m.gguf"), "not read: the reader only checks that model files exist");
        File.WriteAllText(Path.Combine(folder, "test.jsonl"), "");
        return folder;
    }

    [Fact]
    public void Every_unknown_key_and_bad_value_is_listed_with_its_file_and_line()
    {
        var folder = Folder();
        var file = Path.Combine(folder, "exp.yaml");
        File.WriteAllText(file, """
            name: bad
            store: runs.db
            colour: blue
            datasets:
              gsm8k: { spec: "gsm8k:missing.jsonl", limit: 0 }
            generators:
              a:
                model: m.gguf
                temprature: 0.5
                n: many
              b: { model: nowhere.gguf, prompt: poem }
            reward_models:
              r: { model: m.gguf, protocol: nonsense }
            report: { ks: [1, x], bootstrap: 10 }
            """);

        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFileReader.Read(file));

        Assert.Equal(
        [
            $"{file}:3: colour: unknown key in the experiment; its keys are name, store, out, datasets, generators, reward_models, report",
            $"{file}:5: spec: no file at {Path.Combine(folder, "missing.jsonl")}",
            $"{file}:5: limit: must be 1 or more, not 0",
            $"{file}:9: temprature: unknown key in generator 'a'",
            $"{file}:10: n: 'many' is not an integer",
            $"{file}:11: model: no file at {Path.Combine(folder, "nowhere.gguf")}",
            $"{file}:11: prompt: 'poem' is not a prompt format; use raw, chat, fewshot or messages",
            $"{file}:13: protocol: 'nonsense' is not one of",
            $"{file}:14: ks: 'x' is not an integer",
        ], e.Errors.Select(line => line.Contains("; its keys are", StringComparison.Ordinal) && !line.Contains("colour", StringComparison.Ordinal) ? line[..line.IndexOf("; its keys are", StringComparison.Ordinal)]
            : line.Contains("is not one of", StringComparison.Ordinal) ? line[..(line.IndexOf("is not one of", StringComparison.Ordinal) + "is not one of".Length)] : line));
    }

    [Fact]
    public void The_same_structure_in_json_reads_to_the_same_experiment_with_paths_resolved_against_the_files_folder()
    {
        var folder = Folder();
        File.WriteAllText(Path.Combine(folder, "exp.yaml"), """
            name: same
            out: reports/same
            datasets:
              gsm8k: { spec: "gsm8k:test.jsonl", limit: 2 }
            generators:
              few: { model: m.gguf, prompt: fewshot, fewshot_file: "gsm8k:test.jsonl", fewshot_k: 5, n: 64, temperature: 0.7, max_tokens: 512, trained_on: ultrafeedback }
            reward_models:
              orm: { model: m.gguf, protocol: rlhflow-orm, trained_on: few }
            report: { ks: [1, 4, 16, 64], prm_aggregation: min, bootstrap: 1000 }
            """);
        File.WriteAllText(Path.Combine(folder, "exp.json"), """
            {
              "name": "same", "out": "reports/same",
              "datasets": { "gsm8k": { "spec": "gsm8k:test.jsonl", "limit": 2 } },
              "generators": { "few": { "model": "m.gguf", "prompt": "fewshot", "fewshot_file": "gsm8k:test.jsonl", "fewshot_k": 5, "n": 64, "temperature": 0.7, "max_tokens": 512, "trained_on": "ultrafeedback" } },
              "reward_models": { "orm": { "model": "m.gguf", "protocol": "rlhflow-orm", "trained_on": "few" } },
              "report": { "ks": [1, 4, 16, 64], "prm_aggregation": "min", "bootstrap": 1000 }
            }
            """);

        var yaml = ExperimentFileReader.Read(Path.Combine(folder, "exp.yaml"));
        var json = ExperimentFileReader.Read(Path.Combine(folder, "exp.json"));

        var generator = Assert.Single(json.Generators);
        Assert.Equal(new ModelSource(Path.Combine(folder, "m.gguf")), generator.Source);
        Assert.Equal((PromptFormat.FewShot, 5, Path.Combine(folder, "test.jsonl")), (generator.Prompt.Format, generator.Prompt.FewShotCount, generator.Prompt.FewShotSource!.Path));
        Assert.Equal((64, 0.7f, 512), (generator.Sampler.N, generator.Sampler.Temperature, generator.Sampler.MaxTokens));
        Assert.Equal(Path.Combine(folder, "runs.db"), json.StorePath);
        Assert.Equal(Path.Combine(folder, "reports", "same"), json.OutFolder);
        Assert.Equal([1, 4, 16, 64], json.Report.Voting.Ks!);
        Assert.Equal(1000, json.Report.Voting.BootstrapResamples);
        Assert.Equal(Domain.InDomain, json.RewardModels[0].DomainOf(generator));
        // The same run identity: every setting that changes a sample is equal.
        Assert.Equal(RunIdentity.SamplingConfigJson("sha", "gsm8k", yaml.Generators[0].Prompt, yaml.Generators[0].Sampler),
            RunIdentity.SamplingConfigJson("sha", "gsm8k", generator.Prompt, generator.Sampler));
        Assert.Equal(yaml.Datasets, json.Datasets, (a, b) => a.Name == b.Name && a.Spec.Path == b.Spec.Path && a.Limit == b.Limit);
    }

    [Fact]
    public void Batching_and_kv_are_read_as_sample_reads_them_and_a_bad_value_is_listed_with_its_line()
    {
        var folder = Folder();
        var file = Path.Combine(folder, "exp.yaml");
        File.WriteAllText(file, """
            name: modes
            datasets:
              gsm8k: { spec: "gsm8k:test.jsonl" }
            generators:
              fast: { model: m.gguf, batching: continuous, kv: unified }
              exact: { model: m.gguf, batching: Waves, kv: split }
              plain: { model: m.gguf }
            """);

        var generators = ExperimentFileReader.Read(file).Generators.ToDictionary(g => g.Name, g => (g.Sampler.Batching, g.Sampler.KvUnified));

        Assert.Equal((Batching.Continuous, true), generators["fast"]);
        Assert.Equal((Batching.Waves, false), generators["exact"]);
        Assert.Equal((SamplerDefaults.Batching, SamplerDefaults.KvUnified), generators["plain"]);

        File.WriteAllText(file, """
            name: modes
            datasets:
              gsm8k: { spec: "gsm8k:test.jsonl" }
            generators:
              a:
                model: m.gguf
                batching: streaming
                kv: shared
            """);
        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFileReader.Read(file));
        Assert.Equal(
        [
            $"{file}:8: kv: 'shared' is not one of split, unified",
            $"{file}:7: batching: 'streaming' is not one of waves, continuous",
        ], e.Errors);
    }

    [Fact]
    public void An_unknown_key_in_json_is_listed_with_its_line()
    {
        var folder = Folder();
        var file = Path.Combine(folder, "exp.json");
        File.WriteAllText(file, "{\n  \"name\": \"x\",\n  \"datasets\": { \"d\": { \"spec\": \"gsm8k:test.jsonl\" } },\n  \"generators\": { \"g\": { \"model\": \"m.gguf\",\n    \"max_new_tokens\": 5 } }\n}\n");

        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFileReader.Read(file));

        Assert.StartsWith($"{file}:5: max_new_tokens: unknown key in generator 'g'", Assert.Single(e.Errors));
    }

    [Theory]
    [InlineData("name: x\ndatasets:\n  d: { spec: \"gsm8k:test.jsonl\"\ngenerators: {}\n", 3, "not valid YAML (or JSON) after this line")]
    [InlineData("name: x\n  bad: indentation\n", 2, "found invalid mapping")]
    public void Malformed_yaml_is_one_error_with_its_line(string text, int line, string message)
    {
        var file = Path.Combine(Folder(), "exp.yaml");
        File.WriteAllText(file, text);

        var e = Assert.Throws<ExperimentFileException>(() => ExperimentFileReader.Read(file));

        Assert.StartsWith($"{file}:{line}: ", Assert.Single(e.Errors));
        Assert.Contains(message, e.Errors[0]);
    }

    [Fact]
    public void A_reward_model_marks_a_generator_in_domain_by_its_family_out_of_distribution_by_another_and_unknown_without_trained_on()
    {
        var generator = new ExperimentGenerator("mistral-expo-0.3", new ModelSource("m"), new(), new(), 0, null, "mistral");
        ExperimentRewardModel Trained(string? on) => new("rm", "m", new(), 0, on, null);

        Assert.Equal(
            [Domain.InDomain, Domain.OutOfDistribution, Domain.Unknown],
            new[] { Trained("Mistral"), Trained("deepseek"), Trained(null) }.Select(rm => rm.DomainOf(generator)));
    }
}
