using BestOfN.Sampler.Prompting;
using BestOfN.Sampler.Sampling;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Pipeline.Tests.Identity;

public class RunIdentityTests
{
    [Fact]
    public void An_id_is_the_prefix_and_twelve_hex_digits_of_the_configs_sha256()
    {
        // SHA-256("{}") = 44136fa355b3678a1146ad16f7e8649e94fb4fc21fe77e8310c060f61caaff8a
        Assert.Equal("run-44136fa355b3", RunIdentity.RunIdFor("{}"));
        Assert.Equal("score-44136fa355b3", RunIdentity.ScorerIdFor("{}"));
        Assert.Equal("import-44136fa355b3", RunIdentity.IdFor("import-", "{}"));
    }

    [Fact]
    public void The_scorer_config_is_pinned_so_stored_scorings_keep_resuming()
    {
        // A change here gives every stored scoring a new id and scores it again from scratch. Changed deliberately once, for issue 10:
        // the defaults now follow the reference recipes, which changes scores, so new scorings must not resume old ones. RLHFlow keeps
        // empty steps ("empty_steps"), strips messages the Python way ("strip") and adds the Llama 3.1 system turn with the built-in
        // llama3 template too; no protocol truncates at 4096 tokens any more ("max_tokens": null is the model's trained context);
        // "token_ids" records ids given instead of looked up.
        var prm = RunIdentity.ScorerConfigJson("abc", new ScorerOptions(), _ => "tok");
        Assert.Equal("""{"bad":"-","chat_template":null,"empty_steps":"keep","good":"\u002B","llama31_system_turn":null,"max_tokens":null,"model_sha256":"abc","onnx":null,"protocol":"rlhflow-prm","step_tag":null,"steps":"auto","strip":"python","token_ids":null}""", prm);
        var shepherd = RunIdentity.ScorerConfigJson("abc", new ScorerOptions { Protocol = RewardProtocols.MathShepherd }, _ => "tok");
        Assert.Equal("""{"bad":"-","chat_template":null,"good":"\u002B","llama31_system_turn":null,"max_tokens":null,"model_sha256":"abc","onnx":null,"protocol":"math-shepherd","step_tag":"\u043A\u0438","steps":null,"token_ids":null}""", shepherd);
        Assert.NotEqual(prm, RunIdentity.ScorerConfigJson("abc", new ScorerOptions { EmptySteps = EmptySteps.Drop }, _ => "tok"));
        Assert.Contains("\"token_ids\":{\"bad\":387,\"good\":648,\"step_tag\":12902}",
            RunIdentity.ScorerConfigJson("abc", new ScorerOptions { Protocol = RewardProtocols.MathShepherd, GoodTokenId = 648, BadTokenId = 387, StepTagId = 12902 }, _ => "tok"));
        var onnx = RunIdentity.ScorerConfigJson("abc", new ScorerOptions
        {
            Protocol = RewardProtocols.Onnx,
            Onnx = new OnnxScorerOptions { TokenizerPath = "vocab.txt", Readout = OnnxReadout.StepTags },
        }, _ => "tok");
        Assert.Contains("\"protocol\":\"onnx-steps\"", onnx);
        Assert.Contains("\"tokenizer_sha256\":\"tok\"", onnx);
    }

    [Fact]
    public void Settings_that_do_not_change_a_score_or_a_sample_keep_the_id()
    {
        var options = new ScorerOptions();
        Assert.Equal(RunIdentity.ScorerConfigJson("m", options, _ => ""), RunIdentity.ScorerConfigJson("m", options with { Batch = 64, Threads = 1, ContextSize = 32768 }, _ => ""));
        Assert.NotEqual(RunIdentity.ScorerConfigJson("m", options, _ => ""), RunIdentity.ScorerConfigJson("m", options with { Protocol = RewardProtocols.RlhflowOrm }, _ => ""));

        var sampler = new SamplerOptions();
        var prompt = new PromptOptions();
        var config = RunIdentity.SamplingConfigJson("m", "gsm8k:test.jsonl", prompt, sampler);
        Assert.Equal(config, RunIdentity.SamplingConfigJson("m", "gsm8k:test.jsonl", prompt, sampler with { N = 1024, Parallel = 8, Threads = 1 }));
        Assert.NotEqual(config, RunIdentity.SamplingConfigJson("m", "gsm8k:test.jsonl", prompt, sampler with { Temperature = 1f }));
    }
}
