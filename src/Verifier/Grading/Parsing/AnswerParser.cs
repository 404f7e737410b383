using System.Text;

namespace BestOfN.Verifier.Grading;

/// <summary>An answer after normalisation and parsing. Either <see cref="Root"/> or <see cref="Failure"/> is set.</summary>
internal sealed class ParsedAnswer
{
    private static readonly object NoExactValue = new();

    // Null until computed, then the ExactValue or NoExactValue: one reference, so readers on other threads never see half a result.
    private object? _exact;

    public ParsedAnswer(string normalized, MathNode? root, string? failure)
    {
        Normalized = normalized;
        Root = root;
        Failure = failure;
    }

    /// <summary>The answer with spacing, delimiters and synonyms such as <c>\dfrac</c> removed; equal strings mean equal answers.</summary>
    public string Normalized { get; }

    public MathNode? Root { get; }

    public string? Failure { get; }

    /// <summary>The exact value of a scalar root, computed once. Benign races only recompute the same value.</summary>
    public ExactValue? ExactRoot(ExactEvaluator evaluator)
    {
        var exact = Volatile.Read(ref _exact);
        if (exact is null)
        {
            exact = (Root is null ? null : evaluator.TryEvaluate(EquivalenceChecker.StripAnnotations(Root))) ?? NoExactValue;
            Volatile.Write(ref _exact, exact);
        }

        return exact as ExactValue;
    }
}

/// <summary>Normalises an answer string and classifies it as a choice letter, plain text or math, then parses it.</summary>
internal static class AnswerParser
{
    private const int MaxPlusMinusExpansions = 16;

    /// <summary>Longer sentences are not read for an answer: a gold or an answer is short.</summary>
    private const int MaxSentenceLength = 300;

    /// <param name="byNormalized">A memo of parses by normalised string, shared by spellings that differ only in spacing and delimiters.</param>
    public static ParsedAnswer Parse(string raw, GraderOptions options, GradingBudget budget, BoundedCache<string, ParsedAnswer>? byNormalized = null)
    {
        if (raw.Length > options.MaxAnswerLength)
        {
            return new ParsedAnswer(raw.Length > 64 ? raw.Substring(0, 64) : raw, null, $"longer than {options.MaxAnswerLength} characters");
        }

        var text = Prepare(raw);
        var normalized = NormalizeForKey(text);
        if (text.Length == 0)
        {
            return new ParsedAnswer(normalized, null, "empty answer");
        }

        if (byNormalized is not null && byNormalized.TryGet(normalized, out var shared))
        {
            return shared;
        }

        var parsed = ParseText(text, normalized, options, budget);
        byNormalized?.Add(normalized, parsed);
        return parsed;
    }

    private static ParsedAnswer ParseText(string text, string normalized, GraderOptions options, GradingBudget budget)
    {
        try
        {
            return new ParsedAnswer(normalized, Classify(text, options, budget), null);
        }
        catch (AnswerParseException e)
        {
            return new ParsedAnswer(normalized, null, e.Message);
        }
        catch (InsufficientExecutionStackException)
        {
            return new ParsedAnswer(normalized, null, "nesting too deep");
        }
        catch (FormatException e)
        {
            return new ParsedAnswer(normalized, null, "bad number: " + e.Message);
        }
    }

    private static MathNode Classify(string text, GraderOptions options, GradingBudget budget)
    {
        var unwrapped = UnwrapTextCommand(text);
        if (TryChoice(unwrapped, out var letter))
        {
            return new ChoiceNode(letter);
        }

        if (IsPlainWords(unwrapped))
        {
            return new TextNode(NormalizeText(unwrapped));
        }

        if (FindProseWord(unwrapped) is { } prose)
        {
            // "The answer is $5$." or "x is 12": a short sentence around the answer, on either side, stands for its value.
            if (unwrapped.Length <= MaxSentenceLength && AnswerExtractor.ValueInSentence(unwrapped) is { } value
                && value.Length < unwrapped.Length && FindProseWord(value) is null)
            {
                return Classify(Prepare(value), options, budget);
            }

            throw new AnswerParseException($"'{prose}' reads as a sentence, not an answer");
        }

        try
        {
            return ExpandPlusMinus(MathParser.Parse(unwrapped, options, budget));
        }
        catch (AnswerParseException) when (!ReferenceEquals(unwrapped, text) && !unwrapped.Contains('\\'))
        {
            // The whole answer was \text{...} and is not math ("1:03 PM"): compare it as text.
            return new TextNode(NormalizeText(unwrapped));
        }
    }

    /// <summary>Unicode symbols to LaTeX, math delimiters and a final period removed, an outer \boxed{} opened.</summary>
    internal static string Prepare(string raw)
    {
        var s = raw.Trim();
        if (s.StartsWith("\\boxed", StringComparison.Ordinal) && AnswerExtractor.BoxContent(s, 6) is { } inner
            && s.EndsWith('}'))
        {
            s = inner.Trim();
        }

        var needsMapping = false;
        foreach (var c in s)
        {
            if (c > 127)
            {
                needsMapping = true;
                break;
            }
        }

        if (needsMapping)
        {
            var builder = new StringBuilder(s.Length + 8);
            foreach (var c in s)
            {
                builder.Append(c switch
                {
                    '\u2212' or '\u2013' or '\u2014' => "-",
                    '\u00d7' => "\\times ",
                    '\u00b7' or '\u22c5' => "\\cdot ",
                    '\u00f7' => "/",
                    '\u03c0' => "\\pi ",
                    '\u221e' => "\\infty ",
                    '\u2264' => "\\le ",
                    '\u2265' => "\\ge ",
                    '\u2260' => "\\ne ",
                    '\u00b0' => "^\\circ ",
                    '\u221a' => "\\sqrt ",
                    '\u222a' => "\\cup ",
                    '\u00b1' => "\\pm ",
                    '\u00a0' or '\u2009' or '\u202f' => " ",
                    _ => c.ToString(),
                });
            }

            s = builder.ToString().Trim();
        }

        // A few layers at most ("$\(5\)$."): each pass copies the string, so adversarial input must not get one pass per character.
        var changed = true;
        for (var pass = 0; changed && s.Length > 0 && pass < 8; pass++)
        {
            var before = s;
            if (s.Length >= 2 && s[0] == '$' && s[^1] == '$')
            {
                s = s.Trim('$').Trim();
            }
            else if (TryUnwrapBox(s, out var boxContent))
            {
                s = boxContent;
            }
            else if (s.StartsWith("\\(", StringComparison.Ordinal) && s.EndsWith("\\)", StringComparison.Ordinal) && s.Length >= 4)
            {
                s = s.Substring(2, s.Length - 4).Trim();
            }
            else if (s.StartsWith("\\[", StringComparison.Ordinal) && s.EndsWith("\\]", StringComparison.Ordinal) && s.Length >= 4)
            {
                s = s.Substring(2, s.Length - 4).Trim();
            }
            else if (s.EndsWith('.'))
            {
                s = s.TrimEnd('.', ' ');
            }

            changed = before != s;
        }

        return s;
    }

    /// <summary>"\\boxed{..}" or "\\fbox{..}" around the whole answer, as the gold of a dataset may be written.</summary>
    private static bool TryUnwrapBox(string s, out string content)
    {
        content = s;
        foreach (var command in (ReadOnlySpan<string>)["\\boxed", "\\fbox"])
        {
            if (s.StartsWith(command, StringComparison.Ordinal) && s.EndsWith('}')
                && AnswerExtractor.BoxContent(s, command.Length) is { } inner && inner.Length == s.Length - command.Length - 2)
            {
                content = inner.Trim();
                return true;
            }
        }

        return false;
    }

    /// <summary>A string key: equal keys are always equal answers (spacing, \left/\right, \dfrac, $ and \! do not matter).</summary>
    internal static string NormalizeForKey(string s)
    {
        var builder = new StringBuilder(s.Length);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsWhiteSpace(c) || c == '$')
            {
                // "1 000" and "1000" may differ ("(1 000, 2)" is a product inside brackets), so a space between digits stays.
                if (char.IsWhiteSpace(c) && builder.Length > 0 && char.IsAsciiDigit(builder[^1]) && i + 1 < s.Length && char.IsAsciiDigit(s[i + 1]))
                {
                    builder.Append(' ');
                }

                continue;
            }

            if (c == '\\' && i + 1 < s.Length)
            {
                var next = s[i + 1];
                if (next is '!' or ',' or ';' or ':' or ' ' or '$')
                {
                    i++;
                    continue;
                }

                if (Matches(s, i, "\\left") && (i + 5 >= s.Length || !char.IsAsciiLetter(s[i + 5])))
                {
                    i += 4;
                    continue;
                }

                if (Matches(s, i, "\\right") && (i + 6 >= s.Length || !char.IsAsciiLetter(s[i + 6])))
                {
                    i += 5;
                    continue;
                }

                if (Matches(s, i, "\\dfrac") || Matches(s, i, "\\tfrac"))
                {
                    builder.Append("\\frac");
                    i += 5;
                    continue;
                }
            }

            builder.Append(c);
            if (c == '\\' && i + 1 < s.Length && char.IsAsciiLetter(s[i + 1]))
            {
                // Keep a command name separated from a following letter that had a space before it: "\cot x" is not "\cotx".
                var end = i + 1;
                while (end < s.Length && char.IsAsciiLetter(s[end]))
                {
                    end++;
                }

                builder.Append(s, i + 1, end - i - 1);
                if (end < s.Length && char.IsWhiteSpace(s[end]) && end + 1 < s.Length && char.IsAsciiLetter(s[end + 1]))
                {
                    builder.Append(' ');
                }

                i = end - 1;
            }
        }

        return builder.ToString();
    }

    private static bool Matches(string s, int at, string value) => string.CompareOrdinal(s, at, value, 0, value.Length) == 0;

    /// <summary>The content of a \text{..}, \textbf{..} or \mbox{..} that spans the whole answer.</summary>
    private static string UnwrapTextCommand(string s)
    {
        for (var layer = 0; layer < 8; layer++)
        {
            var unwrapped = false;
            foreach (var command in (ReadOnlySpan<string>)["\\text", "\\textbf", "\\textrm", "\\mbox", "\\textit", "\\mathrm", "\\mathbf", "\\textnormal"])
            {
                if (s.StartsWith(command + "{", StringComparison.Ordinal) && s.EndsWith('}')
                    && AnswerExtractor.BoxContent(s, command.Length) is { } content && content.Length == s.Length - command.Length - 2)
                {
                    s = content.Trim();
                    unwrapped = true;
                    break;
                }
            }

            if (!unwrapped)
            {
                break;
            }
        }

        return s;
    }

    /// <summary>"B", "(B)", "B)" or "(B) 12": a multiple-choice letter from A to J.</summary>
    private static bool TryChoice(string s, out char letter)
    {
        letter = '\0';
        var t = s.Trim();
        if (t.StartsWith("\\textbf{", StringComparison.Ordinal) || t.StartsWith("\\text{", StringComparison.Ordinal))
        {
            t = t.Substring(t.IndexOf('{') + 1).Replace("}", string.Empty, StringComparison.Ordinal);
        }

        if (t.Length == 1 && t[0] is >= 'A' and <= 'J')
        {
            letter = t[0];
            return true;
        }

        if (t.Length >= 3 && t[0] == '(' && t[1] is >= 'A' and <= 'J' && t[2] == ')')
        {
            letter = t[1];
            return true;
        }

        if (t.Length == 2 && t[0] is >= 'A' and <= 'J' && t[1] is ')' or '.')
        {
            letter = t[0];
            return true;
        }

        return false;
    }

    private static readonly HashSet<string> ProseWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "the", "is", "are", "was", "answer", "thus", "therefore", "hence", "we", "get", "final", "which", "that", "this",
        "equals", "so", "solution", "value", "then",
    };

    /// <summary>A word such as "the" or "answer" outside commands: the text is a sentence around an answer, not an answer.</summary>
    private static string? FindProseWord(string s)
    {
        var i = 0;
        while (i < s.Length)
        {
            if (!char.IsAsciiLetter(s[i]))
            {
                i++;
                continue;
            }

            var start = i;
            while (i < s.Length && char.IsAsciiLetter(s[i]))
            {
                i++;
            }

            if (start > 0 && s[start - 1] == '\\')
            {
                continue;
            }

            var word = s.Substring(start, i - start);
            if (ProseWords.Contains(word))
            {
                return word;
            }
        }

        return null;
    }

    /// <summary>Words only ("east", "Evelyn", "no solution"), with a word of three letters or more that is not math.</summary>
    internal static bool IsPlainWords(string s)
    {
        var hasWord = false;
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            if (char.IsLetter(c))
            {
                var start = i;
                while (i < s.Length && char.IsLetter(s[i]))
                {
                    i++;
                }

                var word = s.Substring(start, i - start).ToLowerInvariant();
                if (word.Length >= 3 && !MathParser.FunctionNames.Contains(word) && word is not ("and" or "infinity" or "infty" or "inf"))
                {
                    hasWord = true;
                }

                continue;
            }

            if (!(c is ' ' or '-' or '\'' or ',' or '.' or '!' or '?'))
            {
                return false;
            }

            i++;
        }

        return hasWord;
    }

    internal static string NormalizeText(string s)
    {
        var builder = new StringBuilder(s.Length);
        var space = false;
        foreach (var c in s.Trim().TrimEnd('.', '!', '?'))
        {
            if (char.IsWhiteSpace(c))
            {
                space = builder.Length > 0;
                continue;
            }

            if (space)
            {
                builder.Append(' ');
                space = false;
            }

            builder.Append(char.ToLowerInvariant(c));
        }

        return builder.ToString();
    }

    /// <summary>"1 \pm \sqrt 2" becomes the list {1+√2, 1-√2}; lists of answers are flattened.</summary>
    internal static MathNode ExpandPlusMinus(MathNode root)
    {
        if (root is SequenceNode { IsUnordered: true } list)
        {
            var items = new List<MathNode>();
            foreach (var item in list.Items)
            {
                items.AddRange(Expand(item));
            }

            return list with { Items = items };
        }

        var alternatives = Expand(root);
        return alternatives.Count == 1 ? alternatives[0] : new SequenceNode('\0', '\0', alternatives);
    }

    private static List<MathNode> Expand(MathNode node)
    {
        switch (node)
        {
            case PlusMinusNode pm:
                {
                    var result = new List<MathNode>();
                    var lefts = pm.Left is null ? [null] : Expand(pm.Left).Cast<MathNode?>().ToList();
                    foreach (var left in lefts)
                    {
                        foreach (var right in Expand(pm.Right))
                        {
                            MathNode plus = left is null ? right : new SumNode([left, right]);
                            MathNode minus = left is null ? new NegateNode(right) : new SumNode([left, new NegateNode(right)]);
                            result.Add(pm.MinusFirst ? minus : plus);
                            result.Add(pm.MinusFirst ? plus : minus);
                            Check(result.Count);
                        }
                    }

                    return result;
                }

            case SumNode sum:
                return Combine(sum.Terms, terms => new SumNode(terms));
            case ProductNode product:
                return Combine(product.Factors, factors => new ProductNode(factors));
            case NegateNode negate:
                return Expand(negate.Operand).Select(MathNode (x) => new NegateNode(x)).ToList();
            case DivideNode divide:
                return Combine([divide.Numerator, divide.Denominator], parts => new DivideNode(parts[0], parts[1]));
            case PowerNode power:
                return Combine([power.Base, power.Exponent], parts => new PowerNode(parts[0], parts[1]));
            case RootNode root:
                return Expand(root.Radicand).Select(MathNode (x) => new RootNode(x, root.Degree)).ToList();
            case RelationNode relation:
                return Combine(relation.Operands, operands => new RelationNode(operands, relation.Operators));
            case PercentNode percent:
                return Expand(percent.Operand).Select(MathNode (x) => new PercentNode(x)).ToList();
            case DegreesNode degrees:
                return Expand(degrees.Operand).Select(MathNode (x) => new DegreesNode(x)).ToList();
            case UnitNode unit:
                return Expand(unit.Operand).Select(MathNode (x) => new UnitNode(x, unit.Unit)).ToList();
            default:
                return [node];
        }
    }

    private static List<MathNode> Combine(IReadOnlyList<MathNode> children, Func<IReadOnlyList<MathNode>, MathNode> build)
    {
        var expansions = new List<List<MathNode>>(children.Count);
        var any = false;
        foreach (var child in children)
        {
            var expanded = Expand(child);
            any |= expanded.Count > 1;
            expansions.Add(expanded);
        }

        if (!any)
        {
            return [build(children)];
        }

        var combos = new List<List<MathNode>> { new() };
        foreach (var options in expansions)
        {
            var next = new List<List<MathNode>>();
            foreach (var prefix in combos)
            {
                foreach (var option in options)
                {
                    next.Add([.. prefix, option]);
                    Check(next.Count);
                }
            }

            combos = next;
        }

        return combos.Select(c => build(c)).ToList();
    }

    private static void Check(int count)
    {
        if (count > MaxPlusMinusExpansions)
        {
            throw new AnswerParseException($"more than {MaxPlusMinusExpansions} \\pm alternatives");
        }
    }
}
