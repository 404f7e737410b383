namespace BestOfN.Verifier.Grading;

// Brackets, brace groups, sets and |..|-style delimited functions.
internal sealed partial class MathParser
{
    private MathNode ParseDelimited(Func<int> closerLength, string function, string closerName)
    {
        _absDepth++;
        var inner = ParseSum();
        SkipSpace();
        var length = closerLength();
        if (length == 0)
        {
            throw Error($"missing closing {closerName}");
        }

        _pos += length;
        _absDepth--;
        return new FunctionNode(function, [inner]);
    }

    private MathNode ParseBracket()
    {
        var open = Current;
        _pos++;
        _bracketDepth++;
        var savedAbs = _absDepth;
        _absDepth = 0;
        var items = ParseList();
        _absDepth = savedAbs;
        SkipSpace();
        var close = Current;
        if (close is not (')' or ']'))
        {
            throw Error($"missing closing bracket for '{open}'");
        }

        _pos++;
        _bracketDepth--;
        if (items.Count == 0)
        {
            throw Error("empty brackets");
        }

        if (items.Count == 1 && ((open == '(' && close == ')') || (open == '[' && close == ']')))
        {
            return items[0];
        }

        return new SequenceNode(open, close, items);
    }

    private MathNode ParseBraceGroup()
    {
        _pos++;
        _bracketDepth++;
        var items = ParseList();
        SkipSpace();
        if (Current != '}')
        {
            throw Error("missing '}'");
        }

        _pos++;
        _bracketDepth--;
        if (items.Count == 0)
        {
            throw Error("empty group");
        }

        return items.Count == 1 ? items[0] : new SequenceNode('\0', '\0', items);
    }

    private MathNode ParseSet()
    {
        _bracketDepth++;
        var items = ParseList();
        SkipSpace();
        if (Current == '\\' && Peek(1) == '}')
        {
            _pos += 2;
        }
        else if (Current == '\\' && PeekCommandName() == "rbrace")
        {
            ReadCommandName();
        }
        else
        {
            throw Error("missing '\\}'");
        }

        _bracketDepth--;
        return new SequenceNode('{', '}', items);
    }
}
