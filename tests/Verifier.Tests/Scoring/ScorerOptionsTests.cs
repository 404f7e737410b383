using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring;

public class ScorerOptionsTests
{
    [Fact]
    public void Defaults_are_pinned()
    {
        var o = new ScorerOptions();
        Assert.Equal(RewardProtocols.RlhflowPrm, o.Protocol);
        Assert.Equal(StepSplit.Auto, o.Steps);
        Assert.Equal(16, o.Batch);
        Assert.Equal(2048, o.BatchTokens);
        Assert.Equal(512, o.MicroBatchTokens);
        Assert.Equal(16384, o.ContextSize);
        Assert.Equal(KvLayout.Auto, o.Kv); // split streams when they fit the 16384 cells or 1 GiB, else one unified cache
        Assert.Equal(1L << 30, o.SplitKvBytes);
        Assert.Null(o.MaxSequenceTokens); // the model's trained context: the reference never truncates
        Assert.Equal(EmptySteps.Keep, o.EmptySteps); // the reference scores empty steps as turns
        Assert.Equal((null, null, null), (o.GoodTokenId, o.BadTokenId, o.StepTagId));
        Assert.Equal(0, o.Threads);
        Assert.Null(o.ChatTemplate);
        Assert.Null(o.Llama31SystemTurn);
        Assert.Null(o.FlashAttention);
        Assert.Equal(("+", "-", "ки"), (o.GoodToken, o.BadToken, o.StepTag));
        Assert.Equal(("input_ids", "attention_mask", "logits"), (o.Onnx.InputIdsName, o.Onnx.AttentionMaskName, o.Onnx.OutputName));
        Assert.Equal(OnnxReadout.Sequence, o.Onnx.Readout);
        Assert.Equal(1, o.Onnx.PositiveClass);
        Assert.True(o.Onnx.UseCuda);
        Assert.True(o.Onnx.AddSpecialTokens);
        Assert.Empty(o.Validate());
    }

    [Fact]
    public void Validate_lists_every_error_at_once()
    {
        var o = new ScorerOptions
        {
            Protocol = RewardProtocols.Onnx,
            Batch = 0,
            BatchTokens = 0,
            MaxSequenceTokens = 100,
            ContextSize = 50,
            Threads = -1,
            GoodToken = "x",
            BadToken = "x",
            Onnx = new OnnxScorerOptions { OutputName = " ", PositiveClass = -1 },
        };
        var errors = o.Validate();
        Assert.Contains(errors, e => e.Contains("--batch must"));
        Assert.Contains(errors, e => e.Contains("--batch-tokens"));
        Assert.Contains(errors, e => e.Contains("--ctx-size"));
        Assert.Contains(errors, e => e.Contains("--threads"));
        Assert.Contains(errors, e => e.Contains("must differ"));
        Assert.Contains(errors, e => e.Contains("--tokenizer"));
        Assert.Contains(errors, e => e.Contains("--onnx-output"));
        Assert.Contains(errors, e => e.Contains("--onnx-positive-class"));
        Assert.Equal(8, errors.Count);
        Assert.Throws<ArgumentException>(o.ThrowIfInvalid);
    }

    [Theory]
    [InlineData("rlhflow-prm")]
    [InlineData("rlhflow-orm")]
    [InlineData("math-shepherd")]
    [InlineData("onnx")]
    public void Protocol_names_round_trip_through_the_registry(string name)
    {
        Assert.Equal(name, RewardProtocols.Default.Get(name).Name);
        Assert.Same(RewardProtocols.Default.Get(name), RewardProtocols.Default.Find(name.ToUpperInvariant()));
    }

    [Fact]
    public void An_unknown_protocol_name_lists_the_known_ones()
    {
        var e = Assert.Throws<ArgumentException>(() => RewardProtocols.Default.Get("prm"));
        Assert.Contains("rlhflow-prm, rlhflow-orm, math-shepherd, onnx", e.Message);
    }

    [Fact]
    public void Each_protocol_says_whether_it_scores_steps()
    {
        var o = new ScorerOptions();
        Assert.True(RewardProtocols.RlhflowPrm.ScoresSteps(o));
        Assert.False(RewardProtocols.RlhflowOrm.ScoresSteps(o));
        Assert.True(RewardProtocols.MathShepherd.ScoresSteps(o));
        Assert.False(RewardProtocols.Onnx.ScoresSteps(o));
        Assert.True(RewardProtocols.Onnx.ScoresSteps(o with { Onnx = new OnnxScorerOptions { Readout = OnnxReadout.StepTags } }));
    }
}
