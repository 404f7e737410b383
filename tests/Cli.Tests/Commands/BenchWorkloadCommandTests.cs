using System.Text.Json;
using BestOfN.TestSupport.Server;

namespace BestOfN.Cli.Tests.Commands;

/// <summary>`bench workload` through the CLI on the tiny model with a tiny workload, read back from its --json.</summary>
public class BenchWorkloadCommandTests
{
    private static readonly string[] Tiny =
        ["bench", "workload", "--model", CliRunner.TinyModel, "--problems", "3", "--n", "3", "--parallel", "2", "--prompt-tokens", "12", "--max-tokens", "40", "--threads", "1"];

    private static (JsonElement Json, string Output) Written(params string[] more)
    {
        var file = Path.Combine(CliRunner.TempDir(), "workload.json");
        var r = CliRunner.Run([.. Tiny, .. more, "--json", file]);
        Assert.True(r.ExitCode == 0, r.Error + r.Output);
        return (JsonDocument.Parse(File.ReadAllText(file)).RootElement, r.Output);
    }

    private static Dictionary<string, JsonElement> Rows(JsonElement json) =>
        json.GetProperty("results").EnumerateArray().ToDictionary(r => r.GetProperty("row").GetProperty("batching").GetString()!, r => r.GetProperty("row"));

    [Fact]
    public void Waves_and_continuous_batching_generate_every_drawn_token_and_print_the_fit()
    {
        var (json, output) = Written();
        Assert.Equal("workload", json.GetProperty("benchmark").GetString());
        var total = json.GetProperty("settings").GetProperty("total_tokens").GetInt64();
        var rows = Rows(json);
        Assert.Equal(["waves", "continuous"], rows.Keys);
        Assert.All(rows.Values, r =>
        {
            Assert.Equal(total, r.GetProperty("tokens_generated").GetInt64());
            Assert.Equal(9, r.GetProperty("samples").GetInt32());
            Assert.Equal(3 * 12, r.GetProperty("prompt_tokens_prefilled").GetInt64()); // one prefill per problem
        });
        Assert.Equal(5.107, json.GetProperty("settings").GetProperty("lengths").GetProperty("mu").GetDouble(), 3);
        Assert.Contains("log-normal mu 5.107, sigma 0.782", output);
        Assert.Contains("peer: skipped", output);
    }

    [Fact]
    public void A_lengths_file_sets_every_sample_length_and_a_bad_line_is_named()
    {
        var dir = CliRunner.TempDir();
        var lengths = Path.Combine(dir, "lengths.txt");
        File.WriteAllText(lengths, "# three lengths, repeated\n5\n1\n30\n");
        var (json, _) = Written("--lengths", lengths);
        Assert.Equal(3 * (5 + 1 + 30), json.GetProperty("settings").GetProperty("total_tokens").GetInt64());
        Assert.All(Rows(json).Values, r => Assert.Equal(108, r.GetProperty("tokens_generated").GetInt64()));

        File.WriteAllText(lengths, "5\nlots\n");
        var r = CliRunner.Run([.. Tiny, "--lengths", lengths]);
        Assert.Equal(2, r.ExitCode);
        Assert.Contains($"{lengths}:2: length must be a positive integer, got 'lots'.", r.Error);
    }

    [LlamaServerFact]
    public void The_peer_llama_server_generates_the_same_tokens_over_its_http_api()
    {
        var (json, output) = Written("--peer", LlamaServer.Binary);
        var rows = Rows(json);
        Assert.Equal(["waves", "continuous", "llama-server"], rows.Keys);
        Assert.Equal(json.GetProperty("settings").GetProperty("total_tokens").GetInt64(), rows["llama-server"].GetProperty("tokens_generated").GetInt64());
        Assert.All(json.GetProperty("results").EnumerateArray(), r => Assert.True(r.GetProperty("vs_peer").GetDouble() > 0));
        Assert.Contains("| llama-server |", output);
    }
}
