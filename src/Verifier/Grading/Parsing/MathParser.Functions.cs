namespace BestOfN.Verifier.Grading;

// Plain identifiers and named functions (sin x, \log_2 8, sqrt(2)).
internal sealed partial class MathParser
{
    internal static readonly HashSet<string> FunctionNames = new(StringComparer.Ordinal)
    {
        "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "ln", "log", "exp", "sqrt", "abs",
    };

    private static readonly string[] PlainFunctionPrefixes =
        ["arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "cot", "sec", "csc", "sqrt", "exp", "log", "ln"];

    private MathNode ParseIdentifier()
    {
        var start = _pos;
        while (char.IsLetter(Current))
        {
            _pos++;
        }

        var word = _text.Substring(start, _pos - start);
        var lower = word.ToLowerInvariant();
        if (lower is "pi")
        {
            return new SymbolNode(SymbolNode.Pi);
        }

        if (lower is "infinity" or "infty" or "inf")
        {
            return new SymbolNode(SymbolNode.Infinity);
        }

        if (FunctionNames.Contains(lower))
        {
            return ParseFunction(lower);
        }

        foreach (var prefix in PlainFunctionPrefixes)
        {
            if (word.Length > prefix.Length && word.StartsWith(prefix, StringComparison.Ordinal))
            {
                _pos = start + prefix.Length;
                return ParseFunction(prefix);
            }
        }

        if (word.Length == 1 || !char.IsAsciiLetter(word[0]))
        {
            _pos = start + 1;
            return new SymbolNode(word.Substring(0, 1));
        }

        // "xy" is the product x·y: return the first letter and let implicit multiplication read the rest.
        _pos = start + 1;
        return LetterSymbol(word[0]);
    }

    private MathNode ParseFunction(string name)
    {
        MathNode? power = null;
        MathNode? logBase = null;
        while (true)
        {
            SkipSpace();
            if (Current == '^')
            {
                _pos++;
                power = ParseScriptArgument(isExponent: true);
            }
            else if (Current == '_')
            {
                _pos++;
                logBase = ParseScriptArgument(isExponent: true);
            }
            else
            {
                break;
            }
        }

        SkipSpace();
        MathNode argument;
        if (Current == '(')
        {
            argument = ParsePrimary();
        }
        else
        {
            var factors = new List<MathNode> { ParsePower() };
            while (StartsImplicitFactor(allowFunctions: false))
            {
                factors.Add(ParsePower());
            }

            argument = factors.Count == 1 ? factors[0] : new ProductNode(factors);
        }

        if (name == "sqrt")
        {
            MathNode root = new RootNode(argument, 2);
            return power is null ? root : new PowerNode(root, power);
        }

        if (name == "abs")
        {
            MathNode abs = new FunctionNode("abs", [argument]);
            return power is null ? abs : new PowerNode(abs, power);
        }

        var isTrig = name is "sin" or "cos" or "tan" or "cot" or "sec" or "csc";
        if (power is NegateNode { Operand: NumberNode { Value: var one } } && one == Rational.One && isTrig && name is "sin" or "cos" or "tan")
        {
            return new FunctionNode("arc" + name, [argument]);
        }

        MathNode function = logBase is null ? new FunctionNode(name, [argument]) : new FunctionNode(name, [argument, logBase]);
        return power is null ? function : new PowerNode(function, power);
    }

    private bool StartsPlainFunction()
    {
        foreach (var prefix in PlainFunctionPrefixes)
        {
            if (string.CompareOrdinal(_text, _pos, prefix, 0, prefix.Length) == 0)
            {
                return true;
            }
        }

        return false;
    }
}
