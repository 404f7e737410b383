namespace BestOfN.Verifier.Grading;

// \begin{..}..\end{..} environments: matrices and arrays.
internal sealed partial class MathParser
{
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
}
