using System.Text;
using BestOfN.Sampler.Sampling;

namespace BestOfN.Sampler.Tests.Sampling;

public class StopStringMatcherTests
{
    private static StopStringMatcher Feed(string[] stops, params string[] pieces)
    {
        var m = new StopStringMatcher(stops);
        foreach (var p in pieces) if (m.Append(Encoding.UTF8.GetBytes(p))) break;
        return m;
    }

    [Fact]
    public void Stop_string_spanning_three_tokens_is_found_and_cut()
    {
        var m = Feed(["Question:"], "so 42.\n\nQue", "sti", "on: next");
        Assert.True(m.Stopped);
        Assert.Equal("so 42.\n\n", m.Text);
        Assert.Equal("Question:", m.MatchedStop);
    }

    [Fact]
    public void The_earliest_of_several_stop_strings_wins()
    {
        var m = Feed(["</s>", "\n\n"], "a\n", "\nb</s>");
        Assert.Equal("a", m.Text);
        Assert.Equal("\n\n", m.MatchedStop);
    }

    [Fact]
    public void A_character_split_across_byte_tokens_is_decoded_whole()
    {
        var bytes = Encoding.UTF8.GetBytes("x≈y");
        var m = new StopStringMatcher(["≈"]);
        Assert.False(m.Append(bytes.AsSpan(0, 2)));
        Assert.False(m.Append(bytes.AsSpan(2, 1)));
        Assert.True(m.Append(bytes.AsSpan(3, 1)));
        Assert.Equal("x", m.Text);
    }

    [Fact]
    public void Without_stop_strings_text_accumulates()
    {
        var m = Feed([], "a", "b", "c");
        Assert.False(m.Stopped);
        Assert.Equal("abc", m.Text);
    }
}
