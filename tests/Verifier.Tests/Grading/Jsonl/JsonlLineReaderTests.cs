using BestOfN.Verifier.Grading;

namespace BestOfN.Verifier.Tests.Grading.Jsonl;

public sealed class JsonlLineReaderTests
{
    private static List<JsonlLine> ReadAll(string text, int maxLineLength)
    {
        var reader = new JsonlLineReader(new StringReader(text), maxLineLength);
        var lines = new List<JsonlLine>();
        while (reader.TryRead(out var line))
        {
            lines.Add(line);
        }

        return lines;
    }

    [Fact]
    public void Lines_longer_than_the_read_buffer_are_joined_and_a_CRLF_ending_is_dropped()
    {
        var longLine = new string('x', 200_000);
        var lines = ReadAll(longLine + "\r\n" + "a\rb\n" + "last", 1_000_000);

        Assert.Equal([new JsonlLine(1, longLine), new JsonlLine(2, "a\rb"), new JsonlLine(3, "last")], lines);
    }

    [Fact]
    public void A_line_over_the_limit_has_no_text_and_the_next_line_is_read_whole()
    {
        var lines = ReadAll(new string('y', 150_000) + "\nnext\n", 100_000);

        Assert.Equal([new JsonlLine(1, null), new JsonlLine(2, "next")], lines);
    }

    [Fact]
    public void A_line_of_exactly_the_limit_is_kept_even_with_a_CRLF_ending()
    {
        var lines = ReadAll("abcd\r\nabcde\r\n", 4);

        Assert.Equal([new JsonlLine(1, "abcd"), new JsonlLine(2, null)], lines);
    }
}
