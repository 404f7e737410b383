using System.Globalization;

namespace BestOfN.Verifier.Grading;

// Backslash commands: \frac, \sqrt, \binom, Greek letters, text and style commands.
internal sealed partial class MathParser
{
    private static readonly HashSet<string> GreekLetters = new(StringComparer.Ordinal)
    {
        "alpha", "beta", "gamma", "delta", "epsilon", "varepsilon", "zeta", "eta", "theta", "vartheta", "iota", "kappa",
        "lambda", "mu", "nu", "xi", "rho", "sigma", "tau", "upsilon", "phi", "varphi", "chi", "psi", "omega",
        "Gamma", "Delta", "Theta", "Lambda", "Xi", "Sigma", "Phi", "Psi", "Omega",
    };

    private static readonly HashSet<string> TextCommands = new(StringComparer.Ordinal)
    {
        "text", "textrm", "textit", "textbf", "textsf", "texttt", "textnormal", "textup", "mbox", "hbox",
    };

    private static readonly HashSet<string> MathStyleCommands = new(StringComparer.Ordinal)
    {
        "mathrm", "mathbf", "mathit", "mathsf", "mathtt", "boldsymbol", "bm", "mathnormal", "rm", "bf",
    };

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
            case "sum" or "prod":
                return ParseSumOver(isProduct: name == "prod");
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

    /// <summary><c>\sum_{k=1}^{n} k^2</c>: the bounds in either order, then one term (a bracket, or a product of factors).</summary>
    private MathNode ParseSumOver(bool isProduct)
    {
        string? variable = null;
        MathNode? lower = null;
        MathNode? upper = null;
        for (var scripts = 0; scripts < 2; scripts++)
        {
            SkipSpace();
            if (Current == '_' && lower is null)
            {
                _pos++;
                SkipSpace();
                if (!TryReadBraceContent(out var range))
                {
                    throw Error("a sum needs its range in braces: _{k=1}");
                }

                var equals = range.IndexOf('=', StringComparison.Ordinal);
                var name = equals < 0 ? string.Empty : range.Substring(0, equals).Trim();
                if (name.Length == 0 || !name.All(char.IsAsciiLetter) || name.Length > 1)
                {
                    throw Error("a sum's index must be one letter: _{k=1}");
                }

                variable = name;
                lower = Parse(range.Substring(equals + 1), _options, _budget, _depth + 1);
            }
            else if (Current == '^' && upper is null)
            {
                _pos++;
                upper = ParseScriptArgument(isExponent: true);
            }
        }

        if (variable is null || lower is null || upper is null)
        {
            throw Error("a sum needs both bounds");
        }

        SkipSpace();
        MathNode body;
        if (Current == '(')
        {
            body = ParsePrimary();
        }
        else
        {
            var factors = new List<MathNode> { ParsePower() };
            while (StartsImplicitFactor(allowFunctions: true))
            {
                factors.Add(ParsePower());
            }

            body = factors.Count == 1 ? factors[0] : new ProductNode(factors);
        }

        return new SumOverNode(body, variable, lower, upper, isProduct);
    }
}
