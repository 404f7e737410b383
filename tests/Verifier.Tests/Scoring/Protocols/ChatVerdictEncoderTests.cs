using BestOfN.Llama;
using BestOfN.Verifier.Scoring;

namespace BestOfN.Verifier.Tests.Scoring.Protocols;

public class ChatVerdictEncoderTests
{
    [Fact]
    public void A_chat_template_llama_cpp_does_not_know_fails_as_one_line_when_the_encoder_is_made()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = new ScorerOptions { Protocol = RewardProtocols.RlhflowPrm, ChatTemplate = "llama33" };

        var e = Assert.Throws<ScoringProtocolException>(() => ((LlamaRewardProtocol)RewardProtocols.RlhflowPrm).CreateEncoder(model, options));

        Assert.StartsWith("rlhflow-prm cannot render --chat-template llama33: llama.cpp does not support this chat template", e.Message);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_built_in_chat_template_that_can_carry_the_verdict_makes_an_encoder()
    {
        using var model = LlamaModel.Load(ScoringTestModels.Llama3Prm);
        var options = new ScorerOptions { Protocol = RewardProtocols.RlhflowOrm, ChatTemplate = "llama3" };

        var encoder = (ChatVerdictEncoder)((LlamaRewardProtocol)RewardProtocols.RlhflowOrm).CreateEncoder(model, options);

        Assert.Equal("llama3", encoder.Template);
    }
}
