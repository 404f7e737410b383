namespace BestOfN.Verifier.Grading;

// Where a juxtaposed factor starts an implicit product (2x, 3\pi, x(y+1)).
internal sealed partial class MathParser
{
    private static readonly HashSet<string> ValueCommands = new(StringComparer.Ordinal)
    {
        "frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "infin", "binom", "dbinom", "tbinom", "lfloor", "lceil",
        "lvert", "vert", "operatorname", "begin", "lbrace", "sum", "prod",
    };

    private bool StartsImplicitFactor(bool allowFunctions)
    {
        SkipSpace();
        if (AtEnd)
        {
            return false;
        }

        var c = Current;
        if (char.IsAsciiDigit(c) || (c == '.' && char.IsAsciiDigit(Peek(1))))
        {
            return true;
        }

        if (char.IsLetter(c))
        {
            if (IsSeparatorWordAt(_pos, out _))
            {
                return false;
            }

            return allowFunctions || !StartsPlainFunction();
        }

        if (c is '(' or '{')
        {
            return true;
        }

        if (c == '|')
        {
            return _absDepth == 0;
        }

        if (c == '\\')
        {
            if (Peek(1) == '{')
            {
                return false;
            }

            var name = PeekCommandName();
            if (FunctionNames.Contains(name))
            {
                return allowFunctions;
            }

            return ValueCommands.Contains(name) || GreekLetters.Contains(name) || MathStyleCommands.Contains(name);
        }

        return false;
    }
}
