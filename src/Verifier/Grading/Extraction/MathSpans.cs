namespace BestOfN.Verifier.Grading;

/// <summary>A math span of a solution: where it starts and ends (delimiters included) and its content.</summary>
internal readonly record struct MathSpan(int Start, int End, string Content);

/// <summary>
/// Finds <c>$..$</c>, <c>$$..$$</c>, <c>\(..\)</c> and <c>\[..\]</c> spans in prose. A dollar sign is also money
/// ("earns $18 per day"), so a dollar span whose content reads as a sentence is not math: its opening sign is skipped.
/// </summary>
internal static class MathSpans
{
    /// <summary>Spans longer than this are not answers; bounding them keeps the scan linear.</summary>
    private const int MaxSpanLength = 2000;

    public static List<MathSpan> Find(string text)
    {
        var spans = new List<MathSpan>();
        var closers = new CloserSearch(text);
        var i = 0;
        while (i < text.Length)
        {
            var c = text[i];
            if (c == '\\' && i + 1 < text.Length && text[i + 1] is '(' or '[')
            {
                var closer = text[i + 1] == '(' ? "\\)" : "\\]";
                var close = closers.Next(closer, i + 2);
                if (close >= 0)
                {
                    spans.Add(new MathSpan(i, close + 2, text.Substring(i + 2, close - i - 2)));
                    i = close + 2;
                    continue;
                }

                i += 2;
                continue;
            }

            if (c == '\\' && i + 1 < text.Length)
            {
                // "\$" is an escaped dollar sign, never a delimiter.
                i += 2;
                continue;
            }

            if (c != '$')
            {
                i++;
                continue;
            }

            var display = i + 1 < text.Length && text[i + 1] == '$';
            var open = display ? 2 : 1;
            var end = closers.Next(display ? "$$" : "$", i + open);
            if (end < 0)
            {
                i += open;
                continue;
            }

            var content = text.Substring(i + open, end - i - open);
            if (!display && ExtractionText.IsSentence(content))
            {
                i++;
                continue;
            }

            spans.Add(new MathSpan(i, end + open, content));
            i = end + open;
        }

        return spans;
    }

    /// <summary>
    /// Finds the next closer within <see cref="MaxSpanLength"/> characters, remembering where a search failed so that a
    /// run of unclosed openers costs one scan, not one per opener.
    /// </summary>
    private sealed class CloserSearch(string text)
    {
        private readonly Dictionary<string, int> _searchedUpTo = new(StringComparer.Ordinal);

        public int Next(string closer, int from)
        {
            var limit = Math.Min(text.Length, from + MaxSpanLength);
            var start = Math.Max(from, _searchedUpTo.GetValueOrDefault(closer, 0));
            for (var j = start; j < limit; j++)
            {
                var c = text[j];
                if (c == '\\' && closer[0] == '$')
                {
                    j++;
                    continue;
                }

                if (c == closer[0] && string.CompareOrdinal(text, j, closer, 0, closer.Length) == 0)
                {
                    return j;
                }
            }

            _searchedUpTo[closer] = Math.Max(limit - closer.Length + 1, from);
            return -1;
        }
    }
}
