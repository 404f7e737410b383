using BestOfN.Pipeline.Experiments;
using BestOfN.Pipeline.Nightly;

namespace BestOfN.Pipeline.Tests.Nightly;

public class NightlyConfigReaderTests
{
    private static string Write(string yaml)
    {
        var folder = Directory.CreateTempSubdirectory("bestofn-nightly-config").FullName;
        Directory.CreateDirectory(Path.Combine(folder, "incoming"));
        Directory.CreateDirectory(Path.Combine(folder, "checkpoints"));
        File.WriteAllText(Path.Combine(folder, "test.jsonl"), """{"question": "1+1?", "answer": "#### 2"}""" + "\n");
        File.WriteAllText(Path.Combine(folder, "prm.gguf"), "");
        var file = Path.Combine(folder, "nightly.yaml");
        File.WriteAllText(file, yaml);
        return file;
    }

    private const string IssueExample = """
        schedule: "0 2 * * *"          # cron, Cronos syntax
        time_zone: Europe/London
        store: nightly.db
        out: reports/nightly
        datasets: { gsm8k: { spec: "gsm8k:test.jsonl", limit: 200 } }
        watch:
          dumps: { folder: incoming/, format: rlhflow, dataset: gsm8k }       # published-format sample dumps
          checkpoints: { folder: checkpoints/, dataset: gsm8k, n: 64, prompt: chat, max_tokens: 512 }   # generator GGUFs
        reward_models: { prm: { model: prm.gguf, protocol: rlhflow-prm } }
        max_attempts: 3
        notify: { url: null }
        """;

    [Fact]
    public void The_issues_example_reads_with_paths_resolved_against_the_files_folder()
    {
        var file = Write(IssueExample);
        var folder = Path.GetDirectoryName(file)!;

        var config = NightlyConfigReader.Read(file);

        Assert.Equal("0 2 * * *", config.Schedule.ToString());
        Assert.Equal("Europe/London", config.TimeZone.Id);
        Assert.Equal(Path.Combine(folder, "nightly.db"), config.StorePath);
        Assert.Equal(Path.Combine(folder, "reports", "nightly"), config.OutFolder);
        Assert.Equal(200, config.Datasets.Single().Limit);
        Assert.Equal((Path.Combine(folder, "incoming"), "gsm8k"), (config.Dumps!.Folder.TrimEnd('/'), config.Dumps.Dataset));
        Assert.Equal((64, 512, Sampler.Prompting.PromptFormat.Chat), (config.Checkpoints!.Sampler.N, config.Checkpoints.Sampler.MaxTokens, config.Checkpoints.Prompt.Format));
        Assert.Equal("rlhflow-prm", config.RewardModels.Single().Scorer.Protocol.Name);
        Assert.Equal(3, config.MaxAttempts);
        Assert.Null(config.NotifyUrl);
    }

    [Fact]
    public void Unknown_keys_and_bad_values_are_all_listed_with_file_and_line()
    {
        var file = Write(IssueExample
            .Replace("\"0 2 * * *\"", "\"0 25 * * *\"", StringComparison.Ordinal)
            .Replace("time_zone: Europe/London", "time_zone: Mars/Olympus", StringComparison.Ordinal)
            .Replace("n: 64", "n: 64, temprature: 1", StringComparison.Ordinal)
            .Replace("max_attempts: 3", "max_attempts: 0\nretries: 2", StringComparison.Ordinal));

        var e = Assert.Throws<ExperimentFileException>(() => NightlyConfigReader.Read(file));

        Assert.Collection(e.Errors,
            l => Assert.Equal($"{file}:11: retries: unknown key in the nightly file; its keys are schedule, time_zone, store, out, datasets, watch, reward_models, max_attempts, notify", l),
            l => Assert.StartsWith($"{file}:1: schedule: '0 25 * * *' is not a cron expression (", l, StringComparison.Ordinal),
            l => Assert.Equal($"{file}:2: time_zone: 'Mars/Olympus' is not a time zone this machine knows (an IANA name such as Europe/London, or UTC)", l),
            l => Assert.StartsWith($"{file}:8: temprature: unknown key in watch.checkpoints; its keys are folder, dataset, n, temperature,", l, StringComparison.Ordinal),
            l => Assert.Equal($"{file}:10: max_attempts: must be 1 or more, not 0", l));
    }

    [Fact]
    public void A_watch_naming_a_dataset_the_file_does_not_have_is_an_error()
    {
        var file = Write(IssueExample.Replace("format: rlhflow, dataset: gsm8k", "format: rlhflow, dataset: math", StringComparison.Ordinal));

        var e = Assert.Throws<ExperimentFileException>(() => NightlyConfigReader.Read(file));

        Assert.Equal([$"{file}:7: dataset: 'math' is not one of the datasets (gsm8k)"], e.Errors);
    }
}
