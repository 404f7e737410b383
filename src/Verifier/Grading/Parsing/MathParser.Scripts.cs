namespace BestOfN.Verifier.Grading;

// Postfix marks (!, %, °), subscripts and the one-token arguments of ^ and of LaTeX macros.
internal sealed partial class MathParser
{
    private MathNode ParsePostfix(MathNode node)
    {
        var levels = 0;
        while (!AtEnd)
        {
            if (levels > _options.MaxNestingDepth)
            {
                throw new AnswerParseException($"nesting deeper than {_options.MaxNestingDepth}");
            }

            levels++;
            var c = Current;
            if (c == '!' && Peek(1) != '=')
            {
                _pos++;
                node = new FunctionNode("factorial", [node]);
            }
            else if (c == '%')
            {
                _pos++;
                node = new PercentNode(node);
            }
            else if (c == '\\' && Peek(1) == '%')
            {
                _pos += 2;
                node = new PercentNode(node);
            }
            else if (c == '\\' && PeekCommandName() is "circ" or "degree")
            {
                ReadCommandName();
                node = new DegreesNode(node);
            }
            else if (c == '_')
            {
                _pos++;
                node = ApplySubscript(node);
            }
            else if (c == ' ' && Peek(1) is '%')
            {
                _pos++;
            }
            else
            {
                break;
            }
        }

        return node;
    }

    private MathNode ApplySubscript(MathNode node)
    {
        SkipSpace();
        string subscript;
        if (Current == '{')
        {
            if (!TryReadBraceContent(out subscript))
            {
                throw Error("unbalanced subscript");
            }

            subscript = subscript.Trim();
        }
        else if (char.IsAsciiLetterOrDigit(Current))
        {
            subscript = Current.ToString();
            _pos++;
            // Number bases are written with a whole number: 204_5, 1010_{2}, 52_8 or 777_10.
            while (node is NumberNode && char.IsAsciiDigit(Current))
            {
                subscript += Current;
                _pos++;
            }
        }
        else
        {
            throw Error("empty subscript");
        }

        return node switch
        {
            // A numeral in another base (204_5): the digits are the answer, as MATH's references write them.
            NumberNode number when subscript.Length > 0 && subscript.All(char.IsAsciiDigit) => number,
            SymbolNode symbol => new SymbolNode(symbol.Name + "_" + subscript.Replace(" ", string.Empty, StringComparison.Ordinal)),
            _ => throw Error("unsupported subscript"),
        };
    }

    /// <summary>An exponent or a one-token argument: <c>{..}</c>, a digit run (exponents) or a single digit (LaTeX macros), a letter or a command.</summary>
    private MathNode ParseScriptArgument(bool isExponent)
    {
        SkipSpace();
        var c = Current;
        if (c == '{')
        {
            return ParseBraceGroup();
        }

        if (c == '-' && isExponent)
        {
            _pos++;
            Enter();
            var operand = ParseScriptArgument(isExponent);
            Exit();
            return new NegateNode(operand);
        }

        if (char.IsAsciiDigit(c))
        {
            if (isExponent)
            {
                // Plain-text answers write 2^10 for 2^{10}.
                var start = _pos;
                while (char.IsAsciiDigit(Current))
                {
                    _pos++;
                }

                if (_pos - start > MaxDigits)
                {
                    throw Error($"a number longer than {MaxDigits} digits");
                }

                return Integer(_text.AsSpan(start, _pos - start));
            }

            _pos++;
            return new NumberNode(Rational.FromInteger(c - '0'), 0);
        }

        if (char.IsAsciiLetter(c))
        {
            _pos++;
            return LetterSymbol(c);
        }

        if (c == '\\' || c == '(')
        {
            return ParsePrimary();
        }

        throw Error("missing argument");
    }

    private static MathNode LetterSymbol(char c) => new SymbolNode(c.ToString());
}
