namespace BestOfN.Verifier.Grading;

// \begin{..}..\end{..} environments: matrices, arrays and cases.
internal sealed partial class MathParser
{
    private MathNode ParseEnvironment()
    {
        if (!TryReadBraceContent(out var environment))
        {
            throw Error("unbalanced \\begin");
        }

        environment = environment.Trim();
        if (environment is not ("pmatrix" or "bmatrix" or "Bmatrix" or "matrix" or "vmatrix" or "smallmatrix" or "array" or "cases"))
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

            // A cases row is "value & condition": the condition is a relation after an optional "if", or "otherwise".
            row.Add(environment == "cases" && row.Count > 0 ? ParseCaseCondition() : ParseUnion());
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

        if (environment == "cases" && rows[0].Count != 2)
        {
            throw Error("each row of cases needs a value and a condition");
        }

        if (environment == "vmatrix")
        {
            throw Error("determinants are not supported");
        }

        return new MatrixNode(rows);
    }

    private static readonly string[] ConditionWords = ["if", "for", "when", "where"];

    private static readonly string[] OtherwiseWords = ["otherwise", "else"];

    private MathNode ParseCaseCondition()
    {
        SkipSpace();
        var save = _pos;
        var word = ReadConditionWord();
        if (OtherwiseWords.Contains(word))
        {
            return new TextNode("otherwise");
        }

        if (!ConditionWords.Contains(word))
        {
            _pos = save;
        }

        return ParseRelation();
    }

    /// <summary>A word at the cursor, bare or as <c>\text{ if }</c>, lower-cased; empty when there is none.</summary>
    private string ReadConditionWord()
    {
        if (Current == '\\')
        {
            var save = _pos;
            var name = ReadCommandName();
            if (TextCommands.Contains(name) && TryReadBraceContent(out var content))
            {
                return content.Trim().ToLowerInvariant();
            }

            _pos = save;
            return string.Empty;
        }

        var start = _pos;
        while (char.IsAsciiLetter(Current))
        {
            _pos++;
        }

        var word = _text.Substring(start, _pos - start).ToLowerInvariant();
        if (!ConditionWords.Contains(word) && !OtherwiseWords.Contains(word))
        {
            _pos = start;
            return string.Empty;
        }

        return word;
    }
}
