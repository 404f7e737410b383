namespace BestOfN.Verifier.Grading;

// Sums, products, quotients, signs and powers.
internal sealed partial class MathParser
{
    private MathNode ParseSum()
    {
        var first = ParseTerm();
        List<MathNode>? terms = null;
        var plusMinusCount = 0;
        while (true)
        {
            SkipSpace();
            var c = Current;
            if (c == '+')
            {
                _pos++;
                (terms ??= [first]).Add(ParseTerm());
            }
            else if (c == '-')
            {
                _pos++;
                (terms ??= [first]).Add(new NegateNode(ParseTerm()));
            }
            else if (c == '\\' && PeekCommandName() is "pm" or "mp")
            {
                if (++plusMinusCount > _options.MaxNestingDepth)
                {
                    throw new AnswerParseException($"more than {_options.MaxNestingDepth} \\pm in a row");
                }

                var minusFirst = ReadCommandName() == "mp";
                var left = terms is null ? first : new SumNode(terms);
                first = new PlusMinusNode(left, ParseTerm(), minusFirst);
                terms = null;
            }
            else
            {
                break;
            }
        }

        return terms is null ? first : new SumNode(terms);
    }

    private MathNode ParseTerm()
    {
        var factors = new List<MathNode> { ParseUnary() };
        var divisions = 0;
        while (true)
        {
            if (divisions > _options.MaxNestingDepth)
            {
                throw new AnswerParseException($"more than {_options.MaxNestingDepth} chained divisions");
            }

            SkipSpace();
            if (AtEnd)
            {
                break;
            }

            var c = Current;
            if (c == '*')
            {
                _pos++;
                factors.Add(ParseUnary());
                continue;
            }

            if (c == '/')
            {
                _pos++;
                var denominator = ParseUnary();
                var numerator = factors.Count == 1 ? factors[0] : new ProductNode(factors);
                factors = [new DivideNode(numerator, denominator)];
                divisions++;
                continue;
            }

            if (c == '\\')
            {
                var name = PeekCommandName();
                if (name is "cdot" or "times" or "ast")
                {
                    ReadCommandName();
                    factors.Add(ParseUnary());
                    continue;
                }

                if (name == "div")
                {
                    ReadCommandName();
                    var denominator = ParseUnary();
                    var numerator = factors.Count == 1 ? factors[0] : new ProductNode(factors);
                    factors = [new DivideNode(numerator, denominator)];
                    divisions++;
                    continue;
                }
            }

            if (TryUnit(out var unit))
            {
                var value = factors.Count == 1 ? factors[0] : new ProductNode(factors);
                factors = [ApplyUnit(value, unit)];
                continue;
            }

            if (StartsImplicitFactor(allowFunctions: true))
            {
                factors.Add(ParsePower());
                continue;
            }

            break;
        }

        return factors.Count == 1 ? factors[0] : new ProductNode(factors);
    }

    private MathNode ParseUnary()
    {
        SkipSpace();
        var c = Current;
        if (c is '-' or '+')
        {
            Enter();
            _pos++;
            var operand = ParseUnary();
            Exit();
            return c == '-' ? new NegateNode(operand) : operand;
        }

        if (c == '\\' && PeekCommandName() is "pm" or "mp")
        {
            Enter();
            var minusFirst = ReadCommandName() == "mp";
            var operand = ParseUnary();
            Exit();
            return new PlusMinusNode(null, operand, minusFirst);
        }

        return ParsePower();
    }

    private MathNode ParsePower()
    {
        var node = ParsePostfix(ParsePrimary());
        var levels = 0;
        while (true)
        {
            SkipSpace();
            if (Current != '^')
            {
                _depth -= levels;
                return node;
            }

            // Each ^ nests the tree one level deeper: a^b^c^... counts against the nesting limit.
            Enter();
            levels++;
            _pos++;
            SkipSpace();
            if (TryDegreeMark())
            {
                node = ParsePostfix(new DegreesNode(node));
                continue;
            }

            node = ParsePostfix(new PowerNode(node, ParseScriptArgument(isExponent: true)));
        }
    }

    /// <summary>Reads <c>\circ</c> or <c>{\circ}</c> after a <c>^</c>.</summary>
    private bool TryDegreeMark()
    {
        var save = _pos;
        if (Current == '{')
        {
            _pos++;
            SkipSpace();
            if (Current == '\\' && ReadCommandName() == "circ")
            {
                SkipSpace();
                if (Current == '}')
                {
                    _pos++;
                    return true;
                }
            }

            _pos = save;
            return false;
        }

        if (Current == '\\' && ReadCommandName() == "circ")
        {
            return true;
        }

        _pos = save;
        return false;
    }
}
