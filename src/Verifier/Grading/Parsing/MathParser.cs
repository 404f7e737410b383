namespace BestOfN.Verifier.Grading;

/// <summary>
/// A recursive-descent parser of LaTeX and plain-text answers into a <see cref="MathNode"/> tree. It reads characters
/// directly (no tokenizer), never evaluates anything, and stops at the nesting depth and time budget it is given.
/// </summary>
internal sealed partial class MathParser
{
    /// <summary>Longer literals are refused: parsing a BigInteger is not linear, and no answer needs them.</summary>
    private const int MaxDigits = 10_000;

    private readonly string _text;
    private readonly GraderOptions _options;
    private readonly GradingBudget _budget;
    private int _pos;
    private int _depth;
    private int _bracketDepth;
    private int _absDepth;

    private MathParser(string text, GraderOptions options, GradingBudget budget, int depth)
    {
        _text = text;
        _options = options;
        _budget = budget;
        _depth = depth;
    }

    /// <summary>Parses a whole answer; a comma list at the top becomes a bare <see cref="SequenceNode"/>.</summary>
    public static MathNode Parse(string text, GraderOptions options, GradingBudget budget) => Parse(text, options, budget, 0);

    private static MathNode Parse(string text, GraderOptions options, GradingBudget budget, int depth)
    {
        var parser = new MathParser(text, options, budget, depth);
        var items = parser.ParseList();
        parser.SkipSpace();
        if (parser._pos < text.Length)
        {
            throw parser.Error($"unexpected '{text[parser._pos]}'");
        }

        if (items.Count == 0)
        {
            throw new AnswerParseException("empty answer");
        }

        return items.Count == 1 ? items[0] : new SequenceNode('\0', '\0', items);
    }

    private AnswerParseException Error(string message) =>
        new($"{message} at position {_pos}");

    private bool AtEnd => _pos >= _text.Length;

    private char Current => _pos < _text.Length ? _text[_pos] : '\0';

    private char Peek(int offset) => _pos + offset < _text.Length ? _text[_pos + offset] : '\0';

    private void Enter()
    {
        _budget.Tick();
        if (++_depth > _options.MaxNestingDepth)
        {
            throw new AnswerParseException($"nesting deeper than {_options.MaxNestingDepth}");
        }
    }

    private void Exit() => _depth--;

    private MathNode ParsePrimary()
    {
        Enter();
        SkipSpace();
        if (AtEnd)
        {
            throw Error("unexpected end");
        }

        var c = Current;
        MathNode result;
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            result = ParseNumber();
        }
        else if (char.IsLetter(c))
        {
            result = ParseIdentifier();
        }
        else if (c is '(' or '[')
        {
            result = ParseBracket();
        }
        else if (c == '{')
        {
            result = ParseBraceGroup();
        }
        else if (c == '|')
        {
            _pos++;
            result = ParseDelimited(
                () => Current == '|' ? 1 : 0,
                "abs",
                "|");
        }
        else if (c == '\\')
        {
            result = ParseCommand();
        }
        else
        {
            throw Error($"unexpected '{c}'");
        }

        Exit();
        return result;
    }
}
