namespace BestOfN.Verifier.Grading;

/// <summary>Reading prose around answers: sentences, cut-off endings and choice letters.</summary>
internal static class ExtractionText
{
    /// <summary>Words that make a phrase a sentence rather than an answer ("is", "the", "of"...).</summary>
    private static readonly HashSet<string> ProseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "is", "are", "was", "were", "be", "answer", "thus", "therefore", "hence", "we", "get", "final", "which",
        "that", "this", "equals", "so", "solution", "value", "then", "of", "to", "for", "since", "because", "when", "where",
        "it", "its", "there", "has", "have", "must", "can", "will", "would", "should", "such", "smallest", "largest",
        "total", "number", "possible", "an", "on", "by", "with", "as",
    };

    /// <summary>Words after which a solution cannot end: the text was cut off mid-sentence.</summary>
    private static readonly HashSet<string> ConnectorWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "and", "or", "the", "a", "an", "of", "to", "is", "are", "be", "we", "so", "then", "that", "which", "with", "by",
        "for", "from", "in", "on", "at", "as", "get", "gives", "equals", "have", "has", "let", "since", "because",
        "thus", "therefore", "hence", "plus", "minus", "times", "over", "divided", "multiplied", "than", "into",
    };

    /// <summary>Two words (two or more letters, not a LaTeX command, not "and"/"or"), or one word such as "is" or "the".</summary>
    public static bool IsSentence(string text)
    {
        var words = 0;
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetter(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            // A command (\frac) or a name in braces (\begin{pmatrix}, \text{cm}) is not prose.
            if (start > 0 && (text[start - 1] == '\\' || (text[start - 1] == '{' && i < text.Length && text[i] == '}')))
            {
                continue;
            }

            var length = i - start;
            if (length < 2)
            {
                continue;
            }

            var word = text.AsSpan(start, length);
            if (ProseWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(word))
            {
                return true;
            }

            if (!word.Equals("and", StringComparison.OrdinalIgnoreCase) && !word.Equals("or", StringComparison.OrdinalIgnoreCase) && ++words >= 2)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Whether any word of the text is a prose word.</summary>
    public static bool HasProseWord(string text)
    {
        var lookup = ProseWords.GetAlternateLookup<ReadOnlySpan<char>>();
        var i = 0;
        while (i < text.Length)
        {
            if (!char.IsAsciiLetter(text[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < text.Length && char.IsAsciiLetter(text[i]))
            {
                i++;
            }

            if ((start == 0 || text[start - 1] != '\\') && i - start >= 2 && lookup.Contains(text.AsSpan(start, i - start)))
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>
    /// A solution cut off by the length limit: it ends in an operator, an open bracket, a comma or a connector word
    /// ("... so the total is"), or inside an unclosed <c>\(</c>, <c>\[</c> or <c>$$</c>.
    /// </summary>
    public static bool LooksCutOff(string text)
    {
        var end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        if (end == 0)
        {
            return false;
        }

        var last = text[end - 1];
        if (last is ',' or '=' or '+' or '*' or '/' or '^' or '_' or '(' or '[' or '{' or '\\' or '&' or '-' or ':')
        {
            return true;
        }

        if (char.IsAsciiLetter(last))
        {
            var start = end;
            while (start > 0 && char.IsAsciiLetter(text[start - 1]))
            {
                start--;
            }

            if (ConnectorWords.GetAlternateLookup<ReadOnlySpan<char>>().Contains(text.AsSpan(start, end - start)))
            {
                return true;
            }
        }

        var tail = text.AsSpan(Math.Max(0, end - 4000), end - Math.Max(0, end - 4000));
        return Unclosed(tail, "\\(", "\\)") || Unclosed(tail, "\\[", "\\]") || Count(tail, "$$") % 2 == 1;
    }

    private static bool Unclosed(ReadOnlySpan<char> text, string open, string close) =>
        text.LastIndexOf(open, StringComparison.Ordinal) > text.LastIndexOf(close, StringComparison.Ordinal);

    private static int Count(ReadOnlySpan<char> text, string value)
    {
        var count = 0;
        var at = 0;
        while (at < text.Length)
        {
            var found = text[at..].IndexOf(value, StringComparison.Ordinal);
            if (found < 0)
            {
                break;
            }

            count++;
            at += found + value.Length;
        }

        return count;
    }

    /// <summary>
    /// A choice letter at the start of an answer: "B", "(B)", "B)", "B." or "B is correct"; a letter used as a value
    /// ("A = 5", "B^2") is not a choice. The pronoun "I" counts only in brackets or alone.
    /// </summary>
    public static bool TryChoiceLetter(string answer, out char letter)
    {
        letter = '\0';
        var s = answer.Trim();
        foreach (var wrapper in (ReadOnlySpan<string>)["\\textbf{", "\\text{", "\\mathrm{"])
        {
            if (s.StartsWith(wrapper, StringComparison.Ordinal) && s.IndexOf('}') is var close && close > wrapper.Length)
            {
                s = s.Substring(wrapper.Length, close - wrapper.Length).Trim() + s.Substring(close + 1);
                break;
            }
        }

        var bracketed = s.Length >= 3 && s[0] == '(' && s[2] == ')';
        var at = bracketed ? 1 : 0;
        if (s.Length <= at || s[at] is < 'A' or > 'J')
        {
            return false;
        }

        var rest = s.AsSpan(at + (bracketed ? 2 : 1)).TrimStart();
        if (rest.Length == 0)
        {
            letter = s[at];
            return true;
        }

        if (s[at] == 'I' && !bracketed)
        {
            return false;
        }

        var next = rest[0];
        var restIsProse = IsSentence(rest.ToString()) || rest is ")" or "." or ":";
        if (bracketed || next is ')' || (next is '.' or ':' && (rest.Length == 1 || rest[1] == ' ')) || (char.IsAsciiLetter(next) && restIsProse))
        {
            letter = s[at];
            return true;
        }

        return false;
    }
}
