namespace BestOfN.Cli.Tests.Server;

/// <summary>Usage errors of the server options: every problem listed at once, exit 2, nothing started.</summary>
public class ServerUsageTests
{
    [Fact]
    public void Sample_from_a_server_lists_every_missing_or_conflicting_option()
    {
        var result = CliRunner.Run("sample", "--generator", "openai", "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(2)}", "--chat-template", "chatml",
            "--max-concurrency", "0", "--store", Path.Combine(CliRunner.TempDir(), "runs.db"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --base-url must be an http(s) URL", result.Error);
        Assert.Contains("error: --model-name must name the model", result.Error);
        Assert.Contains("error: --max-concurrency must be >= 1", result.Error);
        Assert.Contains("error: --chat-template is for the llama generator", result.Error);
    }

    [Fact]
    public void Sample_without_a_model_or_a_server_says_what_it_needs()
    {
        var result = CliRunner.Run("sample", "--dataset", $"gsm8k:{CliRunner.Gsm8kFile(2)}", "--store", Path.Combine(CliRunner.TempDir(), "runs.db"));
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("error: --model is required (a GGUF), or --generator openai with --base-url and --model-name.", result.Error);
    }

    [Fact]
    public void Score_with_http_classifier_needs_a_url_and_no_reward_model()
    {
        var store = Path.Combine(CliRunner.TempDir(), "runs.db");
        var noUrl = CliRunner.Run("score", "--store", store, "--protocol", "http-classifier", "--input-field", " ");
        Assert.Equal(2, noUrl.ExitCode);
        Assert.Contains("error: --protocol http-classifier needs --url, the endpoint.", noUrl.Error);
        Assert.Contains("error: --input-field must name a JSON field.", noUrl.Error);
        var both = CliRunner.Run("score", "--store", store, "--protocol", "http-classifier", "--url", "http://127.0.0.1:9/classify", "--reward-model", CliRunner.TinyModel);
        Assert.Equal(2, both.ExitCode);
        Assert.Contains("reads a server at --url, not --reward-model", both.Error);
        var urlElsewhere = CliRunner.Run("score", "--store", store, "--url", "http://127.0.0.1:9/classify", "--reward-model", CliRunner.TinyModel);
        Assert.Equal(2, urlElsewhere.ExitCode);
        Assert.Contains("--url is for --protocol http-classifier", urlElsewhere.Error);
    }
}
