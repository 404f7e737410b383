using System.Globalization;

namespace BestOfN.Verifier.Grading;

// Lists, relations (=, <, \le, \in), ratios and unions: the levels above a single expression.
internal sealed partial class MathParser
{
    private List<MathNode> ParseList()
    {
        var items = new List<MathNode>();
        while (true)
        {
            SkipSpace();
            while (TrySeparator())
            {
                SkipSpace();
            }

            if (AtListEnd())
            {
                return items;
            }

            items.Add(ParseRelation());
            SkipSpace();
            if (!TrySeparator())
            {
                return items;
            }
        }
    }

    private bool AtListEnd()
    {
        if (AtEnd)
        {
            return true;
        }

        var c = Current;
        if (c is ')' or ']' or '}' or '&')
        {
            return true;
        }

        if (c == '\\')
        {
            var next = Peek(1);
            if (next == '\\' || next == '}')
            {
                return true;
            }

            var name = PeekCommandName();
            return name is "end" or "rbrace" or "rfloor" or "rceil" or "rvert";
        }

        return false;
    }

    private bool TrySeparator()
    {
        if (AtEnd)
        {
            return false;
        }

        var c = Current;
        if (c is ',' or ';')
        {
            _pos++;
            return true;
        }

        if (IsSeparatorWordAt(_pos, out var length))
        {
            _pos += length;
            return true;
        }

        if (c == '\\')
        {
            var save = _pos;
            var name = ReadCommandName();
            if (TextCommands.Contains(name) && TryReadBraceContent(out var content) && IsSeparatorText(content.Trim()))
            {
                return true;
            }

            _pos = save;
        }

        return false;
    }

    private static bool IsSeparatorText(string content) => content is "or" or "and" or "," or "or," or "and,";

    private bool IsSeparatorWordAt(int at, out int length)
    {
        length = 0;
        foreach (var word in (ReadOnlySpan<string>)["or", "and"])
        {
            if (string.CompareOrdinal(_text, at, word, 0, word.Length) == 0
                && (at == 0 || !char.IsLetter(_text[at - 1]))
                && (at + word.Length >= _text.Length || !char.IsLetter(_text[at + word.Length])))
            {
                length = word.Length;
                return true;
            }
        }

        return false;
    }

    private MathNode ParseRelation()
    {
        var first = ParseRatio();
        List<MathNode>? operands = null;
        List<string>? operators = null;
        while (TryRelationOperator(out var op))
        {
            operands ??= [first];
            operators ??= [];
            operators.Add(op);
            operands.Add(ParseRatio());
        }

        return operands is null ? first : new RelationNode(operands, operators!);
    }

    /// <summary>A ratio "3:1" is read as the quotient 3/1; the shape h:mm ("4:30", "10:05 pm") is a clock time.</summary>
    private MathNode ParseRatio()
    {
        SkipSpace();
        if (TryClockTime() is { } time)
        {
            return time;
        }

        var first = ParseUnion();
        SkipSpace();
        if (Current == ':' && Peek(1) != '=')
        {
            _pos++;
            return new DivideNode(first, ParseUnion());
        }

        return first;
    }

    private bool TryRelationOperator(out string op)
    {
        SkipSpace();
        op = string.Empty;
        var c = Current;
        switch (c)
        {
            case '=':
                _pos += Peek(1) == '=' ? 2 : 1;
                op = "=";
                return true;
            case '<':
                _pos++;
                op = Current == '=' ? "<=" : "<";
                if (op == "<=")
                {
                    _pos++;
                }

                return true;
            case '>':
                _pos++;
                op = Current == '=' ? ">=" : ">";
                if (op == ">=")
                {
                    _pos++;
                }

                return true;
            case '!' when Peek(1) == '=':
                _pos += 2;
                op = "!=";
                return true;
            case '\\':
                var save = _pos;
                var name = ReadCommandName();
                op = name switch
                {
                    "le" or "leq" or "leqslant" => "<=",
                    "ge" or "geq" or "geqslant" => ">=",
                    "lt" => "<",
                    "gt" => ">",
                    "ne" or "neq" => "!=",
                    "approx" => "≈",
                    "equiv" => "=",
                    "in" => "in",
                    _ => string.Empty,
                };
                if (op.Length > 0)
                {
                    return true;
                }

                _pos = save;
                return false;
            default:
                return false;
        }
    }

    private MathNode ParseUnion()
    {
        var first = ParseSum();
        List<MathNode>? parts = null;
        while (true)
        {
            SkipSpace();
            var save = _pos;
            if (Current == '\\' && ReadCommandName() == "cup")
            {
                parts ??= [first];
                parts.Add(ParseSum());
                continue;
            }

            _pos = save;
            break;
        }

        return parts is null ? first : new UnionNode(parts);
    }

    /// <summary>One or two digits for the hour (0-23), a colon, exactly two for the minutes (00-59), then an optional am/pm.</summary>
    private ClockTimeNode? TryClockTime()
    {
        var start = _pos;
        var i = _pos;
        while (i < _text.Length && i - start < 3 && char.IsAsciiDigit(_text[i]))
        {
            i++;
        }

        var hourDigits = i - start;
        if (hourDigits is < 1 or > 2 || i + 3 > _text.Length || _text[i] != ':'
            || !char.IsAsciiDigit(_text[i + 1]) || !char.IsAsciiDigit(_text[i + 2])
            || (i + 3 < _text.Length && (char.IsAsciiDigit(_text[i + 3]) || _text[i + 3] is '.' or ':' or '/' or '^')))
        {
            return null;
        }

        var hours = int.Parse(_text.AsSpan(start, hourDigits), CultureInfo.InvariantCulture);
        var minutes = (_text[i + 1] - '0') * 10 + (_text[i + 2] - '0');
        if (hours > 23 || minutes > 59)
        {
            return null;
        }

        _pos = i + 3;
        var save = _pos;
        SkipSpace();
        if (TryMeridiem(out var afternoon) && hours is >= 1 and <= 12)
        {
            hours = hours % 12 + (afternoon ? 12 : 0);
        }
        else
        {
            _pos = save;
        }

        return new ClockTimeNode(hours, minutes);
    }

    private bool TryMeridiem(out bool afternoon)
    {
        afternoon = false;
        var c = char.ToLowerInvariant(Current);
        if (c is not ('a' or 'p'))
        {
            return false;
        }

        var i = _pos + 1;
        if (i < _text.Length && _text[i] == '.')
        {
            i++;
        }

        if (i >= _text.Length || char.ToLowerInvariant(_text[i]) != 'm')
        {
            return false;
        }

        i++;
        if (i < _text.Length && _text[i] == '.')
        {
            i++;
        }

        if (i < _text.Length && char.IsLetter(_text[i]))
        {
            return false;
        }

        afternoon = c == 'p';
        _pos = i;
        return true;
    }
}
