namespace BestOfN.Verifier.Grading;

/// <summary>
/// Finds the final answer of a model solution. The explicit markers (boxes, "####", "Final Answer:", "the answer is",
/// an "A:" line) compete by position and the latest wins; only when none matched is the last math span or number of the
/// final paragraph taken. Pure, linear in the solution's length and thread-safe.
/// </summary>
public static class AnswerExtractor
{
    public static ExtractionResult Extract(string solution, ExtractionOptions options)
    {
        ArgumentNullException.ThrowIfNull(solution);
        ArgumentNullException.ThrowIfNull(options);

        var text = solution.Length > options.MaxScanLength
            ? solution.Substring(solution.Length - options.MaxScanLength)
            : solution;

        var joinBoxes = options.Rules.Contains(ExtractionRule.AllBoxed);
        Candidate? latest = null;
        foreach (var rule in options.Rules)
        {
            var candidate = rule switch
            {
                ExtractionRule.Boxed when !joinBoxes => LastBoxed(text),
                ExtractionRule.AllBoxed => AllBoxed(text),
                ExtractionRule.Gsm8kHash => AfterLastMarker(text, "####", "gsm8k_hash"),
                ExtractionRule.FinalAnswer => AfterLastPhrase(text, FinalAnswerPhrases, "final_answer"),
                ExtractionRule.AnswerIs => AfterLastPhrase(text, AnswerIsPhrases, "answer_is"),
                ExtractionRule.AnswerLine => LastAnswerLine(text),
                _ => null,
            };
            if (candidate is not null && (latest is null || candidate.Position > latest.Position))
            {
                latest = candidate;
            }
        }

        if (latest is not null)
        {
            return new ExtractionResult(latest.Answer, latest.Rule);
        }

        if (options.Rules.Contains(ExtractionRule.LastNumber) && LastNumberOrMath(text) is { } fallback)
        {
            return fallback;
        }

        return ExtractionResult.None;
    }

    /// <summary>An answer found by an explicit marker; <paramref name="Position"/> is where the answer text starts, so that
    /// "Final Answer: 5" read by two rules is one tie, won by the rule listed first.</summary>
    private sealed record Candidate(int Position, string Answer, string Rule);

    private static readonly string[] FinalAnswerPhrases = ["final answer is", "final answer:", "final answer"];

    private static readonly string[] AnswerIsPhrases = ["answer is", "answer:", "correct option is", "correct choice is"];

    /// <summary>Boxes tried from the end; each unbalanced one costs a scan to the end of the text.</summary>
    private const int MaxBoxesTried = 16;

    private static Candidate? LastBoxed(string text)
    {
        foreach (var box in BoxesFromTheEnd(text))
        {
            return new Candidate(box.Start, box.Answer, box.Rule);
        }

        return null;
    }

    /// <summary>Every box, in order; several different ones are a multi-part answer, joined as a tuple.</summary>
    private static Candidate? AllBoxed(string text)
    {
        var boxes = BoxesFromTheEnd(text).ToList();
        if (boxes.Count == 0)
        {
            return null;
        }

        boxes.Reverse();
        var distinct = boxes.Select(b => b.Answer).Distinct(StringComparer.Ordinal).ToList();
        return distinct.Count == 1
            ? new Candidate(boxes[^1].Start, distinct[0], boxes[^1].Rule)
            : new Candidate(boxes[^1].Start, "(" + string.Join(", ", distinct) + ")", "boxed_all");
    }

    private readonly record struct Box(int Start, string Answer, string Rule);

    private static IEnumerable<Box> BoxesFromTheEnd(string text)
    {
        var searchEnd = text.Length;
        for (var tries = 0; searchEnd > 0 && tries < MaxBoxesTried; tries++)
        {
            var boxed = text.LastIndexOf("\\boxed", searchEnd - 1, StringComparison.Ordinal);
            var fbox = text.LastIndexOf("\\fbox", searchEnd - 1, StringComparison.Ordinal);
            var start = Math.Max(boxed, fbox);
            if (start < 0)
            {
                yield break;
            }

            var isFbox = fbox > boxed;
            var content = BoxContent(text, start + (isFbox ? 5 : 6));
            if (content is not null)
            {
                var answer = CleanAnswer(content);
                if (answer.Length > 0)
                {
                    yield return new Box(start, answer, isFbox ? "fbox" : "boxed");
                }
            }

            searchEnd = start;
        }
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

    private static Candidate? AfterLastMarker(string text, string marker, string rule)
    {
        var at = text.LastIndexOf(marker, StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }

        var answer = CleanAnswer(RestOfLine(text, at + marker.Length));
        return answer.Length > 0 ? new Candidate(at + marker.Length, answer, rule) : null;
    }

    private static Candidate? AfterLastPhrase(string text, string[] phrases, string rule)
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
        var answer = ReadMarkedAnswer(rest);
        if (answer is null && CleanAnswer(rest).Length == 0)
        {
            // "The final answer is:\n\n$$42$$" puts the answer on the next non-empty line.
            var next = bestAt + bestLength + rest.Length;
            while (next < text.Length && answer is null && char.IsWhiteSpace(text[next]))
            {
                var lineStart = next + 1;
                var line = RestOfLine(text, lineStart);
                answer = ReadMarkedAnswer(line);
                next = lineStart + line.Length;
                if (answer is null && CleanAnswer(line).Length > 0)
                {
                    break;
                }
            }
        }

        return answer is null ? null : new Candidate(bestAt + bestLength, answer, rule);
    }

    /// <summary>GSM8K few-shot answers: the last line that starts with "A:".</summary>
    private static Candidate? LastAnswerLine(string text)
    {
        var searchEnd = text.Length;
        while (searchEnd > 0)
        {
            var at = text.LastIndexOf("A:", searchEnd - 1, StringComparison.Ordinal);
            if (at < 0)
            {
                return null;
            }

            var lineStart = at;
            while (lineStart > 0 && text[lineStart - 1] is ' ' or '\t')
            {
                lineStart--;
            }

            if (lineStart == 0 || text[lineStart - 1] is '\n' or '\r')
            {
                var answer = ReadMarkedAnswer(RestOfLine(text, at + 2), leadingFirst: false);
                return answer is null ? null : new Candidate(at + 2, answer, "answer_line");
            }

            searchEnd = at;
        }

        return null;
    }

    /// <summary>
    /// The answer after a marker: a choice letter, the marked text itself, or, when the marker is followed by a
    /// sentence, the value it starts with ("18 because ...") or else its last math span or number ("The smallest such $k$
    /// is 12."); null when the sentence has none.
    /// </summary>
    /// <param name="leadingFirst">
    /// After "the answer is" a value at the start is the answer and what follows explains it; an "A:" line is reasoning
    /// whose result comes last.
    /// </param>
    private static string? ReadMarkedAnswer(string rest, bool leadingFirst = true)
    {
        var cleaned = CleanAnswer(rest);
        if (cleaned.Length == 0)
        {
            return null;
        }

        if (ExtractionText.TryChoiceLetter(cleaned, out var letter))
        {
            return letter.ToString();
        }

        if (!ExtractionText.IsSentence(cleaned))
        {
            return cleaned;
        }

        var sentence = CleanSentence(rest);
        if (leadingFirst && LeadingValue(sentence) is { } leading)
        {
            // "18 because she sells 9 eggs": the answer comes first, the explanation after it.
            return leading;
        }

        if (LastValue(sentence, 0) is { } value)
        {
            return value.Answer;
        }

        return ExtractionText.HasProseWord(cleaned) ? null : cleaned;
    }

    /// <summary>A math span or a number at the very start of a sentence, or null.</summary>
    private static string? LeadingValue(string sentence)
    {
        var start = 0;
        while (start < sentence.Length && (char.IsWhiteSpace(sentence[start]) || sentence[start] == ':'))
        {
            start++;
        }

        var text = sentence.Substring(start);
        var spans = MathSpans.Find(text);
        if (spans.Count > 0 && spans[0].Start == 0)
        {
            var content = CleanAnswer(spans[0].Content);
            return HoldsValue(content) ? content : null;
        }

        var end = 0;
        if (end < text.Length && text[end] is '-' or '−')
        {
            end++;
        }

        var digitsStart = end;
        while (end < text.Length && (char.IsAsciiDigit(text[end])
            || (text[end] is ',' or '.' or '/' && end + 1 < text.Length && char.IsAsciiDigit(text[end + 1]) && end > digitsStart)))
        {
            end++;
        }

        if (end == digitsStart || (end < text.Length && char.IsLetterOrDigit(text[end])))
        {
            return null;
        }

        return NumberTokens.Last(text.Substring(0, end), 0, [])?.Answer;
    }

    /// <summary>The answer a short sentence states ("The answer is $5$.", "x is 12"): its choice letter, last math span or number.</summary>
    internal static string? ValueInSentence(string sentence)
    {
        var stripped = StripLeadIn(sentence);
        return ReadMarkedAnswer(stripped);
    }

    /// <summary>"The final answer is", "the answer is" or "answer:" at the start of a sentence, removed.</summary>
    private static string StripLeadIn(string sentence)
    {
        foreach (var phrase in (ReadOnlySpan<string>)["the final answer is", "final answer:", "the answer is", "answer:"])
        {
            var at = sentence.IndexOf(phrase, StringComparison.OrdinalIgnoreCase);
            if (at >= 0 && at < 12)
            {
                return sentence.Substring(at + phrase.Length);
            }
        }

        return sentence;
    }

    /// <summary>The marked text with the step tag and Minerva's closing cut off, but its math delimiters kept.</summary>
    private static string CleanSentence(string raw)
    {
        var s = raw;
        var stepTag = s.IndexOf("ки", StringComparison.Ordinal);
        if (stepTag >= 0)
        {
            s = s.Substring(0, stepTag);
        }

        var hope = s.IndexOf("I hope it is correct", StringComparison.OrdinalIgnoreCase);
        return hope >= 0 ? s.Substring(0, hope) : s;
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

    /// <summary>
    /// The fallback: the last math span holding a value, or the last number, in the final paragraph. A text that looks
    /// cut off has no final answer: its last number is an intermediate result.
    /// </summary>
    private static ExtractionResult? LastNumberOrMath(string text)
    {
        if (ExtractionText.LooksCutOff(text))
        {
            return null;
        }

        var paragraph = FinalParagraphStart(text);
        return LastValue(text, paragraph) is { } value ? new ExtractionResult(value.Answer, value.Rule) : null;
    }

    /// <summary>
    /// Where the last paragraph starts: after the last blank line that has text after it and no display block open
    /// across it ("$$\n42\n$$" belongs with its opener).
    /// </summary>
    private static int FinalParagraphStart(string text)
    {
        var end = text.Length;
        while (end > 0 && char.IsWhiteSpace(text[end - 1]))
        {
            end--;
        }

        var start = 0;
        var openDisplay = false;
        var openBracket = false;
        var lineHasText = true;
        for (var i = 0; i < end; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                if (!lineHasText && !openDisplay && !openBracket)
                {
                    start = i + 1;
                }

                lineHasText = false;
                continue;
            }

            if (!char.IsWhiteSpace(c))
            {
                lineHasText = true;
            }

            if (c == '$' && i + 1 < end && text[i + 1] == '$')
            {
                openDisplay = !openDisplay;
                i++;
            }
            else if (c == '\\' && i + 1 < end)
            {
                openBracket = text[i + 1] == '[' || (openBracket && text[i + 1] != ']');
                i++;
            }
        }

        return start;
    }

    private readonly record struct Value(int Start, string Answer, string Rule);

    /// <summary>The latest of the last math span holding a value and the last number outside spans, from <paramref name="from"/> on.</summary>
    private static Value? LastValue(string text, int from)
    {
        var spans = MathSpans.Find(text);
        Value? best = null;
        for (var k = spans.Count - 1; k >= 0; k--)
        {
            var span = spans[k];
            if (span.Start < from)
            {
                break;
            }

            var content = CleanAnswer(span.Content);
            if (HoldsValue(content))
            {
                best = new Value(span.Start, content, "last_math");
                break;
            }
        }

        if (NumberTokens.Last(text, from, spans) is { } number && (best is null || number.Start > best.Value.Start))
        {
            best = new Value(number.Start, number.Answer, "last_number");
        }

        return best;
    }

    /// <summary>A span with a digit, a value command or a choice; "$k$" or "$x$" alone names a variable, not an answer.</summary>
    private static bool HoldsValue(string content) =>
        content.Length > 0 && (content.Any(char.IsAsciiDigit) || content.Contains("\\pi", StringComparison.Ordinal)
            || content.Contains("\\infty", StringComparison.Ordinal) || content.Contains("\\sqrt", StringComparison.Ordinal)
            || content.Contains("\\frac", StringComparison.Ordinal) || content.Contains("\\emptyset", StringComparison.Ordinal));

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
