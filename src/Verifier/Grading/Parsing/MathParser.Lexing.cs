namespace BestOfN.Verifier.Grading;

// Characters: skipped spacing, command names and balanced brace content.
internal sealed partial class MathParser
{
    private static readonly HashSet<string> SpacingCommands = new(StringComparer.Ordinal)
    {
        "quad", "qquad", "displaystyle", "textstyle", "scriptstyle", "limits", "nolimits", "mathstrut", "strut",
        "left", "right", "big", "Big", "bigg", "Bigg", "bigl", "bigr", "Bigl", "Bigr", "biggl", "biggr", "Biggl", "Biggr",
        "middle", "nonumber", "notag",
    };

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
