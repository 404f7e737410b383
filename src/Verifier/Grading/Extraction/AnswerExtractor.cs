namespace BestOfN.Verifier.Grading;

/// <summary>Finds the final answer of a model solution. Pure, linear in the solution's length and thread-safe.</summary>
public static class AnswerExtractor
{
    public static ExtractionResult Extract(string solution, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(options);

        var text = solution.Length > options.MaxScanLength
            ? solution.Substring(solution.Length - options.MaxScanLength)
            : solution;

        foreach (var rule in options.Rules)
        {
            var result = rule switch
            {
                ExtractionRule.Boxed => LastBoxed(text),
                ExtractionRule.Gsm8kHash => AfterLastMarker(text, "####", "gsm8k_hash"),
                ExtractionRule.FinalAnswer => AfterLastPhrase(text, FinalAnswerPhrases, "final_answer"),
                ExtractionRule.AnswerIs => AfterLastPhrase(text, AnswerIsPhrases, "answer_is"),
                ExtractionRule.LastNumber => LastNumber(text),
                _ => null,
            };
            if (result is not null)
            {
                return result;
            }
        }

        return ExtractionResult.None;
    }

    private static readonly string[] FinalAnswerPhrases = ["final answer is", "final answer:", "final answer"];

    private static readonly string[] AnswerIsPhrases = ["answer is", "answer:"];

    private static ExtractionResult? LastBoxed(string text)
    {
        // Each unbalanced box costs a scan to the end of the text, so only the last few are tried.
        const int MaxBoxesTried = 16;
        var searchEnd = text.Length;
        for (var tries = 0; searchEnd > 0 && tries < MaxBoxesTried; tries++)
        {
            var boxed = text.LastIndexOf("\\boxed", searchEnd - 1, StringComparison.Ordinal);
            var fbox = text.LastIndexOf("\\fbox", searchEnd - 1, StringComparison.Ordinal);
            var start = Math.Max(boxed, fbox);
            if (start < 0)
            {
                return null;
            }

            var isFbox = fbox > boxed;
            var content = BoxContent(text, start + (isFbox ? 5 : 6));
            if (content is not null)
            {
                var answer = CleanAnswer(content);
                if (answer.Length > 0)
                {
                    return new ExtractionResult(answer, isFbox ? "fbox" : "boxed");
                }
            }

            searchEnd = start;
        }

        return null;
    }

    /// <summary>The content of <c>{...}</c> at <paramref name="position"/> (nested braces kept), or of <c>\boxed 5</c>; null when unbalanced.</summary>
    internal static string? BoxContent(string text, int position)
    {
        var i = position;
        while (i < text.Length && text[i] == ' ')
        {
            i++;
        }

        if (i >= text.Length)
        {
            return null;
        }

        if (text[i] != '{')
        {
            if (i == position || char.IsLetter(text[i]))
            {
                // "\boxedx" is another command, "\boxed" followed by nothing is truncated output.
                return i == position ? null : ReadBareToken(text, i);
            }

            return ReadBareToken(text, i);
        }

        var depth = 0;
        for (var j = i; j < text.Length; j++)
        {
            var c = text[j];
            if (c == '\\' && j + 1 < text.Length)
            {
                j++;
                continue;
            }

            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                if (depth == 0)
                {
                    return text.Substring(i + 1, j - i - 1);
                }
            }
        }

        return null;
    }

    private static string ReadBareToken(string text, int start)
    {
        var end = start;
        while (end < text.Length && text[end] != '$' && !char.IsWhiteSpace(text[end]))
        {
            end++;
        }

        return text.Substring(start, end - start);
    }

    private static ExtractionResult? AfterLastMarker(string text, string marker, string rule)
    {
        var at = text.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var answer = CleanAnswer(RestOfLine(text, at + marker.Length));
        return answer.Length > 0 ? new ExtractionResult(answer, rule) : null;
    }

    private static ExtractionResult? AfterLastPhrase(string text, string[] phrases, string rule)
    {
        var bestAt = -1;
        var bestLength = 0;
        foreach (var phrase in phrases)
        {
            // The latest phrase wins; at the same spot the longer one ("final answer is" over "final answer").
            var at = text.LastIndexOf(phrase, StringComparison.OrdinalIgnoreCase);
            if (at > bestAt || (at == bestAt && at >= 0 && phrase.Length > bestLength))
            {
                bestAt = at;
                bestLength = phrase.Length;
            }
        }

        if (bestAt < 0)
        {
            return null;
        }

        var rest = RestOfLine(text, bestAt + bestLength);
        var answer = CleanAnswer(rest);
        if (answer.Length == 0)
        {
            // "The final answer is:\n\n$$42$$" puts the answer on the next non-empty line.
            var next = bestAt + bestLength + rest.Length;
            while (next < text.Length && answer.Length == 0 && char.IsWhiteSpace(text[next]))
            {
                var lineStart = next + 1;
                var line = RestOfLine(text, lineStart);
                answer = CleanAnswer(line);
                next = lineStart + line.Length;
            }
        }

        return answer.Length > 0 ? new ExtractionResult(answer, rule) : null;
    }

    private static string RestOfLine(string text, int start)
    {
        if (start >= text.Length)
        {
            return string.Empty;
        }

        var end = text.IndexOf('\n', start);
        return end < 0 ? text.Substring(start) : text.Substring(start, end - start);
    }

    private static ExtractionResult? LastNumber(string text)
    {
        for (var i = text.Length - 1; i >= 0; i--)
        {
            if (!char.IsAsciiDigit(text[i]))
            {
                continue;
            }

            var end = i + 1;
            var start = i;
            while (start > 0 && (char.IsAsciiDigit(text[start - 1])
                || ((text[start - 1] == '.' || text[start - 1] == ',') && start >= 2 && char.IsAsciiDigit(text[start - 2]))))
            {
                start--;
            }

            if (start > 0 && text[start - 1] == '.')
            {
                start--;
            }

            if (start > 0 && text[start - 1] == '-')
            {
                start--;
            }

            var number = text.Substring(start, end - start).Replace(",", string.Empty, StringComparison.Ordinal);
            if (number.StartsWith('.'))
            {
                number = "0" + number;
            }
            else if (number.StartsWith("-.", StringComparison.Ordinal))
            {
                number = "-0" + number.Substring(1);
            }

            return new ExtractionResult(number, "last_number");
        }

        return null;
    }

    /// <summary>Strips what surrounds an answer: math delimiters, "is", a trailing period, "ки" and Minerva's "I hope it is correct".</summary>
    internal static string CleanAnswer(string raw)
    {
        var s = raw;
        var stepTag = s.IndexOf("ки", StringComparison.Ordinal);
        if (stepTag >= 0)
        {
            s = s.Substring(0, stepTag);
        }

        var hope = s.IndexOf("I hope it is correct", StringComparison.OrdinalIgnoreCase);
        if (hope >= 0)
        {
            s = s.Substring(0, hope);
        }

        s = s.Trim();
        s = TrimPrefix(s, ":").Trim();
        if (s.StartsWith("is ", StringComparison.OrdinalIgnoreCase) || s.StartsWith("is:", StringComparison.OrdinalIgnoreCase))
        {
            s = s.Substring(3).Trim();
        }

        s = TrimPrefix(s, ":").Trim();

        var boxed = s.LastIndexOf("\\boxed", StringComparison.Ordinal);
        if (boxed >= 0 && BoxContent(s, boxed + 6) is { } inner)
        {
            return inner.Trim();
        }

        // A few layers at most: each pass copies the string, so adversarial input must not get one pass per character.
        var changed = true;
        for (var pass = 0; changed && s.Length > 0 && pass < 8; pass++)
        {
            changed = false;
            var before = s;
            s = s.TrimEnd('.', ',', ';', ' ', '!');
            if (s.StartsWith("$$", StringComparison.Ordinal) && s.EndsWith("$$", StringComparison.Ordinal) && s.Length >= 4)
            {
                s = s.Substring(2, s.Length - 4).Trim();
            }
            else if (s.StartsWith('$') && s.EndsWith('$') && s.Length >= 2)
            {
                s = s.Substring(1, s.Length - 2).Trim();
            }
            else if ((s.StartsWith("\\(", StringComparison.Ordinal) && s.EndsWith("\\)", StringComparison.Ordinal))
                || (s.StartsWith("\\[", StringComparison.Ordinal) && s.EndsWith("\\]", StringComparison.Ordinal)))
            {
                s = s.Length >= 4 ? s.Substring(2, s.Length - 4).Trim() : string.Empty;
            }
            else if (s.StartsWith('$') && s.IndexOf('$', 1) > 0)
            {
                // "$18$ dollars": keep the math part only.
                s = s.Substring(1, s.IndexOf('$', 1) - 1).Trim();
            }

            changed = s != before;
        }

        return s.Trim();
    }

    private static string TrimPrefix(string s, string prefix) =>
        s.StartsWith(prefix, StringComparison.Ordinal) ? s.Substring(prefix.Length) : s;
}
