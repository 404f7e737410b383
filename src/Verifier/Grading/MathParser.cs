using System.Globalization;
using System.Numerics;

namespace BestOfN.Verifier.Grading;

/// <summary>
/// A recursive-descent parser of LaTeX and plain-text answers into a <see cref="MathNode"/> tree. It reads characters
/// directly (no tokenizer), never evaluates anything, and stops at the nesting depth and time budget it is given.
/// </summary>
internal sealed class MathParser
{
    internal static readonly HashSet<string> FunctionNames = new(StringComparer.Ordinal)
    {
        "sin", "cos", "tan", "cot", "sec", "csc", "arcsin", "arccos", "arctan", "sinh", "cosh", "tanh",
        "ln", "log", "exp", "sqrt", "abs",
    };

    private static readonly string[] PlainFunctionPrefixes =
        ["arcsin", "arccos", "arctan", "sinh", "cosh", "tanh", "sin", "cos", "tan", "cot", "sec", "csc", "sqrt", "exp", "log", "ln"];

    private static readonly HashSet<string> GreekLetters = new(StringComparer.Ordinal)
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
    };

    /// <summary>Unit words dropped after a number when units are stripped; longer unknown words are treated the same way.</summary>
    internal static readonly HashSet<string> UnitWords = new(StringComparer.OrdinalIgnoreCase)
    {
        "cm", "mm", "km", "m", "ft", "yd", "mi", "kg", "mg", "lb", "lbs", "oz", "ml", "hr", "hrs", "sec", "min", "mph", "kph",
        "inch", "inches", "feet", "foot", "yard", "yards", "meter", "meters", "metre", "metres", "mile", "miles",
        "units", "unit", "cents", "cent", "dollars", "dollar", "hours", "hour", "minutes", "minute", "seconds", "second",
        "days", "day", "weeks", "week", "years", "year", "sq", "square", "cubic", "grams", "gram", "pounds", "pound",
        "liters", "liter", "litres", "gallons", "gallon", "points", "point", "people", "students", "ways",
    };

    private static readonly HashSet<string> SpacingCommands = new(StringComparer.Ordinal)
    {
        "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "mathstrut", "strut",
        "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
        "middle", "nonumber", "notag",
    };

    private static readonly HashSet<string> TextCommands = new(StringComparer.Ordinal)
    {
        "text", "textrm", "textit", "textbf", "textsf", "texttt", "textnormal", "textup", "mbox", "hbox",
    };

    private static readonly HashSet<string> MathStyleCommands = new(StringComparer.Ordinal)
    {
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "mathnormal", "rm", "bf",
    };

    private static readonly HashSet<string> ValueCommands = new(StringComparer.Ordinal)
    {
        "frac", "dfrac", "tfrac", "cfrac", "sqrt", "pi", "infty", "infin", "binom", "dbinom", "tbinom", "lfloor", "lceil",
        "lvert", "vert", "operatorname", "begin", "lbrace",
    };

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

    // ---- lists and relations ----

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

    /// <summary>A ratio "3:1" is read as the quotient 3/1.</summary>
    private MathNode ParseRatio()
    {
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
                    "approx" or "equiv" => "=",
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

    // ---- arithmetic ----

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

    private MathNode ApplyUnit(MathNode value, string unit)
    {
        var lower = unit.ToLowerInvariant();
        if (lower is "degree" or "degrees" or "deg" or "°")
        {
            return new DegreesNode(value);
        }

        if (lower is "percent" or "%")
        {
            return new PercentNode(value);
        }

        return _options.StripUnits ? value : new UnitNode(value, lower);
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

    // ---- primaries ----

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

    private MathNode ParseNumber()
    {
        var digits = new System.Text.StringBuilder();
        var integerDigits = 0;
        while (char.IsAsciiDigit(Current))
        {
            digits.Append(Current);
            integerDigits++;
            _pos++;
        }

        // Thousands separators: "1,234" at the top level, "10,\!080" and "1{,}000" anywhere.
        var groupedDigits = integerDigits;
        while (integerDigits > 0 && TryThousandsGroup(groupedDigits, out var groupEnd))
        {
            digits.Append(_text, groupEnd - 3, 3);
            _pos = groupEnd;
            groupedDigits = 3;
        }

        var decimalPlaces = 0;
        if (Current == '.' && char.IsAsciiDigit(Peek(1)))
        {
            _pos++;
            while (char.IsAsciiDigit(Current))
            {
                digits.Append(Current);
                decimalPlaces++;
                _pos++;
            }
        }

        var exponent = 0L;
        var hasExponent = false;
        if (Current is 'e' or 'E')
        {
            var offset = 1;
            if (Peek(1) is '+' or '-')
            {
                offset = 2;
            }

            if (char.IsAsciiDigit(Peek(offset)))
            {
                var negative = Peek(1) == '-';
                _pos += offset;
                var start = _pos;
                while (char.IsAsciiDigit(Current))
                {
                    _pos++;
                }

                var span = _text.AsSpan(start, _pos - start);
                exponent = span.Length > 9 ? long.MaxValue : long.Parse(span, CultureInfo.InvariantCulture);
                if (negative)
                {
                    exponent = -exponent;
                }

                hasExponent = true;
            }
        }

        if (digits.Length > MaxDigits)
        {
            throw Error($"a number longer than {MaxDigits} digits");
        }

        var mantissa = new Rational(BigInteger.Parse(digits.ToString(), CultureInfo.InvariantCulture), BigInteger.Pow(10, decimalPlaces));
        MathNode number = new NumberNode(mantissa, decimalPlaces);
        if (hasExponent)
        {
            if (Math.Abs(exponent) <= _options.MaxExponent)
            {
                number = new NumberNode(mantissa * Rational.FromInteger(10).Pow((int)exponent), Math.Max(0, decimalPlaces - (int)exponent));
            }
            else
            {
                var ten = new NumberNode(Rational.FromInteger(10), 0);
                var power = new NumberNode(Rational.FromInteger(Math.Abs(exponent) > 1_000_000_000 ? 1_000_000_000 : Math.Abs(exponent)), 0);
                number = new ProductNode([number, new PowerNode(ten, exponent < 0 ? new NegateNode(power) : power)]);
            }
        }
        else if (decimalPlaces == 0)
        {
            number = TryMixedNumber(number);
        }

        return number;
    }

    private bool TryThousandsGroup(int previousGroupDigits, out int groupEnd)
    {
        groupEnd = 0;
        var i = _pos;
        if (Peek(0) == '{' && Peek(1) == ',' && Peek(2) == '}')
        {
            i += 3;
        }
        else if (Peek(0) == '\\' && Peek(1) is ',' or ' ' or '!' or ';')
        {
            // LaTeX thin spaces: 1\,000 and 1\ 000.
            i += 2;
        }
        else if (Peek(0) == ' ' && _bracketDepth == 0 && _absDepth == 0 && previousGroupDigits <= 3)
        {
            // "1 000 000" at the top level; inside brackets a space never joins numbers.
            i++;
        }
        else if (Peek(0) == ',')
        {
            i++;
            var explicitThin = i + 1 < _text.Length && _text[i] == '\\' && _text[i + 1] == '!';
            if (explicitThin)
            {
                i += 2;
                while (i < _text.Length && _text[i] == ' ')
                {
                    i++;
                }
            }
            else if (_bracketDepth > 0 || _absDepth > 0 || previousGroupDigits > 3)
            {
                return false;
            }
        }
        else
        {
            return false;
        }

        if (i + 3 > _text.Length || !char.IsAsciiDigit(_text[i]) || !char.IsAsciiDigit(_text[i + 1]) || !char.IsAsciiDigit(_text[i + 2]))
        {
            return false;
        }

        if (i + 3 < _text.Length && char.IsAsciiDigit(_text[i + 3]))
        {
            return false;
        }

        groupEnd = i + 3;
        return true;
    }

    /// <summary>"1\frac{4}{5}" and "7 3/4" are mixed numbers, not products.</summary>
    private MathNode TryMixedNumber(MathNode whole)
    {
        var save = _pos;
        if (Current == ' ' && TryPlainProperFraction() is { } plain)
        {
            return new SumNode([whole, plain]);
        }

        _pos = save;
        SkipSpace();
        if (Current == '\\' && PeekCommandName() is "frac" or "dfrac" or "tfrac")
        {
            var fraction = ParseCommand();
            if (fraction is DivideNode { Numerator: NumberNode { DecimalPlaces: 0 } numerator, Denominator: NumberNode { DecimalPlaces: 0 } denominator }
                && numerator.Value.Sign > 0 && denominator.Value.Sign > 0 && numerator.Value.CompareTo(denominator.Value) < 0)
            {
                return new SumNode([whole, fraction]);
            }
        }

        _pos = save;
        return whole;
    }

    /// <summary>" 3/4" with integers, the numerator below the denominator, and nothing number-like after it.</summary>
    private DivideNode? TryPlainProperFraction()
    {
        while (Current == ' ')
        {
            _pos++;
        }

        var numeratorStart = _pos;
        while (char.IsAsciiDigit(Current))
        {
            _pos++;
        }

        var numeratorEnd = _pos;
        if (numeratorEnd == numeratorStart || numeratorEnd - numeratorStart > 9 || Current != '/')
        {
            return null;
        }

        _pos++;
        var denominatorStart = _pos;
        while (char.IsAsciiDigit(Current))
        {
            _pos++;
        }

        if (_pos == denominatorStart || _pos - denominatorStart > 9 || Current is '.' or '^' or '/' or '_' || char.IsLetter(Current) || Current == '\\')
        {
            return null;
        }

        var numerator = Integer(_text.AsSpan(numeratorStart, numeratorEnd - numeratorStart));
        var denominator = Integer(_text.AsSpan(denominatorStart, _pos - denominatorStart));
        if (numerator.Value.Sign <= 0 || numerator.Value.CompareTo(denominator.Value) >= 0)
        {
            return null;
        }

        return new DivideNode(numerator, denominator);
    }

    private static NumberNode Integer(ReadOnlySpan<char> digits) =>
        new(Rational.FromInteger(BigInteger.Parse(digits, CultureInfo.InvariantCulture)), 0);

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

    private MathNode ParseCommand()
    {
        if (Peek(1) == '{')
        {
            _pos += 2;
            return ParseSet();
        }

        var name = ReadCommandName();
        switch (name)
        {
            case "frac" or "dfrac" or "tfrac" or "cfrac":
            {
                var numerator = ParseScriptArgument(isExponent: false);
                var denominator = ParseScriptArgument(isExponent: false);
                return new DivideNode(numerator, denominator);
            }

            case "sqrt":
            {
                var degree = 2;
                SkipSpace();
                if (Current == '[')
                {
                    var close = _text.IndexOf(']', _pos);
                    if (close < 0 || !int.TryParse(_text.AsSpan(_pos + 1, close - _pos - 1).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out degree)
                        || degree is < 2 or > 64)
                    {
                        throw Error("root degree must be an integer from 2 to 64");
                    }

                    _pos = close + 1;
                }

                return new RootNode(ParseScriptArgument(isExponent: false), degree);
            }

            case "pi":
                return new SymbolNode(SymbolNode.Pi);
            case "infty" or "infin":
                return new SymbolNode(SymbolNode.Infinity);
            case "lbrace":
                return ParseSet();
            case "emptyset" or "varnothing":
                return new SequenceNode('{', '}', []);
            case "binom" or "dbinom" or "tbinom":
            {
                var n = ParseScriptArgument(isExponent: false);
                var k = ParseScriptArgument(isExponent: false);
                return new FunctionNode("binom", [n, k]);
            }

            case "lfloor":
                return ParseDelimited(() => MatchCommand("rfloor"), "floor", "\\rfloor");
            case "lceil":
                return ParseDelimited(() => MatchCommand("rceil"), "ceil", "\\rceil");
            case "lvert":
                return ParseDelimited(() => MatchCommand("rvert"), "abs", "\\rvert");
            case "vert":
                return ParseDelimited(() => MatchCommand("vert"), "abs", "\\vert");
            case "operatorname":
            {
                if (!TryReadBraceContent(out var function))
                {
                    throw Error("unbalanced \\operatorname");
                }

                function = function.Trim();
                if (!FunctionNames.Contains(function))
                {
                    throw Error($"unsupported function '{function}'");
                }

                return ParseFunction(function);
            }

            case "begin":
                return ParseEnvironment();
            case "overline" or "overrightarrow" or "vec" or "widehat" or "hat" or "bar" or "angle" or "triangle" or "arc" or "overarc":
            {
                // A named object such as the segment \overline{CD}: a symbol of its own, not the product C·D.
                SkipSpace();
                string label;
                if (Current == '{')
                {
                    if (!TryReadBraceContent(out label))
                    {
                        throw Error($"unbalanced \\{name}");
                    }
                }
                else
                {
                    var start = _pos;
                    while (char.IsAsciiLetter(Current))
                    {
                        _pos++;
                    }

                    label = _text.Substring(start, _pos - start);
                }

                label = label.Replace(" ", string.Empty, StringComparison.Ordinal);
                if (label.Length == 0)
                {
                    throw Error($"empty \\{name}");
                }

                return new SymbolNode(name + ":" + label);
            }

        }

        if (FunctionNames.Contains(name))
        {
            return ParseFunction(name);
        }

        if (GreekLetters.Contains(name))
        {
            return new SymbolNode(name);
        }

        if (MathStyleCommands.Contains(name))
        {
            SkipSpace();
            if (Current == '{')
            {
                return ParseBraceGroup();
            }

            return ParsePrimary();
        }

        if (TextCommands.Contains(name))
        {
            if (!TryReadBraceContent(out var content))
            {
                throw Error($"unbalanced \\{name}");
            }

            return ParseTextContent(content);
        }

        throw Error(name.Length == 0 ? "stray backslash" : $"unsupported command \\{name}");
    }

    /// <summary>Text in math position: words are a <see cref="TextNode"/>, anything else is parsed as math.</summary>
    private MathNode ParseTextContent(string content)
    {
        var trimmed = content.Trim();
        if (trimmed.Length == 0)
        {
            throw Error("empty \\text{}");
        }

        if (AnswerParser.IsPlainWords(trimmed))
        {
            return new TextNode(AnswerParser.NormalizeText(trimmed));
        }

        return Parse(trimmed, _options, _budget, _depth + 1);
    }

    private int MatchCommand(string expected)
    {
        if (Current == '\\' && PeekCommandName() == expected)
        {
            return 1 + expected.Length;
        }

        return 0;
    }

    private MathNode ParseEnvironment()
    {
        if (!TryReadBraceContent(out var environment))
        {
            throw Error("unbalanced \\begin");
        }

        environment = environment.Trim();
        if (environment is not ("pmatrix" or "bmatrix" or "Bmatrix" or "matrix" or "vmatrix" or "smallmatrix" or "array"))
        {
            throw Error($"unsupported environment '{environment}'");
        }

        if (environment == "array")
        {
            SkipSpace();
            if (!TryReadBraceContent(out _))
            {
                throw Error("missing array column specification");
            }
        }

        var rows = new List<IReadOnlyList<MathNode>>();
        var row = new List<MathNode>();
        _bracketDepth++;
        while (true)
        {
            SkipSpace();
            if (AtEnd)
            {
                throw Error($"missing \\end{{{environment}}}");
            }

            if (Current == '\\' && PeekCommandName() == "end")
            {
                ReadCommandName();
                if (!TryReadBraceContent(out var end) || end.Trim() != environment)
                {
                    throw Error($"mismatched \\end for {environment}");
                }

                break;
            }

            row.Add(ParseUnion());
            SkipSpace();
            if (Current == '&')
            {
                _pos++;
                continue;
            }

            if (Current == '\\' && Peek(1) == '\\')
            {
                _pos += 2;
                rows.Add(row);
                row = [];
                continue;
            }

            if (!(Current == '\\' && PeekCommandName() == "end"))
            {
                throw Error("unexpected content in matrix");
            }
        }

        _bracketDepth--;
        if (row.Count > 0)
        {
            rows.Add(row);
        }

        if (rows.Count == 0 || rows.Any(r => r.Count != rows[0].Count))
        {
            throw Error("matrix rows differ in length");
        }

        if (environment == "vmatrix")
        {
            throw Error("determinants are not supported");
        }

        return new MatrixNode(rows);
    }

    // ---- implicit multiplication and units ----

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

    /// <summary>A unit after a value: <c>\text{ cm}^2</c>, <c>\mbox{inches}</c>, or a unit word such as "cm" or "dollars".</summary>
    private bool TryUnit(out string unit)
    {
        unit = string.Empty;
        var save = _pos;
        if (Current == '\\')
        {
            var name = ReadCommandName();
            var isText = TextCommands.Contains(name);
            if ((isText || name == "mathrm") && TryReadBraceContent(out var content))
            {
                var trimmed = content.Trim();
                var isUnit = isText
                    ? trimmed.Length > 0 && !IsSeparatorText(trimmed) && IsUnitText(trimmed)
                    : trimmed.Length >= 2 && trimmed.All(char.IsAsciiLetter) && !FunctionNames.Contains(trimmed);
                if (isUnit)
                {
                    unit = trimmed;
                    SkipUnitPower();
                    return true;
                }
            }

            _pos = save;
            return false;
        }

        if (char.IsLetter(Current))
        {
            var end = _pos;
            while (end < _text.Length && char.IsLetter(_text[end]))
            {
                end++;
            }

            var word = _text.Substring(_pos, end - _pos);
            var lower = word.ToLowerInvariant();
            var isUnit = word.Length >= 2 && !IsSeparatorWordAt(_pos, out _) && !FunctionNames.Contains(lower)
                && lower is not ("pi" or "inf" or "infty" or "infinity")
                && (UnitWords.Contains(word) || lower is "degree" or "degrees" or "percent" || (word.Length >= 4 && !StartsPlainFunction()));
            if (isUnit)
            {
                _pos = end;
                unit = word;
                SkipUnitPower();
                return true;
            }
        }

        return false;
    }

    private static bool IsUnitText(string text)
    {
        foreach (var c in text)
        {
            if (!(char.IsLetter(c) || char.IsWhiteSpace(c) || c is '.' or '/' or '-' or '^' or '\'' || char.IsAsciiDigit(c)))
            {
                return false;
            }
        }

        return text.Any(char.IsLetter);
    }

    private void SkipUnitPower()
    {
        var save = _pos;
        SkipSpace();
        if (Current == '^')
        {
            _pos++;
            if (char.IsAsciiDigit(Current))
            {
                _pos++;
                return;
            }

            if (Current == '{' && char.IsAsciiDigit(Peek(1)) && Peek(2) == '}')
            {
                _pos += 3;
                return;
            }
        }

        _pos = save;
    }

    // ---- characters ----

    private void SkipSpace()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (char.IsWhiteSpace(c) || c is '~' or '$')
            {
                _pos++;
                continue;
            }

            if (c != '\\' || _pos + 1 >= _text.Length)
            {
                return;
            }

            var next = _text[_pos + 1];
            if (next is ',' or ';' or ':' or '!' or ' ' or '$')
            {
                _pos += 2;
                continue;
            }

            if (!char.IsAsciiLetter(next))
            {
                return;
            }

            var save = _pos;
            var name = ReadCommandName();
            if (!SpacingCommands.Contains(name))
            {
                _pos = save;
                return;
            }

            if (name is not ("quad" or "qquad") && Current == '.')
            {
                // \left. and \right. are invisible delimiters.
                _pos++;
            }
        }
    }

    private string PeekCommandName()
    {
        var save = _pos;
        var name = ReadCommandName();
        _pos = save;
        return name;
    }

    /// <summary>Reads <c>\name</c> and returns "name"; for a non-letter command such as <c>\%</c> returns that character.</summary>
    private string ReadCommandName()
    {
        if (Current != '\\')
        {
            return string.Empty;
        }

        _pos++;
        var start = _pos;
        while (_pos < _text.Length && char.IsAsciiLetter(_text[_pos]))
        {
            _pos++;
        }

        if (_pos == start && _pos < _text.Length)
        {
            _pos++;
        }

        return _text.Substring(start, _pos - start);
    }

    /// <summary>Reads a balanced <c>{...}</c> at the cursor (after spaces) and returns its raw content.</summary>
    private bool TryReadBraceContent(out string content)
    {
        content = string.Empty;
        var save = _pos;
        while (_pos < _text.Length && _text[_pos] == ' ')
        {
            _pos++;
        }

        if (Current != '{')
        {
            _pos = save;
            return false;
        }

        var depth = 0;
        for (var i = _pos; i < _text.Length; i++)
        {
            if ((i & 0xFFFF) == 0)
            {
                // Nested \text{} rescans long content once per level: keep the clock in view.
                _budget.CheckNow();
            }

            var c = _text[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '{')
            {
                depth++;
            }
            else if (c == '}' && --depth == 0)
            {
                content = _text.Substring(_pos + 1, i - _pos - 1);
                _pos = i + 1;
                return true;
            }
        }

        _pos = save;
        return false;
    }
}
